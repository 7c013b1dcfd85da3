-- CreateTable
CREATE TABLE "scaffolder_runs" (
    "id" TEXT NOT NULL,
    "template_id" TEXT NOT NULL,
    "template_title" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "error" TEXT,
    "output" JSONB,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "scaffolder_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scaffolder_steps" (
    "run_id" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "output" JSONB,
    "error" TEXT,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "scaffolder_steps_pkey" PRIMARY KEY ("run_id","step_id")
);

-- CreateTable
CREATE TABLE "scaffolder_logs" (
    "id" BIGSERIAL NOT NULL,
    "run_id" TEXT NOT NULL,
    "step_id" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "scaffolder_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scaffolder_runs_created_at_idx" ON "scaffolder_runs"("created_at" DESC);

-- CreateIndex
CREATE INDEX "scaffolder_runs_created_by_id_created_at_idx" ON "scaffolder_runs"("created_by_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "scaffolder_logs_run_id_id_idx" ON "scaffolder_logs"("run_id", "id");

-- AddForeignKey
ALTER TABLE "scaffolder_runs" ADD CONSTRAINT "scaffolder_runs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scaffolder_steps" ADD CONSTRAINT "scaffolder_steps_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scaffolder_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scaffolder_logs" ADD CONSTRAINT "scaffolder_logs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scaffolder_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
