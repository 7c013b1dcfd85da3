-- CreateTable
CREATE TABLE "dora_daily_total" (
    "day" DATE NOT NULL,
    "deployments" INTEGER NOT NULL DEFAULT 0,
    "failed_deployments" INTEGER NOT NULL DEFAULT 0,
    "lead_time_buckets" INTEGER[],
    "incidents_resolved" INTEGER NOT NULL DEFAULT 0,
    "restore_buckets" INTEGER[],

    CONSTRAINT "dora_daily_total_pkey" PRIMARY KEY ("day")
);
