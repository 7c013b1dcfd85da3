import type { Reply } from "@/tests/github-stand-in/context";
import { DOCS } from "@/tests/github-stand-in/responses/errors";
import type { StandInFailure, StandInFaultRule } from "@/tests/github-stand-in/types";

// Fault injection: rules that make matching requests fail with a status, a dropped
// connection or no answer at all, before or after the request is handled.

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Bad credentials",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  422: "Validation Failed",
  429: "Too Many Requests",
  500: "Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export type Faults = ReturnType<typeof createFaults>;

export function createFaults() {
  const faults: Array<StandInFaultRule & { remaining: number }> = [];

  return {
    /** Makes the next `count` requests fail, ahead of every `failOn` rule. */
    failNext(count: number, failure: StandInFailure): void {
      faults.unshift({ failure, times: count, remaining: count });
    },
    failOn(rule: StandInFaultRule): void {
      faults.push({ ...rule, remaining: rule.times ?? 1 });
    },
    /** The first rule matching a request, used up by it; undefined when the request should succeed. */
    take(method: string, pathname: string): StandInFaultRule | undefined {
      const index = faults.findIndex(
        (rule) =>
          rule.remaining > 0 &&
          (!rule.method || rule.method.toUpperCase() === method) &&
          (rule.path === undefined || (typeof rule.path === "string" ? rule.path === pathname : rule.path.test(pathname))),
      );
      const rule = faults[index];
      if (!rule) return undefined;
      rule.remaining--;
      if (rule.remaining === 0) faults.splice(index, 1);
      return rule;
    },
  };
}

/** The error a fault with an HTTP status answers, in GitHub's error shape. */
export function faultReply(status: number, fault: StandInFaultRule): Reply {
  return {
    status,
    body: { message: fault.message ?? STATUS_TEXT[status] ?? "Error", documentation_url: DOCS, status: String(status) },
    headers: fault.headers,
  };
}
