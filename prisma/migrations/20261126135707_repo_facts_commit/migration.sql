-- AlterTable
ALTER TABLE "entity_repo_facts" ADD COLUMN     "commit_sha" TEXT;
