import type { z } from "zod";

/*
 * The contract between the facts loader (facts.ts, server-only) and the checks
 * (checks/*.ts, pure). Kept in its own module without server imports so that the
 * checks, and through them the YAML parser, can run in a form or a unit test.
 */

/** DORA figures of one service over the last `days` whole UTC days, summed from dora_daily. */
export type DoraWindow = {
  days: number;
  deployments: number;
  /** Deployments linked to at least one incident. */
  failedDeployments: number;
  /** Median lead time estimated from the summed histograms; null without changes. */
  leadTimeSeconds: number | null;
  /** Median time to restore of incidents resolved in the window; null without any. */
  restoreSeconds: number | null;
};

/** Everything a check may look at for one entity, loaded in bulk before the checks run. */
export type EntityFacts = {
  entity: {
    id: string;
    key: string;
    kind: string;
    type: string;
    lifecycle: string;
    /** Ref key, e.g. group:default/team-checkout; "" when unset. */
    owner: string;
    system: string;
    description: string;
    annotations: Record<string, string>;
    labels: Record<string, string>;
  };
  /** Whether the owner is a Group that exists in the catalog. */
  ownerIsGroup: boolean;
  /** What the last docs build found in the entity's repository; null when it was never read. */
  repo: {
    sourceUrl: string;
    hasCiWorkflow: boolean;
    hasCatalogInfo: boolean;
    hasDocs: boolean;
    error: string | null;
    checkedAt: Date;
  } | null;
  /** Whether rendered docs can be shown (a build succeeded at least once). */
  docsReady: boolean;
  /** The entity's self-service database requests, any status. */
  databases: { environment: string; status: string; backupRetentionDays: number }[];
  /** DORA figures over a window the scorecards asked for; null when nothing was recorded in it. */
  dora: (days: number) => DoraWindow | null;
};

/** What a check found: passed or not, and a sentence saying what it saw. */
export type CheckOutcome = { passed: boolean; message: string };

/** One rule's outcome as stored in ScorecardResult.checks. */
export type StoredCheck = { id: string; passed: boolean; message: string };

/** Facts a check needs beyond the ones always loaded. */
export type FactNeeds = { doraDays?: number };

/**
 * A check type: a pure function over an entity's facts, with the zod schema of the
 * parameters a rule may give it. Adding one is a file in checks/ and a line in checks/index.ts.
 */
export type CheckDefinition = {
  /** The name rules use, e.g. "owner-is-group". */
  type: string;
  /** What it checks, for editors and documentation. */
  title: string;
  /** A strict object schema; defaults are applied when a scorecard is parsed. */
  params: z.ZodType;
  /** Which extra facts a rule with these (parsed) params needs. */
  needs?(params: unknown): FactNeeds;
  evaluate(params: unknown, facts: EntityFacts): CheckOutcome;
};

/** Declares a check with its params typed from its schema. */
export function defineCheck<S extends z.ZodType>(check: {
  type: string;
  title: string;
  params: S;
  needs?(params: z.output<S>): FactNeeds;
  evaluate(params: z.output<S>, facts: EntityFacts): CheckOutcome;
}): CheckDefinition {
  // Params are always parsed with `check.params` before evaluate sees them (see schemas.ts).
  return check as CheckDefinition;
}
