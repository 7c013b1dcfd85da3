"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/action";
import { createIngestToken, revokeIngestToken } from "@/lib/dora/tokens";

const createIngestTokenSchema = z.object({
  name: z
    .string({ message: "Give the token a name" })
    .trim()
    .min(1, "Give the token a name")
    .max(64, "At most 64 characters")
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "Letters, digits, spaces, dots, dashes and underscores"),
});

const revokeIngestTokenSchema = z.object({
  id: z.string({ message: "Choose a token" }).trim().min(1, "Choose a token").max(64, "Not a valid token id"),
});

export const createIngestTokenAction = defineAction({
  name: "dora.create-ingest-token",
  role: "admin",
  schema: createIngestTokenSchema,
  async run({ name }, { user }) {
    const token = await createIngestToken(user, name);
    revalidatePath("/admin");
    return token;
  },
});

export const revokeIngestTokenAction = defineAction({
  name: "dora.revoke-ingest-token",
  role: "admin",
  schema: revokeIngestTokenSchema,
  async run({ id }, { user }) {
    const result = await revokeIngestToken(user, id);
    revalidatePath("/admin");
    return result;
  },
});
