// npm run seed:dora -- --services 200 [--days 180]
// Adds synthetic services (Components owned by the demo teams) with deterministic delivery
// data, on top of whatever DATABASE_URL holds. For trying the dashboards at a larger scale.
import "dotenv/config";
import { parseArgs } from "node:util";
import { db } from "../lib/db.ts";
import { parseCatalogYaml } from "../lib/catalog/descriptor.ts";
import { writeEntities } from "../lib/catalog/store.ts";
import { generateDemoEvents, writeDemoEvents } from "../lib/dora/demo.ts";

const { values } = parseArgs({ options: { services: { type: "string", default: "200" }, days: { type: "string", default: "180" } } });
const count = Number(values.services);
const days = Number(values.days);
if (!Number.isInteger(count) || count < 1 || count > 20_000 || !Number.isInteger(days) || days < 7 || days > 730) {
  console.error("usage: npm run seed:dora -- --services <1..20000> [--days <7..730>]");
  process.exit(2);
}
const teams = ["team-platform", "team-storefront", "team-checkout", "team-payments", "team-search"];
const yaml = Array.from({ length: count }, (_, i) =>
  [`apiVersion: backstage.io/v1alpha1`, `kind: Component`, `metadata:`, `  name: dora-svc-${i}`, `spec:`, `  type: service`, `  lifecycle: production`, `  owner: ${teams[i % teams.length]}`].join("\n"),
).join("\n---\n");
const { entities, errors } = parseCatalogYaml(yaml, { maxDocuments: 20_000, maxBytes: 64 * 1024 * 1024, maxImportBytes: 64 * 1024 * 1024 });
if (errors.length) throw new Error(JSON.stringify(errors[0]));
try {
  await db.$transaction((tx) => writeEntities(tx, entities, { type: "upload" }), { timeout: 600_000 });
  const events = generateDemoEvents(
    entities.map((e, i) => ({ key: `component:default/${e.metadata.name}`, team: teams[i % teams.length]! })),
    new Date(),
    days,
  );
  // Distinct ids from the zero-config demo data.
  for (const d of events.deployments) d.id = d.id.replace(/^demo:/, "seed:");
  for (const c of events.changes) c.deployment_id = c.deployment_id.replace(/^demo:/, "seed:");
  for (const i of events.incidents) {
    i.id = i.id.replace(/^demo:/, "seed:");
    i.deployment_id = i.deployment_id.replace(/^demo:/, "seed:");
  }
  await writeDemoEvents(db, events);
  console.log(`seeded ${count} services: ${events.deployments.length} deployments, ${events.changes.length} changes, ${events.incidents.length} incidents over ${days} days`);
} finally {
  await db.$disconnect();
}
