/**
 * The entities of Backstage's descriptor format (`catalog-info.yaml`) as Pave holds them:
 * the kinds and the entity types, with no imports. The parser (descriptor.ts), the
 * relations it derives (relations.ts) and everything that stores or shows entities share
 * them, so none of those needs another just to name an entity.
 */

export const CATALOG_KINDS = [
  "Component",
  "API",
  "Resource",
  "System",
  "Domain",
  "Group",
  "User",
  "Location",
  "Template",
] as const;

export type CatalogKind = (typeof CATALOG_KINDS)[number];

export type EntityLink = { url: string; title?: string; icon?: string; type?: string };

export type EntityMetadata = {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  /** Backstage allows extra metadata keys; they are kept so a file round-trips. */
  [key: string]: unknown;
};

export type CatalogEntity = {
  apiVersion: string;
  kind: string;
  metadata: EntityMetadata;
  spec?: Record<string, unknown>;
};
