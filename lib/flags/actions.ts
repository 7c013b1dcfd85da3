"use server";

import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/action";
import { entityHrefFromKey } from "@/lib/catalog/paths";
import { setServiceFlagRollout, toggleServiceFlag } from "@/lib/flags/mutations";
import { setRolloutSchema, toggleFlagSchema } from "@/lib/flags/schemas";

function revalidate(entityKey: string) {
  revalidatePath("/flags");
  revalidatePath(entityHrefFromKey(entityKey));
}

export const toggleFlagAction = defineAction({
  name: "flags.toggle",
  role: "member",
  schema: toggleFlagSchema,
  async run(input, { user }) {
    const { entityKey } = await toggleServiceFlag(user, input);
    revalidate(entityKey);
    return { enabled: input.enabled };
  },
});

export const setRolloutAction = defineAction({
  name: "flags.rollout",
  role: "member",
  schema: setRolloutSchema,
  async run(input, { user }) {
    const { entityKey } = await setServiceFlagRollout(user, input);
    revalidate(entityKey);
    return { rollout: input.rollout };
  },
});
