// Runs only the built-in demo identity provider, for manual testing:
//   npx tsx scripts/idp/main.ts
// IDP_PORT (default 3001), PAVE_IDP_CLIENT_ID / PAVE_IDP_CLIENT_SECRET (default
// pave-dev / pave-dev-secret) and NEXTAUTH_URL (default http://localhost:3000) are read
// from the environment. `npm run dev` starts the same IdP itself; this is not needed then.
import { startBuiltinIdp } from "./server.ts";

const port = Number(process.env.IDP_PORT ?? 3001);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`IDP_PORT must be a port number, got "${process.env.IDP_PORT}"`);
  process.exit(2);
}
const appUrl = (process.env.NEXTAUTH_URL ?? "http://localhost:3000").replace(/\/+$/, "");

const idp = await startBuiltinIdp({
  port,
  clientId: process.env.PAVE_IDP_CLIENT_ID ?? "pave-dev",
  clientSecret: process.env.PAVE_IDP_CLIENT_SECRET ?? "pave-dev-secret",
  redirectUris: [`${appUrl}/api/auth/callback/pave-idp`],
  postLogoutRedirectUris: [appUrl, `${appUrl}/`, `${appUrl}/sign-in`],
});

console.log(`built-in demo identity provider: ${idp.issuer}`);
console.log(`discovery: ${idp.issuer}/.well-known/openid-configuration`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    idp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
