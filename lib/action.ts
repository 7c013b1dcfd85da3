import "server-only";
import { revalidatePath } from "next/cache";
import { redirect, unstable_rethrow } from "next/navigation";
// Not re-exported by next/navigation; the one way to tell redirect() from notFound() and forbidden().
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { z } from "zod";
import { getCurrentUser, type CurrentUser } from "@/lib/auth/session";
import { hasRole, type Role } from "@/lib/auth/roles";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnreachable } from "@/lib/database-outage";
import { AppError, GENERIC_ERROR_MESSAGE } from "@/lib/errors";
import { noteDatabaseOutage } from "@/lib/health";
import { log } from "@/lib/log";
import { withSpan } from "@/lib/telemetry/tracing";

/** What a server action hands back to its form: data, or what the person can fix. */
export type ActionResult<T = void> =
  | { ok: true; data: T }
  | { ok: false; error: string; details?: string[]; fieldErrors?: Record<string, string[]>; values?: Record<string, string> };

/** A path whose cached pages are refreshed, as `revalidatePath` takes it: a page, or with `type: "layout"` everything under it. */
export type RevalidateTarget = string | { path: string; type: "layout" | "page" };

type ActionConfig<S extends z.ZodType, T> = {
  /** Used in logs, e.g. "admin.revoke-sessions". */
  name: string;
  /** The least role allowed to run it. */
  role: Role;
  schema: S;
  run: (input: z.output<S>, ctx: { user: CurrentUser }) => Promise<T>;
  /**
   * What to revalidate once run() has succeeded, including when it ends in redirect().
   * A function gets the input and run()'s result; the result is undefined when run() redirected.
   * Nothing is revalidated when the input is refused or run() fails.
   */
  revalidate?: RevalidateTarget[] | ((input: z.output<S>, result: T | undefined) => RevalidateTarget[]);
};

/** What an action needs from Next: who is signed in, and how to revalidate. Replaced only in tests. */
type ActionDeps = {
  currentUser: () => Promise<CurrentUser | null>;
  revalidatePath: (path: string, type?: "layout" | "page") => void;
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
  return buildAction(config, { currentUser: getCurrentUser, revalidatePath });
}

/** defineAction with another session lookup and revalidation. Only for tests (both need a Next request); actions use defineAction. */
export function defineActionWith(deps: ActionDeps) {
  return <S extends z.ZodType, T>(config: ActionConfig<S, T>) => buildAction(config, deps);
}

function revalidateAfter<S extends z.ZodType, T>(config: ActionConfig<S, T>, deps: ActionDeps, input: z.output<S>, result: T | undefined) {
  if (!config.revalidate) return;
  const targets = typeof config.revalidate === "function" ? config.revalidate(input, result) : config.revalidate;
  for (const target of targets) {
    if (typeof target === "string") deps.revalidatePath(target);
    else deps.revalidatePath(target.path, target.type);
  }
}

function buildAction<S extends z.ZodType, T>(config: ActionConfig<S, T>, deps: ActionDeps) {
  const perform = performAction(config, deps);
  // A span per call, inside Next's span of the POST that carries the action, when tracing is on.
  return async function action(prev: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<T>> {
    return withSpan(`action ${config.name}`, { "pave.action": config.name }, async (span) => {
      const result = await perform(prev, input);
      span.setAttribute("pave.action.ok", result.ok);
      return result;
    });
  };
}

function performAction<S extends z.ZodType, T>(config: ActionConfig<S, T>, deps: ActionDeps) {
  return async function perform(_prev: unknown, input: FormData | Record<string, unknown>): Promise<ActionResult<T>> {
    const user = await deps.currentUser();
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
      const data = await config.run(parsed.data, { user });
      revalidateAfter(config, deps, parsed.data, data);
      return { ok: true, data };
    } catch (error) {
      // redirect() ends a successful run by throwing, so its paths are revalidated here,
      // before the redirect leaves the action (Next sends both in the one response).
      // notFound() and forbidden() are not successes: they revalidate nothing.
      if (isRedirectError(error)) revalidateAfter(config, deps, parsed.data, undefined);
      unstable_rethrow(error); // redirect() and notFound() from run() are control flow, not failures
      if (error instanceof AppError) {
        const fieldErrors = Object.keys(error.fields).length ? Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, [v]])) : undefined;
        return { ok: false, error: error.message, details: error.details, fieldErrors, values: echoValues(raw as Record<string, unknown>) };
      }
      if (isDatabaseUnreachable(error)) {
        noteDatabaseOutage();
        return { ok: false, error: DATABASE_UNAVAILABLE_MESSAGE, values: echoValues(raw as Record<string, unknown>) };
      }
      log.error({ action: config.name, userId: user.id, err: error }, "action failed");
      return { ok: false, error: GENERIC_ERROR_MESSAGE };
    }
  };
}
