import "server-only";
import { cache } from "react";
import { getServerSession, type Session } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import { connection } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { hasRole, type Role } from "@/lib/auth/roles";
import { databaseDownSince, DatabaseUnavailableError } from "@/lib/database-outage";

/** The signed-in person as pages and actions see them (shape declared in next-auth.d.ts). */
export type CurrentUser = Session["user"];

/** The signed-in user of this request, or null. A forged or expired cookie gives null. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  await connection(); // per-request: never prerender a page that depends on who is asking
  const session = await getServerSession(getAuthOptions());
  // next-auth answers a failed lookup with "no session"; with the database away that is not "signed out".
  if (!session && databaseDownSince() !== undefined) throw new DatabaseUnavailableError();
  return session?.user ?? null;
});

/** The signed-in user; anyone else is sent to the sign-in page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** The signed-in user if their role includes `role`; otherwise a 403 page. */
export async function requireRole(role: Role): Promise<CurrentUser> {
  const user = await requireUser();
  if (!hasRole(user.role, role)) forbidden();
  return user;
}
