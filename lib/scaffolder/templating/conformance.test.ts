import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { FILTERS, renderString, TemplateError, type TemplateContext } from "@/lib/scaffolder/templating";

/**
 * Pave's engine against real Nunjucks, configured as Backstage's scaffolder
 * configures it: `${{ }}` for variables and no HTML escaping. Each template in
 * `sameAsNunjucks` must render identically in both; `knownDifferences` records
 * where Pave deliberately renders something else, with both outputs; `refused`
 * lists the Nunjucks features Pave does not run, each with the message it gives.
 */
const backstage = new nunjucks.Environment(undefined, { autoescape: false, tags: { variableStart: "${{", variableEnd: "}}" } });

const context: TemplateContext = {
  parameters: {
    name: "payments-api",
    title: "payments api service",
    description: "  Handles card payments  ",
    owner: "group:default/team-pay",
    repoUrl: "github.com?owner=acme&repo=payments-api",
    port: 8080,
    replicas: 3,
    ratio: 2.5,
    public: false,
    enableFlags: true,
    tags: ["java", "payments", "java", "api"],
    regions: { eu: "eu-west-1", us: "us-east-1" },
    nested: { deep: { value: "found" } },
    envs: [
      { name: "dev", replicas: 1 },
      { name: "prod", replicas: 3 },
    ],
    mixed: ["b", "C", "a", "B"],
    empty: "",
    nothing: null,
    zero: 0,
    count: "42",
    price: "3.75",
  },
  steps: { publish: { output: { remoteUrl: "https://github.com/acme/payments-api", repoContentsUrl: "https://github.com/acme/payments-api/tree/main" } } },
  user: { entity: { metadata: { name: "ada" } }, ref: "user:default/ada" },
};

/** Realistic template.yaml values and skeleton snippets, by what they exercise. */
const sameAsNunjucks: Record<string, string> = {
  // Reading the context
  "a parameter": "${{ parameters.name }}",
  "text around expressions": "Hello ${{ parameters.name }}, owned by ${{ parameters.owner }}!",
  "nested properties": "${{ user.entity.metadata.name }} ${{ parameters.nested.deep.value }}",
  "bracket access with a string": "${{ steps['publish'].output.remoteUrl }}",
  "bracket access with a variable": "{% set region = 'eu' %}${{ parameters.regions[region] }}",
  "list index and property of an item": "${{ parameters.tags[1] }} ${{ parameters.envs[1].name }} ${{ parameters.envs[0]['replicas'] }}",
  "length of a text and a list": "${{ parameters.name.length }} ${{ parameters.tags.length }}",
  "a missing value renders nothing": "[${{ parameters.missing }}][${{ parameters.missing.deeper }}][${{ parameters.name.missing }}][${{ parameters.tags[9] }}]",
  "null, numbers and booleans": "[${{ parameters.nothing }}] ${{ parameters.port }} ${{ parameters.ratio }} ${{ parameters.public }} ${{ parameters.zero }}",
  "literals": "${{ 'single' }} ${{ \"double\" }} ${{ \"it's\" }} ${{ 'a\\nb' }} ${{ 'tab\\there' }} ${{ 3.5 }} ${{ -0.5 }} ${{ true }} ${{ none }}",
  "list and object literals": "${{ [1, 2, 3][1] }} ${{ { a: { b: 'c' } }.a.b }} ${{ {'key': 'v'}['key'] }}",
  "text with braces and dollars": "price: $5, {braces}, }} and %} and {{ not.a.tag }} and $${{ parameters.port }}",
  "no spaces inside the tags": "${{parameters.name}}{%if true%}!{%endif%}",

  // Filters that Nunjucks has
  "upper and lower": "${{ parameters.name | upper }} ${{ 'MiXeD' | lower }}",
  "capitalize": "${{ parameters.title | capitalize }} ${{ 'hELLO wORLD' | capitalize }}",
  "title": "${{ parameters.title | title }} ${{ 'a b  c' | title }}",
  "trim": "[${{ parameters.description | trim }}]",
  "replace every match": "${{ parameters.name | replace('-', '_') }} ${{ parameters.owner | replace('group:default/', '') }}",
  "replace the first n": "${{ 'aaa' | replace('a', 'b', 2) }} ${{ 'a-b-c' | replace('-', '', 1) }}",
  "replace with an empty search": "${{ 'abc' | replace('', '.') }}",
  "replace in a number": "${{ parameters.port | replace('80', '90') }}",
  "default keeps a value and fills a missing one": "${{ parameters.name | default('x') }} ${{ parameters.missing | default('fallback') }} ${{ parameters.zero | default(5) }}",
  "default with true fills any falsy value": "${{ parameters.empty | default('e', true) }} ${{ parameters.zero | d('z', true) }} ${{ false | d('f', true) }}",
  "d is default": "${{ parameters.missing | d('d') }}",
  "join": "${{ parameters.tags | join(', ') }} ${{ parameters.tags | join }} ${{ [1, 2] | join('-') }}",
  "join an attribute": "${{ parameters.envs | join(', ', 'name') }}",
  "length filter": "${{ parameters.tags | length }} ${{ parameters.name | length }} ${{ parameters.regions | length }} ${{ [] | length }} ${{ none | length }}",
  "first and last": "${{ parameters.tags | first }} ${{ parameters.tags | last }} ${{ 'abc' | first }}${{ 'abc' | last }}",
  "dump": "${{ parameters.regions | dump }} ${{ parameters.tags | dump }} ${{ 'a\"b' | dump }} ${{ parameters.port | dump }}",
  "dump indented": "${{ parameters.envs | dump(2) }}",
  "int": "${{ parameters.count | int + 1 }} ${{ '42.5' | int }} ${{ 3.9 | int }} ${{ -3.9 | int }} ${{ '007' | int }} ${{ 'x' | int(7) }}",
  "float": "${{ parameters.price | float * 2 }} ${{ '3.9' | float | int }} ${{ 'x' | float(1.5) }}",
  "truncate at a word boundary": "${{ 'hello brave new world' | truncate(12) }} ${{ 'short' | truncate(10) }}",
  "truncate with a length of 0 or none": "${{ 'hello world' | truncate(0) }} ${{ 'hello' | truncate(none) }} ${{ 'abc' | truncate(2, true, none) }}",
  "truncate cutting words, with an ending": "${{ 'hello brave new world' | truncate(8, true) }} ${{ 'hello' | truncate(3, false, '!') }}",
  "sort": "${{ [3, 1, 2] | sort | join(',') }} ${{ parameters.tags | sort | join(' ') }} ${{ ['b', 'a', 'C'] | sort | join }}",
  "sort in reverse keeps equal items in order": "${{ parameters.mixed | sort(true) | join }} ${{ ['B', 'b', 'a'] | sort(true) | join }}",
  "sort and reverse a missing list": "{% for t in parameters.missing | sort %}x{% else %}none{% endfor %} [${{ parameters.missing | sort | join(',') }}] {% for t in parameters.missing | reverse %}x{% else %}none{% endfor %}",
  "sort case-sensitively": "${{ ['b', 'a', 'C'] | sort(false, true) | join(',') }}",
  "sort by an attribute": "${{ parameters.envs | sort(true, false, 'replicas') | join(',', 'name') }}",
  "reverse a list and a text": "${{ [1, 2] | reverse | join }} ${{ 'abc' | reverse }}",
  "string": "${{ parameters.port | string }} ${{ true | string }} ${{ parameters.port | string | length }}",
  "safe passes through": "${{ parameters.name | safe }}",
  "chained filters": "${{ parameters.name | replace('-', ' ') | title }} ${{ parameters.description | trim | lower }} ${{ parameters.tags | first | upper }}",
  "filter on a filtered list": "${{ parameters.tags | join(', ') | upper }}",

  // Operators
  "~ joins text and numbers": "${{ parameters.name ~ '-' ~ parameters.port }} ${{ 'v' ~ parameters.ratio }} ${{ 1 ~ 2 }}",
  "a filter binds tighter than ~": "${{ 'a' ~ 'b' | upper }} ${{ ('a' ~ 'b') | upper }}",
  "arithmetic": "${{ 1 + 2 * 3 }} ${{ (1 + 2) * 3 }} ${{ parameters.port - 80 }} ${{ 7 / 2 }} ${{ 10 / 4 }} ${{ 7 % 4 }}",
  "floor division and modulo": "${{ 7 // 2 }} ${{ -7 // 2 }} ${{ -7 % 3 }} ${{ parameters.port // 1000 }} ${{ 7 // 2 % 3 }}",
  "power": "${{ 2 ** 10 }} ${{ 2 * 3 ** 2 }} ${{ 2 ** 3 ** 2 }} ${{ -2 ** 2 }} ${{ 2 ** -1 }} ${{ parameters.replicas ** 2 }}",
  "unary minus and plus": "${{ -parameters.port + 1 }} ${{ 2 - -1 }} ${{ +3 }}",
  "floating point as JavaScript writes it": "${{ 0.1 + 0.2 }} ${{ 1 / 3 }} ${{ 0.1 * 3 }} ${{ 7 / 0 }}",
  "arithmetic on filter results": "${{ parameters.tags | length > 2 }} ${{ parameters.name | length * 2 }} ${{ (parameters.port + 1) * 2 }}",
  "comparisons": "${{ parameters.port == 8080 }} ${{ parameters.port != 80 }} ${{ parameters.port >= 8080 }} ${{ parameters.port <= 8079 }} ${{ 'b' > 'a' }} ${{ 'A' < 'a' }} ${{ 3 == 3.0 }}",
  "in and not in": "${{ 'java' in parameters.tags }} ${{ 'go' not in parameters.tags }} ${{ 'ay' in 'payments' }} ${{ 'eu' in parameters.regions }} ${{ 2 in [1, 2] }}",
  "and, or and not return operands": "${{ parameters.empty or 'fallback' }} ${{ parameters.name and parameters.port }} ${{ 0 or none }}|${{ not parameters.public }} ${{ not parameters.empty }}",
  "inline if": "${{ 'yes' if parameters.enableFlags else 'no' }} ${{ 'y' if 0 else 'n' }} [${{ 'a' if parameters.public }}] ${{ 1 if false else (2 if false else 3) }}",
  "inline if with a filter in a branch": "${{ parameters.tags | join(', ') if parameters.tags else 'none' }} ${{ ('a' if false else 'b') | upper }}",
  "is tests": "${{ parameters.name is defined }} ${{ parameters.missing is not defined }} ${{ parameters.missing is undefined }} ${{ parameters.port is number }} ${{ parameters.name is string }} ${{ parameters.regions is mapping }} ${{ 4 is even }} ${{ 3 is odd }} ${{ none is none }} ${{ 0 is truthy }} ${{ '' is falsy }}",

  // Tags
  "if / elif / else": "{% if parameters.port < 1024 %}low{% elif parameters.port == 8080 %}alt{% else %}high{% endif %}",
  "elseif": "{% if false %}a{% elseif true %}b{% endif %}",
  "if on falsy values": "{% if parameters.zero %}a{% else %}b{% endif %}{% if parameters.nothing %}a{% else %}b{% endif %}{% if parameters.empty %}a{% else %}b{% endif %}{% if 'false' %}c{% endif %}",
  "compound conditions": "{% if 'java' in parameters.tags and parameters.port != 80 %}ok{% endif %}{% if not (parameters.public or parameters.empty) %} private{% endif %}",
  "if on a missing value": "{% if parameters.missing is not defined %}unset{% endif %}{% if parameters.missing %}set{% endif %}",
  "for with loop variables": "{% for tag in parameters.tags %}${{ loop.index }}/${{ loop.length }}:${{ tag }}{% if not loop.last %}, {% endif %}{% endfor %}",
  "loop.index0, first, last, revindex": "{% for x in [1, 2, 3] %}${{ loop.index0 }}${{ loop.first }}${{ loop.last }}${{ loop.revindex }}${{ loop.revindex0 }};{% endfor %}",
  "for over an object's keys and values": "{% for key, value in parameters.regions %}${{ loop.index }}:${{ key }}=${{ value }} {% endfor %}",
  "for unpacking pairs": "{% for a, b in [[1, 2], [3, 4]] %}${{ a + b }};{% endfor %}",
  "for over a text": "{% for c in 'ab' %}[${{ c }}]{% endfor %}",
  "for over list items' properties": "{% for e in parameters.envs %}${{ e.name }}:${{ e.replicas * 2 }}{% if not loop.last %},{% endif %}{% endfor %}",
  "nested for": "{% for r in parameters.envs %}{% for t in ['a', 'b'] %}${{ r.name }}-${{ t }} {% endfor %}{% endfor %}",
  "for / else": "{% for x in parameters.missing %}a{% else %}none{% endfor %} {% for x in [] %}a{% else %}${{ 'empty' | upper }}{% endfor %}",
  "a for's else has the loop's scope": "{% for i in [] %}{% set q = 1 %}{% else %}{% set q = 2 %}${{ q }}{% endfor %}[${{ q }}]",
  "loop variables end with the loop": "{% for i in [1] %}{% set y = 2 %}{% endfor %}[${{ y }}][${{ i }}]",
  "a loop variable shadows a set one": "{% set x = 'a' %}{% for x in ['b'] %}{% set x = 'c' %}${{ x }}{% endfor %}${{ x }}",
  "set": "{% set a = 1 %}{% set b = a + 1 %}${{ a }}${{ b }} {% set greeting = 'Hi ' ~ parameters.name | upper %}${{ greeting }}",
  "set inside if is seen after it": "{% if true %}{% set z = 1 %}{% endif %}${{ z }}",
  "set in a loop changes a flag set before it": "{% set found = false %}{% for t in parameters.tags %}{% if t == 'api' %}{% set found = true %}{% endif %}{% endfor %}${{ found }}",
  "set in a loop counts": "{% set n = 0 %}{% for t in parameters.tags %}{% set n = n + 1 %}{% endfor %}${{ n }} {% for i in [1, 2] %}{% set c = (c or 0) + i %}${{ c }}{% endfor %}",
  "set in one iteration is seen in the next": "{% for i in [1, 2] %}[${{ y }}]{% set y = i %}{% endfor %}[${{ y }}]",
  "set in nested loops": "{% set x = 1 %}{% for i in [1] %}{% for j in [2] %}{% set x = x + j %}{% endfor %}{% endfor %}${{ x }} {% for o in [1, 2] %}{% set acc = o %}{% for i in [3] %}{% set acc = acc + i %}{% endfor %}${{ acc }};{% endfor %}",
  "set a list, then loop over it": "{% set items = ['x', 'y'] %}{% for i in items %}${{ loop.index }}.${{ i }} {% endfor %}",

  // Whitespace, comments and raw
  "whitespace control on blocks": "items:\n{%- for t in ['a', 'b'] %}\n  - ${{ t }}\n{%- endfor %}\ndone",
  "whitespace control on both sides": "a  {%- if true -%}  b  {%- endif -%}  c",
  "whitespace control around else": "{% if true -%}\n  yes\n{%- else -%}\n  no\n{%- endif %}",
  "whitespace control on expressions": "[  ${{- ' a ' -}}  ]",
  "whitespace control after set": "{%- set x = 5 -%}\n\n${{ x }}",
  "newlines are kept": "line1\n${{ parameters.name }}\n{% if true %}\nline3\n{% endif %}\n",
  "comments": "a {# a comment with ${{ parameters.name }} #}b {#- trimmed -#} c",
  "raw keeps GitHub Actions expressions": "run: echo ${{ parameters.name }} {% raw %}${{ github.sha }} {% if %}{% endraw %}",
  "verbatim": "{% verbatim %}${{ x }}{% endverbatim %}",
  "a skeleton file": [
    "name: ${{ parameters.name }}",
    "description: ${{ parameters.description | trim }}",
    "owner: ${{ parameters.owner | replace('group:default/', '') }}",
    "{%- if parameters.enableFlags %}",
    "flags: enabled",
    "{%- endif %}",
    "tags:",
    "{%- for tag in parameters.tags %}",
    "  - ${{ tag }}",
    "{%- endfor %}",
    "environments:",
    "{%- for env in parameters.envs %}",
    "  ${{ env.name }}: { replicas: ${{ env.replicas }}, port: ${{ parameters.port + loop.index0 }} }",
    "{%- endfor %}",
    "",
  ].join("\n"),
};

/** Where Pave deliberately renders something else; both outputs are checked, so a change on either side shows. */
const knownDifferences: Array<{ template: string; pave: string; nunjucks: string; why: string }> = [
  { template: "${{ parameters.tags }}", pave: '["java","payments","java","api"]', nunjucks: "java,payments,java,api", why: "lists and objects render as JSON" },
  { template: "${{ parameters.regions }}", pave: '{"eu":"eu-west-1","us":"us-east-1"}', nunjucks: "[object Object]", why: "lists and objects render as JSON" },
  { template: "${{ [1, [2, 3]] | join('-') }}", pave: "1-[2,3]", nunjucks: "1-2,3", why: "lists and objects render as JSON" },
  { template: "${{ 'a' ~ parameters.missing ~ none }}", pave: "a", nunjucks: "aundefinednull", why: "null and undefined render as nothing, also inside ~" },
  { template: "${{ none | default('x') }}", pave: "x", nunjucks: "", why: "default fills null as well as undefined" },
  { template: "${{ 'x' | int }}|${{ 'x' | float }}", pave: "0|0", nunjucks: "|", why: "int and float fall back to 0, as in Jinja" },
  { template: "${{ 1 == '1' }} ${{ true == 1 }} ${{ none == parameters.missing }}", pave: "false false false", nunjucks: "true true true", why: "== is strict equality" },
  { template: "{% if [] %}y{% else %}n{% endif %}", pave: "n", nunjucks: "y", why: "an empty list is false, as Backstage decides a step's if" },
  { template: "{% for k in parameters.regions %}${{ k }}{% else %}none{% endfor %}", pave: "euus", nunjucks: "none", why: "one loop variable over an object takes its keys, as in Jinja" },
  { template: "${{ True }}", pave: "true", nunjucks: "", why: "True, False and None are literals, as in Jinja" },
  { template: "${{ -3 is odd }}", pave: "true", nunjucks: "false", why: "odd is odd for negative numbers" },
  { template: "${{ 'x' ~ 1 + 2 }}", pave: "x3", nunjucks: "x12", why: "+ binds tighter than ~ on both sides (Nunjucks' generated JavaScript adds left to right)" },
  {
    template: "${{ 2 * 3 // 4 }} ${{ 10 / 2 // 3 }}",
    pave: "1 1",
    nunjucks: "0 Infinity",
    why: "// groups left to right with * and /, as in Jinja (Nunjucks makes it a function call that binds tighter than a * or / before it)",
  },
  { template: "${{ parameters.public | upper }}", pave: "FALSE", nunjucks: "", why: "filters write false as text" },
];

/** Pave's filters that Nunjucks lacks: Backstage's own four, and Pave's additions. The rest must behave as Nunjucks' do. */
const notInNunjucks = ["parseRepoUrl", "projectSlug", "parseEntityRef", "pick", "split", "unique", "keys", "values", "kebabcase", "snakecase", "camelcase"];

/** Nunjucks features Pave does not run, and what its error says. */
const refused: Record<string, { template: string; message: string | RegExp }> = {
  "macros": { template: "{% macro greet(n) %}hi ${{ n }}{% endmacro %}${{ greet('a') }}", message: "unknown tag 'macro'" },
  "include": { template: "{% include 'other.njk' %}", message: "unknown tag 'include'" },
  "extends": { template: "{% extends 'base.njk' %}", message: "unknown tag 'extends'" },
  "blocks": { template: "{% block body %}x{% endblock %}", message: "unknown tag 'block'" },
  "import": { template: "{% import 'forms.njk' as forms %}", message: "unknown tag 'import'" },
  "filter blocks": { template: "{% filter upper %}x{% endfilter %}", message: "unknown tag 'filter'" },
  "call blocks": { template: "{% call list() %}x{% endcall %}", message: "unknown tag 'call'" },
  "async tags": { template: "{% asyncEach x in [1] %}${{ x }}{% endeach %}", message: "unknown tag 'asyncEach'" },
  "set blocks": { template: "{% set body %}x{% endset %}", message: "expected `=` but found `%}`" },
  "method calls": { template: "${{ 'x'.toUpperCase() }}", message: "templates cannot call functions" },
  "method calls on context data": { template: "{% if parameters.name.startsWith('p') %}y{% endif %}", message: "templates cannot call functions" },
  "range()": { template: "{% for i in range(3) %}${{ i }}{% endfor %}", message: "templates cannot call functions" },
  "cycler() and joiner()": { template: "{% set c = cycler('a', 'b') %}", message: "templates cannot call functions" },
  "loop.cycle()": { template: "{% for x in [1] %}${{ loop.cycle('odd', 'even') }}{% endfor %}", message: "templates cannot call functions" },
  "__proto__": { template: "${{ parameters['__proto__'] }}", message: "'__proto__' is not accessible in templates" },
  "constructor": { template: "${{ parameters.name.constructor }}", message: "'constructor' is not accessible in templates" },
  "prototype": { template: "${{ parameters.tags.prototype }}", message: "'prototype' is not accessible in templates" },
  "unknown filters": { template: "${{ parameters.ratio | round }}", message: "unknown filter 'round'" },
  "Nunjucks filters Pave leaves out": { template: "${{ parameters.envs | selectattr('name') }}", message: "unknown filter 'selectattr'" },
  "unknown tests": { template: "${{ 9 is divisibleby(3) }}", message: "unknown test 'divisibleby'" },
  "+ on text and a number": { template: "${{ 'a' + 1 }}", message: "'+' needs two numbers, got text and a number (use ~ to join values as text)" },
  "comparing a number with text": { template: "${{ parameters.port < '9000' }}", message: "'<' compares two numbers or two strings" },
  "chained comparisons": { template: "${{ 1 < 2 < 3 }}", message: "'<' compares two numbers or two strings, got a boolean and a number" },
  "regular expression literals": { template: "${{ 'a-b' | replace(r/-/g, '_') }}", message: /expected a value but found/ },
};

function renderWithNunjucks(template: string): string {
  return backstage.renderString(template, structuredClone(context));
}

describe("Pave renders like Nunjucks", () => {
  it("has a corpus of at least 40 templates", () => {
    expect(Object.keys(sameAsNunjucks).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(sameAsNunjucks))("%s", (_name, template) => {
    const expected = renderWithNunjucks(template);
    expect(renderString(template, structuredClone(context))).toBe(expected);
  });
});

describe("Pave's filters", () => {
  const shared = Object.keys(FILTERS).filter((name) => !notInNunjucks.includes(name));
  const hasFilter = (name: string) => {
    try {
      backstage.getFilter(name);
      return true;
    } catch {
      return false;
    }
  };

  it("that Nunjucks also has are each rendered by the corpus", () => {
    const corpus = Object.values(sameAsNunjucks).join("\n");
    expect(shared.filter((name) => !hasFilter(name))).toEqual([]);
    expect(shared.filter((name) => !new RegExp(`\\|\\s*${name}\\b`).test(corpus))).toEqual([]);
  });

  it("that Nunjucks lacks are exactly the Backstage and Pave additions", () => {
    expect(notInNunjucks.filter((name) => !Object.hasOwn(FILTERS, name) || hasFilter(name))).toEqual([]);
  });
});

describe("Pave differs from Nunjucks on purpose", () => {
  it.each(knownDifferences)("$template: $why", ({ template, pave, nunjucks: nunjucksOutput }) => {
    expect(renderWithNunjucks(template)).toBe(nunjucksOutput);
    expect(renderString(template, structuredClone(context))).toBe(pave);
  });
});

describe("Pave refuses what it does not support", () => {
  it.each(Object.entries(refused))("%s", (_name, { template, message }) => {
    let error: unknown;
    try {
      renderString(template, structuredClone(context));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    if (typeof message === "string") expect((error as TemplateError).message).toContain(message);
    else expect((error as TemplateError).message).toMatch(message);
  });
});
