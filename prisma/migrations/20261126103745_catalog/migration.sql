-- CreateTable
CREATE TABLE "entities" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "api_version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL DEFAULT '',
    "lifecycle" TEXT NOT NULL DEFAULT '',
    "owner" TEXT NOT NULL DEFAULT '',
    "system" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL,
    "spec" JSONB,
    "search" tsvector,
    "source_type" TEXT NOT NULL,
    "location_id" TEXT,
    "refresh_error" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "entities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "relations" (
    "origin_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "target" TEXT NOT NULL,

    CONSTRAINT "relations_pkey" PRIMARY KEY ("origin_id","source","type","target")
);

-- CreateTable
CREATE TABLE "locations" (
    "id" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "last_refreshed_at" TIMESTAMP(3),
    "last_sha" TEXT,
    "last_error" TEXT,
    "created_by_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "locations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "entities_key_key" ON "entities"("key");

-- CreateIndex
CREATE INDEX "entities_search_idx" ON "entities" USING GIN ("search");

-- CreateIndex
CREATE INDEX "entities_tags_idx" ON "entities" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "entities_name_id_idx" ON "entities"("name", "id");

-- CreateIndex
CREATE INDEX "entities_kind_name_id_idx" ON "entities"("kind", "name", "id");

-- CreateIndex
CREATE INDEX "entities_type_name_id_idx" ON "entities"("type", "name", "id");

-- CreateIndex
CREATE INDEX "entities_owner_name_id_idx" ON "entities"("owner", "name", "id");

-- CreateIndex
CREATE INDEX "entities_lifecycle_name_id_idx" ON "entities"("lifecycle", "name", "id");

-- CreateIndex
CREATE INDEX "entities_system_name_id_idx" ON "entities"("system", "name", "id");

-- CreateIndex
CREATE INDEX "entities_updated_at_id_idx" ON "entities"("updated_at", "id");

-- CreateIndex
CREATE INDEX "entities_location_id_idx" ON "entities"("location_id");

-- CreateIndex
CREATE INDEX "relations_source_type_idx" ON "relations"("source", "type");

-- CreateIndex
CREATE INDEX "relations_target_idx" ON "relations"("target");

-- CreateIndex
CREATE UNIQUE INDEX "locations_target_key" ON "locations"("target");

-- AddForeignKey
ALTER TABLE "entities" ADD CONSTRAINT "entities_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "relations" ADD CONSTRAINT "relations_origin_id_fkey" FOREIGN KEY ("origin_id") REFERENCES "entities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "locations" ADD CONSTRAINT "locations_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Full-text search vector, kept current by a trigger. Prisma does not model triggers
-- or functions, so they live only here. The column and its GIN index are in the schema.
-- Separators become spaces first: the parser would read "svc-100" as "svc" and "-100".
CREATE FUNCTION entities_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.name, ''), '[^[:alnum:]]+', ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.title, ''), '[^[:alnum:]]+', ' ', 'g')), 'A') ||
    setweight(to_tsvector('simple', regexp_replace(array_to_string(coalesce(NEW.tags, '{}'), ' '), '[^[:alnum:]]+', ' ', 'g')), 'B') ||
    setweight(to_tsvector('simple', regexp_replace(coalesce(NEW.description, ''), '[^[:alnum:]]+', ' ', 'g')), 'C');
  RETURN NEW;
END
$$;

CREATE TRIGGER entities_search_vector
  BEFORE INSERT OR UPDATE OF name, title, tags, description ON "entities"
  FOR EACH ROW EXECUTE FUNCTION entities_search_vector();
