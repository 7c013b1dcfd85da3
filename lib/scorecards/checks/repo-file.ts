import type { CheckOutcome, EntityFacts } from "@/lib/scorecards/types";

/**
 * Shared by the checks that look at a fact of the entity's repository: without repo
 * facts, or when the repository could not be read, they fail and say why.
 */
export function checkRepoFact(
  repo: EntityFacts["repo"],
  fact: "hasCiWorkflow" | "hasCatalogInfo",
  found: string,
  missing: string,
): CheckOutcome {
  if (!repo) return { passed: false, message: "Pave has not read this entity's repository yet (it needs a source-location or techdocs-ref annotation)" };
  if (repo.error) return { passed: false, message: `The repository could not be read: ${repo.error}` };
  return repo[fact] ? { passed: true, message: `${found} in ${repo.sourceUrl}` } : { passed: false, message: `${missing} in ${repo.sourceUrl}` };
}
