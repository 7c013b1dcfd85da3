"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/action";
import { revokeSessionsSchema } from "@/lib/admin/schemas";
import { revokeUserSessions } from "@/lib/admin/mutations";

export const revokeSessionsAction = defineAction({
  name: "admin.revoke-sessions",
  role: "admin",
  schema: revokeSessionsSchema,
  async run({ userId }, { user }) {
    const result = await revokeUserSessions(user, userId);
    revalidatePath("/admin");
    return result;
  },
});
