// Demo data for the zero-config start. Safe to run again.
// - The built-in identity provider's people, linked to their demo accounts so their
//   first sign-in finds them.
// - "Acme Shop", a small org (prisma/seed/catalog/*.yaml), committed to a local bare git
//   repo under PAVE_GIT_ROOT and registered as a catalog location, so the catalog is
//   alive and refreshes like a real one.
// Run with the react-server condition (npm run db:seed) so server modules load.
import "dotenv/config";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { db } from "../lib/db.ts";
import { recordAudit } from "../lib/audit.ts";
import { DEMO_ROLE_GROUPS, demoUsers } from "../scripts/idp/users.ts";
import { resolveRole } from "../lib/auth/roles.ts";
import { parseCatalogYaml } from "../lib/catalog/descriptor.ts";
import { writeEntities } from "../lib/catalog/store.ts";
import { createLocalRepo } from "../lib/git/index.ts";
import { loadDemoDeliveryData } from "../lib/dora/demo.ts";
import { seedDemoRepos } from "./seed/repos.ts";
import { createDatabaseRequest, decideLocalRequest, openDatabasePullRequest } from "../lib/self-service/mutations.ts";
import { stopJobs } from "../lib/jobs/queue.ts";

const root = path.resolve(import.meta.dirname, "..");
const roleConfig = { adminEmails: [], adminGroups: [DEMO_ROLE_GROUPS.admin], platformEmails: [], platformGroups: [DEMO_ROLE_GROUPS.platform] };

/** The demo org as one multi-document catalog-info.yaml. */
function demoCatalogYaml(): string {
  const dir = path.join(root, "prisma/seed/catalog");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), "utf8").trim())
    .join("\n---\n");
}

async function seedUsers() {
  for (const person of demoUsers) {
    const user = await db.user.upsert({
      where: { email: person.email },
      update: {},
      create: { email: person.email, name: person.name, groups: person.groups, role: resolveRole(person, roleConfig) },
      select: { id: true },
    });
    await db.account.upsert({
      where: { provider_providerAccountId: { provider: "pave-idp", providerAccountId: person.id } },
      update: {},
      create: { userId: user.id, type: "oauth", provider: "pave-idp", providerAccountId: person.id },
    });
  }
}

async function seedCatalog() {
  const repo = path.resolve(process.env.PAVE_GIT_ROOT ?? ".data/git", "acme/catalog.git");
  const target = `file://${repo}/blob/main/catalog-info.yaml`;
  if (await db.location.findUnique({ where: { target }, select: { id: true } })) return;

  const yaml = demoCatalogYaml();
  const { entities, errors } = parseCatalogYaml(yaml);
  if (errors.length) throw new Error(`demo catalog is invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  if (!existsSync(repo)) await createLocalRepo(repo, { "catalog-info.yaml": `${yaml}\n` }, { message: "Acme Shop catalog" });

  await db.$transaction(
    async (tx) => {
      const location = await tx.location.create({ data: { target, host: "local", lastRefreshedAt: new Date() }, select: { id: true } });
      const summary = await writeEntities(tx, entities, { type: "location", locationId: location.id });
      await recordAudit(tx, { actor: null, action: "demo.seed", target: { type: "location", id: location.id }, data: { target, entities: summary.created.length } });
    },
    { timeout: 60_000 },
  );
}

/**
 * Production databases two teams already have, made through the real self-service
 * flow (request, pull request on the local infra repo, approval, merge), so the infra
 * repo, the requests and the scorecards agree.
 */
async function seedDatabases() {
  if (await db.databaseRequest.count({ where: { entityKey: { in: DEMO_DATABASES.map((d) => d.service) } } })) return;
  const person = (email: string) =>
    db.user.findUniqueOrThrow({ where: { email }, select: { id: true, name: true, email: true, image: true, role: true, groups: true } });
  // A requester never reviews their own request: Max (checkout team) and Ada ask, Pat reviews.
  const pat = await person("pat@pave.local");
  for (const request of DEMO_DATABASES) {
    const requester = await person(request.requestedBy);
    const { id } = await createDatabaseRequest(requester, { ...request, environment: "prod", engine: "postgres", engineVersion: "16", multiAz: "true" });
    await openDatabasePullRequest(id);
    await decideLocalRequest(pat, id, "approve");
    await decideLocalRequest(pat, id, "merge");
  }
}

const DEMO_DATABASES = [
  {
    service: "component:default/checkout-service",
    requestedBy: "max@pave.local",
    tier: "medium",
    backupRetentionDays: "14",
    justification: "Orders and payment intents for checkout; replaces the shared legacy database.",
  },
  {
    service: "component:default/storefront-bff",
    requestedBy: "ada@pave.local",
    tier: "small",
    backupRetentionDays: "14",
    justification: "Shopper sessions and saved baskets, which today live in Redis without backups.",
  },
];

try {
  await seedUsers();
  // The services' own repositories (docs, CI workflows, catalog-info.yaml) on the embedded git host.
  const repos = await seedDemoRepos(path.resolve(process.env.PAVE_GIT_ROOT ?? ".data/git"));
  if (repos.created.length) console.log(`[pave] demo repositories: ${repos.created.length} created`);
  // The worker builds the docs and grades the services when it starts (lib/jobs/worker.ts, catchUp).
  await seedCatalog();
  await seedDatabases();
  const delivery = await loadDemoDeliveryData(db);
  if (delivery) console.log(`[pave] demo delivery data: ${delivery.deployments} deployments, ${delivery.changes} changes, ${delivery.incidents} incidents over 180 days`);
  console.log(`[pave] demo data ready: ${demoUsers.map((u) => u.email).join(", ")} and the Acme Shop catalog`);
} finally {
  await stopJobs();
  await db.$disconnect();
}
