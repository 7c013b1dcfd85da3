"use server";

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
  revalidate: ["/admin"],
  async run({ name }, { user }) {
    return createIngestToken(user, name);
  },
});

export const revokeIngestTokenAction = defineAction({
  name: "dora.revoke-ingest-token",
  role: "admin",
  schema: revokeIngestTokenSchema,
  revalidate: ["/admin"],
  async run({ id }, { user }) {
    return revokeIngestToken(user, id);
  },
});
