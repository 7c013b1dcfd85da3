import "server-only";
import { z } from "zod";
import { db, type DbClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { CatalogRefError, entityRefKey, parseEntityRef } from "@/lib/catalog/refs";
import { recomputeDailyRollups } from "@/lib/dora/rollups";
import { queueScorecardEvaluation } from "@/lib/jobs/queue";

/**
 * Delivery events in, DORA base tables out. This is the public ingest API
 * (POST /api/v1/events, body `{ "events": [...] }`, at most 1,000 events per request).
 * Every event is a JSON object with a `type`; timestamps are ISO 8601 with a zone
 * (e.g. "2026-01-31T12:00:00Z"); `service` is a catalog entity's name (a Component in
 * namespace default) or its full ref (e.g. "component:payments/ledger").
 *
 *   { "type": "deployment", "id": "build-4711", "service": "checkout-service",
 *     "environment": "production", "status": "success" | "failure",
 *     "finishedAt": "...", "commitSha"?: "<sha>", "changes"?: ["<sha>", ...] }
 *       Only production environments are stored (PAVE_DORA_PRODUCTION_ENVIRONMENTS);
 *       others are rejected with a reason. `changes` lists the commits the deployment
 *       brought to production; without it, `commitSha` alone is linked.
 *   { "type": "change", "id": "<sha>", "service": "...", "committedAt": "..." }
 *       A commit. Sent before or after the deployments that include it: lead times
 *       (deployment finishedAt − committedAt) are filled in either way.
 *   { "type": "incident", "id": "INC-12", "service": "...", "openedAt": "...",
 *     "resolvedAt"?: "..." | null, "deploymentId"?: "<a deployment event's id>" }
 *       Without deploymentId the incident is attributed to the service's latest
 *       successful production deployment that finished before it opened.
 *
 * Events are idempotent by type and id: sending one again replaces what was stored (an
 * incident sent again with resolvedAt is resolved; without it, it is open again). Each
 * event is accepted or rejected on its own, with a reason; the accepted ones are written
 * together in one transaction, so an event is never half stored.
 */

export const MAX_EVENTS_PER_BATCH = 1000;
const EARLIEST = Date.parse("2000-01-01T00:00:00Z");
const FUTURE_SLACK_MS = 5 * 60_000;

const eventId = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const sha = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{7,64}$/, "expected a commit sha (7 to 64 hex characters)")
  .transform((value) => value.toLowerCase());
const service = z.string().trim().min(1, "must not be empty").max(300);
const timestamp = z.iso.datetime({ offset: true, message: "expected an ISO 8601 timestamp with a zone, e.g. 2026-01-31T12:00:00Z" });

export const deploymentEventSchema = z.object({
  type: z.literal("deployment"),
  id: eventId,
  service,
  environment: z.string().trim().min(1).max(100),
  status: z.enum(["success", "failure"]),
  finishedAt: timestamp,
  commitSha: sha.optional(),
  changes: z.array(sha).max(1000).optional(),
});

export const changeEventSchema = z.object({
  type: z.literal("change"),
  id: sha,
  service,
  committedAt: timestamp,
});

export const incidentEventSchema = z.object({
  type: z.literal("incident"),
  id: eventId,
  service,
  openedAt: timestamp,
  resolvedAt: timestamp.nullish(),
  deploymentId: eventId.optional(),
});

export const doraEventSchema = z.discriminatedUnion("type", [deploymentEventSchema, changeEventSchema, incidentEventSchema]);

export type DoraEvent = z.output<typeof doraEventSchema>;
export type DoraEventInput = z.input<typeof doraEventSchema>;
export type IngestSource = "api" | "github";
export type IngestResult = { accepted: number; rejected: { index: number; id?: string; reason: string }[] };

/**
 * Catalog keys for service names or refs, one query for all of them; a name that
 * matches no entity maps to null. The map is the per-batch cache.
 */
export async function resolveServices(names: Iterable<string>, client: DbClient = db): Promise<Map<string, string | null>> {
  const candidates = new Map<string, string | null>();
  for (const name of new Set(names)) {
    try {
      candidates.set(name, entityRefKey(parseEntityRef(name, { defaultKind: "component" })));
    } catch (error) {
      if (!(error instanceof CatalogRefError)) throw error;
      candidates.set(name, null);
    }
  }
  const keys = [...new Set([...candidates.values()].filter((key): key is string => key !== null))];
  const found = keys.length ? await client.$queryRaw<{ key: string }[]>`SELECT key FROM entities WHERE key = ANY(${keys}::text[])` : [];
  const known = new Set(found.map((row) => row.key));
  return new Map([...candidates].map(([name, key]) => [name, key !== null && known.has(key) ? key : null]));
}

/** The catalog key of a service given by name (Component in namespace default) or full ref, or null. */
export async function resolveService(nameOrRef: string, client: DbClient = db): Promise<string | null> {
  return (await resolveServices([nameOrRef], client)).get(nameOrRef) ?? null;
}

type DeploymentRow = { id: string; entity_key: string; environment: string; status: string; finished_at: string; commit_sha: string | null };
type ChangeRow = { entity_key: string; sha: string; committed_at: string };
type IncidentRow = { id: string; entity_key: string; opened_at: string; resolved_at: string | null; deployment_id: string | null };
type Pair = { entityKey: string; day: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function rawId(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return typeof id === "string" ? id.slice(0, 200) : undefined;
}

/** Why a timestamp is refused, or null when it is plausible. */
function timestampProblem(field: string, iso: string, now: number): string | null {
  const at = Date.parse(iso);
  if (at > now + FUTURE_SLACK_MS) return `${field} is in the future`;
  if (at < EARLIEST) return `${field} is before 2000-01-01`;
  return null;
}

const utc = (iso: string) => new Date(iso).toISOString();
const dayOf = (iso: string) => iso.slice(0, 10);

/**
 * Validates and stores a batch of events (see the format above) from one source. Ids are
 * stored as `<source>:<id>`. Returns how many were accepted and why the others were not.
 */
export async function ingestEvents(
  events: unknown[],
  source: IngestSource,
  options: { productionEnvironments?: string[] } = {},
): Promise<IngestResult> {
  if (!Array.isArray(events)) throw new AppError("INVALID", "events must be a list.");
  if (events.length > MAX_EVENTS_PER_BATCH) throw new AppError("INVALID", `At most ${MAX_EVENTS_PER_BATCH} events per request; send ${events.length} in several batches.`);
  const production = new Set((options.productionEnvironments ?? getEnv().PAVE_DORA_PRODUCTION_ENVIRONMENTS).map((e) => e.toLowerCase()));
  const now = Date.now();
  const rejected: IngestResult["rejected"] = [];
  const reject = (index: number, id: string | undefined, reason: string) => rejected.push(id === undefined ? { index, reason } : { index, id, reason });

  const parsed: { index: number; event: DoraEvent }[] = [];
  events.forEach((raw, index) => {
    const result = doraEventSchema.safeParse(raw);
    if (result.success) parsed.push({ index, event: result.data });
    else reject(index, rawId(raw), `malformed event: ${describeIssues(result.error)}`);
  });

  const services = await resolveServices(parsed.map((p) => p.event.service));
  // The last event with a given type and id wins, as if they had been sent one by one.
  const deployments = new Map<string, DeploymentRow & { links: string[] }>();
  const changes = new Map<string, ChangeRow>();
  const incidents = new Map<string, IncidentRow>();
  let accepted = 0;

  for (const { index, event } of parsed) {
    const entityKey = services.get(event.service) ?? null;
    if (!entityKey) {
      reject(index, event.id, `unknown service "${event.service}": no catalog entity has that name or ref`);
      continue;
    }
    const times: [string, string][] =
      event.type === "deployment"
        ? [["finishedAt", event.finishedAt]]
        : event.type === "change"
          ? [["committedAt", event.committedAt]]
          : [["openedAt", event.openedAt], ...(event.resolvedAt ? ([["resolvedAt", event.resolvedAt]] as [string, string][]) : [])];
    const problem = times.map(([field, iso]) => timestampProblem(field, iso, now)).find((p) => p !== null);
    if (problem) {
      reject(index, event.id, problem);
      continue;
    }

    if (event.type === "deployment") {
      if (!production.has(event.environment.toLowerCase())) {
        reject(index, event.id, `not a production environment (counted: ${[...production].join(", ")})`);
        continue;
      }
      const id = `${source}:${event.id}`;
      // Only successful deployments bring changes to production.
      const links = event.status === "success" ? [...new Set(event.changes ?? (event.commitSha ? [event.commitSha] : []))] : [];
      deployments.set(id, {
        id,
        entity_key: entityKey,
        environment: event.environment,
        status: event.status,
        finished_at: utc(event.finishedAt),
        commit_sha: event.commitSha ?? null,
        links,
      });
    } else if (event.type === "change") {
      changes.set(`${entityKey} ${event.id}`, { entity_key: entityKey, sha: event.id, committed_at: utc(event.committedAt) });
    } else {
      if (event.resolvedAt && Date.parse(event.resolvedAt) < Date.parse(event.openedAt)) {
        reject(index, event.id, "negative duration: resolvedAt is before openedAt");
        continue;
      }
      const id = `${source}:${event.id}`;
      incidents.set(id, {
        id,
        entity_key: entityKey,
        opened_at: utc(event.openedAt),
        resolved_at: event.resolvedAt ? utc(event.resolvedAt) : null,
        deployment_id: event.deploymentId ? `${source}:${event.deploymentId}` : null,
      });
    }
    accepted++;
  }

  if (deployments.size || changes.size || incidents.size) {
    await db.$transaction((tx) => writeEvents(tx, source, [...deployments.values()], [...changes.values()], [...incidents.values()]), {
      maxWait: 10_000,
      timeout: 60_000,
    });
    // Delivery tiers are facts scorecards check; evaluations are debounced (30 s), so a burst queues one.
    await queueScorecardEvaluation("fact-change");
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, rejected };
}

/** Writes validated rows set-based (one statement per step), then recomputes the touched rollups. */
async function writeEvents(tx: DbClient, source: IngestSource, deployments: (DeploymentRow & { links: string[] })[], changes: ChangeRow[], incidents: IncidentRow[]) {
  const pairs = new Map<string, Pair>();
  const touch = (entityKey: string, day: string) => pairs.set(`${entityKey} ${day}`, { entityKey, day });
  const touchedDeployments = new Set<string>();
  // Per service, the earliest time from which incident attribution may have changed.
  const attributionScope = new Map<string, string>();
  const widenScope = (entityKey: string, since: string) => {
    const current = attributionScope.get(entityKey);
    if (!current || since < current) attributionScope.set(entityKey, since);
  };

  // Deployments are sorted so concurrent batches lock rows in the same order.
  deployments.sort((a, b) => (a.id < b.id ? -1 : 1));
  incidents.sort((a, b) => (a.id < b.id ? -1 : 1));

  if (changes.length) {
    // A change sent after its deployments fills their lead times.
    const updated = await tx.$queryRaw<{ entity_key: string; day: string }[]>`
      WITH r AS (SELECT * FROM json_to_recordset(${JSON.stringify(changes)}::json) AS r(entity_key text, sha text, committed_at text)),
      up AS (
        INSERT INTO dora_changes (entity_key, sha, committed_at)
        SELECT entity_key, sha, committed_at::timestamptz AT TIME ZONE 'UTC' FROM r
        ON CONFLICT (entity_key, sha) DO UPDATE SET committed_at = EXCLUDED.committed_at
        RETURNING entity_key, sha, committed_at
      )
      UPDATE dora_deployment_changes dc
      SET lead_time_seconds = CASE WHEN d.finished_at >= up.committed_at THEN floor(extract(epoch FROM d.finished_at - up.committed_at))::int END
      FROM up, dora_deployments d
      WHERE dc.entity_key = up.entity_key AND dc.sha = up.sha AND d.id = dc.deployment_id
        AND dc.lead_time_seconds IS DISTINCT FROM (CASE WHEN d.finished_at >= up.committed_at THEN floor(extract(epoch FROM d.finished_at - up.committed_at))::int END)
      RETURNING d.entity_key, to_char(d.finished_at, 'YYYY-MM-DD') AS day`;
    for (const row of updated) touch(row.entity_key, row.day);
  }

  if (deployments.length) {
    const ids = deployments.map((d) => d.id);
    const before = await tx.$queryRaw<{ entity_key: string; finished_at: string }[]>`
      SELECT entity_key, to_char(finished_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS finished_at FROM dora_deployments WHERE id = ANY(${ids}::text[])`;
    for (const old of before) {
      touch(old.entity_key, dayOf(old.finished_at));
      widenScope(old.entity_key, old.finished_at);
    }
    const rows = deployments.map((d) => ({ id: d.id, entity_key: d.entity_key, environment: d.environment, status: d.status, finished_at: d.finished_at, commit_sha: d.commit_sha }));
    await tx.$executeRaw`
      INSERT INTO dora_deployments (id, entity_key, environment, status, finished_at, commit_sha, source)
      SELECT r.id, r.entity_key, r.environment, r.status::"DoraDeploymentStatus", r.finished_at::timestamptz AT TIME ZONE 'UTC', r.commit_sha, ${source}
      FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(id text, entity_key text, environment text, status text, finished_at text, commit_sha text)
      ON CONFLICT (id) DO UPDATE SET entity_key = EXCLUDED.entity_key, environment = EXCLUDED.environment, status = EXCLUDED.status,
        finished_at = EXCLUDED.finished_at, commit_sha = EXCLUDED.commit_sha`;
    for (const d of deployments) {
      touch(d.entity_key, dayOf(d.finished_at));
      widenScope(d.entity_key, d.finished_at);
    }

    // A deployment sent again replaces its links; lead times come from changes already known.
    await tx.$executeRaw`DELETE FROM dora_deployment_changes WHERE deployment_id = ANY(${ids}::text[])`;
    const links = deployments.flatMap((d) => d.links.map((sha) => ({ deployment_id: d.id, sha })));
    if (links.length) {
      await tx.$executeRaw`
        INSERT INTO dora_deployment_changes (deployment_id, entity_key, sha, lead_time_seconds)
        SELECT l.deployment_id, d.entity_key, l.sha,
               CASE WHEN d.finished_at >= c.committed_at THEN floor(extract(epoch FROM d.finished_at - c.committed_at))::int END
        FROM json_to_recordset(${JSON.stringify(links)}::json) AS l(deployment_id text, sha text)
        JOIN dora_deployments d ON d.id = l.deployment_id
        LEFT JOIN dora_changes c ON c.entity_key = d.entity_key AND c.sha = l.sha
        ON CONFLICT DO NOTHING`;
    }
  }

  if (incidents.length) {
    const ids = incidents.map((i) => i.id);
    const before = await tx.$queryRaw<{ entity_key: string; resolved_day: string | null; deployment_id: string | null }[]>`
      SELECT entity_key, to_char(resolved_at, 'YYYY-MM-DD') AS resolved_day, deployment_id FROM dora_incidents WHERE id = ANY(${ids}::text[])`;
    for (const old of before) {
      if (old.resolved_day) touch(old.entity_key, old.resolved_day);
      if (old.deployment_id) touchedDeployments.add(old.deployment_id);
    }
    // Incidents without a named deployment get one from attribution below.
    await tx.$executeRaw`
      INSERT INTO dora_incidents (id, entity_key, opened_at, resolved_at, deployment_id, explicit_deployment, source)
      SELECT r.id, r.entity_key, r.opened_at::timestamptz AT TIME ZONE 'UTC', r.resolved_at::timestamptz AT TIME ZONE 'UTC',
             r.deployment_id, r.deployment_id IS NOT NULL, ${source}
      FROM json_to_recordset(${JSON.stringify(incidents)}::json) AS r(id text, entity_key text, opened_at text, resolved_at text, deployment_id text)
      ON CONFLICT (id) DO UPDATE SET entity_key = EXCLUDED.entity_key, opened_at = EXCLUDED.opened_at, resolved_at = EXCLUDED.resolved_at,
        deployment_id = EXCLUDED.deployment_id, explicit_deployment = EXCLUDED.explicit_deployment`;
    for (const i of incidents) {
      if (i.resolved_at) touch(i.entity_key, dayOf(i.resolved_at));
      if (i.deployment_id) touchedDeployments.add(i.deployment_id);
      else widenScope(i.entity_key, i.opened_at);
    }
  }

  if (attributionScope.size) {
    // Re-attribute every non-explicit incident that opened after a time something moved:
    // the latest successful deployment of its service that finished before it opened.
    const scope = [...attributionScope].map(([entity_key, since]) => ({ entity_key, since }));
    const moved = await tx.$queryRaw<{ old_dep: string | null; new_dep: string | null }[]>`
      WITH s AS (SELECT * FROM json_to_recordset(${JSON.stringify(scope)}::json) AS s(entity_key text, since text)),
      t AS (
        SELECT i.id, i.deployment_id AS old_dep,
               (SELECT d.id FROM dora_deployments d
                WHERE d.entity_key = i.entity_key AND d.status = 'success' AND d.finished_at < i.opened_at
                ORDER BY d.finished_at DESC, d.id DESC LIMIT 1) AS new_dep
        FROM dora_incidents i JOIN s ON i.entity_key = s.entity_key AND i.opened_at >= (s.since::timestamptz AT TIME ZONE 'UTC')
        WHERE NOT i.explicit_deployment
      )
      UPDATE dora_incidents i SET deployment_id = t.new_dep
      FROM t WHERE i.id = t.id AND i.deployment_id IS DISTINCT FROM t.new_dep
      RETURNING t.old_dep, t.new_dep`;
    for (const row of moved) {
      if (row.old_dep) touchedDeployments.add(row.old_dep);
      if (row.new_dep) touchedDeployments.add(row.new_dep);
    }
  }

  if (touchedDeployments.size) {
    const days = await tx.$queryRaw<{ entity_key: string; day: string }[]>`
      SELECT DISTINCT entity_key, to_char(finished_at, 'YYYY-MM-DD') AS day FROM dora_deployments WHERE id = ANY(${[...touchedDeployments]}::text[])`;
    for (const row of days) touch(row.entity_key, row.day);
  }

  await recomputeDailyRollups(tx, [...pairs.values()]);
}
