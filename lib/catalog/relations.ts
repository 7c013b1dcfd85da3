import type { CatalogEntity } from "@/lib/catalog/types";
import { DEFAULT_NAMESPACE, entityRefKey, parseEntityRef } from "@/lib/catalog/refs";

/** Backstage's well-known relation types, as pairs of a relation and its inverse. */
export const RELATION_PAIRS = [
  ["ownedBy", "ownerOf"],
  ["partOf", "hasPart"],
  ["providesApi", "apiProvidedBy"],
  ["consumesApi", "apiConsumedBy"],
  ["dependsOn", "dependencyOf"],
  ["childOf", "parentOf"],
  ["memberOf", "hasMember"],
] as const;

export type RelationType = (typeof RELATION_PAIRS)[number][number];

export const RELATION_TYPES: readonly RelationType[] = RELATION_PAIRS.flat();

export type Relation = { source: string; type: RelationType; target: string };

/**
 * A spec field that holds entity references. `defaultKind` is the kind assumed
 * when the reference leaves it out; without one, the reference must name its kind.
 */
export type RefField = { field: string; defaultKind?: string; relation: RelationType };

/**
 * The reference fields of each kind and the relation they produce, taken from
 * Backstage's descriptor format docs and its built-in kinds processor (Template's
 * owner comes from the scaffolder's processor).
 */
export const REF_FIELDS: Readonly<Record<string, readonly RefField[]>> = {
  Component: [
    { field: "owner", defaultKind: "Group", relation: "ownedBy" },
    { field: "system", defaultKind: "System", relation: "partOf" },
    { field: "subcomponentOf", defaultKind: "Component", relation: "partOf" },
    { field: "providesApis", defaultKind: "API", relation: "providesApi" },
    { field: "consumesApis", defaultKind: "API", relation: "consumesApi" },
    { field: "dependsOn", relation: "dependsOn" },
    { field: "dependencyOf", relation: "dependencyOf" },
  ],
  API: [
    { field: "owner", defaultKind: "Group", relation: "ownedBy" },
    { field: "system", defaultKind: "System", relation: "partOf" },
  ],
  Resource: [
    { field: "owner", defaultKind: "Group", relation: "ownedBy" },
    { field: "system", defaultKind: "System", relation: "partOf" },
    { field: "dependsOn", relation: "dependsOn" },
    { field: "dependencyOf", relation: "dependencyOf" },
  ],
  System: [
    { field: "owner", defaultKind: "Group", relation: "ownedBy" },
    { field: "domain", defaultKind: "Domain", relation: "partOf" },
  ],
  Domain: [
    { field: "owner", defaultKind: "Group", relation: "ownedBy" },
    { field: "subdomainOf", defaultKind: "Domain", relation: "partOf" },
  ],
  Group: [
    { field: "parent", defaultKind: "Group", relation: "childOf" },
    { field: "children", defaultKind: "Group", relation: "parentOf" },
    { field: "members", defaultKind: "User", relation: "hasMember" },
  ],
  User: [{ field: "memberOf", defaultKind: "Group", relation: "memberOf" }],
  Template: [{ field: "owner", defaultKind: "Group", relation: "ownedBy" }],
  Location: [],
};

const INVERSES = new Map<RelationType, RelationType>(
  RELATION_PAIRS.flatMap(([forward, backward]) => [
    [forward, backward],
    [backward, forward],
  ]),
);

/** The relation type that points the other way, e.g. ownerOf for ownedBy. */
export function inverseRelation(type: RelationType): RelationType {
  const inverse = INVERSES.get(type);
  if (!inverse) throw new Error(`Unknown relation type ${type}`);
  return inverse;
}

/** The reference fields of a kind; none for a kind Pave does not know. */
export function listRefFields(kind: string): readonly RefField[] {
  return Object.hasOwn(REF_FIELDS, kind) ? (REF_FIELDS[kind] ?? []) : [];
}

// A spec field holds one ref or a list of them; anything else (a validation error) yields none.
function listFieldRefs(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/**
 * Every relation an entity's spec implies, in both directions, as entity ref keys.
 * References that do not parse are skipped: validation reports them.
 */
export function deriveRelations(entity: CatalogEntity): Relation[] {
  const namespace = entity.metadata.namespace ?? DEFAULT_NAMESPACE;
  const self = entityRefKey({ kind: entity.kind, namespace, name: entity.metadata.name });
  const relations = new Map<string, Relation>();

  const add = (source: string, type: RelationType, target: string) => {
    relations.set(`${source} ${type} ${target}`, { source, type, target });
  };

  for (const { field, defaultKind, relation } of listRefFields(entity.kind)) {
    for (const raw of listFieldRefs(entity.spec?.[field])) {
      let target: string;
      try {
        target = entityRefKey(parseEntityRef(raw, { defaultKind, defaultNamespace: namespace }));
      } catch {
        continue;
      }
      add(self, relation, target);
      add(target, inverseRelation(relation), self);
    }
  }
  return [...relations.values()];
}
