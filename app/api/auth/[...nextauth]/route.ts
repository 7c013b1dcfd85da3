import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth/options";
import { defineRoute } from "@/lib/http/route";

// next-auth answers its own routes (sign-in, callback, session); the wrapper only maps a failure.
const handler = defineRoute({
  name: "auth",
  auth: "none",
  async handle({ request, params }) {
    return NextAuth(request as never, { params } as never, getAuthOptions());
  },
});

export { handler as GET, handler as POST };
