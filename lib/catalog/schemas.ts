import { z } from "zod";

/** Facets the catalog filters on, in the order the page shows them. */
export const FACETS = ["kind", "type", "owner", "lifecycle", "system", "tag"] as const;
export type Facet = (typeof FACETS)[number];

export const SORTS = ["name", "kind", "type", "owner", "lifecycle", "updated"] as const;
export type SortColumn = (typeof SORTS)[number];

export const PAGE_SIZE = 25;

// A URL parameter may appear once, several times, or not at all.
const many = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().trim().min(1).max(200)).max(50));

/** The catalog page's whole state, as it lives in the URL (bad values fall back to defaults). */
export const catalogQuerySchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  kind: many.catch([]),
  type: many.catch([]),
  owner: many.catch([]),
  lifecycle: many.catch([]),
  system: many.catch([]),
  tag: many.catch([]),
  sort: z.enum(SORTS).catch("name").default("name"),
  dir: z.enum(["asc", "desc"]).catch("asc").default("asc"),
  /** Keyset cursors: rows after / before a position; "last" jumps to the final page. */
  after: z.string().max(600).optional().catch(undefined),
  before: z.string().max(600).optional().catch(undefined),
  page: z.enum(["last"]).optional().catch(undefined),
});
export type CatalogQuery = z.output<typeof catalogQuerySchema>;

/** Pasted or uploaded catalog-info.yaml. */
export const importYamlSchema = z.object({
  yaml: z.string({ message: "Paste or upload a catalog-info.yaml" }).min(1, "Paste or upload a catalog-info.yaml"),
});

export const locationSchema = z.object({
  target: z
    .string({ message: "Enter the URL of a catalog-info.yaml" })
    .trim()
    .min(1, "Enter the URL of a catalog-info.yaml")
    .max(1000, "That URL is too long"),
  /** A checkbox: present ("on") when the location's templates are to be offered in Create. */
  templateSource: z
    .literal("on")
    .optional()
    .transform((v) => v === "on"),
});

export const locationIdSchema = z.object({ locationId: z.string().min(1).max(64) });

/** Marking a location as a source of templates for Create, or unmarking it. */
export const templateSourceSchema = locationIdSchema.extend({
  enabled: z.enum(["true", "false"], { message: "Choose on or off" }).transform((v) => v === "true"),
});

/** A stored entity ref key (kind:namespace/name), as forms and actions send it. */
export const entityKeyField = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[a-z0-9]+:[a-z0-9._-]+\/[a-z0-9._-]+$/i, "Not an entity reference");

export const entityKeySchema = z.object({ key: entityKeyField });

const slug = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;
const refList = z
  .string()
  .max(2000)
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** The Component form (create and edit). Fields mirror Backstage's descriptor. */
export const componentFormSchema = z.object({
  name: z
    .string({ message: "Enter a name" })
    .trim()
    .min(1, "Enter a name")
    .max(63, "At most 63 characters")
    .regex(slug, 'Letters and digits, separated by single "-", "_" or "."'),
  title: z.string().trim().max(200, "At most 200 characters").optional(),
  description: z.string().trim().max(2000, "At most 2,000 characters").optional(),
  type: z.string({ message: "Choose a type" }).trim().min(1, "Choose a type").max(63).regex(slug, "Letters, digits and -_. only"),
  lifecycle: z
    .string({ message: "Choose a lifecycle" })
    .trim()
    .min(1, "Choose a lifecycle")
    .max(63)
    .regex(slug, "Letters, digits and -_. only"),
  owner: z.string({ message: "Choose an owner" }).trim().min(1, "Choose an owner").max(200),
  system: z.string().trim().max(200).optional(),
  tags: refList.pipe(
    z.array(z.string().max(63, "Each tag at most 63 characters").regex(/^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/, "Tags are lowercase a-z, 0-9, :, +, # separated by -")),
  ),
  dependsOn: refList,
  providesApis: refList,
  consumesApis: refList,
  /** Present when editing: the entity being edited. */
  key: z.string().max(300).optional(),
});
export type ComponentFormInput = z.output<typeof componentFormSchema>;
