/** The entity page URL for a kind/namespace/name. */
export function entityHref(ref: { kind: string; namespace: string; name: string }): string {
  return `/catalog/${encodeURIComponent(ref.kind.toLowerCase())}/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

/** The link to one docs page of an entity (its Docs tab). */
export function docsPageHref(entity: { kind: string; namespace: string; name: string }, path: string): string {
  return `${entityHref(entity)}?tab=docs&path=${encodeURIComponent(path)}`;
}

/** Splits a ref key ("component:default/checkout") into its parts. */
export function splitRefKey(key: string): { kind: string; namespace: string; name: string } {
  const colon = key.indexOf(":");
  const slash = key.indexOf("/", colon + 1);
  return { kind: key.slice(0, colon), namespace: key.slice(colon + 1, slash), name: key.slice(slash + 1) };
}

/** The entity page URL for a ref key. */
export function entityHrefFromKey(key: string): string {
  return entityHref(splitRefKey(key));
}

/** A short label for a ref key: the name, with the kind when it is not the expected one. */
export function refLabel(key: string, expectedKind?: string): string {
  if (!key) return "";
  const ref = splitRefKey(key);
  const ns = ref.namespace === "default" ? "" : `${ref.namespace}/`;
  return expectedKind && ref.kind === expectedKind ? `${ns}${ref.name}` : `${ref.kind}:${ns}${ref.name}`;
}

type QueryState = {
  q?: string;
  kind: string[];
  type: string[];
  owner: string[];
  lifecycle: string[];
  system: string[];
  tag: string[];
  sort: string;
  dir: string;
  after?: string;
  before?: string;
  page?: string;
};

/**
 * The catalog URL for a query state with some parts changed. Any change other than a
 * page move drops the cursors, so a new filter starts at the first page.
 */
export function catalogHref(state: QueryState, change: Partial<QueryState> = {}): string {
  const paging = "after" in change || "before" in change || "page" in change;
  const next: QueryState = { ...state, ...(paging ? {} : { after: undefined, before: undefined, page: undefined }), ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  for (const facet of ["kind", "type", "owner", "lifecycle", "system", "tag"] as const) {
    for (const value of next[facet]) params.append(facet, value);
  }
  if (next.sort !== "name") params.set("sort", next.sort);
  if (next.dir !== "asc") params.set("dir", next.dir);
  if (next.after) params.set("after", next.after);
  if (next.before) params.set("before", next.before);
  if (next.page) params.set("page", next.page);
  const search = params.toString();
  return search ? `/catalog?${search}` : "/catalog";
}

/** The same state with one facet value switched on or off. */
export function toggleFacet(state: QueryState, facet: "kind" | "type" | "owner" | "lifecycle" | "system" | "tag", value: string): string {
  const values = state[facet];
  return catalogHref(state, { [facet]: values.includes(value) ? values.filter((v) => v !== value) : [...values, value] });
}
