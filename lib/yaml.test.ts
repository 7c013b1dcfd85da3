import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { measureJsonBytes, toBoundedJS } from "@/lib/yaml";

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), "utf8");
const unlimited = { maxBytes: Number.MAX_SAFE_INTEGER };

describe("measureJsonBytes", () => {
  it("gives exactly the UTF-8 size of JSON.stringify for plain data", () => {
    const samples: unknown[] = [
      null,
      true,
      false,
      0,
      -12.5e-7,
      Number.NaN,
      "",
      'quote " and backslash \\',
      "tab\tnew line\n bell\u0007 nul\u0000",
      "é ü ß — € 日本 😀",
      "lone \ud800 and \udc00 surrogates",
      [],
      {},
      [1, "two", null, undefined, { three: 3 }],
      { a: 1, skipped: undefined, "key with \"quotes\"": ["x"], nested: { deeper: [true, false, []] } },
      { when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) },
    ];
    for (const sample of samples) expect(measureJsonBytes(sample, unlimited), JSON.stringify(sample)).toEqual({ bytes: jsonBytes(sample) });
  });

  it("counts an object every time it is reached, as its aliases would be written out", () => {
    const shared = { text: "x".repeat(1000) };
    const value = Array.from({ length: 99 }, () => shared);
    expect(measureJsonBytes(value, unlimited)).toEqual({ bytes: jsonBytes(value) });
    expect(measureJsonBytes(value, { maxBytes: 50_000 }).problem).toBe("size");
  });

  it("stops as soon as the limit is passed, without expanding the rest", () => {
    // 2^80 copies of one leaf: expanding it, or even visiting every copy, would never finish.
    let value: unknown = "leaf";
    for (let i = 0; i < 80; i++) value = [value, value];
    const measured = measureJsonBytes(value, { maxBytes: 10_000, maxDepth: 100 });
    expect(measured.problem).toBe("size");
    expect(measured.bytes).toBeGreaterThan(10_000);
    expect(measured.bytes).toBeLessThan(10_100);
  });

  it("stops inside one huge string", () => {
    expect(measureJsonBytes("y".repeat(5_000_000), { maxBytes: 1000 })).toEqual({ bytes: 1001, problem: "size" });
  });

  it("refuses a cycle and over-deep nesting", () => {
    const loop: unknown[] = [1];
    loop.push(loop);
    expect(measureJsonBytes(loop, unlimited).problem).toBe("cycle");

    let deep: unknown = "bottom";
    for (let i = 0; i < 10; i++) deep = { down: deep };
    expect(measureJsonBytes(deep, { ...unlimited, maxDepth: 10 })).toEqual({ bytes: jsonBytes(deep) });
    expect(measureJsonBytes(deep, { ...unlimited, maxDepth: 9 }).problem).toBe("depth");
  });
});

describe("toBoundedJS", () => {
  const anchorBomb = `a: &a "${"z".repeat(20_000)}"\nb:\n${Array.from({ length: 99 }, () => "  - *a").join("\n")}\n`;

  it("returns the value and its size when it fits", () => {
    const result = toBoundedJS(parseDocument("name: cart\ntags: [a, b]\n"), { maxBytes: 1024 });
    expect(result).toEqual({ ok: true, value: { name: "cart", tags: ["a", "b"] }, bytes: jsonBytes({ name: "cart", tags: ["a", "b"] }) });
  });

  it("refuses a document whose aliases expand past the limit, though the text is small", () => {
    expect(anchorBomb.length).toBeLessThan(25_000);
    const result = toBoundedJS(parseDocument(anchorBomb), { maxBytes: 256 * 1024 });
    expect(result).toMatchObject({ ok: false, problem: "size", message: "is over 256 KiB once its YAML aliases are expanded" });
    expect(toBoundedJS(parseDocument(anchorBomb), { maxBytes: 4 * 1024 * 1024 }).ok).toBe(true);
  });

  it("refuses a document that refers to itself", () => {
    expect(toBoundedJS(parseDocument("a: &a [1, *a]\n"), { maxBytes: 1024 })).toMatchObject({ ok: false, problem: "cycle" });
  });

  it("keeps yaml's alias count guard and explains it", () => {
    const levels = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 5; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]`);
    expect(toBoundedJS(parseDocument(levels.join("\n")), { maxBytes: Number.MAX_SAFE_INTEGER })).toMatchObject({
      ok: false,
      problem: "aliases",
      message: "uses too many YAML aliases (more than 100 expansions)",
    });
  });

  it("reports other conversion errors as invalid YAML", () => {
    expect(toBoundedJS(parseDocument("a: *missing\n"), { maxBytes: 1024 })).toMatchObject({ ok: false, problem: "invalid", message: expect.stringMatching(/^is not valid YAML: /) });
  });
});
