import { z } from "zod";
import { defineCheck } from "@/lib/scorecards/types";

import { TECHDOCS_REF } from "@/lib/catalog/annotations";

/** The entity has documentation: rendered docs, docs in its repository, or a techdocs-ref annotation not yet checked. */
export const hasDocs = defineCheck({
  type: "has-docs",
  title: "Has documentation",
  params: z.strictObject({}),
  evaluate(_params, { entity, repo, docsReady }) {
    // Strongest evidence first, so the message names what a reader can open.
    if (docsReady) return { passed: true, message: "Docs are built and shown on the Docs tab" };
    if (repo?.hasDocs) return { passed: true, message: `Docs found in ${repo.sourceUrl}` };
    // A declaration whose repository cannot be read is not docs anyone can open.
    if (repo?.error) return { passed: false, message: `No docs found; the repository could not be read: ${repo.error}` };
    if (entity.annotations[TECHDOCS_REF] && !repo) {
      return { passed: true, message: `Docs are declared with ${TECHDOCS_REF}: ${entity.annotations[TECHDOCS_REF]} (not built yet)` };
    }
    if (repo) return { passed: false, message: `No docs/ folder or README found in ${repo.sourceUrl}` };
    return { passed: false, message: `No ${TECHDOCS_REF} annotation and no repository Pave could read` };
  },
});
