"use server";

import { defineAction, type RevalidateTarget } from "@/lib/action";
import { entityHrefFromKey } from "@/lib/catalog/paths";
import { setServiceFlagRollout, toggleServiceFlag } from "@/lib/flags/mutations";
import { setRolloutSchema, toggleFlagSchema } from "@/lib/flags/schemas";

// The Flags section and the page of the service that owns the flag (which may not be the one it was switched from).
function revalidate(_input: unknown, result: { entityKey: string } | undefined): RevalidateTarget[] {
  return result ? ["/flags", entityHrefFromKey(result.entityKey)] : [];
}

export const toggleFlagAction = defineAction({
  name: "flags.toggle",
  role: "member",
  schema: toggleFlagSchema,
  revalidate,
  async run(input, { user }) {
    const { entityKey } = await toggleServiceFlag(user, input);
    return { enabled: input.enabled, entityKey };
  },
});

export const setRolloutAction = defineAction({
  name: "flags.rollout",
  role: "member",
  schema: setRolloutSchema,
  revalidate,
  async run(input, { user }) {
    const { entityKey } = await setServiceFlagRollout(user, input);
    return { rollout: input.rollout, entityKey };
  },
});
