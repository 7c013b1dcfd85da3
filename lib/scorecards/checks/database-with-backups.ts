import { z } from "zod";
import { ENVIRONMENTS } from "@/lib/self-service/rules";
import { defineCheck } from "@/lib/scorecards/types";

/**
 * A self-service database for the entity is provisioned in an environment and keeps
 * enough days of backups. Environments are self-service's (dev, staging, prod); the
 * default is prod, and "production" is read as prod so a scorecard can say it in full.
 */
export const databaseWithBackups = defineCheck({
  type: "database-with-backups",
  title: "Has a provisioned database with backups",
  params: z.strictObject({
    environment: z
      .preprocess((value) => (value === "production" ? "prod" : value), z.enum(ENVIRONMENTS, { message: `expected one of ${ENVIRONMENTS.join(", ")}` }))
      .default("prod"),
    minRetentionDays: z.number().int("must be a whole number of days").min(0, "must be 0 or more").max(3650, "must be at most 3650").default(7),
  }),
  evaluate({ environment, minRetentionDays }, { databases }) {
    const inEnvironment = databases.filter((d) => d.environment === environment);
    const provisioned = inEnvironment.filter((d) => d.status === "provisioned");
    if (!provisioned.length) {
      return {
        passed: false,
        message: inEnvironment.length ? `The ${environment} database request is not provisioned yet` : `No ${environment} database requested through self-service`,
      };
    }
    const best = Math.max(...provisioned.map((d) => d.backupRetentionDays));
    return best >= minRetentionDays
      ? { passed: true, message: `The ${environment} database keeps backups for ${best} days` }
      : { passed: false, message: `The ${environment} database keeps backups for ${best} days; at least ${minRetentionDays} are required` };
  },
});
