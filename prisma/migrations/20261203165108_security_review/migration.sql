-- Identity providers' tokens are no longer kept (Pave never calls a provider for the user later).
ALTER TABLE "accounts" DROP COLUMN "access_token",
DROP COLUMN "id_token",
DROP COLUMN "refresh_token";

-- AlterTable
ALTER TABLE "database_requests" ADD COLUMN     "review_note" TEXT;

-- Only locations a platform user marks as template sources offer their templates in Create.
ALTER TABLE "locations" ADD COLUMN     "template_source" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "github_login" TEXT;

-- Token buckets shared by every replica (lib/rate-limit.ts).
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
