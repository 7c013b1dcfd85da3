import { stringify } from "yaml";
import { isEmptyValue } from "@/lib/catalog/descriptor";
import type { CatalogEntity, EntityMetadata } from "@/lib/catalog/types";

// The order Backstage's docs and examples write metadata in; extra keys follow in their own order.
const METADATA_ORDER = ["name", "namespace", "title", "description", "labels", "annotations", "tags", "links"];

// These carry no meaning when empty, so a blank value Pave filled in is not written out.
const OMIT_WHEN_EMPTY = new Set(["namespace", "title", "description", "labels", "annotations", "tags", "links"]);

const YAML_OPTIONS = {
  // Never fold long lines: a description or definition must read back exactly.
  lineWidth: 0,
  // Two fields sharing one object must not turn into YAML anchors and aliases.
  aliasDuplicateObjects: false,
} as const;

/** Writes entities as a multi-document `catalog-info.yaml` that Backstage reads unchanged. */
export function toCatalogYaml(entities: CatalogEntity[]): string {
  return entities.map((entity) => stringify(orderEntity(entity), YAML_OPTIONS)).join("---\n");
}

// Only the four envelope keys: anything else on the object (ids, relations, status) is Pave's, not the file's.
function orderEntity(entity: CatalogEntity): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: orderMetadata(entity.metadata),
  };
  if (entity.spec !== undefined) ordered.spec = entity.spec;
  return ordered;
}

function orderMetadata(metadata: EntityMetadata): Record<string, unknown> {
  const keys = [
    ...METADATA_ORDER.filter((key) => key in metadata),
    ...Object.keys(metadata).filter((key) => !METADATA_ORDER.includes(key)),
  ];
  const ordered: Record<string, unknown> = {};
  for (const key of keys) {
    const value = metadata[key];
    if (value === undefined) continue;
    if (OMIT_WHEN_EMPTY.has(key) && isEmptyValue(value)) continue;
    ordered[key] = value;
  }
  return ordered;
}
