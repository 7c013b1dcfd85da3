import net from "node:net";
import { InMemStorageProvider, Unleash } from "unleash-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { adminQuery, testServerUrl } from "@/tests/database";

// A real unleash-server on its own database. Its open-source edition cannot create
// projects (POST /api/admin/projects is 404), so the flags live in the "default" project.
const database = `pave_t${process.pid}_unleash`;
const ADMIN = "*:*.admin-secret";
const BACKEND = "*:development.backend-secret";
const PROJECT = "default";

type Server = { stop: () => Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

describe("flags against a real Unleash", () => {
  let server: Server | null = null;
  let base = "";
  let admin: typeof import("./admin");
  let evaluate: typeof import("./evaluate");

  const api = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers: { Authorization: ADMIN, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : null;
  };

  const environmentOf = async (flag: string, environment: string) => {
    const feature = (await api("GET", `/api/admin/projects/${PROJECT}/features/${flag}`)) as {
      environments: { name: string; enabled: boolean; strategies: { name: string; parameters: Record<string, string> }[] }[];
    };
    return feature.environments.find((e) => e.name === environment);
  };

  beforeAll(async () => {
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE "${database}"`);
    const port = await freePort();
    const pg = testServerUrl();
    const { start } = await import("unleash-server");
    server = (await start({
      db: { host: pg.hostname, port: Number(pg.port || 5432), user: decodeURIComponent(pg.username || "postgres"), password: decodeURIComponent(pg.password), database, ssl: false },
      server: { port },
      // Sessions in memory: the database session store keeps a cleanup timer after stop().
      session: { db: false },
      authentication: {
        type: "open-source",
        createAdminUser: false,
        initApiTokens: [
          { environment: "*", project: "*", secret: ADMIN, type: "admin", tokenName: "admin" },
          { environment: "development", project: "*", secret: BACKEND, type: "client", tokenName: "backend" },
        ],
      },
      versionCheck: { enable: false },
      telemetry: false,
      logLevel: "error",
    } as unknown as Parameters<typeof start>[0])) as unknown as Server;
    base = `http://127.0.0.1:${port}`;
    process.env.UNLEASH_URL = `${base}/api`;
    process.env.UNLEASH_API_TOKEN = BACKEND;
    process.env.UNLEASH_ADMIN_TOKEN = ADMIN;
    process.env.UNLEASH_ENVIRONMENT = "development";

    await api("POST", `/api/admin/projects/${PROJECT}/features`, { name: "new-cart", type: "release", description: "The new cart" });
    await api("POST", `/api/admin/projects/${PROJECT}/features`, { name: "kill-payments", type: "kill-switch" });
    await api("POST", `/api/admin/projects/${PROJECT}/features/new-cart/environments/development/strategies`, {
      name: "flexibleRollout",
      parameters: { rollout: "50", stickiness: "userId", groupId: "new-cart" },
    });
    await api("POST", `/api/admin/projects/${PROJECT}/features/new-cart/environments/development/on`);

    admin = await import("./admin");
    evaluate = await import("./evaluate");
    evaluate.resetFlagClient();
  }, 120_000);

  afterAll(async () => {
    evaluate?.resetFlagClient();
    await server?.stop();
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it("lists a project's flags with types, environments and rollout", async () => {
    expect(admin.isUnleashConfigured()).toBe(true);
    const flags = await admin.listProjectFlags(PROJECT);
    expect(flags.map((f) => [f.name, f.type])).toEqual([
      ["kill-payments", "kill-switch"],
      ["new-cart", "release"],
    ]);
    const cart = flags.find((f) => f.name === "new-cart");
    expect(cart?.description).toBe("The new cart");
    expect(cart?.stale).toBe(false);
    expect(cart?.environments.map((e) => e.name).sort()).toEqual(["development", "production"]);
    const development = cart?.environments.find((e) => e.name === "development");
    expect(development?.enabled).toBe(true);
    expect(development?.strategies).toEqual([{ id: expect.any(String), name: "flexibleRollout", rollout: 50 }]);
  });

  it("turns a flag on and off, as Unleash itself then reports", async () => {
    await admin.setFlagEnabled(PROJECT, "kill-payments", "production", true);
    expect((await environmentOf("kill-payments", "production"))?.enabled).toBe(true);
    await admin.setFlagEnabled(PROJECT, "kill-payments", "production", false);
    expect((await environmentOf("kill-payments", "production"))?.enabled).toBe(false);
  });

  it("lets only the team owning the flag's service, platform and admin switch it from Pave, and audits it", async () => {
    const { db } = await import("@/lib/db");
    const { parseCatalogYaml } = await import("@/lib/catalog/descriptor");
    const { writeEntities } = await import("@/lib/catalog/store");
    const { createUser } = await import("@/tests/factories");
    const { toggleServiceFlag, setServiceFlagRollout } = await import("./mutations");
    // Two teams' services share the project "default", as the templates and the demo set them up.
    const component = (name: string, owner: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  annotations:\n    unleash.io/project-id: ${PROJECT}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
    const yaml = [component("payments-api", "team-payments"), component("search-api", "team-search")].join("---\n");
    await db.$transaction((tx) => writeEntities(tx, parseCatalogYaml(yaml).entities, { type: "upload" }));
    await api("POST", `/api/admin/projects/${PROJECT}/features`, { name: "payments-api.kill", type: "kill-switch" });
    await api("POST", `/api/admin/projects/${PROJECT}/features`, { name: "ranking-v2", type: "release" });
    await api("POST", "/api/admin/tag-types", { name: "pave-service" });
    await api("POST", "/api/admin/features/ranking-v2/tags", { type: "pave-service", value: "component:default/search-api" });
    const payments = "component:default/payments-api";
    const search = "component:default/search-api";

    // The attack: owning search-api (same project) must not open payments-api's flag, whichever service is named.
    const searcher = await createUser({ groups: ["team-search"] });
    for (const service of [search, payments]) {
      await expect(toggleServiceFlag(searcher, { service, flag: "payments-api.kill", environment: "production", enabled: true })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("owned by team-payments"),
      });
    }
    // Nor a flag that belongs to no service (new-cart, kill-payments): read-only for members.
    await expect(toggleServiceFlag(searcher, { service: search, flag: "kill-payments", environment: "production", enabled: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("belongs to no service"),
    });
    await expect(setServiceFlagRollout(searcher, { service: search, flag: "new-cart", environment: "development", rollout: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await environmentOf("payments-api.kill", "production"))?.enabled).toBe(false);
    expect((await environmentOf("kill-payments", "production"))?.enabled).toBe(false);
    expect((await environmentOf("new-cart", "development"))?.strategies[0]?.parameters.rollout).toBe("50");

    // The tag gives ranking-v2 to search-api: its team may switch it, the payments team may not.
    await toggleServiceFlag(searcher, { service: search, flag: "ranking-v2", environment: "production", enabled: true });
    expect((await environmentOf("ranking-v2", "production"))?.enabled).toBe(true);
    const payer = await createUser({ groups: ["team-payments"] });
    await expect(toggleServiceFlag(payer, { service: payments, flag: "ranking-v2", environment: "production", enabled: false })).rejects.toMatchObject({ code: "FORBIDDEN" });

    await toggleServiceFlag(payer, { service: payments, flag: "payments-api.kill", environment: "production", enabled: true });
    expect((await environmentOf("payments-api.kill", "production"))?.enabled).toBe(true);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "flags.toggle", actorId: payer.id } });
    expect(audit).toMatchObject({ targetType: "flag", targetId: `${PROJECT}/payments-api.kill`, data: { environment: "production", enabled: true, service: payments } });
    // Platform may switch any flag, a flag of no service included.
    await toggleServiceFlag(await createUser({ role: "platform" }), { service: search, flag: "kill-payments", environment: "production", enabled: true });
    expect((await environmentOf("kill-payments", "production"))?.enabled).toBe(true);
    await toggleServiceFlag(await createUser({ role: "platform" }), { service: search, flag: "kill-payments", environment: "production", enabled: false });
  });

  it("refuses the flag names . and .. before they reach an Unleash URL", async () => {
    const { toggleFlagSchema } = await import("./schemas");
    for (const flag of [".", ".."]) {
      expect(toggleFlagSchema.safeParse({ service: "component:default/payments-api", flag, environment: "production", enabled: "true" }).success).toBe(false);
      await expect(admin.setFlagEnabled(PROJECT, flag, "production", true)).rejects.toMatchObject({ code: "INVALID" });
    }
  });

  it("changes the rollout keeping stickiness, and adds a gradual rollout where there is none", async () => {
    await admin.setRollout(PROJECT, "new-cart", "development", 30);
    const strategies = (await environmentOf("new-cart", "development"))?.strategies;
    expect(strategies).toHaveLength(1);
    expect(strategies?.[0]?.parameters).toMatchObject({ rollout: "30", stickiness: "userId", groupId: "new-cart" });
    await admin.setRollout(PROJECT, "new-cart", "development", 50);

    await admin.setRollout(PROJECT, "kill-payments", "production", 10);
    expect((await environmentOf("kill-payments", "production"))?.strategies).toEqual([
      expect.objectContaining({ name: "flexibleRollout", parameters: expect.objectContaining({ rollout: "10" }) }),
    ]);
  });

  it("refuses a bad rollout, an unknown environment or flag, and changes nothing", async () => {
    const before = await api("GET", `/api/admin/projects/${PROJECT}/features/new-cart`);
    await expect(admin.setRollout(PROJECT, "new-cart", "development", 101)).rejects.toMatchObject({ code: "INVALID" });
    await expect(admin.setRollout(PROJECT, "new-cart", "development", 12.5)).rejects.toMatchObject({ code: "INVALID" });
    await expect(admin.setRollout(PROJECT, "new-cart", "staging", 20)).rejects.toMatchObject({ code: "INVALID", message: expect.stringContaining("development, production") });
    await expect(admin.setFlagEnabled(PROJECT, "new-cart", "staging", false)).rejects.toMatchObject({ code: "INVALID" });
    await expect(admin.setFlagEnabled(PROJECT, "no-such-flag", "development", true)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(admin.setRollout(PROJECT, "no-such-flag", "development", 20)).rejects.toBeInstanceOf(AppError);
    expect(await api("GET", `/api/admin/projects/${PROJECT}/features/new-cart`)).toEqual(before);
  });

  it("evaluates a 50% rollout stickily per user, for about half of 1,000 users", async () => {
    const client = new Unleash({
      appName: "pave-test",
      url: `${base}/api`,
      customHeaders: { Authorization: BACKEND },
      refreshInterval: 200,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
    });
    client.on("error", () => {});
    try {
      await new Promise<void>((resolve) => client.once("synchronized", () => resolve()));
      const users = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);
      const first = users.map((userId) => client.isEnabled("new-cart", { userId }));
      const second = users.map((userId) => client.isEnabled("new-cart", { userId }));
      expect(second).toEqual(first);
      const on = first.filter(Boolean).length;
      expect(on).toBeGreaterThan(400);
      expect(on).toBeLessThan(600);
    } finally {
      client.destroy();
    }
  });

  it("when Unleash stops, the flags page fails fast and Pave's own flags still answer", async () => {
    const user = { id: "u1", email: "dev@example.com", role: "member", groups: ["team-checkout"] };
    // Unleash holds no pave.* flags, so each answers with its fallback once connected.
    expect(await evaluate.isFlagEnabled("pave.self-service-submissions", user)).toBe(true);
    expect(evaluate.getFlagStatus()).toMatchObject({ source: "unleash", ready: true });

    await server?.stop();
    server = null;
    const started = Date.now();
    const error = await admin.listProjectFlags(PROJECT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(admin.UnleashUnavailableError);
    expect((error as Error).message).toMatch(/^Unleash is unreachable/);
    expect(Date.now() - started).toBeLessThan(3_500);
    expect(await evaluate.isFlagEnabled("pave.self-service-submissions", user)).toBe(true);
    expect(await evaluate.isFlagEnabled("pave.dora-benchmark-switcher", null)).toBe(true);
  });
});
