-- CreateTable
CREATE TABLE "entity_repo_facts" (
    "entity_id" TEXT NOT NULL,
    "source_url" TEXT NOT NULL,
    "has_ci_workflow" BOOLEAN NOT NULL DEFAULT false,
    "has_catalog_info" BOOLEAN NOT NULL DEFAULT false,
    "has_docs" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "checked_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "entity_repo_facts_pkey" PRIMARY KEY ("entity_id")
);

-- AddForeignKey
ALTER TABLE "entity_repo_facts" ADD CONSTRAINT "entity_repo_facts_entity_id_fkey" FOREIGN KEY ("entity_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
