import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { matchesGlob, readTree, resolveInside } from "@/lib/scaffolder/workspace";

describe("workspace paths", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "pave-ws-"));

  it("keeps every path inside the workspace", () => {
    expect(resolveInside(root, "./src/index.ts")).toBe(path.join(root, "src/index.ts"));
    expect(resolveInside(root, "./")).toBe(root);
    expect(() => resolveInside(root, "../outside")).toThrow(/stay inside the workspace/);
    expect(() => resolveInside(root, "a/../../b")).toThrow(/stay inside the workspace/);
    expect(() => resolveInside(root, "/etc/passwd")).toThrow(/must be relative/);
  });

  it("refuses symbolic links in a tree, which could point anywhere", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pave-ws-"));
    mkdirSync(path.join(dir, "src"));
    writeFileSync(path.join(dir, "src/a.txt"), "a");
    expect((await readTree(dir)).map((f) => f.path)).toEqual(["src/a.txt"]);
    symlinkSync("/etc/passwd", path.join(dir, "src/passwd"));
    await expect(readTree(dir)).rejects.toThrow(/symbolic link/);
  });

  it("matches globs like Backstage's copyWithoutTemplating", () => {
    expect(matchesGlob(".github/workflows/ci.yaml", ".github/**")).toBe(true);
    expect(matchesGlob("src/a.ts", "*.ts")).toBe(false);
    expect(matchesGlob("src/a.ts", "**/*.ts")).toBe(true);
    expect(matchesGlob("a.ts", "**/*.ts")).toBe(true);
    expect(matchesGlob("docs/x.png", "docs/*.png")).toBe(true);
  });
});
