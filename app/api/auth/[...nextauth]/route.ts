import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { defineRoute } from "@/lib/http/route";
import { clientAddress, SIGN_INS_PER_ADDRESS } from "@/lib/rate-limit";

// next-auth answers its own routes (sign-in, callback, session); the wrapper maps a failure
// and limits sign-in attempts per client address (shared by every replica through Postgres).
const handler = defineRoute({
  name: "auth",
  auth: "none",
  rateLimit: {
    key: (_caller, request) => (/\/api\/auth\/(signin|callback)\//.test(new URL(request.url).pathname) ? `sign-in:${clientAddress(request.headers)}` : null),
    limit: SIGN_INS_PER_ADDRESS,
    message: "Too many sign-in attempts from this address; wait a minute and try again.",
  },
  async handle({ request, params }) {
    return NextAuth(request as never, { params } as never, getAuthOptions());
  },
});

export { handler as GET, handler as POST };
