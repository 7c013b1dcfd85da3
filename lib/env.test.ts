import { describe, expect, it } from "vitest";
import { ConfigError, isBuiltinIdpEnabled, parseEnv } from "@/lib/env";

const base = {
  NODE_ENV: "development",
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/pave",
  NEXTAUTH_SECRET: "a".repeat(32),
};

const KEY = Buffer.alloc(32, 1).toString("base64");

function problems(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv", () => {
  it("accepts a minimal development config and fills defaults", () => {
    const env = parseEnv(base);
    expect(env.NEXTAUTH_URL).toBe("http://localhost:3000");
    expect(env.PAVE_PROCESS).toBe("all");
    expect(env.PAVE_SHUTDOWN_GRACE_SECONDS).toBe(25);
    expect(env.PAVE_ADMIN_GROUPS).toEqual([]);
  });

  it("names each missing or malformed variable", () => {
    const found = problems({ NODE_ENV: "development", DATABASE_URL: "mysql://x", NEXTAUTH_SECRET: "short", PAVE_PROCESS: "sometimes" });
    expect(found.some((p) => p.startsWith("DATABASE_URL: expected a postgresql://"))).toBe(true);
    expect(found.some((p) => p.startsWith("NEXTAUTH_SECRET: must be at least 32"))).toBe(true);
    expect(found.some((p) => p.startsWith("PAVE_PROCESS:"))).toBe(true);
    expect(problems({ NEXTAUTH_SECRET: base.NEXTAUTH_SECRET }).some((p) => p.startsWith("DATABASE_URL: is required"))).toBe(true);
  });

  it("never repeats a secret's value in its message", () => {
    const secret = "hunter2-is-not-long-enough";
    const message = problems({ ...base, NEXTAUTH_SECRET: secret }).join("\n");
    expect(message).toContain("NEXTAUTH_SECRET");
    expect(message).not.toContain(secret);
  });

  it("requires the client id and secret with an OIDC issuer, and both GitHub settings together", () => {
    const found = problems({ ...base, OIDC_ISSUER: "https://example.okta.com", GITHUB_ID: "abc" });
    expect(found).toEqual(
      expect.arrayContaining([
        "OIDC_CLIENT_ID: is required when OIDC_ISSUER is set",
        "OIDC_CLIENT_SECRET: is required when OIDC_ISSUER is set",
        "GITHUB_SECRET: is required when GITHUB_ID is set",
      ]),
    );
    expect(problems({ ...base, OIDC_ISSUER: "not a url" })[0]).toMatch(/^OIDC_ISSUER: expected the OIDC issuer URL/);
  });

  it("checks the catalog size limits: whole numbers, and an entity no bigger than an import", () => {
    expect(problems({ ...base, PAVE_CATALOG_MAX_ENTITY_BYTES: "lots" })[0]).toMatch(/^PAVE_CATALOG_MAX_ENTITY_BYTES: /);
    expect(problems({ ...base, PAVE_CATALOG_MAX_ENTITY_BYTES: "2097152", PAVE_CATALOG_MAX_IMPORT_BYTES: "1048576" })).toEqual([
      "PAVE_CATALOG_MAX_ENTITY_BYTES: must not be more than PAVE_CATALOG_MAX_IMPORT_BYTES (one entity can't be bigger than a whole import)",
    ]);
    expect(parseEnv({ ...base, PAVE_CATALOG_MAX_ENTITY_BYTES: "1048576" }).PAVE_CATALOG_MAX_ENTITY_BYTES).toBe(1024 * 1024);
  });

  it("leaves tracing off unless a collector URL is set, and refuses one that is not a URL", () => {
    expect(parseEnv(base).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv(base).OTEL_SERVICE_NAME).toBe("pave");
    expect(parseEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://otel-collector:4318");
    expect(problems({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })[0]).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: expected an OTLP\/HTTP collector URL/);
  });

  it("refuses a production start with no sign-in provider", () => {
    expect(problems({ ...base, NODE_ENV: "production", PAVE_SECRETS_KEY: KEY })[0]).toMatch(/^OIDC_ISSUER: no sign-in provider is configured/);
  });
});

describe("isBuiltinIdpEnabled", () => {
  it("is on in development when no real provider is configured", () => {
    expect(isBuiltinIdpEnabled(parseEnv(base))).toBe(true);
  });

  it("turns off when a real provider is configured", () => {
    const env = parseEnv({ ...base, OIDC_ISSUER: "https://idp.example.com", OIDC_CLIENT_ID: "id", OIDC_CLIENT_SECRET: "secret" });
    expect(isBuiltinIdpEnabled(env)).toBe(false);
  });

  it("stays off in production unless explicitly enabled", () => {
    const real = { ...base, NODE_ENV: "production", PAVE_SECRETS_KEY: KEY, GITHUB_ID: "id", GITHUB_SECRET: "secret" };
    expect(isBuiltinIdpEnabled(parseEnv(real))).toBe(false);
    expect(isBuiltinIdpEnabled(parseEnv({ ...base, NODE_ENV: "production", PAVE_SECRETS_KEY: KEY, PAVE_BUILTIN_IDP: "true" }))).toBe(true);
    expect(problems({ ...base, PAVE_BUILTIN_IDP: "yes" })[0]).toMatch(/^PAVE_BUILTIN_IDP: expected "true" or "false"/);
  });

  it("needs a 32-byte PAVE_SECRETS_KEY in production, as hex or base64", () => {
    const prod = { ...base, NODE_ENV: "production", PAVE_BUILTIN_IDP: "true" };
    expect(problems(prod)).toContainEqual(expect.stringMatching(/^PAVE_SECRETS_KEY: is required in production/));
    expect(problems({ ...prod, PAVE_SECRETS_KEY: "c2hvcnQ=" })).toContainEqual(expect.stringMatching(/^PAVE_SECRETS_KEY: must be 32 bytes/));
    expect(parseEnv({ ...prod, PAVE_SECRETS_KEY: "ab".repeat(32) }).PAVE_SECRETS_KEY).toHaveLength(32);
    expect(parseEnv({ ...prod, PAVE_SECRETS_KEY: KEY }).PAVE_SECRETS_KEY).toEqual(Buffer.alloc(32, 1));
  });
});
