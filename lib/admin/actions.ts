"use server";

import { defineAction } from "@/lib/action";
import { revokeSessionsSchema } from "@/lib/admin/schemas";
import { revokeUserSessions } from "@/lib/admin/mutations";

export const revokeSessionsAction = defineAction({
  name: "admin.revoke-sessions",
  role: "admin",
  schema: revokeSessionsSchema,
  revalidate: ["/admin"],
  async run({ userId }, { user }) {
    return revokeUserSessions(user, userId);
  },
});
