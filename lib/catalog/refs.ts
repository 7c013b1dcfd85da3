/**
 * Entity references in Backstage's string form, `[kind:][namespace/]name`.
 * Parsing follows Backstage's own rules so a file that Backstage accepts points
 * at the same entities here.
 */

export type EntityRef = { kind: string; namespace: string; name: string };

export type EntityRefContext = { defaultKind?: string; defaultNamespace?: string };

export const DEFAULT_NAMESPACE = "default";

/** A reference that cannot be read; the message is written for the person who wrote it. */
export class CatalogRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogRefError";
  }
}

/** Reads a reference, filling a missing kind and namespace from the context, as Backstage does. */
export function parseEntityRef(
  ref: string | { kind?: string; namespace?: string; name: string },
  context: EntityRefContext = {},
): EntityRef {
  if (typeof ref === "string") {
    if (ref === "") throw new CatalogRefError("an entity reference must not be empty");
    const parts = splitRefString(ref);
    return completeRef(ref, parts.kind ?? context.defaultKind, parts.namespace, parts.name, context);
  }
  if (ref === null || typeof ref !== "object" || typeof ref.name !== "string") {
    throw new CatalogRefError("an entity reference must be text or an object with a name");
  }
  return completeRef(describeObjectRef(ref), ref.kind ?? context.defaultKind, ref.namespace, ref.name, context);
}

/** The display form `kind:namespace/name`; the kind is lowercased, name and namespace keep their case. */
export function stringifyEntityRef(ref: EntityRef): string {
  return `${ref.kind.toLocaleLowerCase("en-US")}:${ref.namespace}/${ref.name}`;
}

/** The lowercased `kind:namespace/name` used as the unique key, since refs compare case-insensitively. */
export function entityRefKey(ref: EntityRef): string {
  return stringifyEntityRef(ref).toLocaleLowerCase("en-US");
}

type RefParts = { kind?: string; namespace?: string; name: string };

function splitRefString(ref: string): RefParts {
  const slash = ref.indexOf("/");
  let colon = ref.indexOf(":");
  // A colon after the slash belongs to the name (Backstage reads "ns/a:b" as name "a:b").
  if (slash !== -1 && slash < colon) colon = -1;

  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));

  if (kind === "" || namespace === "" || name === "") {
    throw new CatalogRefError(`entity reference "${ref}" must have the form [kind:][namespace/]name`);
  }
  return { kind, namespace, name };
}

function completeRef(
  shown: string,
  kind: string | undefined,
  namespace: string | undefined,
  name: string,
  context: EntityRefContext,
): EntityRef {
  // Backstage treats an empty default namespace as absent and falls back to "default".
  const resolvedNamespace = namespace ?? (context.defaultNamespace || DEFAULT_NAMESPACE);
  if (!kind) {
    throw new CatalogRefError(
      `entity reference "${shown}" has no kind; write it with one, e.g. "component:${shown}" or "resource:${shown}"`,
    );
  }
  if (!resolvedNamespace) throw new CatalogRefError(`entity reference "${shown}" has an empty namespace`);
  if (!name) throw new CatalogRefError(`entity reference "${shown}" has no name`);
  return { kind, namespace: resolvedNamespace, name };
}

function describeObjectRef(ref: { kind?: string; namespace?: string; name: string }): string {
  const kind = ref.kind ? `${ref.kind}:` : "";
  const namespace = ref.namespace ? `${ref.namespace}/` : "";
  return `${kind}${namespace}${ref.name}`;
}
