import "server-only";
import { redirect, unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { hasRole, type Role } from "@/lib/auth/roles";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { log } from "@/lib/log";

/** What a server action hands back to its form: data, or what the person can fix. */
export type ActionResult<T = void> =
  | { ok: true; data: T }
  | { ok: false; error: string; details?: string[]; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

type ActionConfig<S extends z.ZodType, T> = {
  /** Used in logs, e.g. "admin.revoke-sessions". */
  name: string;
  /** The least role allowed to run it. */
  role: Role;
  schema: S;
  run: (input: z.output<S>, ctx: { user: CurrentUser }) => Promise<T>;
};

/** Turns FormData into a plain object; a key sent twice becomes a list. Next's internal keys are dropped. */
export function formDataToObject(formData: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const v = typeof value === "string" ? value : value.name;
    const existing = out[key];
    out[key] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return out;
}

function echoValues(input: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(input).filter(([key, value]) => typeof value === "string" && !/password|secret|token/i.test(key)) as [string, string][],
  );
}

/**
 * Defines a server action that checks who is acting and what they may do, validates
 * its input with zod, and turns expected failures into an ActionResult. Usable from
 * useActionState (prevState, formData) or called directly with a plain object.
 */
export function defineAction<S extends z.ZodType, T>(config: ActionConfig<S, T>) {
  return async function action(_prev: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<T>> {
    const user = await getCurrentUser();
    if (!user) redirect("/sign-in");
    if (!hasRole(user.role, config.role)) {
      log.warn({ action: config.name, userId: user.id, role: user.role }, "action refused: missing role");
      return { ok: false, error: `You need the ${config.role} role to do this.` };
    }

    const raw = input instanceof FormData ? formDataToObject(input) : (input ?? {});
    const parsed = config.schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path.join(".") || "form";
        (fieldErrors[key] ??= []).push(issue.message);
      }
      return { ok: false, error: "Please correct the highlighted fields.", fieldErrors, values: echoValues(raw as Record<string, unknown>) };
    }

    try {
      return { ok: true, data: await config.run(parsed.data, { user }) };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() from run() are control flow, not failures
      if (error instanceof AppError) {
        const fieldErrors = Object.keys(error.fields).length ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, [v]])) : undefined;
        return { ok: false, error: error.message, details: error.details, fieldErrors, values: echoValues(raw as Record<string, unknown>) };
      }
      log.error({ action: config.name, userId: user.id, err: error }, "action failed");
      return { ok: false, error: GENERIC_ERROR_MESSAGE };
    }
  };
}
