import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { FlagTag } from "@/lib/flags/ownership";
import { tracedFetch } from "@/lib/telemetry/tracing";

/** A flag as the flags page shows it: its state and strategies per environment. */
export type FlagView = {
  name: string;
  type: string;
  description: string;
  stale: boolean;
  /** Unleash tags, e.g. { type: "pave-service", value: "component:default/checkout" }. */
  tags: FlagTag[];
  environments: {
    name: string;
    enabled: boolean;
    strategies: { id: string; name: string; rollout: number | null }[];
  }[];
};

/** Unleash did not answer (network, timeout, 5xx); nothing was changed by Pave. */
export class UnleashUnavailableError extends AppError {
  constructor(detail?: string) {
    super("UNAVAILABLE", "Unleash is unreachable right now, so flags cannot be shown or changed. Try again in a minute.", detail ? [detail] : []);
    this.name = "UnleashUnavailableError";
  }
}

const TIMEOUT_MS = 3_000;

type ApiStrategy = { id?: string; name: string; parameters?: Record<string, unknown>; constraints?: unknown[]; segments?: unknown[]; variants?: unknown[]; title?: string | null; disabled?: boolean; sortOrder?: number };
type ApiFeature = {
  name: string;
  type?: string;
  description?: string | null;
  stale?: boolean;
  tags?: FlagTag[];
  environments?: { name: string; enabled: boolean; strategies?: ApiStrategy[] }[];
};

/** Whether the flags page can reach Unleash's Admin API. */
export function isUnleashConfigured(): boolean {
  const env = getEnv();
  return !!env.UNLEASH_URL && !!env.UNLEASH_ADMIN_TOKEN;
}

function baseUrl(): { url: string; token: string } {
  const env = getEnv();
  if (!env.UNLEASH_URL || !env.UNLEASH_ADMIN_TOKEN) {
    throw new AppError("UNAVAILABLE", "Unleash is not configured: set UNLEASH_URL and UNLEASH_ADMIN_TOKEN.");
  }
  // UNLEASH_URL is the client API base (…/api); the Admin API lives beside it.
  return { url: env.UNLEASH_URL.replace(/\/+$/, "").replace(/\/api$/, ""), token: env.UNLEASH_ADMIN_TOKEN };
}

const enc = encodeURIComponent;

async function requestOnce(method: string, pathname: string, body?: unknown): Promise<Response> {
  const { url, token } = baseUrl();
  try {
    const response = await tracedFetch("unleash", `${url}${pathname}`, {
      method,
      headers: { Authorization: token, Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.status >= 500) throw new UnleashUnavailableError(`${method} ${pathname}: HTTP ${response.status}`);
    return response;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new UnleashUnavailableError(`${method} ${pathname}: ${reason}`);
  }
}

async function unleashMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    return typeof body.message === "string" ? body.message : `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Maps a non-2xx answer to an error a person can act on. */
async function failure(response: Response, what: string): Promise<never> {
  const message = await unleashMessage(response);
  if (response.status === 404) throw new AppError("NOT_FOUND", `${what}: not found in Unleash (${message}).`);
  if (response.status === 400) throw new AppError("INVALID", `${what}: Unleash refused the change (${message}).`);
  if (response.status === 401 || response.status === 403) {
    throw new AppError("UNAVAILABLE", `${what}: Unleash refused Pave's admin token (HTTP ${response.status}); check UNLEASH_ADMIN_TOKEN.`);
  }
  throw new AppError("UNAVAILABLE", `${what}: Unleash answered HTTP ${response.status} (${message}).`);
}

/** A GET, retried once when Unleash is unreachable. */
async function read<T>(pathname: string, what: string): Promise<T> {
  let response: Response;
  try {
    response = await requestOnce("GET", pathname);
  } catch (error) {
    if (!(error instanceof UnleashUnavailableError)) throw error;
    response = await requestOnce("GET", pathname);
  }
  if (!response.ok) return failure(response, what);
  return (await response.json()) as T;
}

/** A write: never retried, since Unleash may have applied it before the connection failed. */
async function write(method: "POST" | "PUT", pathname: string, body: unknown, what: string): Promise<void> {
  const response = await requestOnce(method, pathname, body);
  if (!response.ok) await failure(response, what);
  await response.body?.cancel();
}

function rolloutOf(strategy: ApiStrategy): number | null {
  if (strategy.name !== "flexibleRollout") return null;
  const value = Number(strategy.parameters?.rollout);
  return Number.isFinite(value) ? value : null;
}

function toView(feature: ApiFeature): FlagView {
  return {
    name: feature.name,
    type: feature.type ?? "release",
    description: feature.description ?? "",
    stale: feature.stale ?? false,
    tags: (feature.tags ?? []).filter((t) => typeof t?.type === "string" && typeof t?.value === "string").map(({ type, value }) => ({ type, value })),
    environments: (feature.environments ?? []).map((environment) => ({
      name: environment.name,
      enabled: environment.enabled,
      strategies: (environment.strategies ?? []).map((strategy) => ({ id: strategy.id ?? "", name: strategy.name, rollout: rolloutOf(strategy) })),
    })),
  };
}

/** A path segment Unleash receives as written: "." and ".." would be resolved away by URL parsing. */
function segment(value: string, what: string): string {
  if (!value.trim() || value === "." || value === "..") throw new AppError("INVALID", `"${value}" is not a valid ${what}.`);
  return enc(value);
}

function featurePath(projectId: string, flag: string): string {
  return `/api/admin/projects/${segment(projectId, "Unleash project")}/features/${segment(flag, "flag name")}`;
}


async function getFeature(projectId: string, flag: string): Promise<ApiFeature> {
  return read<ApiFeature>(featurePath(projectId, flag), `Flag "${flag}" in project "${projectId}"`);
}

/** Every flag of an Unleash project with its environments, states and strategies. */
export async function listProjectFlags(projectId: string): Promise<FlagView[]> {
  // Unleash 7's project list carries environments without strategies, so each flag is read too.
  const list = await read<{ features: ApiFeature[] }>(`/api/admin/projects/${segment(projectId, "Unleash project")}/features`, `Project "${projectId}"`);
  // The list carries each flag's tags; the single-flag answer does not.
  const features = await Promise.all(list.features.map(async (feature) => ({ ...(await getFeature(projectId, feature.name)), tags: feature.tags })));
  return features.map(toView).sort((a, b) => a.name.localeCompare(b.name));
}

/** One flag's Unleash tags (which decide, with its name, the service it belongs to). */
export async function getFlagTags(flag: string): Promise<FlagTag[]> {
  const answer = await read<{ tags?: FlagTag[] }>(`/api/admin/features/${segment(flag, "flag name")}/tags`, `Flag "${flag}"`);
  return toView({ name: flag, tags: answer.tags }).tags;
}

/** Reads a flag and checks the environment exists on it, before any change. */
async function requireEnvironment(projectId: string, flag: string, environment: string) {
  if (!flag.trim()) throw new AppError("INVALID", "Choose a flag.");
  const feature = await getFeature(projectId, flag);
  const found = feature.environments?.find((e) => e.name === environment);
  if (!found) {
    const names = (feature.environments ?? []).map((e) => e.name).join(", ") || "none";
    throw new AppError("INVALID", `Flag "${flag}" has no environment "${environment}"; its environments are: ${names}.`, [], { environment: "Unknown environment" });
  }
  return found;
}

/** Turns a flag on or off in one environment. */
export async function setFlagEnabled(projectId: string, flag: string, environment: string, enabled: boolean): Promise<void> {
  await requireEnvironment(projectId, flag, environment);
  await write(
    "POST",
    `${featurePath(projectId, flag)}/environments/${segment(environment, "environment")}/${enabled ? "on" : "off"}`,
    undefined,
    `Turning ${enabled ? "on" : "off"} "${flag}" in ${environment}`,
  );
}

/**
 * Sets the percentage of the first gradual rollout (flexibleRollout) of a flag in one
 * environment, keeping its other parameters; adds one (sticky on userId) when there is none.
 */
export async function setRollout(projectId: string, flag: string, environment: string, percent: number): Promise<void> {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new AppError("INVALID", "The rollout must be a whole number from 0 to 100.", [], { rollout: "Enter a whole number from 0 to 100" });
  }
  const found = await requireEnvironment(projectId, flag, environment);
  const strategiesPath = `${featurePath(projectId, flag)}/environments/${segment(environment, "environment")}/strategies`;
  const what = `Setting the rollout of "${flag}" in ${environment}`;
  const existing = (found.strategies ?? []).find((strategy) => strategy.name === "flexibleRollout" && strategy.id);
  if (existing?.id) {
    const { id, ...rest } = existing;
    await write("PUT", `${strategiesPath}/${enc(id)}`, { ...rest, parameters: { ...existing.parameters, rollout: String(percent) } }, what);
    return;
  }
  await write("POST", strategiesPath, { name: "flexibleRollout", constraints: [], parameters: { rollout: String(percent), stickiness: "userId", groupId: flag } }, what);
}
