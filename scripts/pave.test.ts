import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

// Runs the real launcher with a given environment (no .env file involved) and returns its output.
function launch(mode: string, env: Record<string, string>) {
  const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/pave.ts", mode], {
    cwd: root,
    env: { NODE_ENV: "production", PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", DOTENV_CONFIG_PATH: "/nonexistent/.env", ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("launcher start-up checks", () => {
  it("refuses a production start without a session secret, naming the variable", () => {
    const { status, output } = launch("start", { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres" });
    expect(status).toBe(1);
    expect(output).toContain("NEXTAUTH_SECRET: is required");
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it("refuses a production start with no sign-in provider; the built-in one must be enabled explicitly", () => {
    const { status, output } = launch("start", { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres", NEXTAUTH_SECRET: "x".repeat(40) });
    expect(status).toBe(1);
    expect(output).toContain("OIDC_ISSUER: no sign-in provider is configured");
    expect(output).toContain("PAVE_BUILTIN_IDP=true");
  });

  it("names a malformed variable and does not print its value", () => {
    const { status, output } = launch("start", {
      DATABASE_URL: "mysql://root:hunter2@db/pave",
      NEXTAUTH_SECRET: "x".repeat(40),
      PAVE_BUILTIN_IDP: "true",
    });
    expect(status).toBe(1);
    expect(output).toContain("DATABASE_URL: expected a postgresql:// connection string");
    expect(output).not.toContain("hunter2");
  });

  it("rejects an unknown mode", () => {
    expect(launch("serve", {}).status).toBe(2);
  });
});
