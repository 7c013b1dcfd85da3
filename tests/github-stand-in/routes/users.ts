import type { AddRoute, StandInContext } from "@/tests/github-stand-in/context";
import { privateUser } from "@/tests/github-stand-in/responses/accounts";

// The token's user: who Pave signs in as, and their email addresses.

export function addUserRoutes(route: AddRoute, ctx: StandInContext): void {
  const { options, store } = ctx;

  route("GET", "/user", () => ({ status: 200, body: privateUser(ctx, store.user) }));

  route("GET", "/user/emails", () => ({
    status: 200,
    body: (options.emails ?? []).map((e, i) => ({ email: e.email, verified: e.verified, primary: e.primary ?? i === 0, visibility: i === 0 ? "private" : null })),
  }));
}
