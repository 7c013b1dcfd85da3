import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  catalogLimitsFromEnv,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_DOCUMENTS,
  DEFAULT_MAX_ENTITY_BYTES,
  DEFAULT_MAX_IMPORT_BYTES,
  ENTITY_NAME_RULE,
  NAMESPACE_RULE,
  TAG_RULE,
  parseCatalogYaml,
  summarizeEntity,
} from "@/lib/catalog/descriptor";
import { CATALOG_KINDS, type CatalogEntity } from "@/lib/catalog/types";
import { parseEnv } from "@/lib/env";

const component = (overrides: { metadata?: object; spec?: object; apiVersion?: string; kind?: string } = {}) => ({
  apiVersion: overrides.apiVersion ?? "backstage.io/v1alpha1",
  kind: overrides.kind ?? "Component",
  metadata: { name: "cart-service", ...overrides.metadata },
  spec: { type: "service", lifecycle: "production", owner: "team-checkout", ...overrides.spec },
});

// Builds a multi-document file from plain objects (strings are inserted as written).
const yamlOf = (...documents: unknown[]) =>
  documents.map((doc) => (typeof doc === "string" ? doc : stringify(doc))).join("---\n");

const errorsOf = (...documents: unknown[]) => parseCatalogYaml(yamlOf(...documents)).errors;

describe("parseCatalogYaml: valid input", () => {
  it("reads a component and keeps unknown metadata and spec keys", () => {
    const text = yamlOf(
      component({ metadata: { "acme.example/cost-centre": "cc-42", uid: "abc" }, spec: { "x-tier": 1, subcomponentOf: "shop" } }),
    );
    const { entities, errors } = parseCatalogYaml(text);
    expect(errors).toEqual([]);
    expect(entities).toEqual([
      {
        apiVersion: "backstage.io/v1alpha1",
        kind: "Component",
        metadata: { name: "cart-service", "acme.example/cost-centre": "cc-42", uid: "abc" },
        spec: { type: "service", lifecycle: "production", owner: "team-checkout", "x-tier": 1, subcomponentOf: "shop" },
      },
    ]);
  });

  it("reads every kind Pave knows", () => {
    const text = yamlOf(
      component(),
      { apiVersion: "backstage.io/v1alpha1", kind: "API", metadata: { name: "cart-api" }, spec: { type: "openapi", lifecycle: "production", owner: "team-checkout", definition: "openapi: 3.0.0" } },
      { apiVersion: "backstage.io/v1alpha1", kind: "Resource", metadata: { name: "orders-db" }, spec: { type: "database", owner: "team-checkout" } },
      { apiVersion: "backstage.io/v1alpha1", kind: "System", metadata: { name: "checkout" }, spec: { owner: "team-checkout" } },
      { apiVersion: "backstage.io/v1alpha1", kind: "Domain", metadata: { name: "commerce" }, spec: { owner: "engineering" } },
      { apiVersion: "backstage.io/v1alpha1", kind: "Group", metadata: { name: "team-checkout" }, spec: { type: "team", children: [] } },
      { apiVersion: "backstage.io/v1alpha1", kind: "User", metadata: { name: "max" }, spec: { memberOf: [] } },
      { apiVersion: "backstage.io/v1alpha1", kind: "Location", metadata: { name: "org" }, spec: {} },
      {
        apiVersion: "scaffolder.backstage.io/v1beta3",
        kind: "Template",
        metadata: { name: "go-service" },
        spec: { type: "service", parameters: [{ title: "Basics" }], steps: [{ id: "fetch", action: "fetch:template", input: { url: "./skeleton" } }] },
      },
    );
    const { entities, errors } = parseCatalogYaml(text);
    expect(errors).toEqual([]);
    expect(entities.map((e) => e.kind)).toEqual([...CATALOG_KINDS]);
  });

  it("skips empty documents but keeps counting them", () => {
    const text = yamlOf(component(), "# nothing here\n", "", component({ metadata: { name: "bad name" } }));
    const { entities, errors } = parseCatalogYaml(text);
    expect(entities).toHaveLength(1);
    expect(errors).toEqual([{ document: 4, field: "metadata.name", message: ENTITY_NAME_RULE }]);
  });

  it("reads an empty file as no entities and no errors", () => {
    expect(parseCatalogYaml("")).toEqual({ entities: [], errors: [] });
  });

  it("drops empty optional metadata, which means the same as none", () => {
    const { entities } = parseCatalogYaml(yamlOf(component({ metadata: { tags: [], labels: {}, description: "" } })));
    expect(entities[0]?.metadata).toEqual({ name: "cart-service" });
  });

  it("accepts the name, tag and key forms Backstage accepts", () => {
    const text = yamlOf(
      component({
        metadata: {
          name: "CircleciBuildsDumpV2_avro.gcs",
          namespace: "payments-eu",
          tags: ["java", "c++", "c#", "k8s:prod", "go-1-22"],
          labels: { "acme.example/tier": "gold", team: "", "app.kubernetes.io/name": "cart_v2" },
          annotations: { "github.com/project-slug": "acme/cart", "backstage.io/techdocs-ref": "dir:." },
          links: [{ url: "https://grafana.acme.example/d/cart", title: "Dashboard", icon: "dashboard", type: "metrics" }],
        },
      }),
    );
    expect(parseCatalogYaml(text).errors).toEqual([]);
  });
});

describe("parseCatalogYaml: apiVersion", () => {
  it.each(["Component", "API", "Resource", "System", "Domain", "Group", "User", "Location"])(
    "accepts backstage.io/v1beta1 for %s, as Backstage's schema does",
    (kind) => {
      const specs: Record<string, object> = {
        Component: { type: "service", lifecycle: "production", owner: "a" },
        API: { type: "openapi", lifecycle: "production", owner: "a", definition: "x" },
        Resource: { type: "database", owner: "a" },
        System: { owner: "a" },
        Domain: { owner: "a" },
        Group: { type: "team", children: [] },
        User: { memberOf: [] },
        Location: {},
      };
      const doc = { apiVersion: "backstage.io/v1beta1", kind, metadata: { name: "x" }, spec: specs[kind] };
      expect(errorsOf(doc)).toEqual([]);
    },
  );

  it("accepts only scaffolder.backstage.io/v1beta3 for Template", () => {
    const template = (apiVersion: string) => ({
      apiVersion,
      kind: "Template",
      metadata: { name: "t" },
      spec: { type: "service", steps: [] },
    });
    expect(errorsOf(template("scaffolder.backstage.io/v1beta3"))).toEqual([]);
    for (const wrong of ["backstage.io/v1beta1", "backstage.io/v1beta2", "backstage.io/v1beta3"]) {
      expect(errorsOf(template(wrong))).toEqual([
        { document: 1, field: "apiVersion", message: 'must be "scaffolder.backstage.io/v1beta3" for kind Template' },
      ]);
    }
  });

  it("rejects other versions for the built-in kinds", () => {
    expect(errorsOf(component({ apiVersion: "backstage.io/v1" }))).toEqual([
      { document: 1, field: "apiVersion", message: 'must be "backstage.io/v1alpha1" or "backstage.io/v1beta1" for kind Component' },
    ]);
  });
});

describe("parseCatalogYaml: errors", () => {
  it("names the document and line of malformed YAML and still reads the other documents", () => {
    const text = [stringify(component()), "kind: Component\nmetadata:\n  name: [broken\n", stringify(component({ metadata: { name: "b" } }))].join("---\n");
    const { entities, errors } = parseCatalogYaml(text);
    expect(entities.map((e) => e.metadata.name)).toEqual(["cart-service", "b"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ document: 2, field: "(yaml)" });
    expect(errors[0]?.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
    const line = Number(/line (\d+)/.exec(errors[0]?.message ?? "")?.[1]);
    // The second document spans the three lines after the first document and its "---".
    const firstDocumentLines = stringify(component()).split("\n").length - 1;
    expect(line).toBeGreaterThan(firstDocumentLines + 1);
    expect(line).toBeLessThanOrEqual(firstDocumentLines + 5);
  });

  it("reports a duplicate key as malformed YAML", () => {
    const errors = errorsOf("apiVersion: backstage.io/v1alpha1\nkind: Component\nkind: API\n");
    expect(errors).toEqual([
      { document: 1, field: "(yaml)", message: "invalid YAML at line 3, column 1: Map keys must be unique" },
    ]);
  });

  it("rejects an unknown kind and says which kinds exist", () => {
    const errors = errorsOf(component({ kind: "Service" }));
    expect(errors).toEqual([
      { document: 1, field: "kind", message: `"Service" is not a kind Pave knows; use one of ${CATALOG_KINDS.join(", ")}` },
    ]);
  });

  it("points out a kind in the wrong case", () => {
    expect(errorsOf(component({ kind: "component" }))).toEqual([
      { document: 1, field: "kind", message: 'must be written "Component" (kinds are case-sensitive)' },
    ]);
  });

  it("still checks the metadata of an unknown kind", () => {
    const errors = errorsOf({ apiVersion: "acme.example/v1", kind: "Service", metadata: { name: "-x" } });
    expect(errors.map((e) => e.field)).toEqual(["kind", "metadata.name"]);
  });

  it.each([
    ["has spaces", "cart service"],
    ["starts with a separator", "-cart"],
    ["ends with a separator", "cart."],
    ["is longer than 63 characters", "a".repeat(64)],
    ["is empty", ""],
  ])("rejects a name that %s", (_why, name) => {
    expect(errorsOf(component({ metadata: { name } }))).toEqual([{ document: 1, field: "metadata.name", message: ENTITY_NAME_RULE }]);
  });

  it("accepts a name of exactly 63 characters", () => {
    expect(errorsOf(component({ metadata: { name: "a".repeat(63) } }))).toEqual([]);
  });

  it("requires metadata.name", () => {
    expect(errorsOf(component({ metadata: { name: undefined } }))).toEqual([
      { document: 1, field: "metadata.name", message: "is required" },
    ]);
  });

  it("rejects a namespace that is not a lowercase DNS label", () => {
    for (const namespace of ["Payments", "pay_ments", "pay.ments", "-pay"]) {
      expect(errorsOf(component({ metadata: { namespace } }))).toEqual([
        { document: 1, field: "metadata.namespace", message: NAMESPACE_RULE },
      ]);
    }
  });

  it("rejects tags outside Backstage's tag rule", () => {
    const errors = errorsOf(component({ metadata: { tags: ["java", "Java", "two words", "a--b", "x".repeat(64)] } }));
    expect(errors).toEqual([
      { document: 1, field: "metadata.tags[1]", message: TAG_RULE },
      { document: 1, field: "metadata.tags[2]", message: TAG_RULE },
      { document: 1, field: "metadata.tags[3]", message: TAG_RULE },
      { document: 1, field: "metadata.tags[4]", message: TAG_RULE },
    ]);
  });

  it("checks label and annotation keys and values", () => {
    const errors = errorsOf(
      component({
        metadata: {
          labels: { "Acme.example/tier": "gold", tier: "gold plated", version: 2 },
          annotations: { "a/b/c": "x", "acme.example/ok": "any text at all: fine", count: 3 },
        },
      }),
    );
    expect(errors).toEqual([
      { document: 1, field: 'metadata.labels["Acme.example/tier"]', message: expect.stringMatching(/^key must be 1–63 characters/) },
      {
        document: 1,
        field: "metadata.labels.tier",
        message: 'must be empty or 1–63 characters of a-z, A-Z, 0-9 separated by "-", "_" or "."',
      },
      { document: 1, field: "metadata.labels.version", message: 'must be text (put it in quotes: "2")' },
      { document: 1, field: 'metadata.annotations["a/b/c"]', message: expect.stringMatching(/^key must be/) },
      { document: 1, field: "metadata.annotations.count", message: 'must be text (put it in quotes: "3")' },
    ]);
  });

  it("checks links", () => {
    const errors = errorsOf(component({ metadata: { links: [{ url: "not a url" }, { title: "No url" }, { url: "https://x.example", title: " " }] } }));
    expect(errors).toEqual([
      { document: 1, field: "metadata.links[0].url", message: 'must be an absolute URL such as "https://example.com"' },
      { document: 1, field: "metadata.links[1].url", message: "is required" },
      { document: 1, field: "metadata.links[2].title", message: "must not be blank" },
    ]);
  });

  it.each([
    ["Component", component({ spec: { owner: undefined } }), "spec.owner"],
    ["Component", component({ spec: { lifecycle: undefined } }), "spec.lifecycle"],
    ["API", { apiVersion: "backstage.io/v1alpha1", kind: "API", metadata: { name: "a" }, spec: { type: "grpc", lifecycle: "production", owner: "t" } }, "spec.definition"],
    ["Resource", { apiVersion: "backstage.io/v1alpha1", kind: "Resource", metadata: { name: "r" }, spec: { owner: "t" } }, "spec.type"],
    ["System", { apiVersion: "backstage.io/v1alpha1", kind: "System", metadata: { name: "s" }, spec: {} }, "spec.owner"],
    ["Domain", { apiVersion: "backstage.io/v1alpha1", kind: "Domain", metadata: { name: "d" }, spec: { type: "area" } }, "spec.owner"],
    ["Group", { apiVersion: "backstage.io/v1alpha1", kind: "Group", metadata: { name: "g" }, spec: { type: "team" } }, "spec.children"],
    ["User", { apiVersion: "backstage.io/v1alpha1", kind: "User", metadata: { name: "u" }, spec: {} }, "spec.memberOf"],
    ["Template", { apiVersion: "scaffolder.backstage.io/v1beta3", kind: "Template", metadata: { name: "t" }, spec: { type: "service" } }, "spec.steps"],
    ["Location", { apiVersion: "backstage.io/v1alpha1", kind: "Location", metadata: { name: "l" } }, "spec"],
  ])("reports a missing required field of %s", (_kind, doc, field) => {
    expect(errorsOf(doc)).toEqual([{ document: 1, field, message: "is required" }]);
  });

  it("explains wrong types in plain words", () => {
    const errors = errorsOf(component({ spec: { owner: 42, lifecycle: "", providesApis: "cart-api", dependsOn: [null] } }));
    expect(errors).toEqual([
      { document: 1, field: "spec.lifecycle", message: "must not be empty" },
      { document: 1, field: "spec.owner", message: 'must be text (put it in quotes: "42")' },
      { document: 1, field: "spec.providesApis", message: "must be a list, but is text" },
      { document: 1, field: "spec.dependsOn[0]", message: "must be text, but is empty" },
    ]);
  });

  it("checks the minimal shape of a template", () => {
    const errors = errorsOf({
      apiVersion: "scaffolder.backstage.io/v1beta3",
      kind: "Template",
      metadata: { name: "t" },
      spec: { type: "service", parameters: "name", steps: [{ id: "x" }, { action: "debug:log", if: 3 }] },
    });
    expect(errors).toEqual([
      { document: 1, field: "spec.parameters", message: "must be a mapping (one form page) or a list of mappings" },
      { document: 1, field: "spec.steps[0].action", message: "is required" },
      { document: 1, field: "spec.steps[1].if", message: "must be text or true/false" },
    ]);
  });

  it("rejects a document that is not a mapping", () => {
    expect(errorsOf("- a\n- b\n")).toEqual([
      { document: 1, field: "(document)", message: "must be a mapping with apiVersion, kind, metadata and spec" },
    ]);
  });

  it("rejects top-level fields Backstage does not allow", () => {
    expect(errorsOf({ ...component(), relations: [], status: {} })).toEqual([
      { document: 1, field: "relations", message: expect.stringContaining("not allowed at the top level") },
      { document: 1, field: "status", message: expect.stringContaining("not allowed at the top level") },
    ]);
  });

  it("reports a duplicate entity on the later document, naming the earlier one", () => {
    const { entities, errors } = parseCatalogYaml(
      yamlOf(component(), component({ metadata: { name: "other" } }), component({ metadata: { name: "Cart-Service" } })),
    );
    expect(entities.map((e) => e.metadata.name)).toEqual(["cart-service", "other"]);
    expect(errors).toEqual([
      {
        document: 3,
        field: "metadata.name",
        message: "component:default/Cart-Service is already defined in document 1 (names compare ignoring case)",
      },
    ]);
  });

  it("does not treat the same name in another kind or namespace as a duplicate", () => {
    const errors = errorsOf(
      component(),
      component({ metadata: { namespace: "eu" } }),
      { apiVersion: "backstage.io/v1alpha1", kind: "Resource", metadata: { name: "cart-service" }, spec: { type: "db", owner: "t" } },
    );
    expect(errors).toEqual([]);
  });

  it("reports a malformed reference in a spec field by its position", () => {
    const errors = errorsOf(
      component({ spec: { owner: "group:", system: "/checkout", dependsOn: ["resource:orders-db", "legacy-erp"], providesApis: ["cart-api"] } }),
    );
    expect(errors).toEqual([
      { document: 1, field: "spec.owner", message: 'entity reference "group:" must have the form [kind:][namespace/]name' },
      { document: 1, field: "spec.system", message: 'entity reference "/checkout" must have the form [kind:][namespace/]name' },
      {
        document: 1,
        field: "spec.dependsOn[1]",
        message: 'entity reference "legacy-erp" has no kind; write it with one, e.g. "component:legacy-erp" or "resource:legacy-erp"',
      },
    ]);
  });

  it("checks references of groups and users too", () => {
    const errors = errorsOf(
      { apiVersion: "backstage.io/v1alpha1", kind: "Group", metadata: { name: "g" }, spec: { type: "team", children: ["ok", ":x"], members: ["user:"] } },
      { apiVersion: "backstage.io/v1alpha1", kind: "User", metadata: { name: "u" }, spec: { memberOf: ["group:default/"] } },
    );
    expect(errors.map((e) => [e.document, e.field])).toEqual([
      [1, "spec.children[1]"],
      [1, "spec.members[0]"],
      [2, "spec.memberOf[0]"],
    ]);
  });

  it("rejects a file over the size limit as a whole", () => {
    const text = yamlOf(component(), component({ metadata: { name: "b" } }));
    const result = parseCatalogYaml(text, { maxBytes: 100 });
    expect(result).toEqual({
      entities: [],
      errors: [{ document: 0, field: "(file)", message: expect.stringContaining("; a catalog file may be at most 1 KiB") }],
    });
    expect(DEFAULT_MAX_BYTES).toBe(2 * 1024 * 1024);
    const big = `# ${"x".repeat(DEFAULT_MAX_BYTES)}\n`;
    expect(parseCatalogYaml(big).errors).toEqual([
      { document: 0, field: "(file)", message: "the file is 2.1 MiB; a catalog file may be at most 2 MiB" },
    ]);
  });

  it("counts bytes, not characters, against the size limit", () => {
    const text = `# ${"é".repeat(60)}\n`; // 120 bytes of é, 63 characters in all
    expect(parseCatalogYaml(text, { maxBytes: 100 }).errors).toHaveLength(1);
    expect(parseCatalogYaml(text, { maxBytes: 200 }).errors).toEqual([]);
  });

  it("rejects a file with too many documents as a whole", () => {
    const docs = [component(), component({ metadata: { name: "b" } }), component({ metadata: { name: "c" } })];
    expect(parseCatalogYaml(yamlOf(...docs), { maxDocuments: 3 }).errors).toEqual([]);
    expect(parseCatalogYaml(yamlOf(...docs), { maxDocuments: 2 })).toEqual({
      entities: [],
      errors: [
        { document: 0, field: "(file)", message: "the file has more than 2 YAML documents, the most one import may hold" },
      ],
    });
    expect(DEFAULT_MAX_DOCUMENTS).toBe(1000);
    expect(parseCatalogYaml("---\n".repeat(1001)).errors).toEqual([
      { document: 0, field: "(file)", message: "the file has more than 1000 YAML documents, the most one import may hold" },
    ]);
  });

  it("returns every error of every document at once", () => {
    const errors = errorsOf(
      component({ metadata: { name: "bad name", tags: ["Bad"] }, spec: { owner: undefined } }),
      component({ kind: "Gadget" }),
    );
    expect(errors.map((e) => [e.document, e.field])).toEqual([
      [1, "metadata.name"],
      [1, "metadata.tags[0]"],
      [1, "spec.owner"],
      [2, "kind"],
    ]);
  });
});

describe("parseCatalogYaml: YAML aliases", () => {
  const header = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: team-checkout
`;
  // One anchor of 20 KB referenced 99 times: a 20 KB document that is 2 MB once expanded.
  const anchorBomb = (name: string) =>
    `${header(name)}  blob: &blob "${"z".repeat(20_000)}"\n  copies:\n${Array.from({ length: 99 }, () => "    - *blob").join("\n")}\n`;
  // The classic nested shape ("billion laughs"), small enough to pass yaml's alias count: 27 copies of a 12 KB leaf.
  const nestedBomb = (name: string) =>
    `${header(name)}  l0: &l0 "${"z".repeat(12_000)}"\n  l1: &l1 [*l0, *l0, *l0]\n  l2: &l2 [*l1, *l1, *l1]\n  l3: [*l2, *l2, *l2]\n`;
  const entityTooBig = (document: number) => ({
    document,
    field: "(document)",
    message: `document ${document} is over 256 KiB once its YAML aliases are expanded; an entity may be at most 256 KiB (PAVE_CATALOG_MAX_ENTITY_BYTES)`,
  });

  it("refuses an entity whose one anchor, referenced 99 times, expands past the entity limit", () => {
    const text = yamlOf(header("before"), anchorBomb("bomb"), header("after"));
    expect(text.length).toBeLessThan(25_000);
    const result = parseCatalogYaml(text);
    expect(result.errors).toEqual([entityTooBig(2)]);
    expect(result.entities.map((e) => e.metadata.name)).toEqual(["before", "after"]);
    expect(DEFAULT_MAX_ENTITY_BYTES).toBe(256 * 1024);
  });

  it("refuses the nested billion-laughs shape", () => {
    expect(parseCatalogYaml(yamlOf(header("first"), nestedBomb("laughs"))).errors).toEqual([entityTooBig(2)]);
  });

  it("still reads aliases that stay within the limits, and the limit can be raised", () => {
    const shared = `${header("shared")}  links: &links [{url: "https://example.com/a"}, {url: "https://example.com/b"}]\n  more: *links\n`;
    expect(parseCatalogYaml(shared)).toMatchObject({ errors: [], entities: [{ spec: { more: [{ url: "https://example.com/a" }, { url: "https://example.com/b" }] } }] });
    expect(parseCatalogYaml(anchorBomb("bomb"), { maxEntityBytes: 4 * 1024 * 1024 }).errors).toEqual([]);
  });

  it("refuses a file whose entities each fit but together pass the import limit, naming the document that passes it", () => {
    // 90 entities of about 200 KB each once expanded (10 copies of a 20 KB anchor): 1.8 MB of text, 18 MB of entities.
    const entity = (i: number) => `${header(`svc-${String(i).padStart(2, "0")}`)}  blob: &blob "${"z".repeat(20_000)}"\n  copies: [${Array(9).fill("*blob").join(", ")}]\n`;
    const documents = Array.from({ length: 90 }, (_, i) => entity(i));
    const oneEntity = Buffer.byteLength(JSON.stringify(parseCatalogYaml(documents[0]!).entities[0]));
    expect(oneEntity).toBeLessThan(DEFAULT_MAX_ENTITY_BYTES);
    expect(DEFAULT_MAX_IMPORT_BYTES).toBe(16 * 1024 * 1024);
    const passing = Math.floor(DEFAULT_MAX_IMPORT_BYTES / oneEntity) + 1;

    const result = parseCatalogYaml(yamlOf(...documents));
    expect(result.errors).toEqual([
      {
        document: passing,
        field: "(file)",
        message: `document ${passing} takes the file over 16 MiB once YAML aliases are expanded; one import may be at most 16 MiB in all (PAVE_CATALOG_MAX_IMPORT_BYTES)`,
      },
    ]);
    // Each entity on its own is fine.
    expect(parseCatalogYaml(yamlOf(...documents.slice(0, passing - 1))).errors).toEqual([]);
  });

  it("counts refused entities toward the import limit and stops reading there", () => {
    const limits = { maxEntityBytes: 300 * 1024, maxImportBytes: 500 * 1024 };
    const result = parseCatalogYaml(yamlOf(anchorBomb("one"), anchorBomb("two"), "kind: [unclosed\n"), limits);
    expect(result.errors).toEqual([
      { document: 1, field: "(document)", message: "document 1 is over 300 KiB once its YAML aliases are expanded; an entity may be at most 300 KiB (PAVE_CATALOG_MAX_ENTITY_BYTES)" },
      { document: 2, field: "(file)", message: "document 2 takes the file over 500 KiB once YAML aliases are expanded; one import may be at most 500 KiB in all (PAVE_CATALOG_MAX_IMPORT_BYTES)" },
    ]);
  });

  it("uses the defaults of PAVE_CATALOG_MAX_ENTITY_BYTES and PAVE_CATALOG_MAX_IMPORT_BYTES when no limits are passed", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://localhost/pave", NEXTAUTH_SECRET: "s".repeat(32) });
    expect(catalogLimitsFromEnv(env)).toEqual({ maxEntityBytes: DEFAULT_MAX_ENTITY_BYTES, maxImportBytes: DEFAULT_MAX_IMPORT_BYTES });
  });

  it("refuses an entity that refers to itself or nests too deep", () => {
    expect(parseCatalogYaml(`${header("loop")}  self: &self {again: *self}\n`).errors).toEqual([
      { document: 1, field: "(yaml)", message: "document 1 refers to itself through a YAML alias, so it never ends" },
    ]);
    const deep = Array.from({ length: 70 }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`).join("\n");
    expect(parseCatalogYaml(`${header("deep")}${deep} end\n`).errors).toEqual([
      { document: 1, field: "(yaml)", message: "document 1 is nested more than 64 levels deep" },
    ]);
  });
});

describe("summarizeEntity", () => {
  const entity = (overrides: Partial<CatalogEntity> = {}): CatalogEntity => ({ ...component(), ...overrides });

  it("gives the indexed columns, with owner and system as ref keys", () => {
    const summary = summarizeEntity(
      entity({
        metadata: { name: "Cart-Service", title: "Cart", description: "Carts.", tags: ["go"] },
        spec: { type: "service", lifecycle: "production", owner: "Team-Checkout", system: "checkout" },
      }),
    );
    expect(summary).toEqual({
      key: "component:default/cart-service",
      kind: "Component",
      namespace: "default",
      name: "Cart-Service",
      title: "Cart",
      description: "Carts.",
      type: "service",
      lifecycle: "production",
      owner: "group:default/team-checkout",
      system: "system:default/checkout",
      tags: ["go"],
    });
  });

  it("resolves owner and system in the entity's namespace unless they say otherwise", () => {
    const summary = summarizeEntity(
      entity({ metadata: { name: "x", namespace: "eu" }, spec: { type: "service", lifecycle: "production", owner: "user:default/ada", system: "shop" } }),
    );
    expect(summary).toMatchObject({ key: "component:eu/x", namespace: "eu", owner: "user:default/ada", system: "system:eu/shop" });
  });

  it("gives null for what the entity does not have", () => {
    const summary = summarizeEntity({ apiVersion: "backstage.io/v1alpha1", kind: "User", metadata: { name: "ada" }, spec: { memberOf: [] } });
    expect(summary).toEqual({
      key: "user:default/ada",
      kind: "User",
      namespace: "default",
      name: "ada",
      title: null,
      description: null,
      type: null,
      lifecycle: null,
      owner: null,
      system: null,
      tags: [],
    });
  });

  it("does not read a system column for a System", () => {
    const summary = summarizeEntity({ apiVersion: "backstage.io/v1alpha1", kind: "System", metadata: { name: "s" }, spec: { owner: "t", domain: "d" } });
    expect(summary.system).toBeNull();
    expect(summary.owner).toBe("group:default/t");
  });
});
