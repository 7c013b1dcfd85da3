-- CreateTable
CREATE TABLE "database_requests" (
    "id" TEXT NOT NULL,
    "entity_key" TEXT NOT NULL,
    "service_name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "engine_version" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "backup_retention_days" INTEGER NOT NULL,
    "multi_az" BOOLEAN NOT NULL,
    "justification" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'submitted',
    "branch" TEXT NOT NULL,
    "file_path" TEXT NOT NULL,
    "hcl" TEXT NOT NULL,
    "pr_number" INTEGER,
    "pr_url" TEXT,
    "last_error" TEXT,
    "requested_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "database_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "database_request_events" (
    "id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "actor_email" TEXT,
    "note" TEXT,

    CONSTRAINT "database_request_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "database_requests_entity_key_environment_idx" ON "database_requests"("entity_key", "environment");

-- CreateIndex
CREATE INDEX "database_requests_status_idx" ON "database_requests"("status");

-- CreateIndex
CREATE INDEX "database_requests_requested_by_id_created_at_idx" ON "database_requests"("requested_by_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "database_request_events_request_id_at_idx" ON "database_request_events"("request_id", "at");

-- CreateIndex
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at");

-- AddForeignKey
ALTER TABLE "database_requests" ADD CONSTRAINT "database_requests_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "database_request_events" ADD CONSTRAINT "database_request_events_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "database_requests"("id") ON DELETE CASCADE ON UPDATE CASCADE;
