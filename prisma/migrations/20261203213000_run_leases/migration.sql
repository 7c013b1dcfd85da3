-- A template run is held by the worker executing it until lease_until, renewed while it
-- works; the sweeper picks up queued or running runs whose lease lapsed.
ALTER TABLE "scaffolder_runs" ADD COLUMN "lease_until" TIMESTAMP(3);

CREATE INDEX "scaffolder_runs_status_lease_until_idx" ON "scaffolder_runs"("status", "lease_until");
