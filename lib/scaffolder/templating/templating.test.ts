import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it, vi } from "vitest";
import {
  DEFAULT_WORK_BUDGET,
  evaluateCondition,
  evaluateValue,
  FILTERS,
  findSecretUses,
  renderString,
  TemplateError,
  WorkBudget,
  type TemplateContext,
} from "@/lib/scaffolder/templating";

const context: TemplateContext = {
  parameters: {
    name: "Payments API",
    component_id: "payments-api",
    port: 8080,
    public: false,
    tags: ["java", "payments", "java"],
    owner: "group:default/team-pay",
    repoUrl: "github.com?owner=acme&repo=payments-api",
    nested: { deep: { value: "found" } },
    empty: "",
  },
  steps: { publish: { output: { remoteUrl: "https://github.com/acme/payments-api", repoContentsUrl: "https://x/tree" } } },
  user: { entity: { metadata: { name: "ada" } }, ref: "user:default/ada" },
  secrets: { TOKEN: "s3cret" },
  each: { key: "eu", value: "eu-west-1" },
  values: { name: "svc" },
};

const render = (template: string, ctx: TemplateContext = context) => renderString(template, ctx);

function templateError(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error("expected a TemplateError, but nothing was thrown");
}

describe("interpolation", () => {
  it("fills in values from every part of the context", () => {
    expect(render("Hello ${{ parameters.name }}!")).toBe("Hello Payments API!");
    expect(render("${{ steps['publish'].output.remoteUrl }}")).toBe("https://github.com/acme/payments-api");
    expect(render("${{ steps.publish.output.repoContentsUrl }}")).toBe("https://x/tree");
    expect(render("${{ user.entity.metadata.name }}")).toBe("ada");
    expect(render("${{ each.key }}=${{ each.value }}")).toBe("eu=eu-west-1");
    expect(render("${{ values.name }}")).toBe("svc");
    expect(render("${{ parameters.tags[1] }} ${{ parameters['component_id'] }}")).toBe("payments payments-api");
    expect(render("${{ parameters.nested[ 'de' ~ 'ep' ].value }}")).toBe("found");
  });

  it("writes numbers and booleans as text, nothing for null and undefined, and JSON for lists and objects", () => {
    expect(render("${{ parameters.port }} ${{ parameters.public }} [${{ null }}] [${{ parameters.missing }}]")).toBe(
      "8080 false [] []",
    );
    expect(render("${{ parameters.tags }}")).toBe('["java","payments","java"]');
    expect(render("${{ parameters.nested }}")).toBe('{"deep":{"value":"found"}}');
  });

  it("yields nothing for unknown paths, even below a missing value or a non-object", () => {
    expect(render("[${{ nope.deeper.still }}][${{ parameters.port.x }}][${{ parameters.name.x.y }}]")).toBe("[][][]");
    expect(render("${{ parameters.name.length }} ${{ parameters.tags.length }}")).toBe("12 3");
  });

  it("leaves plain {{ }} alone, since Backstage only uses ${{ }}", () => {
    expect(render("{{ parameters.name }} and $ and { } and ${ x }")).toBe("{{ parameters.name }} and $ and { } and ${ x }");
  });

  it("trims whitespace next to ${{- and -}}", () => {
    expect(render("a   \n ${{- parameters.port -}} \n  b")).toBe("a8080b");
    expect(render("a ${{- 1 }} b")).toBe("a1 b");
  });

  it("reads a `}}` inside a string or an object literal without ending the tag", () => {
    expect(render('${{ "}}" }}')).toBe("}}");
    expect(render("${{ {a: {b: 1}} }}")).toBe('{"a":{"b":1}}');
  });
});

describe("expressions", () => {
  const value = (expr: string, ctx: TemplateContext = context) => evaluateValue(`\${{ ${expr} }}`, ctx);

  it("reads literals", () => {
    expect(value("'it\\'s'")).toBe("it's");
    expect(value('"a\\nb\\u0041"')).toBe("a\nbA");
    expect(value("3.5")).toBe(3.5);
    expect(value("1e3")).toBe(1000);
    expect([value("true"), value("True"), value("false"), value("False")]).toEqual([true, true, false, false]);
    expect([value("null"), value("none"), value("None")]).toEqual([null, null, null]);
    expect(value("[1, 'two', [3]]")).toEqual([1, "two", [3]]);
    expect(value("{ a: 1, 'b-c': 2, 3: parameters.port }")).toEqual({ a: 1, "b-c": 2, "3": 8080 });
  });

  it("does arithmetic on numbers with the usual precedence", () => {
    expect(value("1 + 2 * 3")).toBe(7);
    expect(value("(1 + 2) * 3")).toBe(9);
    expect(value("parameters.port - 80")).toBe(8000);
    expect(value("7 / 2")).toBe(3.5);
    expect(value("7 // 2")).toBe(3);
    expect(value("7 % 4")).toBe(3);
    expect(value("-parameters.port + 1")).toBe(-8079);
    expect([value("2 ** 10"), value("2 * 3 ** 2"), value("2 ** 3 ** 2"), value("-2 ** 2"), value("2 ** -1")]).toEqual([1024, 18, 64, 4, 0.5]);
  });

  it("joins text with ~ and with + on two strings, and refuses + on mixed types", () => {
    expect(value("'port ' ~ parameters.port")).toBe("port 8080");
    expect(value("'a' + 'b'")).toBe("ab");
    const error = templateError(() => value("'a' + 1"));
    expect(error.message).toContain("use ~");
    expect(templateError(() => value("'a' * 2")).message).toContain("needs two numbers");
  });

  it("compares and tests membership", () => {
    expect(value("parameters.port == 8080")).toBe(true);
    expect(value("parameters.port != 8080")).toBe(false);
    expect(value("parameters.port > 80 and parameters.port <= 8080")).toBe(true);
    expect(value("'b' < 'a'")).toBe(false);
    expect(value("'java' in parameters.tags")).toBe(true);
    expect(value("'go' not in parameters.tags")).toBe(true);
    expect(value("'ay' in parameters.name")).toBe(true);
    expect(value("'deep' in parameters.nested")).toBe(true);
    expect(value("'x' in parameters.missing")).toBe(false);
    // Equality is strict: a number never equals its text.
    expect(value("parameters.port == '8080'")).toBe(false);
    expect(templateError(() => value("parameters.port < 'a'")).message).toContain("compares two numbers or two strings");
  });

  it("returns operand values from and/or, and supports not and inline if", () => {
    expect(value("parameters.empty or 'fallback'")).toBe("fallback");
    expect(value("parameters.name and parameters.port")).toBe(8080);
    expect(value("not parameters.public")).toBe(true);
    expect(value("'yes' if parameters.public else 'no'")).toBe("no");
    expect(value("'yes' if parameters.public")).toBeUndefined();
    expect(value("1 if false else 2 if false else 3")).toBe(3);
  });

  it("supports `is` tests", () => {
    expect(value("parameters.name is defined")).toBe(true);
    expect(value("parameters.missing is defined")).toBe(false);
    expect(value("parameters.missing is not defined")).toBe(true);
    expect(value("parameters.port is number and parameters.nested is mapping")).toBe(true);
    expect(value("3 is odd")).toBe(true);
    expect(templateError(() => value("1 is prime")).message).toContain("unknown test 'prime'");
  });

  it("evaluates a bracketed expression as the key", () => {
    expect(value("parameters.tags[parameters.tags.length - 1]")).toBe("java");
    expect(value("steps[ 'pub' ~ 'lish' ]['output'].remoteUrl")).toBe("https://github.com/acme/payments-api");
  });
});

describe("blocks", () => {
  it("chooses if / elif / else branches", () => {
    const template = "{% if parameters.port < 1024 %}low{% elif parameters.port == 8080 %}alt{% else %}high{% endif %}";
    expect(render(template)).toBe("alt");
    expect(render(template, { parameters: { port: 80 } })).toBe("low");
    expect(render(template, { parameters: { port: 9000 } })).toBe("high");
    expect(render("{% if parameters.missing %}x{% endif %}")).toBe("");
    expect(render("{% if [] %}x{% else %}empty{% endif %}")).toBe("empty");
  });

  it("loops with loop variables", () => {
    expect(
      render("{% for tag in parameters.tags %}${{ loop.index }}/${{ loop.length }}:${{ tag }}{% if not loop.last %}, {% endif %}{% endfor %}"),
    ).toBe("1/3:java, 2/3:payments, 3/3:java");
    expect(render("{% for t in ['a', 'b'] %}${{ loop.index0 }}${{ loop.first }}${{ loop.last }};{% endfor %}")).toBe(
      "0truefalse;1falsetrue;",
    );
  });

  it("loops over an object's keys and values, and unpacks pairs", () => {
    expect(render("{% for k, v in { a: 1, b: 2 } %}${{ k }}=${{ v }} {% endfor %}")).toBe("a=1 b=2 ");
    expect(render("{% for k in { a: 1, b: 2 } %}${{ k }}{% endfor %}")).toBe("ab");
    expect(render("{% for a, b in [[1, 2], [3, 4]] %}${{ a + b }};{% endfor %}")).toBe("3;7;");
  });

  it("renders a for loop's else when there is nothing to loop over", () => {
    expect(render("{% for x in parameters.missing %}${{ x }}{% else %}none{% endfor %}")).toBe("none");
    expect(render("{% for x in [] %}${{ x }}{% else %}none{% endfor %}")).toBe("none");
    // As in Nunjucks, the else belongs to the loop's scope.
    expect(render("{% for x in [] %}{% else %}{% set q = 2 %}${{ q }}{% endfor %}[${{ q }}]")).toBe("2[]");
  });

  it("lets a loop change a variable set before it, as Nunjucks does, and ends loop variables with the loop", () => {
    expect(render("{% set x = 1 %}{% for i in [5] %}{% set x = i %}${{ x }}{% endfor %}-${{ x }}-${{ i }}")).toBe("5-5-");
    expect(render("{% set n = 0 %}{% for t in parameters.tags %}{% set n = n + 1 %}{% endfor %}${{ n }}")).toBe("3");
    expect(render("{% set found = false %}{% for t in parameters.tags %}{% if t == 'payments' %}{% set found = true %}{% endif %}{% endfor %}${{ found }}")).toBe("true");
    // A variable first set inside the loop lives through its iterations, and no longer.
    expect(render("{% for i in [1, 2] %}[${{ y }}]{% set y = i %}{% endfor %}[${{ y }}]")).toBe("[][1][]");
    expect(render("{% for o in [1, 2] %}{% for i in ['a'] %}${{ o }}${{ i }}${{ loop.length }}{% endfor %}{% endfor %}")).toBe(
      "1a12a1",
    );
  });

  it("trims whitespace with {%- and -%}", () => {
    const template = "items:\n{%- for t in ['a', 'b'] %}\n  - ${{ t }}\n{%- endfor %}\ndone";
    expect(render(template)).toBe("items:\n  - a\n  - b\ndone");
    expect(render("a  {%- if true -%}  b  {%- endif -%}  c")).toBe("abc");
  });

  it("drops comments, with optional trimming", () => {
    expect(render("a{# a comment with ${{ x }} #}b")).toBe("ab");
    expect(render("a \n{#- trimmed -#}\n b")).toBe("ab");
  });

  it("copies raw blocks as written, so GitHub Actions expressions survive", () => {
    const workflow = [
      "name: ${{ parameters.name }}",
      "{% raw %}",
      "on: push",
      "jobs:",
      "  build:",
      "    steps:",
      "      - run: echo ${{ github.sha }} ${{ secrets.NPM_TOKEN }}",
      "{% endraw %}",
    ].join("\n");
    expect(render(workflow)).toBe(
      "name: Payments API\n\non: push\njobs:\n  build:\n    steps:\n      - run: echo ${{ github.sha }} ${{ secrets.NPM_TOKEN }}\n",
    );
    expect(render("{% raw -%}\n  {% if %}{# #}\n{%- endraw %}")).toBe("{% if %}{# #}");
    expect(render("{% verbatim %}${{ x }}{% endverbatim %}")).toBe("${{ x }}");
  });
});

describe("evaluateValue", () => {
  it("keeps the type of a value that is exactly one expression", () => {
    expect(evaluateValue("${{ parameters.port }}", context)).toBe(8080);
    expect(evaluateValue("  ${{ parameters.public }}  ", context)).toBe(false);
    expect(evaluateValue("${{ parameters.nested }}", context)).toEqual({ deep: { value: "found" } });
    expect(evaluateValue("${{ parameters.tags }}", context)).toEqual(["java", "payments", "java"]);
    expect(evaluateValue("${{ null }}", context)).toBeNull();
    expect(evaluateValue("${{ parameters.missing }}", context)).toBeUndefined();
  });

  it("returns a copy of context data, so changing the result leaves the context alone", () => {
    const ctx: TemplateContext = { parameters: { nested: { list: [1] } } };
    const result = evaluateValue("${{ parameters.nested }}", ctx) as { list: number[] };
    result.list.push(2);
    expect(ctx.parameters).toEqual({ nested: { list: [1] } });
  });

  it("renders any other string to text", () => {
    expect(evaluateValue("port ${{ parameters.port }}", context)).toBe("port 8080");
    expect(evaluateValue("${{ parameters.port }}${{ parameters.port }}", context)).toBe("80808080");
    expect(evaluateValue("{% if true %}${{ parameters.port }}{% endif %}", context)).toBe("8080");
    expect(evaluateValue("no templating {{ here }}", context)).toBe("no templating {{ here }}");
  });

  it("walks objects and lists, leaving keys and non-strings alone", () => {
    const input = {
      repoUrl: "${{ parameters.repoUrl }}",
      "${{ key }}": 1,
      values: { name: "${{ parameters.name | lower }}", port: "${{ parameters.port }}", list: ["${{ each.value }}", 2, true, null] },
    };
    expect(evaluateValue(input, context)).toEqual({
      repoUrl: "github.com?owner=acme&repo=payments-api",
      "${{ key }}": 1,
      values: { name: "payments api", port: 8080, list: ["eu-west-1", 2, true, null] },
    });
    expect(input.values.name).toBe("${{ parameters.name | lower }}");
  });

  it("names the JSON path, line and column in errors", () => {
    const steps = [{ input: {} }, { input: { values: { name: "x\n  ${{ parameters.name | nope }}" } } }];
    const error = templateError(() => evaluateValue(steps, context, "steps"));
    expect(error.path).toBe("steps[1].input.values.name");
    expect(error.message).toMatch(/^steps\[1\]\.input\.values\.name, line 2, column 25: unknown filter 'nope'/);
  });
});

describe("evaluateCondition", () => {
  it("takes booleans as they are and evaluates strings", () => {
    expect(evaluateCondition(true, context)).toBe(true);
    expect(evaluateCondition(false, context)).toBe(false);
    expect(evaluateCondition("${{ parameters.public }}", context)).toBe(false);
    expect(evaluateCondition("${{ parameters.port == 8080 }}", context)).toBe(true);
    expect(evaluateCondition("${{ not parameters.public }}", context)).toBe(true);
  });

  it("treats false, null, undefined, 0, empty text and empty lists as false, anything else as true", () => {
    for (const expr of ["false", "null", "parameters.missing", "0", "''", "[]"]) {
      expect(evaluateCondition(`\${{ ${expr} }}`, context), expr).toBe(false);
    }
    for (const expr of ["'false'", "1", "'x'", "[0]", "{}"]) {
      expect(evaluateCondition(`\${{ ${expr} }}`, context), expr).toBe(true);
    }
    expect(evaluateCondition("", context)).toBe(false);
  });
});

describe("filters", () => {
  const apply = (expr: string, ctx: TemplateContext = context) => evaluateValue(`\${{ ${expr} }}`, ctx);

  it("parseRepoUrl reads the RepoUrlPicker format", () => {
    expect(apply("parameters.repoUrl | parseRepoUrl")).toEqual({ host: "github.com", owner: "acme", repo: "payments-api" });
    expect(apply("'dev.azure.com?organization=org&project=p&repo=r' | parseRepoUrl")).toEqual({
      host: "dev.azure.com",
      repo: "r",
      organization: "org",
      project: "p",
    });
    expect(apply("'bitbucket.org?workspace=w&project=p&repo=r' | parseRepoUrl")).toMatchObject({ workspace: "w", project: "p" });
    expect(render("${{ (parameters.repoUrl | parseRepoUrl).owner }}")).toBe("acme");
    expect(templateError(() => apply("'github.com?owner=acme' | parseRepoUrl")).message).toContain("has no repo");
    expect(templateError(() => apply("'github.com?repo=x' | parseRepoUrl")).message).toContain("has no owner");
    expect(templateError(() => apply("'https://github.com?owner=a&repo=b' | parseRepoUrl")).message).toContain("without a scheme");
    expect(templateError(() => apply("'bad host?repo=x&owner=y' | parseRepoUrl")).message).toContain("is not a repository URL");
    expect(templateError(() => apply("parameters.missing | parseRepoUrl")).message).toMatch(/line 1, column \d+: parseRepoUrl needs/);
  });

  it("parseRepoUrl refuses long runs of slashes, and owners GitHub would not accept", () => {
    const owner = `${"/".repeat(200_000)}acme${"/".repeat(200_000)}`;
    expect(templateError(() => apply("('github.com?repo=r&owner=' ~ owner) | parseRepoUrl", { owner })).message).toContain("longer than 1024 characters");
    expect(templateError(() => apply("'github.com?owner=/acme/&repo=r' | parseRepoUrl")).message).toContain('has an invalid owner "/acme/"');
    expect(templateError(() => apply("'github.com?owner=acme&repo=r&branch=main' | parseRepoUrl")).message).toContain('unknown parameter "branch"');
  });

  it("projectSlug turns a repo URL into owner/repo", () => {
    expect(apply("parameters.repoUrl | projectSlug")).toBe("acme/payments-api");
    expect(templateError(() => apply("'gitlab.com?project=42&repo=r' | projectSlug")).message).toContain("has no owner");
  });

  it("parseEntityRef splits a reference, with optional defaults", () => {
    expect(apply("parameters.owner | parseEntityRef")).toEqual({ kind: "group", namespace: "default", name: "team-pay" });
    expect(apply("'team-pay' | parseEntityRef({ defaultKind: 'group', defaultNamespace: 'ops' })")).toEqual({
      kind: "group",
      namespace: "ops",
      name: "team-pay",
    });
    expect(apply("{ kind: 'user', name: 'ada' } | parseEntityRef")).toEqual({ kind: "user", namespace: "default", name: "ada" });
    expect(render("${{ (user.ref | parseEntityRef).name }}")).toBe("ada");
    expect(templateError(() => apply("'team-pay' | parseEntityRef")).message).toContain("has no kind");
    expect(templateError(() => apply("42 | parseEntityRef")).message).toContain("needs an entity reference");
  });

  it("pick reads a nested property", () => {
    expect(apply("parameters | pick('nested.deep.value')")).toBe("found");
    expect(apply("parameters | pick('tags[1]')")).toBe("payments");
    expect(apply("parameters.owner | parseEntityRef | pick('name')")).toBe("team-pay");
    expect(apply("parameters | pick('nope.x')")).toBeUndefined();
    expect(templateError(() => apply("parameters | pick('constructor.name')")).message).toContain("'constructor'");
  });

  it("changes case", () => {
    expect(apply("'Hello World' | lower")).toBe("hello world");
    expect(apply("'Hello World' | upper")).toBe("HELLO WORLD");
    expect(apply("'hELLO wORLD' | capitalize")).toBe("Hello world");
    expect(apply("'hELLO big wORLD' | title")).toBe("Hello Big World");
    expect(apply("'  padded \\n' | trim")).toBe("padded");
  });

  it("kebabcase, snakecase and camelcase build names (Pave additions)", () => {
    expect(apply("'Payments API v2' | kebabcase")).toBe("payments-api-v2");
    expect(apply("'myHTTPServer_name' | kebabcase")).toBe("my-http-server-name");
    expect(apply("'Payments API' | snakecase")).toBe("payments_api");
    expect(apply("'payments-api service' | camelcase")).toBe("paymentsApiService");
  });

  it("replace replaces every match, or the first n", () => {
    expect(apply("'a-b-c' | replace('-', '_')")).toBe("a_b_c");
    expect(apply("'a-b-c' | replace('-', '', 1)")).toBe("ab-c");
    expect(apply("'abc' | replace('', '.')")).toBe(".a.b.c.");
    expect(templateError(() => apply("'abc' | replace")).message).toContain("replace needs");
  });

  it("default and d replace undefined and null, or any falsy value when asked", () => {
    expect(apply("parameters.missing | default('x')")).toBe("x");
    expect(apply("null | d('x')")).toBe("x");
    expect(apply("parameters.empty | default('x')")).toBe("");
    expect(apply("parameters.empty | default('x', true)")).toBe("x");
    expect(apply("parameters.port | default(1)")).toBe(8080);
  });

  it("join, split, length, first and last", () => {
    expect(apply("parameters.tags | join(', ')")).toBe("java, payments, java");
    expect(apply("parameters.tags | join")).toBe("javapaymentsjava");
    expect(apply("[{ n: 'a' }, { n: 'b' }] | join('+', 'n')")).toBe("a+b");
    expect(apply("'a,b,,c' | split(',')")).toEqual(["a", "b", "", "c"]);
    expect(apply("'  a  b c ' | split")).toEqual(["a", "b", "c"]);
    expect([apply("parameters.tags | length"), apply("'abc' | length"), apply("{ a: 1 } | length"), apply("none | length")]).toEqual([
      3, 3, 1, 0,
    ]);
    expect([apply("parameters.tags | first"), apply("parameters.tags | last"), apply("'xyz' | first"), apply("[] | first")]).toEqual([
      "java",
      "java",
      "x",
      undefined,
    ]);
  });

  it("dump writes JSON, optionally indented; safe and string", () => {
    expect(apply("parameters.nested | dump")).toBe('{"deep":{"value":"found"}}');
    expect(apply("[1] | dump(2)")).toBe("[\n  1\n]");
    expect(apply("'x' | dump")).toBe('"x"');
    expect(apply("parameters.name | safe")).toBe("Payments API");
    expect(apply("parameters.port | string")).toBe("8080");
    expect(apply("parameters.tags | string")).toBe('["java","payments","java"]');
  });

  it("int and float convert, with a fallback", () => {
    expect(apply("'42abc' | int")).toBe(42);
    expect(apply("3.9 | int")).toBe(3);
    expect(apply("'x' | int")).toBe(0);
    expect(apply("'x' | int(7)")).toBe(7);
    expect(apply("'2.5' | float")).toBe(2.5);
    expect(apply("'x' | float(1.5)")).toBe(1.5);
  });

  it("truncate cuts at a word boundary unless told to cut words", () => {
    expect(apply("'hello brave new world' | truncate(12)")).toBe("hello brave...");
    expect(apply("'hello brave new world' | truncate(8, true)")).toBe("hello br...");
    expect(apply("'hello brave new world' | truncate(8, true, '…')")).toBe("hello br…");
    expect(apply("'short' | truncate(10)")).toBe("short");
    // As in Nunjucks, 0 or none means the default length of 255.
    expect(apply("'hello world' | truncate(0)")).toBe("hello world");
    expect(apply("'abc' | truncate(none)")).toBe("abc");
    expect(apply("'abc' | truncate(2, true, none)")).toBe("ab...");
  });

  it("sort, reverse and unique return new lists", () => {
    expect(apply("['b', 'C', 'a'] | sort")).toEqual(["a", "b", "C"]);
    expect(apply("['b', 'C', 'a'] | sort(false, true)")).toEqual(["C", "a", "b"]);
    expect(apply("[3, 10, 1] | sort(true)")).toEqual([10, 3, 1]);
    // Equal items keep their order when sorting in reverse, as in Nunjucks.
    expect(apply("['B', 'b', 'a'] | sort(true)")).toEqual(["B", "b", "a"]);
    expect(apply("[{ n: 1, id: 'x' }, { n: 1, id: 'y' }, { n: 2, id: 'z' }] | sort(true, false, 'n') | join(',', 'id')")).toBe("z,x,y");
    expect([apply("parameters.missing | sort"), apply("none | reverse")]).toEqual([[], []]);
    expect(apply("[{ n: 2 }, { n: 1 }] | sort(false, false, 'n')")).toEqual([{ n: 1 }, { n: 2 }]);
    expect(apply("[1, 2, 3] | reverse")).toEqual([3, 2, 1]);
    expect(apply("'abc' | reverse")).toBe("cba");
    expect(apply("parameters.tags | unique")).toEqual(["java", "payments"]);
    expect(apply("[{ a: 1 }, { a: 1 }, 1, '1'] | unique")).toEqual([{ a: 1 }, 1, "1"]);
    expect(context.parameters).toMatchObject({ tags: ["java", "payments", "java"] });
    expect(templateError(() => apply("'x' | sort")).message).toContain("sort needs a list");
  });

  it("keys and values list an object's entries", () => {
    expect(apply("parameters.nested.deep | keys")).toEqual(["value"]);
    expect(apply("{ a: 1, b: 2 } | values")).toEqual([1, 2]);
  });

  it("chains filters and passes expressions as arguments", () => {
    expect(apply("parameters.name | lower | replace(' ', '-') | truncate(3, true, '')")).toBe("pay");
    expect(render("${{ parameters.component_id ~ '-' ~ parameters.port | string }}")).toBe("payments-api-8080");
  });

  it("has a test above for every filter it exports", () => {
    const tested = [
      "parseRepoUrl", "projectSlug", "parseEntityRef", "pick", "lower", "upper", "capitalize", "title", "trim",
      "kebabcase", "snakecase", "camelcase", "replace", "default", "d", "join", "split", "length", "first", "last",
      "dump", "safe", "string", "int", "float", "truncate", "sort", "reverse", "unique", "keys", "values",
    ];
    expect(Object.keys(FILTERS).sort()).toEqual([...tested].sort());
  });

  it("names an unknown filter and lists known ones", () => {
    const error = templateError(() => render("line one\n${{ parameters.name | uppercase }}"));
    expect(error.message).toContain("line 2, column 23: unknown filter 'uppercase'");
    expect(error.message).toContain("upper");
    expect(templateError(() => render("${{ x | toString }}")).message).toContain("unknown filter 'toString'");
  });
});

describe("sandbox", () => {
  it("refuses constructor, __proto__ and prototype", () => {
    expect(templateError(() => render("${{ parameters.constructor }}")).message).toBe(
      "line 1, column 16: 'constructor' is not accessible in templates",
    );
    expect(templateError(() => render("${{ parameters['__proto__'] }}")).message).toContain("'__proto__' is not accessible");
    expect(templateError(() => render("${{ parameters['__pro' ~ 'to__'].x }}")).message).toContain("'__proto__'");
    expect(templateError(() => render("${{ parameters.tags.prototype }}")).message).toContain("'prototype'");
    expect(templateError(() => render("${{ constructor }}")).message).toContain("'constructor'");
    expect(templateError(() => render("${{ { constructor: 1 } }}")).message).toContain("'constructor'");
  });

  it("cannot climb from a string to Function and run code", () => {
    const escape = vi.fn();
    (globalThis as { __templatingEscape?: () => void }).__templatingEscape = escape;
    try {
      for (const template of [
        "${{ ''.constructor.constructor('return process')() }}",
        "${{ ''.constructor.constructor }}",
        "${{ ''['constructor']['constructor']('globalThis.__templatingEscape()')() }}",
      ]) {
        expect(() => render(template)).toThrow(TemplateError);
      }
      expect(escape).not.toHaveBeenCalled();
    } finally {
      delete (globalThis as { __templatingEscape?: () => void }).__templatingEscape;
    }
  });

  it("hides inherited methods: they read as undefined and cannot be called", () => {
    expect(render("[${{ parameters.toString }}][${{ parameters.hasOwnProperty }}][${{ parameters.name.toUpperCase }}]")).toBe(
      "[][][]",
    );
    expect(evaluateValue("${{ parameters.toString }}", context)).toBeUndefined();
    expect(templateError(() => render("${{ parameters.name.toUpperCase() }}")).message).toContain("cannot call functions");
  });

  it("never calls functions or getters found in the context", () => {
    const fn = vi.fn(() => "called");
    const getter = vi.fn(() => "got");
    const ctx: TemplateContext = { parameters: { fn, get secret() { return getter(); } } };
    expect(render("[${{ parameters.fn }}][${{ parameters.secret }}][${{ parameters | keys | join(',') }}]", ctx)).toBe("[][][]");
    expect(templateError(() => render("${{ parameters.fn() }}", ctx)).message).toContain("cannot call functions");
    expect(evaluateValue("${{ parameters.fn }}", ctx)).toBeUndefined();
    expect(fn).not.toHaveBeenCalled();
    expect(getter).not.toHaveBeenCalled();
  });

  it("does not read properties of class instances", () => {
    const ctx: TemplateContext = { parameters: { when: new Date(0), map: new Map([["a", 1]]) } };
    expect(render("[${{ parameters.when.getTime }}][${{ parameters.map.size }}]", ctx)).toBe("[][]");
  });

  it("has no globals such as process, globalThis or require", () => {
    expect(render("[${{ process }}][${{ globalThis }}][${{ require }}][${{ process.env.HOME }}]")).toBe("[][][][]");
  });

  it("stops huge loops", () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    const error = templateError(() => render("{% for i in big %}${{ i }}{% endfor %}", { big }));
    expect(error.message).toMatch(/^line 1, column 1: this loop would run 1000000 times; .*10,000/);
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    expect(render("{% for a in xs %}{% for b in xs %}{% endfor %}{% endfor %}", { xs: hundred.slice(0, 99) })).toBe("");
    expect(() => render("{% for a in xs %}{% for b in xs %}{% endfor %}{% endfor %}", { xs: hundred })).toThrow(/10,000/);
  });

  it("stops deeply nested expressions and tags", () => {
    const nested = (open: string, inner: string, close: string, n: number) => `\${{ ${open.repeat(n)}${inner}${close.repeat(n)} }}`;
    expect(render(nested("(", "1", ")", 50))).toBe("1");
    for (const template of [
      nested("(", "1", ")", 5000),
      nested("[", "1", "]", 5000),
      nested("{a:", "1", "}", 5000),
      `\${{ ${"not ".repeat(5000)}1 }}`,
      `\${{ ${"- ".repeat(5000)}1 }}`,
      `\${{ 1${" + 1".repeat(5000)} }}`,
      `\${{ 'a'${" | upper".repeat(5000)} }}`,
      `${"{% if true %}".repeat(5000)}x${"{% endif %}".repeat(5000)}`,
    ]) {
      expect(templateError(() => render(template)).message).toContain("nested more than 100 levels");
    }
  });

  it("caps the output size", () => {
    expect(templateError(() => renderString("${{ s }}${{ s }}", { s: "x".repeat(600) }, { maxOutputBytes: 1000 })).message).toBe(
      "line 1, column 9: the rendered output is larger than the limit of 1000 bytes",
    );
    expect(renderString("${{ s }}", { s: "é".repeat(500) }, { maxOutputBytes: 1000 })).toHaveLength(500);
    expect(() => renderString("${{ s }}x", { s: "é".repeat(500) }, { maxOutputBytes: 1000 })).toThrow(/larger than the limit/);
    const items = Array.from({ length: 5000 }, () => "x".repeat(2000));
    expect(() => render("{% for i in items %}${{ i }}{% endfor %}", { items })).toThrow(/larger than the limit of 5 MiB/);
  });

  it("caps text built inside expressions, so doubling cannot exhaust memory", () => {
    const big = "x".repeat(3 * 1024 * 1024);
    expect(templateError(() => render("${{ (s ~ s) | length }}", { s: big })).message).toContain("grew past the limit");
    expect(templateError(() => render("${{ s | replace('x', 'yy') | length }}", { s: big })).message).toContain("grew past");
    expect(templateError(() => render("${{ [s, s] | join | length }}", { s: big })).message).toContain("grew past");
    expect(templateError(() => render("${{ [s, s] | dump | length }}", { s: big })).message).toContain("grew past");
  });
});

describe("syntax errors", () => {
  it("reports line and column", () => {
    expect(templateError(() => render("a\nb ${{ parameters.name ")).message).toBe("line 2, column 3: `${{` is never closed with `}}`");
    expect(templateError(() => render("{% if true %}\nx")).message).toBe("line 1, column 1: {% if %} is never closed with {% endif %}");
    expect(templateError(() => render("x {% endfor %}")).message).toBe("line 1, column 3: {% endfor %} has no matching opening tag");
    expect(templateError(() => render("{% include 'x' %}")).message).toContain("unknown tag 'include'");
    expect(templateError(() => render("${{ 'abc }}")).message).toBe("line 1, column 5: this string is never closed");
    expect(templateError(() => render("${{ a b }}")).message).toBe("line 1, column 7: expected `}}` but found 'b'");
    expect(templateError(() => render("${{ a ; }}")).message).toBe("line 1, column 7: unexpected character ';'");
    expect(templateError(() => render("${{ }}")).message).toContain("expected a value but found `}}`");
    expect(templateError(() => render("{# open")).message).toContain("comment `{#` is never closed");
    expect(templateError(() => render("{% raw %}x")).message).toContain("{% raw %} is never closed");
  });

  it("checks filter names even in branches that do not run", () => {
    expect(() => render("{% if false %}${{ x | nope }}{% endif %}")).toThrow(/unknown filter 'nope'/);
  });
});

describe("work budget", () => {
  const range = Array.from({ length: 10_000 }, (_, i) => i);
  const budgetError = (fn: () => unknown) => {
    const error = templateError(fn);
    expect(error.message).toContain("template exceeded its work budget");
    return error;
  };

  it("stops sorting a list built from shared references, which is small to hold and huge to compare", () => {
    const template = [
      "{% set a = [s, s, s, s, s, s, s, s, s, s] %}",
      "{% set b = [a, a, a, a, a, a, a, a, a, a] %}",
      "{% set c = [b, b, b, b, b, b, b, b, b, b] %}",
      "{% for i in range %}${{ [c, c, c] | sort | length }}{% endfor %}",
    ].join("");
    expect(budgetError(() => render(template, { s: "y".repeat(100), range })).message).toMatch(/^line 1, column \d+: /);
  });

  it("stops copying a typed value that holds the same list many times", () => {
    let shared: unknown = ["y"];
    for (let level = 0; level < 10; level++) shared = Array.from({ length: 10 }, () => shared);
    budgetError(() => evaluateValue("${{ d }}", { d: shared }));
  });

  it("stops a filter over a multi-megabyte text inside a 10,000-iteration loop", () => {
    budgetError(() => render("{% for i in range %}${{ s | upper | length }}{% endfor %}", { s: "x".repeat(4 * 1024 * 1024), range }));
  });

  it("stops replace and join amplification", () => {
    budgetError(() => render("{% for i in range %}${{ s | replace('x', 'xxxxxxxxxx') | length }}{% endfor %}", { s: "x".repeat(400_000), range }));
    budgetError(() => render("{% for i in range %}${{ [s, s, s, s, s, s, s, s, s, s] | join(s) | length }}{% endfor %}", { s: "x".repeat(200_000), range }));
  });

  it("shares one budget across renders, so many small renders cannot each spend a full one", () => {
    const work = new WorkBudget(1_000_000);
    const once = () => renderString("${{ s | upper }}", { s: "x".repeat(10_000) }, { work });
    expect(once()).toHaveLength(10_000);
    expect(work.used).toBeGreaterThan(20_000);
    budgetError(() => {
      for (let i = 0; i < 1_000; i++) once();
    });
    // Spent is spent: the next render fails at once, and so does evaluateValue on the same budget.
    budgetError(() => renderString("x", {}, { work }));
    budgetError(() => evaluateValue("${{ 1 }}", {}, "", { work }));
  });

  it("renders the shipped golden paths with at least a hundredfold margin", () => {
    for (const id of ["node-microservice", "python-service"]) {
      const work = new WorkBudget();
      const dir = path.join(process.cwd(), "templates", id);
      const spec = (parseYaml(readFileSync(path.join(dir, "template.yaml"), "utf8")) as { spec: { steps: unknown[]; output: unknown } }).spec;
      const parameters = {
        name: "demo-svc", description: "A demo", owner: "group:default/team", system: "system:default/sys",
        repoUrl: "github.com?owner=acme&repo=demo-svc", port: 8080, enableFlags: true, lifecycle: "experimental", pythonVersion: "3.12",
      };
      const steps = { publish: { output: { remoteUrl: "https://x", repoContentsUrl: "https://x/blob/main" } }, register: { output: { entityRef: "component:default/demo-svc" } } };
      const context = { parameters, steps, secrets: {}, user: { ref: "user:default/ada" } };
      const inputs = evaluateValue(spec.steps, context, "steps", { work }) as { input: { values?: Record<string, unknown> } }[];
      evaluateValue(spec.output, context, "output", { work });
      const values = inputs[0]!.input.values!;
      const files = (readdirSync(path.join(dir, "skeleton"), { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[]).filter((f) => f.isFile());
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        const full = path.join(file.parentPath, file.name);
        for (const segment of path.relative(path.join(dir, "skeleton"), full).split(path.sep)) renderString(segment, { values }, { work });
        renderString(readFileSync(full, "utf8"), { values }, { work });
      }
      expect(work.used, id).toBeLessThan(DEFAULT_WORK_BUDGET / 100);
    }
  });
});

describe("findSecretUses", () => {
  const problems = (value: unknown) => findSecretUses(value, { path: "input" }).problems.map((p) => p.message);

  it("allows a bare secret, also through a set or loop variable, since masking replaces its exact value", () => {
    for (const template of [
      "token=${{ secrets.token }}",
      "${{ secrets['token'] }}",
      "{% set t = secrets.token %}${{ t }}",
      "{% for name, value in secrets %}${{ name }}=${{ value }}{% endfor %}",
      "{% if secrets.token %}has a token{% endif %}",
      "${{ parameters.name | upper }} {% raw %}${{ secrets.GITHUB_TOKEN | upper }}{% endraw %}",
    ]) {
      expect(problems({ message: template }), template).toEqual([]);
    }
    expect(findSecretUses("${{ secrets.token }}").reads).toBe(true);
    expect(findSecretUses("${{ parameters.token | upper }}").reads).toBe(false);
  });

  it("refuses a secret passed through a filter, operator, test, condition, list or object, naming the place", () => {
    expect(problems({ message: "x ${{ secrets.token | upper }}" })).toEqual([
      expect.stringMatching(/^input\.message, line 1, column 3: a secret is transformed here/),
    ]);
    for (const template of [
      "${{ 'x' ~ secrets.token }}",
      "${{ secrets.token ~ '' }}",
      "${{ secrets.token + 'x' }}",
      "${{ secrets.token[0] }}",
      "${{ secrets.token.length }}",
      "${{ secrets.token if true else 'x' }}",
      "${{ [secrets.token] }}",
      "${{ { t: secrets.token } }}",
      "${{ secrets.token == 'abc' }}",
      "${{ secrets.token is defined }}",
      "${{ 'abc' | replace('b', secrets.token) }}",
      "${{ parameters[secrets.token] }}",
      "{% if secrets.token[0] == 'a' %}a{% endif %}",
      "{% for c in secrets.token %}${{ c }}{% endfor %}",
      "{% set t = secrets.token %}${{ t | lower }}",
      "{% set s = secrets %}${{ s.token | lower }}",
      "{% set t = secrets.token ~ '' %}",
      "{% for name, value in secrets %}${{ value | upper }}{% endfor %}",
      "{% if x %}{% set t = secrets.token %}{% endif %}${{ t | lower }}",
      "{% for x in [1] %}{% set t = secrets.token %}${{ t | trim }}{% endfor %}",
      "{% set t = '' %}{% for x in [1] %}{% set t = secrets.token %}{% endfor %}${{ t | trim }}",
      "{% for name, value in secrets %}${{ t | trim }}{% set t = value %}{% endfor %}",
      "{% for x in [1] %}{% for name, value in secrets %}${{ t | trim }}{% set u = t %}{% set t = value %}{% endfor %}{% endfor %}",
      "{% for x in [1] %}${{ u | trim }}{% set u = t %}{% set t = secrets.token %}{% endfor %}",
      "{% set s = none %}{% for x in [1] %}{% set s = secrets %}{% endfor %}${{ s }}",
      "${{ secrets }}",
      "${{ secrets | dump }}",
    ]) {
      expect(problems({ list: ["fine", template] }), template).toHaveLength(1);
      expect(problems({ list: ["fine", template] })[0], template).toMatch(/^input\.list\[1\], line 1, column \d+: /);
    }
  });

  it("follows other context entries that hold secrets when told to", () => {
    expect(findSecretUses("${{ each.value | upper }}", { roots: ["secrets", "each"] }).problems).toHaveLength(1);
    expect(findSecretUses("${{ each.value }}", { roots: ["secrets", "each"] }).problems).toHaveLength(0);
    expect(findSecretUses("${{ each.value | upper }}").problems).toHaveLength(0);
  });

  it("skips strings that do not parse; rendering reports them", () => {
    expect(findSecretUses("${{ secrets.token | nope }}").problems).toEqual([]);
  });
});
