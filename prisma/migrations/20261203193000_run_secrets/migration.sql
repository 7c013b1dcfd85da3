-- A run's secret answers, sealed with PAVE_SECRETS_KEY, so any worker process can run it.
CREATE TABLE "scaffolder_run_secrets" (
    "run_id" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scaffolder_run_secrets_pkey" PRIMARY KEY ("run_id")
);

ALTER TABLE "scaffolder_run_secrets" ADD CONSTRAINT "scaffolder_run_secrets_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scaffolder_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
