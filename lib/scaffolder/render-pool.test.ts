import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startRenderSession } from "@/lib/scaffolder/render-pool";
import { whileTicking } from "@/tests/event-loop";

// 10,000 iterations of upper over 4 MB: minutes of work, if nothing stops it.
const slowTemplate = "{% for i in range %}${{ s | upper | length }}{% endfor %}";
const slowContext = () => ({ s: "x".repeat(4 * 1024 * 1024), range: Array.from({ length: 10_000 }, (_, i) => i) });

describe("template rendering threads", () => {
  it("render within the run's budget, shared by all of its calls", async () => {
    const session = startRenderSession({ workBudget: 1_000_000, timeLimitMs: 10_000 });
    expect(await session.evaluateValue({ name: "${{ parameters.name | upper }}", port: "${{ parameters.port }}" }, { parameters: { name: "svc", port: 8080 } }, "input")).toEqual({
      name: "SVC",
      port: 8080,
    });
    expect(await session.evaluateCondition("${{ parameters.port > 80 }}", { parameters: { port: 8080 } }, "if")).toBe(true);
    expect(await session.renderFiles([{ path: "${{ values.name }}/README.md", content: "# ${{ values.name }}" }, { path: "logo.png", content: null }], { values: { name: "svc" } })).toEqual([
      { segments: ["svc", "README.md"], content: "# svc" },
      { segments: ["logo.png"], content: null },
    ]);
    // Each call alone fits the budget; together they do not.
    const call = () => session.evaluateValue("${{ s | upper | length }}", { s: "x".repeat(100_000) }, "input.size");
    await expect(
      (async () => {
        for (let i = 0; i < 20; i++) await call();
      })(),
    ).rejects.toThrow("template exceeded its work budget");
  });

  it("stop a render that stays within its budget but outlives the time limit, and start a fresh thread for the next", async () => {
    const session = startRenderSession({ workBudget: 1e15, timeLimitMs: 500 });
    const started = performance.now();
    const { result, longestGapMs } = await whileTicking(() => session.evaluateValue(slowTemplate, slowContext(), "input.message").catch((error: unknown) => error));
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toContain("took longer than its time limit of 500 ms");
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(longestGapMs).toBeLessThan(100);
    // The run's time is spent: it fails at once from now on.
    await expect(session.evaluateValue("${{ 1 }}", {}, "x")).rejects.toThrow("time limit");
    // Another run gets a working thread.
    expect(await startRenderSession().evaluateValue("${{ 1 + 1 }}", {}, "x")).toBe(2);
  });

  it("load only code that imports nothing server-only, all of it traced for deployment", async () => {
    const config = (await import(path.join(process.cwd(), "next.config.js"))) as { default: { outputFileTracingIncludes: Record<string, string[]> } };
    const traced = config.default.outputFileTracingIncludes["/**"]!;
    const seen = new Set<string>();
    // `@/a/b` (or `./b`, beside the importer) names the file `a/b.ts`, or the folder `a/b/` and so its `index.ts`.
    const resolve = (from: string, specifier: string): string => {
      const target = specifier.startsWith("@/") ? specifier.slice(2) : path.posix.join(path.posix.dirname(from), specifier);
      const found = [`${target}.ts`, `${target}/index.ts`].find((candidate) => existsSync(path.join(process.cwd(), candidate)));
      if (!found) throw new Error(`${from} imports ${specifier}, which is no TypeScript file in the source tree`);
      return found;
    };
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(path.join(process.cwd(), file), "utf8");
      expect(source, file).not.toMatch(/import\s+["']server-only["']/);
      expect(traced, file).toContain(`./${file}`);
      // Re-exports load their module as imports do.
      for (const [, specifier] of source.matchAll(/^(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)) {
        if (specifier!.startsWith("@/") || specifier!.startsWith(".")) visit(resolve(file, specifier!));
        else expect(specifier, `${file} imports ${specifier}`).toMatch(/^(node:|zod$)/);
      }
    };
    visit("lib/scaffolder/render-thread.ts");
    const engine = ["budget", "errors", "evaluator", "filters", "index", "lexer", "parser", "secrets", "values"].map((name) => `lib/scaffolder/templating/${name}.ts`);
    expect([...seen].sort()).toEqual(["lib/catalog/refs.ts", "lib/git/repo-url.ts", "lib/scaffolder/render-thread.ts", "lib/scaffolder/rendering.ts", ...engine]);
  });
});
