import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { format } from "@cdktf/hcl-tools";
import { parse } from "@cdktf/hcl2json";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { AppError } from "@/lib/errors";
import {
  addAtlantisProject,
  branchName,
  DATABASE_MODULE_INPUTS,
  databaseFilePath,
  databasesAtlantisProject,
  DEFAULT_MODULE_SOURCE,
  hasTemplateSequence,
  quoteHclString,
  renderDatabaseHcl,
  validateDatabaseHcl,
  type DatabaseHclInput,
} from "@/lib/self-service/hcl";

const root = path.resolve(import.meta.dirname, "../..");
const options = { moduleSource: DEFAULT_MODULE_SOURCE };
const expected = { moduleSource: DEFAULT_MODULE_SOURCE, requiredInputs: DATABASE_MODULE_INPUTS, fileName: "checkout-service.tf" };

const request: DatabaseHclInput = {
  serviceName: "checkout-service",
  owner: "team-payments",
  environment: "staging",
  engine: "postgres",
  engineVersion: "16",
  tier: "medium",
  backupRetentionDays: 14,
  multiAz: false,
  requestId: "3f2a9c1e7b8d4e0f9a8b7c6d",
  requestUrl: "https://pave.example.com/self-service/databases/3f2a9c1e7b8d4e0f9a8b7c6d",
  requestedBy: "alice@example.com",
};

const RENDERED = `# Requested through Pave by alice@example.com
# Request: https://pave.example.com/self-service/databases/3f2a9c1e7b8d4e0f9a8b7c6d
module "db_checkout_service" {
  source = "../../../modules/managed-database"

  service_name          = "checkout-service"
  owner                 = "team-payments"
  environment           = "staging"
  engine                = "postgres"
  engine_version        = "16"
  tier                  = "medium"
  backup_retention_days = 14
  multi_az              = false

  vpc_id              = local.vpc_id
  subnet_ids          = local.database_subnet_ids
  allowed_cidr_blocks = local.app_cidr_blocks

  tags = {
    "pave-request-id"   = "3f2a9c1e7b8d4e0f9a8b7c6d"
    "pave-requested-by" = "alice@example.com"
  }
}
`;

/**
 * A string from hcl2json's output read as Terraform's JSON syntax reads it: `$${` and
 * `%%{` are the literal `${` and `%{`. (The output must not contain live sequences.)
 */
function literalOf(jsonString: string): string {
  let out = "";
  for (let i = 0; i < jsonString.length; i++) {
    const three = jsonString.slice(i, i + 3);
    if (three === "$${" || three === "%%{") {
      out += three.slice(1);
      i += 2;
    } else out += jsonString.charAt(i);
  }
  return out;
}

async function parsedModule(text: string): Promise<Record<string, unknown>> {
  const json = (await parse("t.tf", text)) as { module: Record<string, [Record<string, unknown>]> };
  const [body] = Object.values(json.module)[0]!;
  return body;
}

async function problemsOf(text: string, overrides: Partial<Parameters<typeof validateDatabaseHcl>[1]> = {}): Promise<string[]> {
  const result = await validateDatabaseHcl(text, { ...expected, ...overrides });
  return result.ok ? [] : result.problems;
}

describe("renderDatabaseHcl", () => {
  it("writes one module block with the request's inputs, formatted like terraform fmt", async () => {
    const text = await renderDatabaseHcl(request, options);
    expect(text).toBe(RENDERED);
    expect(await format(text)).toBe(text);
    expect(await validateDatabaseHcl(text, expected)).toEqual({ ok: true });
  });

  it("produces values Terraform reads back exactly", async () => {
    const body = await parsedModule(await renderDatabaseHcl({ ...request, engine: "mysql", engineVersion: "8.0", tier: "small" }, options));
    expect(body).toEqual({
      source: DEFAULT_MODULE_SOURCE,
      service_name: "checkout-service",
      owner: "team-payments",
      environment: "staging",
      engine: "mysql",
      engine_version: "8.0",
      tier: "small",
      backup_retention_days: 14,
      multi_az: false,
      vpc_id: "${local.vpc_id}",
      subnet_ids: "${local.database_subnet_ids}",
      allowed_cidr_blocks: "${local.app_cidr_blocks}",
      tags: { "pave-request-id": request.requestId, "pave-requested-by": "alice@example.com" },
    });
  });

  it("writes multi_az = true for prod, as the module will apply it", async () => {
    const body = await parsedModule(await renderDatabaseHcl({ ...request, environment: "prod", multiAz: false }, options));
    expect(body.multi_az).toBe(true);
  });

  it("keeps unicode in values exactly", async () => {
    const text = await renderDatabaseHcl({ ...request, owner: "équipe données 日本", requestedBy: "zoë@example.com" }, options);
    const body = await parsedModule(text);
    expect(body.owner).toBe("équipe données 日本");
    expect(body.tags).toMatchObject({ "pave-requested-by": "zoë@example.com" });
    // The comment keeps only ordinary address characters.
    expect(text.split("\n")[0]).toBe("# Requested through Pave by zo@example.com");
    expect(await validateDatabaseHcl(text, expected)).toEqual({ ok: true });
  });

  it.each([
    ["owner with a quote", { owner: 'team"a' }],
    ["owner with an interpolation", { owner: "${var.secret}" }],
    ["owner with a directive", { owner: "%{ if true }x%{ endif }" }],
    ["owner with a newline", { owner: "team\n}\nresource" }],
    ["owner with a backslash", { owner: "team\\" }],
    ["owner that is very long", { owner: "x".repeat(257) }],
    ["requester with a quote", { requestedBy: 'a"b@example.com' }],
    ["requester with an interpolation", { requestedBy: "${file(\"/etc/passwd\")}@example.com" }],
    ["requester with a newline", { requestedBy: "a@example.com\nresource" }],
    ["request id with a slash", { requestId: "../../etc/passwd" }],
    ["request link that isn't http", { requestUrl: "javascript:alert(1)" }],
    ["request link that isn't a URL", { requestUrl: "not a url" }],
    ["service name with a dot", { serviceName: "../x" }],
    ["unknown tier", { tier: "huge" as never }],
    ["prod with short backups", { environment: "prod" as const, backupRetentionDays: 3 }],
  ])("refuses an %s", async (_, change) => {
    await expect(renderDatabaseHcl({ ...request, ...change }, options)).rejects.toBeInstanceOf(AppError);
  });

  it("reduces a hostile request link to URL characters on a single comment line", async () => {
    const hostile = 'https://pave.example.com/r?q="x" ${var.y} %{ if }\n}\nresource "aws_s3_bucket" "x" {\n#\\ü';
    const text = await renderDatabaseHcl({ ...request, requestUrl: hostile }, options);
    const lines = text.split("\n");
    expect(lines).toHaveLength(RENDERED.split("\n").length);
    expect(lines[1]).toMatch(/^# Request: https:\/\/pave\.example\.com\/r\?q=[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/);
    expect(Object.keys(await parse("t.tf", text))).toEqual(["module"]);
    expect(await validateDatabaseHcl(text, expected)).toEqual({ ok: true });
  });
});

describe("quoteHclString", () => {
  const hostile = [
    'He said "hi"',
    "${var.x}",
    "${",
    "a$",
    "$",
    "$$",
    "$${x}",
    "$$${x}",
    "%{ if true }yes%{ endif }",
    "%%{",
    "%",
    "100%",
    "{}",
    "line one\nline two\r\n\tindented",
    "C:\\path\\",
    "\\${x}",
    "\\\\\"",
    "ends with a backslash\\",
    "équipe 日本 😀 \u00a0nbsp",
    "<<EOT\nheredoc\nEOT",
    "# not a comment // nor this /* */",
    `${"a\"b${c}%{d}\\e\n".repeat(5000)}`,
  ];

  it.each(hostile.map((value) => [value.length > 60 ? `${value.slice(0, 60)}… (${value.length} chars)` : value, value]))(
    "round-trips %j exactly through HashiCorp's parser",
    async (_, value) => {
      const json = await parse("t.tf", `value = ${quoteHclString(value)}\n`);
      expect(hasTemplateSequence(json.value as string)).toBe(false);
      expect(literalOf(json.value as string)).toBe(value);
    },
  );

  it("survives terraform fmt unchanged inside a module block", async () => {
    const text = `module "x" {\n  source = "s"\n  tags = {\n    "k" = ${quoteHclString(hostile.slice(0, 20).join(" "))}\n  }\n}\n`;
    expect(await format(text)).toBe(text);
  });

  it.each(["nul\u0000", "escape\u001b[31m", "bell\u0007", "del\u007f", "c1\u0085", "bidi\u202e", "isolate\u2066", "line\u2028sep", "lone\ud800"])(
    "refuses control characters: %j",
    (value) => {
      expect(() => quoteHclString(value)).toThrow(AppError);
    },
  );
});

describe("validateDatabaseHcl", () => {
  it("accepts the rendered file", async () => {
    expect(await problemsOf(RENDERED)).toEqual([]);
  });

  it("reports bad syntax with the file, line and column", async () => {
    const broken = RENDERED.replace('tier                  = "medium"', "tier                  = ");
    const problems = await problemsOf(broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Syntax error at checkout-service\.tf:1[01],\d+/);
  });

  it("refuses a second module block", async () => {
    const second = `${RENDERED}\nmodule "db_other" {\n  source = "../../../modules/managed-database"\n}\n`;
    expect(await problemsOf(second)).toContain("The file must contain exactly one module block; found 2");
  });

  it("refuses the same module block twice", async () => {
    expect(await problemsOf(`${RENDERED}\n${RENDERED}`)).toContain('The file must contain exactly one module block; found 2 named "db_checkout_service"');
  });

  it.each([
    ["resource", 'resource "aws_s3_bucket" "x" {\n  bucket = "x"\n}\n'],
    ["data", 'data "aws_iam_policy_document" "x" {}\n'],
    ["provider", 'provider "aws" {\n  region = "us-east-1"\n}\n'],
    ["locals", "locals {\n  x = 1\n}\n"],
    ["variable", 'variable "x" {}\n'],
    ["output", 'output "x" {\n  value = 1\n}\n'],
    ["terraform", "terraform {}\n"],
  ])("refuses a %s block next to the module", async (kind, block) => {
    expect(await problemsOf(`${RENDERED}\n${block}`)).toContain(`Only a module block is allowed; found "${kind}"`);
  });

  it("refuses a different source", async () => {
    const other = RENDERED.replace(DEFAULT_MODULE_SOURCE, "git::https://example.com/evil.git");
    expect(await problemsOf(other)).toContain(`The module source must be "${DEFAULT_MODULE_SOURCE}"`);
  });

  it("refuses a missing input", async () => {
    const missing = RENDERED.replace('  tier                  = "medium"\n', "");
    expect(await problemsOf(missing)).toEqual(['Missing input "tier"']);
  });

  it("refuses an unformatted file", async () => {
    const unformatted = RENDERED.replace('tier                  = "medium"', 'tier = "medium"');
    expect(await problemsOf(unformatted)).toEqual(["The file isn't formatted as `terraform fmt` would write it"]);
  });

  it.each([
    ["an interpolation", 'owner                 = "${var.secret}"'],
    ["a function call", 'owner                 = upper("x")'],
    ["a directive", 'owner                 = "%{if true}x%{endif}"'],
    ["a reference", "owner                 = local.vpc_id"],
  ])("refuses %s in a value", async (_, line) => {
    const text = await format(RENDERED.replace('owner                 = "team-payments"', line));
    expect(await problemsOf(text)).toEqual(['"owner" must be a plain value, not an expression or template']);
  });

  it("accepts escaped template sequences, which are plain text", async () => {
    const text = RENDERED.replace('"team-payments"', () => '"$${var.x} %%{ if }"');
    expect(await problemsOf(text)).toEqual([]);
  });

  it("refuses an interpolated tag key", async () => {
    const text = RENDERED.replace('"pave-request-id"  ', '"${var.k}"          ');
    expect(await problemsOf(await format(text))).toEqual(['"tags" must be a plain value, not an expression or template']);
  });

  it("refuses changed network inputs", async () => {
    const text = await format(RENDERED.replace("local.vpc_id", '"vpc-0123"'));
    expect(await problemsOf(text)).toEqual(['"vpc_id" must be local.vpc_id']);
  });

  it("refuses meta-arguments, unknown inputs and wrongly typed values", async () => {
    const text = await format(
      RENDERED.replace("  source", '  count = 2\n  providers = { aws = aws.other }\n  surprise = "x"\n  source').replace(
        "multi_az              = false",
        'multi_az = "false"',
      ),
    );
    expect((await problemsOf(text)).sort()).toEqual([
      '"count" isn\'t allowed in a database request',
      '"multi_az" must be a bool',
      '"providers" isn\'t allowed in a database request',
      'Unexpected input "surprise"',
    ]);
  });

  it("refuses a module block without one label", async () => {
    expect(await problemsOf('module {\n  source = "x"\n}\n')).toContain("The module block needs exactly one label");
    expect(await problemsOf('module "a" "b" {\n  source = "x"\n}\n')).toContain("The module block needs exactly one label");
  });

  it("refuses an empty file and a wrong label", async () => {
    expect(await problemsOf("")).toEqual(["The file must contain one module block"]);
    expect(await problemsOf(RENDERED, { moduleName: "db_other" })).toEqual(['The module block must be named "db_other", not "db_checkout_service"']);
  });

  it("refuses bidirectional controls even in comments", async () => {
    expect(await problemsOf(`# \u202e hidden\n${RENDERED}`)).toEqual(["The file contains a character that isn't allowed (U+202E)"]);
  });
});

describe("paths and names", () => {
  it("puts a request's file in its environment's databases root", () => {
    expect(databaseFilePath("prod", "checkout-service")).toBe("terraform/envs/prod/databases/checkout-service.tf");
    expect(() => databaseFilePath("prod", "../../main")).toThrow(AppError);
    expect(() => databaseFilePath("qa", "checkout-service")).toThrow(AppError);
  });

  it("names the branch after the service, environment and request", () => {
    expect(branchName("checkout-service", "dev", "3F2A9C1E7B8D4E0F")).toBe("pave/db/checkout-service-dev-3f2a9c1e");
    expect(() => branchName("checkout-service", "dev", "a b")).toThrow(AppError);
  });
});

describe("addAtlantisProject", () => {
  const atlantis = readFileSync(path.join(root, "terraform/atlantis.yaml"), "utf8");
  const project = { name: "qa-databases", dir: "terraform/envs/qa/databases" };

  it("appends a project, leaving the rest of the file as it was", () => {
    const updated = addAtlantisProject(atlantis, project);
    expect(updated.startsWith(atlantis)).toBe(true);
    expect(updated.slice(atlantis.length)).toBe(
      [
        "  - name: qa-databases",
        "    dir: terraform/envs/qa/databases",
        "    workspace: default",
        "    autoplan:",
        "      enabled: true",
        '      when_modified: [ "*.tf", "../../../modules/**/*.tf" ]',
        "",
      ].join("\n"),
    );
    expect(parseYaml(updated).projects.at(-1)).toEqual({
      name: "qa-databases",
      dir: "terraform/envs/qa/databases",
      workspace: "default",
      autoplan: { enabled: true, when_modified: ["*.tf", "../../../modules/**/*.tf"] },
    });
  });

  it("leaves the file alone when the directory already has a project", () => {
    expect(addAtlantisProject(atlantis, databasesAtlantisProject("prod"))).toBe(atlantis);
    expect(addAtlantisProject(atlantis, { name: "anything", dir: "terraform/envs/prod/databases/" })).toBe(atlantis);
  });

  it("refuses a name another directory already uses, and directories outside the repo", () => {
    expect(() => addAtlantisProject(atlantis, { name: "dev-databases", dir: "envs/dev/databases" })).toThrow(/already has a project named/);
    expect(() => addAtlantisProject(atlantis, { name: "x", dir: "../elsewhere" })).toThrow(AppError);
    expect(() => addAtlantisProject(atlantis, { name: "x", dir: "/abs" })).toThrow(AppError);
  });

  it("starts a project list and keeps comments", () => {
    const updated = addAtlantisProject("# managed by hand\nversion: 3\n", project);
    expect(updated.startsWith("# managed by hand\nversion: 3\nprojects:\n  - name: qa-databases\n")).toBe(true);
  });

  // A project entry whose when_modified list expands to more than 1 MiB, appended to the real file.
  const withProject = (lines: string) => `${atlantis}  - name: big\n    dir: terraform/envs/big\n    autoplan:\n${lines}`;
  const tooBig = new Error("atlantis.yaml can't be read: it is over 1 MiB once its YAML aliases are expanded");

  it("refuses an atlantis.yaml whose one anchor, referenced 99 times, expands past 1 MiB", () => {
    const bomb = withProject(`      when_modified: [&glob "${"z".repeat(20_000)}", ${Array(99).fill("*glob").join(", ")}]\n`);
    expect(bomb.length).toBeLessThan(30_000);
    expect(() => addAtlantisProject(bomb, project)).toThrow(tooBig);
  });

  it("refuses an atlantis.yaml with the nested billion-laughs shape", () => {
    const leaf = `"${"z".repeat(48_000)}"`;
    const laughs = withProject(`      l0: &l0 ${leaf}\n      l1: &l1 [*l0, *l0, *l0]\n      l2: &l2 [*l1, *l1, *l1]\n      when_modified: [*l2, *l2, *l2]\n`);
    expect(() => addAtlantisProject(laughs, project)).toThrow(tooBig);
  });

  it("still edits an atlantis.yaml that uses aliases within the limit", () => {
    const shared = withProject(`      enabled: true\n      when_modified: &globs ["*.tf"]\n  - name: big-2\n    dir: terraform/envs/big-2\n    autoplan: {enabled: true, when_modified: *globs}\n`);
    expect(addAtlantisProject(shared, project)).toContain("  - name: qa-databases\n");
  });

  it("lists a project for every Terraform root in the reference layout", () => {
    const roots = terraformFiles()
      .map((file) => path.posix.dirname(file))
      .filter((dir, i, all) => all.indexOf(dir) === i && dir.startsWith("terraform/envs/"))
      .sort();
    const dirs = (parseYaml(atlantis) as { projects: { dir: string }[] }).projects.map((p) => p.dir).sort();
    expect(dirs).toEqual(roots);
  });
});

function terraformFiles(dir = "terraform"): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return terraformFiles(rel);
    return entry.name.endsWith(".tf") ? [rel] : [];
  });
}

describe("the reference infrastructure layout", () => {
  it("is valid HCL and formatted like terraform fmt", async () => {
    const files = terraformFiles();
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8");
      await expect(parse(path.basename(file), text), file).resolves.toBeTypeOf("object");
      expect(await format(text), file).toBe(text);
    }
  });

  it("never lets a service's file replace a root's own files", () => {
    const rootFiles = terraformFiles().filter((file) => file.includes("/databases/"));
    for (const file of rootFiles) expect(path.basename(file), file).toMatch(/^_/);
  });
});
