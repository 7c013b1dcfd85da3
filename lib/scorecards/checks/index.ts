import { annotation } from "@/lib/scorecards/checks/annotation";
import { databaseWithBackups } from "@/lib/scorecards/checks/database-with-backups";
import { doraTier } from "@/lib/scorecards/checks/dora-tier";
import { hasCatalogInfo } from "@/lib/scorecards/checks/has-catalog-info";
import { hasCiWorkflow } from "@/lib/scorecards/checks/has-ci-workflow";
import { hasDescription } from "@/lib/scorecards/checks/has-description";
import { hasDocs } from "@/lib/scorecards/checks/has-docs";
import { hasFlagsProject } from "@/lib/scorecards/checks/has-flags-project";
import { label } from "@/lib/scorecards/checks/label";
import { lifecycleSet } from "@/lib/scorecards/checks/lifecycle-set";
import { ownerIsGroup } from "@/lib/scorecards/checks/owner-is-group";
import type { CheckDefinition } from "@/lib/scorecards/types";

/** Every check type rules may use, by name. A new check is one file and one line here. */
export const CHECKS: Readonly<Record<string, CheckDefinition>> = Object.freeze(
  Object.fromEntries(
    [
      ownerIsGroup,
      hasDescription,
      lifecycleSet,
      hasDocs,
      hasCiWorkflow,
      hasCatalogInfo,
      hasFlagsProject,
      databaseWithBackups,
      doraTier,
      annotation,
      label,
    ].map((check) => [check.type, check]),
  ),
);

/** The check with this type name, or undefined. */
export function findCheck(type: string): CheckDefinition | undefined {
  return Object.hasOwn(CHECKS, type) ? CHECKS[type] : undefined;
}

/** The names of every check type, for error messages and editors. */
export const CHECK_TYPES: readonly string[] = Object.keys(CHECKS);
