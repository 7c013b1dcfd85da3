-- CreateTable
CREATE TABLE "scorecards" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "path" TEXT,
    "yaml" TEXT NOT NULL,
    "definition" JSONB,
    "error" TEXT,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scorecards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_runs" (
    "id" TEXT NOT NULL,
    "scorecard_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'running',
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMP(3),
    "entities" INTEGER NOT NULL DEFAULT 0,
    "level_counts" JSONB,
    "error" TEXT,

    CONSTRAINT "scorecard_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scorecard_results" (
    "scorecard_id" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "level_rank" INTEGER NOT NULL,
    "passed" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "failed" TEXT[],
    "checks" JSONB NOT NULL,
    "evaluated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "scorecard_results_pkey" PRIMARY KEY ("scorecard_id","entity_id")
);

-- CreateTable
CREATE TABLE "scorecard_history" (
    "run_id" TEXT NOT NULL,
    "scorecard_id" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "level" TEXT NOT NULL,
    "level_rank" INTEGER NOT NULL,
    "passed" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "failed" TEXT[],

    CONSTRAINT "scorecard_history_pkey" PRIMARY KEY ("run_id","entity_id")
);

-- CreateTable
CREATE TABLE "docs_sites" (
    "entity_id" TEXT NOT NULL,
    "source_url" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "built_at" TIMESTAMP(3),
    "attempted_at" TIMESTAMP(3) NOT NULL,
    "error" TEXT,
    "notice" TEXT,
    "nav" JSONB NOT NULL,
    "commit_sha" TEXT,

    CONSTRAINT "docs_sites_pkey" PRIMARY KEY ("entity_id")
);

-- CreateTable
CREATE TABLE "docs_pages" (
    "entity_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "headings" JSONB NOT NULL,
    "search" tsvector,

    CONSTRAINT "docs_pages_pkey" PRIMARY KEY ("entity_id","path")
);

-- CreateTable
CREATE TABLE "docs_assets" (
    "entity_id" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "content_type" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,

    CONSTRAINT "docs_assets_pkey" PRIMARY KEY ("entity_id","path")
);

-- CreateIndex
CREATE UNIQUE INDEX "scorecards_name_key" ON "scorecards"("name");

-- CreateIndex
CREATE INDEX "scorecard_runs_scorecard_id_started_at_idx" ON "scorecard_runs"("scorecard_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "scorecard_results_entity_id_idx" ON "scorecard_results"("entity_id");

-- CreateIndex
CREATE INDEX "scorecard_history_entity_id_scorecard_id_at_idx" ON "scorecard_history"("entity_id", "scorecard_id", "at");

-- CreateIndex
CREATE INDEX "scorecard_history_scorecard_id_idx" ON "scorecard_history"("scorecard_id");

-- CreateIndex
CREATE INDEX "docs_pages_search_idx" ON "docs_pages" USING GIN ("search");

-- AddForeignKey
ALTER TABLE "scorecard_runs" ADD CONSTRAINT "scorecard_runs_scorecard_id_fkey" FOREIGN KEY ("scorecard_id") REFERENCES "scorecards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_results" ADD CONSTRAINT "scorecard_results_scorecard_id_fkey" FOREIGN KEY ("scorecard_id") REFERENCES "scorecards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_results" ADD CONSTRAINT "scorecard_results_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_history" ADD CONSTRAINT "scorecard_history_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "scorecard_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_history" ADD CONSTRAINT "scorecard_history_scorecard_id_fkey" FOREIGN KEY ("scorecard_id") REFERENCES "scorecards"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scorecard_history" ADD CONSTRAINT "scorecard_history_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "docs_sites" ADD CONSTRAINT "docs_sites_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "docs_pages" ADD CONSTRAINT "docs_pages_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "docs_sites"("entity_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "docs_assets" ADD CONSTRAINT "docs_assets_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "docs_sites"("entity_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Docs search vector, kept current by a trigger like the catalog's (Prisma models
-- neither triggers nor functions). Prose, so the English configuration stems words.
CREATE FUNCTION docs_pages_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', left(coalesce(NEW.text, ''), 500000)), 'B');
  RETURN NEW;
END
$$;

CREATE TRIGGER docs_pages_search_vector
  BEFORE INSERT OR UPDATE OF title, text ON "docs_pages"
  FOR EACH ROW EXECUTE FUNCTION docs_pages_search_vector();
