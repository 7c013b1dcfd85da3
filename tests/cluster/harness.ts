// The cluster under test: one PostgreSQL (embedded, so the test can restart it), two web
// processes and one worker process from the production build (.next/standalone), the
// built-in identity provider, and a round-robin proxy in front. Everything lives under
// /tmp/pave-cluster and is recreated by start().
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../scripts/embedded-postgres.ts";
import { startBuiltinIdp, type BuiltinIdp } from "../../scripts/idp/server.ts";
import { DEMO_ROLE_GROUPS } from "../../scripts/idp/users.ts";
import { startOtlpReceiver, type OtlpReceiver } from "../otlp-receiver.ts";
import { startRoundRobinProxy, type RoundRobinProxy } from "./proxy.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const WORK = "/tmp/pave-cluster";
export const PORTS = { proxy: 3100, idp: 3001, web1: 3101, web2: 3102, worker: 3103, postgres: 55433 } as const;
const SERVER = path.join(ROOT, ".next", "standalone", "server.js");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

export type Role = "web1" | "web2" | "worker";

export type ProcessOutput = { code: number | null; signal: NodeJS.Signals | null; output: string };

/** A child process with its output kept (for failure messages) and its exit awaited. */
export class Child {
  output = "";
  readonly exited: Promise<ProcessOutput>;
  constructor(readonly process: ChildProcess) {
    process.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    process.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => process.on("exit", (code, signal) => resolve({ code, signal, output: this.output })));
  }
}

export class Cluster {
  database!: EmbeddedDatabase;
  idp!: BuiltinIdp;
  proxy!: RoundRobinProxy;
  /** Where every process sends its traces. */
  collector!: OtlpReceiver;
  readonly processes = new Map<Role, Child>();
  migrations: ProcessOutput[] = [];

  get databaseUrl(): string {
    return this.database.url;
  }

  /** Settings every Pave process of the cluster shares: what a Deployment's env would hold. */
  env(role: Role | "tool"): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_MANUAL_SIG_HANDLE: "true",
      HOSTNAME: "127.0.0.1",
      PORT: role === "tool" ? "" : String(PORTS[role]),
      DATABASE_URL: this.databaseUrl,
      NEXTAUTH_URL: `http://localhost:${PORTS.proxy}`,
      NEXTAUTH_SECRET: "cluster-secret-cluster-secret-cluster-secret",
      PAVE_SECRETS_KEY: "Y2x1c3Rlci1zZWNyZXRzLWtleS1jbHVzdGVyLXNlY3I=",
      PAVE_BUILTIN_IDP: "true",
      PAVE_IDP_ISSUER: `http://localhost:${PORTS.idp}`,
      PAVE_ADMIN_GROUPS: DEMO_ROLE_GROUPS.admin,
      PAVE_PLATFORM_GROUPS: DEMO_ROLE_GROUPS.platform,
      PAVE_GIT_ROOT: path.join(WORK, "git"),
      PAVE_FLAGS_BOOTSTRAP: path.join(WORK, "flags.json"),
      PAVE_PROCESS: role === "worker" ? "worker" : "web",
      // Short enough that a killed worker's run is taken over within seconds.
      PAVE_RUN_LEASE_SECONDS: "4",
      PAVE_SWEEP_INTERVAL_SECONDS: "2",
      PAVE_SHUTDOWN_DELAY_SECONDS: "2",
      PAVE_SHUTDOWN_GRACE_SECONDS: "10",
      LOG_LEVEL: "warn",
      ...(this.collector && role !== "tool" ? { OTEL_EXPORTER_OTLP_ENDPOINT: this.collector.url, OTEL_SERVICE_NAME: "pave-cluster" } : {}),
    };
  }

  async start(): Promise<void> {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    copyFileSync(path.join(ROOT, "lib", "flags", "bootstrap.json"), path.join(WORK, "flags.json"));
    this.database = await this.startDatabase();
    this.collector = await startOtlpReceiver();

    // Two deploy jobs at once, as two replicas of a migration Job might: one applies, one waits.
    this.migrations = await Promise.all([0, 1].map(() => this.tool(["scripts/pave.ts", "migrate"])));
    for (const result of this.migrations) if (result.code !== 0) throw new Error(`migrate failed:\n${result.output}`);
    const seeded = await this.tool(["--conditions=react-server", "prisma/seed.ts"]);
    if (seeded.code !== 0) throw new Error(`seed failed:\n${seeded.output}`);
    const registered = await this.tool(["--conditions=react-server", "tests/cluster/register-template.ts"]);
    if (registered.code !== 0) throw new Error(`template registration failed:\n${registered.output}`);

    const base = `http://localhost:${PORTS.proxy}`;
    this.idp = await startBuiltinIdp({
      port: PORTS.idp,
      issuer: `http://localhost:${PORTS.idp}`,
      clientId: "pave-dev",
      clientSecret: "pave-dev-secret",
      redirectUris: [`${base}/api/auth/callback/pave-idp`],
      postLogoutRedirectUris: [`${base}/sign-in`],
    });
    await Promise.all((["web1", "web2", "worker"] as const).map((role) => this.startProcess(role)));
    this.proxy = await startRoundRobinProxy(PORTS.proxy, [PORTS.web1, PORTS.web2]);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((role) => this.kill(role, "SIGKILL")));
    await this.proxy?.close();
    await this.idp?.close();
    await this.collector?.close();
    await this.database?.stop().catch(() => {});
  }

  startDatabase(): Promise<EmbeddedDatabase> {
    return startEmbeddedPostgres({ dataDir: path.join(WORK, "postgres"), port: PORTS.postgres, password: "cluster", database: "pave" });
  }

  /** Runs a script of the repository with tsx against the cluster's database. */
  tool(args: string[]): Promise<ProcessOutput> {
    const child = new Child(spawn(TSX, args, { cwd: ROOT, env: this.env("tool"), stdio: ["ignore", "pipe", "pipe"] }));
    return child.exited;
  }

  /** Starts one production process and waits until it is ready. */
  async startProcess(role: Role): Promise<Child> {
    const child = new Child(spawn(process.execPath, [SERVER], { cwd: path.dirname(SERVER), env: this.env(role), stdio: ["ignore", "pipe", "pipe"] }));
    this.processes.set(role, child);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.process.exitCode !== null) throw new Error(`${role} exited while starting:\n${child.output}`);
      if ((await this.readiness(role)) === 200) return child;
      await sleep(250);
    }
    throw new Error(`${role} was not ready within 60 s:\n${child.output}`);
  }

  /** Sends a signal to a process; resolves with how it ended. */
  async kill(role: Role, signal: NodeJS.Signals): Promise<ProcessOutput | undefined> {
    const child = this.processes.get(role);
    if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return child ? child.exited : undefined;
    child.process.kill(signal);
    const result = await child.exited;
    this.processes.delete(role);
    return result;
  }

  /** GET /api/health/ready of one process directly (not through the proxy): its status, or null if it doesn't answer. */
  async readiness(role: Role): Promise<number | null> {
    try {
      const response = await fetch(`http://127.0.0.1:${PORTS[role]}/api/health/ready`, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type TrafficResult = { path: string; status: number | null; ms: number; body: string; error?: string };

/**
 * Signed-in traffic through the proxy: `concurrency` loops requesting `paths` in turn
 * until stop() is called, which resolves with every response.
 */
export function traffic(baseUrl: string, cookie: string, paths: string[], concurrency: number): { stop(): Promise<TrafficResult[]> } {
  const results: TrafficResult[] = [];
  let running = true;
  const loop = async (offset: number) => {
    for (let i = offset; running; i += 1) {
      const target = paths[i % paths.length]!;
      const started = Date.now();
      try {
        const response = await fetch(`${baseUrl}${target}`, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(15_000) });
        const body = await response.text();
        results.push({ path: target, status: response.status, ms: Date.now() - started, body: body.slice(0, 4000) });
      } catch (error) {
        results.push({ path: target, status: null, ms: Date.now() - started, body: "", error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, index) => loop(index));
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return results;
    },
  };
}
