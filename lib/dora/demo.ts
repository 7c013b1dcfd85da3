import type { DbClient } from "@/lib/db";
import { DAY, HOUR } from "@/lib/dora/buckets";

/**
 * Deterministic demo delivery data: 180 days of deployments, changes and incidents for
 * every Component in the catalog, shaped by its owning team so teams land in different
 * tiers and trends move. Used by the zero-config seed and `npm run seed:dora`.
 */

type Profile = {
  /** Successful production deployments per day at the start and end of the period. */
  deploysPerDay: [number, number];
  /** Median lead time in seconds at the start and end. */
  leadTime: [number, number];
  /** Chance that a deployment causes an incident, start and end. */
  failureRate: [number, number];
  /** Median time to restore in seconds, start and end. */
  restore: [number, number];
};


// Each team tells a different story on the dashboards.
const PROFILES: Record<string, Profile> = {
  "team-platform": { deploysPerDay: [1.5, 3], leadTime: [3 * HOUR, 40 * 60], failureRate: [0.06, 0.03], restore: [2 * HOUR, 35 * 60] },
  "team-storefront": { deploysPerDay: [0.5, 1.6], leadTime: [3 * DAY, 20 * HOUR], failureRate: [0.12, 0.07], restore: [10 * HOUR, 3 * HOUR] },
  "team-checkout": { deploysPerDay: [0.6, 0.8], leadTime: [2 * DAY, 1.5 * DAY], failureRate: [0.08, 0.09], restore: [5 * HOUR, 6 * HOUR] },
  "team-payments": { deploysPerDay: [0.3, 0.25], leadTime: [9 * DAY, 12 * DAY], failureRate: [0.11, 0.13], restore: [1.5 * DAY, 2.5 * DAY] },
  "team-search": { deploysPerDay: [0.1, 0.06], leadTime: [35 * DAY, 45 * DAY], failureRate: [0.22, 0.3], restore: [6 * DAY, 9 * DAY] },
};
const FALLBACK: Profile = { deploysPerDay: [0.4, 0.5], leadTime: [4 * DAY, 3 * DAY], failureRate: [0.1, 0.1], restore: [8 * HOUR, 8 * HOUR] };

/** A small seeded PRNG (mulberry32), so the demo data is the same on every machine. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lerp = ([a, b]: [number, number], f: number) => a + (b - a) * f;

export type DemoEvents = {
  deployments: { id: string; entity_key: string; finished_at: string; commit_sha: string }[];
  changes: { entity_key: string; sha: string; committed_at: string; deployment_id: string; lead_time_seconds: number }[];
  incidents: { id: string; entity_key: string; opened_at: string; resolved_at: string | null; deployment_id: string }[];
};

/** Generates the events for services (ref key and owner group name), ending at `end`. */
export function generateDemoEvents(services: { key: string; team: string }[], end: Date, days = 180): DemoEvents {
  const out: DemoEvents = { deployments: [], changes: [], incidents: [] };
  const start = end.getTime() - days * DAY * 1000;
  services.forEach((service, s) => {
    const profile = PROFILES[service.team] ?? FALLBACK;
    const rand = random(1000 + s * 7919);
    // Lognormal-ish spread around a median: exp(normal * 0.6).
    const around = (median: number) => {
      const normal = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
      return Math.max(60, median * Math.exp(normal * 0.6));
    };
    let n = 0;
    for (let day = 0; day < days; day++) {
      const f = day / days;
      const expected = lerp(profile.deploysPerDay, f);
      const count = Math.floor(expected) + (rand() < expected - Math.floor(expected) ? 1 : 0);
      for (let d = 0; d < count; d++) {
        const finished = start + (day * DAY + 9 * HOUR + rand() * 9 * HOUR) * 1000;
        if (finished > end.getTime()) continue;
        const id = `demo:${s}-${n++}`;
        const commits = 1 + Math.floor(rand() * 4);
        let head = "";
        for (let c = 0; c < commits; c++) {
          const lead = around(lerp(profile.leadTime, f));
          const sha = `${s.toString(16).padStart(4, "0")}${n.toString(16).padStart(8, "0")}${c}`.padEnd(40, "0");
          head = sha;
          out.changes.push({ entity_key: service.key, sha, committed_at: new Date(finished - lead * 1000).toISOString(), deployment_id: id, lead_time_seconds: Math.round(lead) });
        }
        out.deployments.push({ id, entity_key: service.key, finished_at: new Date(finished).toISOString(), commit_sha: head });
        if (rand() < lerp(profile.failureRate, f)) {
          const opened = finished + (10 * 60 + rand() * 3 * HOUR) * 1000;
          const resolved = opened + around(lerp(profile.restore, f)) * 1000;
          out.incidents.push({
            id: `demo:${s}-incident-${n}`,
            entity_key: service.key,
            opened_at: new Date(opened).toISOString(),
            // Recent incidents may still be open.
            resolved_at: resolved > end.getTime() ? null : new Date(resolved).toISOString(),
            deployment_id: id,
          });
        }
      }
    }
  });
  return out;
}

async function insertChunks<T>(rows: T[], insert: (json: string) => Promise<unknown>, size = 5000) {
  for (let i = 0; i < rows.length; i += size) await insert(JSON.stringify(rows.slice(i, i + size)));
}

/** Writes demo events for every catalog Component (skipped when demo data exists), then recomputes rollups. */
export async function loadDemoDeliveryData(client: DbClient, end = new Date()): Promise<{ deployments: number; changes: number; incidents: number } | null> {
  const existing = await client.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM dora_deployments WHERE source = 'demo'`;
  if (Number(existing[0]?.n ?? 0) > 0) return null;
  const services = await client.entity.findMany({ where: { kind: "Component" }, orderBy: { key: "asc" }, select: { key: true, owner: true } });
  const events = generateDemoEvents(
    services.map((s) => ({ key: s.key, team: s.owner.replace(/^group:[^/]+\//, "") })),
    end,
  );
  await writeDemoEvents(client, events);
  return { deployments: events.deployments.length, changes: events.changes.length, incidents: events.incidents.length };
}

/** Inserts generated events (set-based, in chunks) and recomputes every daily rollup. */
export async function writeDemoEvents(client: DbClient, events: DemoEvents): Promise<void> {
  await insertChunks(events.deployments, (json) =>
    client.$executeRaw`
      INSERT INTO dora_deployments (id, entity_key, environment, status, finished_at, commit_sha, source)
      SELECT r.id, r.entity_key, 'production', 'success', (r.finished_at::timestamptz AT TIME ZONE 'UTC'), r.commit_sha, 'demo'
      FROM json_to_recordset(${json}::json) AS r(id text, entity_key text, finished_at text, commit_sha text)
      ON CONFLICT (id) DO NOTHING`,
  );
  await insertChunks(events.changes, (json) =>
    client.$executeRaw`
      WITH r AS (SELECT * FROM json_to_recordset(${json}::json) AS r(entity_key text, sha text, committed_at text, deployment_id text, lead_time_seconds int)),
      c AS (INSERT INTO dora_changes (entity_key, sha, committed_at) SELECT entity_key, sha, (committed_at::timestamptz AT TIME ZONE 'UTC') FROM r ON CONFLICT DO NOTHING)
      INSERT INTO dora_deployment_changes (deployment_id, entity_key, sha, lead_time_seconds)
      SELECT deployment_id, entity_key, sha, lead_time_seconds FROM r ON CONFLICT DO NOTHING`,
  );
  await insertChunks(events.incidents, (json) =>
    client.$executeRaw`
      INSERT INTO dora_incidents (id, entity_key, opened_at, resolved_at, deployment_id, explicit_deployment, source)
      SELECT r.id, r.entity_key, (r.opened_at::timestamptz AT TIME ZONE 'UTC'), (r.resolved_at::timestamptz AT TIME ZONE 'UTC'), r.deployment_id, true, 'demo'
      FROM json_to_recordset(${json}::json) AS r(id text, entity_key text, opened_at text, resolved_at text, deployment_id text)
      ON CONFLICT (id) DO NOTHING`,
  );
  const { recomputeAllRollups } = await import("@/lib/dora/rollups");
  await recomputeAllRollups(client);
}
