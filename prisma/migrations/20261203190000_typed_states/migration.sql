-- Statuses become enums, converted in place (USING casts keep every row; a value outside
-- the enum would stop the migration instead of being lost).
CREATE TYPE "ScaffolderRunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed');
CREATE TYPE "ScaffolderStepStatus" AS ENUM ('pending', 'running', 'succeeded', 'failed', 'skipped');
CREATE TYPE "DatabaseRequestStatus" AS ENUM ('submitted', 'pr_opened', 'approved', 'changes_requested', 'provisioned', 'rejected', 'failed');
CREATE TYPE "DoraDeploymentStatus" AS ENUM ('success', 'failure');

ALTER TABLE "scaffolder_runs" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "scaffolder_runs" ALTER COLUMN "status" TYPE "ScaffolderRunStatus" USING "status"::"ScaffolderRunStatus";
ALTER TABLE "scaffolder_runs" ALTER COLUMN "status" SET DEFAULT 'queued';

ALTER TABLE "scaffolder_steps" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "scaffolder_steps" ALTER COLUMN "status" TYPE "ScaffolderStepStatus" USING "status"::"ScaffolderStepStatus";
ALTER TABLE "scaffolder_steps" ALTER COLUMN "status" SET DEFAULT 'pending';

ALTER TABLE "database_requests" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "database_requests" ALTER COLUMN "status" TYPE "DatabaseRequestStatus" USING "status"::"DatabaseRequestStatus";
ALTER TABLE "database_requests" ALTER COLUMN "status" SET DEFAULT 'submitted';

ALTER TABLE "database_request_events" ALTER COLUMN "status" TYPE "DatabaseRequestStatus" USING "status"::"DatabaseRequestStatus";

ALTER TABLE "dora_deployments" ALTER COLUMN "status" TYPE "DoraDeploymentStatus" USING "status"::"DoraDeploymentStatus";
