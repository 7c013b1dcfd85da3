-- CreateTable
CREATE TABLE "dora_deployments" (
    "id" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "finished_at" TIMESTAMP(3) NOT NULL,
    "commit_sha" TEXT,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dora_deployments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dora_changes" (
    "entity_key" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "committed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "dora_changes_pkey" PRIMARY KEY ("entity_key","sha")
);

-- CreateTable
CREATE TABLE "dora_deployment_changes" (
    "deployment_id" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "lead_time_seconds" INTEGER,

    CONSTRAINT "dora_deployment_changes_pkey" PRIMARY KEY ("deployment_id","sha")
);

-- CreateTable
CREATE TABLE "dora_incidents" (
    "id" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "opened_at" TIMESTAMP(3) NOT NULL,
    "resolved_at" TIMESTAMP(3),
    "deployment_id" TEXT,
    "explicit_deployment" BOOLEAN NOT NULL DEFAULT false,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dora_incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dora_daily" (
    "entity_key" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "deployments" INTEGER NOT NULL DEFAULT 0,
    "failed_deployments" INTEGER NOT NULL DEFAULT 0,
    "lead_time_buckets" INTEGER[],
    "incidents_resolved" INTEGER NOT NULL DEFAULT 0,
    "restore_buckets" INTEGER[],

    CONSTRAINT "dora_daily_pkey" PRIMARY KEY ("entity_key","day")
);

-- CreateTable
CREATE TABLE "ingest_tokens" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),

    CONSTRAINT "ingest_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dora_deployments_entity_key_finished_at_idx" ON "dora_deployments"("entity_key", "finished_at");

-- CreateIndex
CREATE INDEX "dora_deployments_finished_at_idx" ON "dora_deployments"("finished_at");

-- CreateIndex
CREATE INDEX "dora_deployments_entity_key_commit_sha_idx" ON "dora_deployments"("entity_key", "commit_sha");

-- CreateIndex
CREATE INDEX "dora_deployment_changes_entity_key_sha_idx" ON "dora_deployment_changes"("entity_key", "sha");

-- CreateIndex
CREATE INDEX "dora_incidents_entity_key_opened_at_idx" ON "dora_incidents"("entity_key", "opened_at");

-- CreateIndex
CREATE INDEX "dora_incidents_deployment_id_idx" ON "dora_incidents"("deployment_id");

-- CreateIndex
CREATE INDEX "dora_incidents_resolved_at_idx" ON "dora_incidents"("resolved_at");

-- CreateIndex
CREATE INDEX "dora_daily_day_idx" ON "dora_daily"("day");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_tokens_name_key" ON "ingest_tokens"("name");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_tokens_secret_hash_key" ON "ingest_tokens"("secret_hash");

-- AddForeignKey
ALTER TABLE "ingest_tokens" ADD CONSTRAINT "ingest_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
