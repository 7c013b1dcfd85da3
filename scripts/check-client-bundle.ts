// Fails when a server secret appears in the built client assets (.next/static).
// `npm run build:checked` builds with made-up values for every secret setting, then runs
// this; any real values set in the environment are checked too.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const SECRET_SETTINGS = [
  "NEXTAUTH_SECRET",
  "OIDC_CLIENT_SECRET",
  "GITHUB_SECRET",
  "GITHUB_TOKEN",
  "GITHUB_WEBHOOK_SECRET",
  "PAVE_IDP_CLIENT_SECRET",
  "PAVE_INIT_INGEST_TOKENS",
  "PAVE_METRICS_TOKEN",
  "UNLEASH_API_TOKEN",
  "UNLEASH_ADMIN_TOKEN",
  "DATABASE_URL",
  "PAVE_SECRETS_KEY",
];

/** The value each secret setting gets during `npm run build:checked` (the secrets key must be 32 bytes: base64 of a 32-character marker). */
export const sentinel = (name: string) =>
  name === "PAVE_SECRETS_KEY" ? Buffer.from("bundle-sentinel-secrets-key-7f3a").toString("base64") : `bundle-sentinel-${name.toLowerCase()}-7f3a`;

const root = path.join(process.cwd(), ".next", "static");
const files: string[] = [];
(function walk(dir: string) {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full);
    else files.push(full);
  }
})(root);

const needles = new Map<string, string>();
for (const name of SECRET_SETTINGS) {
  needles.set(sentinel(name), `${name} (build-time value)`);
  const value = process.env[name];
  if (value && value.length >= 8) needles.set(value, name);
}

const leaks: string[] = [];
for (const file of files) {
  const text = readFileSync(file, "utf8");
  for (const [needle, name] of needles) {
    if (text.includes(needle)) leaks.push(`${name} found in ${path.relative(process.cwd(), file)}`);
  }
}
if (leaks.length) {
  console.error(`Secrets in the client bundle:\n${leaks.join("\n")}`);
  process.exit(1);
}
console.log(`client bundle check: ${files.length} files, ${needles.size} secret values, no leaks`);
