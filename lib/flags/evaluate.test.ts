import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(os.tmpdir(), "pave-flags-"));
const file = path.join(dir, "bootstrap.json");

function writeFlags(states: Record<string, boolean>) {
  const features = Object.entries(states).map(([name, enabled]) => ({ name, enabled, type: "release", project: "default", strategies: [{ name: "default" }] }));
  writeFileSync(file, JSON.stringify({ version: 2, features }));
}

const user = { id: "u1", email: "dev@example.com", role: "member", groups: ["team-checkout"] };

async function eventually(check: () => Promise<boolean>, timeoutMs = 2_500) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("Pave's flags from the bootstrap file (no Unleash)", () => {
  let flags: typeof import("./evaluate");

  beforeAll(async () => {
    delete process.env.UNLEASH_URL;
    process.env.PAVE_FLAGS_BOOTSTRAP = file;
    writeFlags({ "pave.dora-benchmark-switcher": true, "pave.self-service-submissions": true });
    flags = await import("./evaluate");
    flags.resetFlagClient();
  });

  afterAll(() => {
    flags.resetFlagClient();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers from the file and reports the bootstrap source", async () => {
    expect(await flags.isFlagEnabled("pave.self-service-submissions", user)).toBe(true);
    expect(await flags.isFlagEnabled("pave.dora-benchmark-switcher", null)).toBe(true);
    expect(flags.getFlagStatus()).toEqual({ source: "bootstrap", ready: true, lastError: null });
  });

  it("picks up a flag switched off in the file within about a second, without a restart", async () => {
    const started = Date.now();
    writeFlags({ "pave.dora-benchmark-switcher": true, "pave.self-service-submissions": false });
    expect(await eventually(async () => !(await flags.isFlagEnabled("pave.self-service-submissions", user)))).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await flags.isFlagEnabled("pave.dora-benchmark-switcher", user)).toBe(true);
  });

  it("uses the flag's fallback when the file does not mention it", async () => {
    writeFlags({ "pave.self-service-submissions": false });
    expect(await eventually(async () => !(await flags.isFlagEnabled("pave.self-service-submissions", user)))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await flags.isFlagEnabled("pave.dora-benchmark-switcher", user)).toBe(true);
    writeFlags({ "pave.self-service-submissions": true, "pave.dora-benchmark-switcher": false });
    expect(await eventually(async () => !(await flags.isFlagEnabled("pave.dora-benchmark-switcher", user)))).toBe(true);
  });
});
