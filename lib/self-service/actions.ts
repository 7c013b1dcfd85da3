"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { createDatabaseRequest, decideLocalRequest } from "@/lib/self-service/mutations";
import { requestDecisionSchema } from "@/lib/self-service/schemas";

// The form's fields are validated field by field inside createDatabaseRequest, with the
// same schema the form uses; here only the envelope is checked.
export const requestDatabaseAction = defineAction({
  name: "self-service.request-database",
  role: "member",
  schema: z.record(z.string().max(50), z.unknown()),
  revalidate: ["/self-service"],
  async run(input, { user }) {
    const { id } = await createDatabaseRequest(user, input);
    redirect(`/self-service/databases/${id}`);
  },
});

export const decideRequestAction = defineAction({
  name: "self-service.decide",
  role: "platform",
  schema: requestDecisionSchema,
  revalidate: ({ requestId }) => [`/self-service/databases/${requestId}`, "/self-service"],
  async run({ requestId, decision }, { user }) {
    return { status: await decideLocalRequest(user, requestId, decision) };
  },
});
