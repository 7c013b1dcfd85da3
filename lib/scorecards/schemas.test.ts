import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_SCORECARD_BYTES, parseScorecardYaml, type ScorecardParseError } from "@/lib/scorecards/schemas";

const valid = `apiVersion: pave.dev/v1
kind: Scorecard
metadata:
  name: service-basics
  title: Service basics
  description: The minimum.
spec:
  appliesTo:
    kind: [Component]
    type: [service]
  levels:
    - { id: bronze, title: Bronze }
    - { id: gold, title: Gold }
  rules:
    - id: owned
      title: Owned by a team
      level: bronze
      check: owner-is-group
      howToFix: Set spec.owner to a group.
      link: /catalog/component/default/platform-handbook?tab=docs
    - id: fast
      title: Lead time high
      level: gold
      check: { type: dora-tier, metric: leadTime, atLeast: high }
      howToFix: Ship smaller changes.
      link: https://dora.dev/guides/
`;

/** The valid scorecard with one line replaced. */
const withLine = (from: string, to: string) => {
  if (!valid.includes(from)) throw new Error(`fixture has no ${from}`);
  return valid.replace(from, to);
};

function errorsOf(text: string): ScorecardParseError[] {
  const result = parseScorecardYaml(text, "basics.yaml");
  if (result.ok) throw new Error("expected the scorecard to be refused");
  return result.errors;
}

describe("parseScorecardYaml", () => {
  it("parses a valid scorecard, applying check defaults", () => {
    const result = parseScorecardYaml(valid, "basics.yaml");
    expect(result).toEqual({
      ok: true,
      definition: {
        name: "service-basics",
        title: "Service basics",
        description: "The minimum.",
        appliesTo: { kind: ["Component"], type: ["service"] },
        levels: [
          { id: "bronze", title: "Bronze" },
          { id: "gold", title: "Gold" },
        ],
        rules: [
          {
            id: "owned",
            title: "Owned by a team",
            level: "bronze",
            check: { type: "owner-is-group", params: {} },
            howToFix: "Set spec.owner to a group.",
            link: "/catalog/component/default/platform-handbook?tab=docs",
          },
          {
            id: "fast",
            title: "Lead time high",
            level: "gold",
            check: { type: "dora-tier", params: { metric: "leadTime", atLeast: "high", days: 90, profile: "dora-default" } },
            howToFix: "Ship smaller changes.",
            link: "https://dora.dev/guides/",
          },
        ],
      },
    });
  });

  it("parses the demo scorecard", () => {
    const file = path.resolve(import.meta.dirname, "definitions/production-readiness.yaml");
    const result = parseScorecardYaml(readFileSync(file, "utf8"), "production-readiness.yaml");
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.definition.levels.map((l) => l.id)).toEqual(["bronze", "silver", "gold"]);
    expect(result.definition.rules.length).toBeGreaterThanOrEqual(12);
    for (const rule of result.definition.rules) expect(rule.link).toMatch(/^\/catalog\/component\/default\/platform-handbook\?tab=docs&path=production-readiness%2F[a-z-]+$/);
  });

  it("refuses YAML syntax errors with the line", () => {
    expect(errorsOf(withLine("  title: Service basics", "  title: [Service basics"))).toEqual([
      { file: "basics.yaml", path: "(yaml)", message: expect.stringMatching(/^invalid YAML at line \d+, column \d+: /) },
    ]);
  });

  it("refuses a scorecard whose one anchor, referenced 99 times, expands past 256 KiB", () => {
    // Valid apart from its size: appliesTo.type takes any list of names.
    const bomb = withLine("    type: [service]", `    type: [&t "${"z".repeat(20_000)}", ${Array(99).fill("*t").join(", ")}]`);
    expect(bomb.length).toBeLessThan(MAX_SCORECARD_BYTES);
    expect(errorsOf(`---\n---\n${bomb}`)).toEqual([
      { file: "basics.yaml", path: "(yaml)", message: "document 2 is over 256 KiB once its YAML aliases are expanded; a scorecard may be at most 256 KiB" },
    ]);
  });

  it("refuses the nested billion-laughs shape", () => {
    const laughs = `${valid}  l0: &l0 "${"z".repeat(12_000)}"\n  l1: &l1 [*l0, *l0, *l0]\n  l2: &l2 [*l1, *l1, *l1]\n  l3: [*l2, *l2, *l2]\n`;
    expect(errorsOf(laughs)).toEqual([
      { file: "basics.yaml", path: "(yaml)", message: "document 1 is over 256 KiB once its YAML aliases are expanded; a scorecard may be at most 256 KiB" },
    ]);
  });

  it("still reads a scorecard that uses aliases within the limit", () => {
    const shared = withLine("    type: [service]", "    type: &types [service, website]\n    lifecycle: *types");
    expect(parseScorecardYaml(shared, "basics.yaml")).toMatchObject({ ok: true, definition: { appliesTo: { type: ["service", "website"], lifecycle: ["service", "website"] } } });
  });

  it("refuses more than one document, and an empty file", () => {
    expect(errorsOf(`${valid}---\n${valid}`)).toEqual([{ file: "basics.yaml", path: "(file)", message: "holds 2 YAML documents; a scorecard file holds exactly one" }]);
    expect(errorsOf("")).toEqual([{ file: "basics.yaml", path: "(file)", message: "is empty; expected a Scorecard document" }]);
    expect(errorsOf("---\n# nothing here\n---\n")).toEqual([{ file: "basics.yaml", path: "(file)", message: "is empty; expected a Scorecard document" }]);
  });

  it("ignores empty documents, such as a trailing ---", () => {
    expect(parseScorecardYaml(`${valid}---\n`, "basics.yaml")).toEqual(parseScorecardYaml(valid, "basics.yaml"));
    expect(parseScorecardYaml(`---\n${valid}---\n# the end\n---\n`, "basics.yaml")).toMatchObject({ ok: true, definition: { name: "service-basics" } });
  });

  it('refuses the level id "none", which stands for no level in the overview\'s filter', () => {
    expect(errorsOf(withLine("{ id: gold, title: Gold }", "{ id: none, title: Gold }").replace("level: gold", "level: none"))).toEqual([
      { file: "basics.yaml", path: "spec.levels[1].id", message: '"none" is reserved for entities without a level; choose another level id' },
    ]);
  });

  it("refuses an unknown check type and lists the known ones", () => {
    const [error] = errorsOf(withLine("check: owner-is-group", "check: owner-is-team"));
    expect(error).toMatchObject({ file: "basics.yaml", path: "spec.rules[0].check" });
    expect(error!.message).toMatch(/^unknown check type "owner-is-team"; known types are owner-is-group, has-description, .*dora-tier/);
    expect(errorsOf(withLine("check: owner-is-group", "check: { type: nope }"))[0]).toMatchObject({ path: "spec.rules[0].check.type" });
  });

  it("refuses bad params with the check's own schema", () => {
    expect(errorsOf(withLine("metric: leadTime", "metric: speed"))).toEqual([
      { file: "basics.yaml", path: "spec.rules[1].check.metric", message: "expected one of deploymentFrequency, leadTime, changeFailureRate, timeToRestore" },
    ]);
    expect(errorsOf(withLine("atLeast: high }", "atLeast: high, day: 30 }"))).toEqual([
      { file: "basics.yaml", path: "spec.rules[1].check.day", message: "is not a parameter of the dora-tier check" },
    ]);
    expect(errorsOf(withLine("check: owner-is-group", "check: dora-tier")).map((e) => e.path)).toEqual(["spec.rules[0].check.metric", "spec.rules[0].check.atLeast"]);
  });

  it("refuses a rule whose level is not among the levels, and a level without rules", () => {
    expect(errorsOf(withLine("level: gold", "level: silver"))).toEqual([
      { file: "basics.yaml", path: "spec.rules[1].level", message: '"silver" is not one of the levels (bronze, gold)' },
      { file: "basics.yaml", path: "spec.levels[1]", message: 'level "gold" has no rules' },
    ]);
  });

  it("refuses duplicate rule ids and duplicate level ids", () => {
    expect(errorsOf(withLine("id: fast", "id: owned"))).toEqual([{ file: "basics.yaml", path: "spec.rules[1].id", message: 'duplicate rule id "owned"' }]);
    expect(errorsOf(withLine("{ id: gold, title: Gold }", "{ id: bronze, title: Gold }"))).toContainEqual({
      file: "basics.yaml",
      path: "spec.levels[1].id",
      message: 'duplicate level id "bronze"',
    });
  });

  it("refuses a broken appliesTo", () => {
    expect(errorsOf(withLine("type: [service]", "owner: [team-a]"))).toEqual([{ file: "basics.yaml", path: "spec.appliesTo.owner", message: "is not a known key" }]);
    expect(errorsOf(withLine("type: [service]", "type: service"))).toEqual([{ file: "basics.yaml", path: "spec.appliesTo.type", message: "must be a list of types, e.g. [service]" }]);
    expect(errorsOf(withLine("type: [service]", "type: []"))).toEqual([{ file: "basics.yaml", path: "spec.appliesTo.type", message: "must list at least one type, or be left out" }]);
    const [kind] = errorsOf(withLine("kind: [Component]", "kind: [component]"));
    expect(kind).toMatchObject({ path: "spec.appliesTo.kind[0]" });
    expect(kind!.message).toMatch(/^unknown kind "component"; kinds are Component, API, /);
  });

  it("refuses a bad metadata.name, unknown keys and links with other schemes", () => {
    expect(errorsOf(withLine("name: service-basics", "name: Service_Basics"))).toEqual([
      { file: "basics.yaml", path: "metadata.name", message: "must be lowercase letters and digits separated by single dashes, e.g. production-readiness" },
    ]);
    expect(errorsOf(withLine("howToFix: Ship smaller changes.", "howTofix: Ship smaller changes."))).toEqual([
      { file: "basics.yaml", path: "spec.rules[1].howToFix", message: "is required" },
      { file: "basics.yaml", path: "spec.rules[1].howTofix", message: "is not a known key" },
    ]);
    for (const link of ["javascript:alert(1)", "//evil.example/x", "http://example.com", "data:text/html,x"]) {
      expect(errorsOf(withLine("link: https://dora.dev/guides/", `link: "${link}"`))).toEqual([
        { file: "basics.yaml", path: "spec.rules[1].link", message: 'must be an https:// URL or a path on Pave starting with "/"' },
      ]);
    }
  });

  it("lists every problem at once", () => {
    const errors = errorsOf(withLine("name: service-basics", "name: Bad").replace("metric: leadTime", "metric: speed").replace("level: gold", "level: silver"));
    expect(errors.map((e) => e.path)).toEqual(["metadata.name", "spec.rules[1].check.metric", "spec.rules[1].level", "spec.levels[1]"]);
  });
});
