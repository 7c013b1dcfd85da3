import "server-only";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InMemStorageProvider, Unleash, type Context } from "unleash-client";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { PAVE_FLAGS, type PaveFlag } from "./definitions";

/** Who a flag is evaluated for; null when nobody is signed in. */
export type FlagUser = { id: string; email: string | null; role: string; groups: readonly string[] };

export type FlagStatus = { source: "unleash" | "bootstrap"; ready: boolean; lastError: string | null };

type BootstrapFeatures = NonNullable<NonNullable<ConstructorParameters<typeof Unleash>[0]["bootstrap"]>["data"]>;

type State = {
  client: Unleash;
  source: FlagStatus["source"];
  ready: boolean;
  readyPromise: Promise<void>;
  lastError: string | null;
  /** The bootstrap file as last loaded: its path, mtime and text. */
  file: { path: string; mtimeMs: number; text: string } | null;
  checkedAt: number;
};

// One client per process (and per dev hot reload); last known states outlive a client.
const globalState = globalThis as unknown as { paveFlags?: State; paveFlagsLastKnown?: Map<string, boolean> };
const lastKnown = (globalState.paveFlagsLastKnown ??= new Map());

const READY_WAIT_MS = 1_000;
const FILE_CHECK_MS = 1_000;

function bootstrapPath(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), getEnv().PAVE_FLAGS_BOOTSTRAP);
}

/** Parses the bootstrap file: `{ features: [...] }` (unleash-client's format) or a bare array. */
function parseBootstrap(text: string): BootstrapFeatures {
  const parsed: unknown = JSON.parse(text);
  const features = Array.isArray(parsed) ? parsed : (parsed as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) throw new Error("expected { \"features\": [...] } in the unleash-client bootstrap format");
  return features as BootstrapFeatures;
}

function readBootstrap(): { file: NonNullable<State["file"]>; features: BootstrapFeatures } | { error: string } {
  const file = bootstrapPath();
  try {
    const { mtimeMs } = statSync(file);
    const text = readFileSync(file, "utf8");
    return { file: { path: file, mtimeMs, text }, features: parseBootstrap(text) };
  } catch (error) {
    return { error: `Cannot read the flags bootstrap file ${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function createState(): State {
  const env = getEnv();
  const loaded = readBootstrap();
  const features = "features" in loaded ? loaded.features : [];
  const client = env.UNLEASH_URL
    ? new Unleash({
        appName: env.UNLEASH_APP_NAME,
        environment: env.UNLEASH_ENVIRONMENT,
        url: env.UNLEASH_URL,
        customHeaders: { Authorization: env.UNLEASH_API_TOKEN ?? "" },
        refreshInterval: 15_000,
        timeout: 3_000,
        bootstrap: { data: features },
        // Keeps no backup file on disk; the bootstrap covers start-up.
        storageProvider: new InMemStorageProvider(),
        skipInstanceCountWarning: true,
      })
    : new Unleash({
        appName: env.UNLEASH_APP_NAME,
        environment: env.UNLEASH_ENVIRONMENT,
        url: "http://unleash.invalid/api",
        refreshInterval: 0,
        disableMetrics: true,
        bootstrap: { data: features },
        storageProvider: new InMemStorageProvider(),
        skipInstanceCountWarning: true,
      });
  let markReady = () => {};
  const state: State = {
    client,
    source: env.UNLEASH_URL ? "unleash" : "bootstrap",
    ready: false,
    readyPromise: new Promise<void>((resolve) => (markReady = resolve)),
    lastError: "error" in loaded ? loaded.error : null,
    file: "file" in loaded ? loaded.file : null,
    checkedAt: Date.now(),
  };
  if ("error" in loaded) log.warn({ err: loaded.error }, "flags: bootstrap file not loaded; using each flag's fallback");
  client.on("ready", () => {
    state.ready = true;
    markReady();
  });
  // Without an error listener an EventEmitter throws. Messages name the URL, never the token.
  client.on("error", (error: unknown) => {
    state.lastError = error instanceof Error ? error.message : String(error);
    log.warn({ err: state.lastError }, "flags: Unleash client error");
  });
  client.on("warn", (message: unknown) => log.debug({ msg: String(message) }, "flags: Unleash client warning"));
  const fetched = () => {
    if (state.source === "unleash") state.lastError = null;
  };
  client.on("changed", fetched);
  client.on("unchanged", fetched);
  return state;
}

/** In the embedded default, picks up edits to the bootstrap file (checked at most once a second). */
function reloadIfChanged(state: State): State {
  if (state.source !== "bootstrap" || Date.now() - state.checkedAt < FILE_CHECK_MS) return state;
  state.checkedAt = Date.now();
  const file = bootstrapPath();
  let mtimeMs: number | null = null;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    mtimeMs = null;
  }
  if (state.file && state.file.path === file && state.file.mtimeMs === mtimeMs) return state;
  if (!state.file && mtimeMs === null) return state;
  const loaded = readBootstrap();
  if ("error" in loaded) {
    // A half-saved or broken file keeps the client as it is; the status page shows why.
    state.lastError = loaded.error;
    state.file = mtimeMs === null ? null : { path: file, mtimeMs, text: state.file?.text ?? "" };
    return state;
  }
  if (state.file && state.file.text === loaded.file.text) {
    state.file = loaded.file;
    state.lastError = null;
    return state;
  }
  state.client.destroy();
  const next = createState();
  globalState.paveFlags = next;
  return next;
}

function currentState(): State {
  const state = globalState.paveFlags ?? (globalState.paveFlags = createState());
  return reloadIfChanged(state);
}

function contextFor(user: FlagUser | null): Context {
  if (!user) return {};
  return { userId: user.id, properties: { email: user.email ?? "", team: user.groups[0] ?? "", role: user.role } };
}

/**
 * Whether one of Pave's own flags is on for a user. Unleash (or the bootstrap file) decides;
 * while it cannot, the flag's last known state, else its fallback from definitions.ts.
 */
export async function isFlagEnabled(flag: PaveFlag, user: FlagUser | null): Promise<boolean> {
  const fallback: boolean = PAVE_FLAGS[flag].fallback;
  const state = currentState();
  if (!state.ready) {
    await Promise.race([state.readyPromise, new Promise((resolve) => setTimeout(resolve, READY_WAIT_MS).unref())]);
  }
  if (!state.ready) return lastKnown.get(flag) ?? fallback;
  try {
    if (!state.client.getFeatureToggleDefinition(flag)) return fallback;
    const enabled = state.client.isEnabled(flag, contextFor(user), fallback);
    lastKnown.set(flag, enabled);
    return enabled;
  } catch (error) {
    log.warn({ err: error, flag }, "flags: evaluation failed; using the last known state");
    return lastKnown.get(flag) ?? fallback;
  }
}

/** Where Pave's own flags come from and whether that source has answered. */
export function getFlagStatus(): FlagStatus {
  const { source, ready, lastError } = currentState();
  return { source, ready, lastError };
}

/** Stops the process-wide client (tests, shutdown); the next call creates a new one. */
export function resetFlagClient(): void {
  globalState.paveFlags?.client.destroy();
  globalState.paveFlags = undefined;
  lastKnown.clear();
}
