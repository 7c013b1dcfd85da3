"use server";

import { defineAction } from "@/lib/action";
import { requestDocsBuild } from "@/lib/docs/mutations";
import { requestDocsBuildSchema } from "@/lib/docs/schemas";

// No revalidation: the build runs later, in a job; the page shows it once it has.
export const requestDocsBuildAction = defineAction({
  name: "docs.request-build",
  role: "member",
  schema: requestDocsBuildSchema,
  async run({ entityKey }, { user }) {
    const { queued } = await requestDocsBuild(user, entityKey);
    return { queued };
  },
});
