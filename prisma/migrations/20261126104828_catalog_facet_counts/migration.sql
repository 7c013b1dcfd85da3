-- CreateTable
CREATE TABLE "catalog_facet_counts" (
    "facet" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "catalog_facet_counts_pkey" PRIMARY KEY ("facet","value")
);

-- Keep catalog_facet_counts exact. Statement-level triggers with transition tables apply
-- one grouped delta per statement, so a 10,000-row import costs one small upsert, not
-- 10,000. Prisma does not model triggers, so they live only in this migration.
CREATE FUNCTION catalog_facets_after_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- %1$s is +1 or -1, %2$I the transition table (only dynamic SQL in this function sees it).
  -- Rows are upserted in key order so concurrent imports lock them in the same order.
  delta constant text := $sql$
    INSERT INTO catalog_facet_counts AS c (facet, value, count)
    SELECT facet, value, %1$s * count(*)::int FROM (
      SELECT 'kind' AS facet, kind AS value FROM %2$I
      UNION ALL SELECT 'type', type FROM %2$I WHERE type <> ''
      UNION ALL SELECT 'owner', owner FROM %2$I WHERE owner <> ''
      UNION ALL SELECT 'lifecycle', lifecycle FROM %2$I WHERE lifecycle <> ''
      UNION ALL SELECT 'system', system FROM %2$I WHERE system <> ''
      UNION ALL SELECT 'tag', t FROM %2$I CROSS JOIN LATERAL unnest(tags) AS t
    ) AS v
    GROUP BY facet, value
    ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET count = c.count + EXCLUDED.count
  $sql$;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    EXECUTE format(delta, -1, 'old_rows');
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE format(delta, 1, 'new_rows');
  END IF;
  DELETE FROM catalog_facet_counts WHERE count <= 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION catalog_facets_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM catalog_facet_counts;
  RETURN NULL;
END
$$;

CREATE TRIGGER catalog_facets_insert AFTER INSERT ON "entities"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_facets_after_change();
CREATE TRIGGER catalog_facets_update AFTER UPDATE ON "entities"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_facets_after_change();
CREATE TRIGGER catalog_facets_delete AFTER DELETE ON "entities"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_facets_after_change();
CREATE TRIGGER catalog_facets_truncate AFTER TRUNCATE ON "entities"
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_facets_after_truncate();

-- Keep the entity heap narrow: the descriptor JSON moves out of line, so scans that only
-- need the flat columns (filtered facet counts) read far fewer pages.
ALTER TABLE "entities" SET (toast_tuple_target = 128);
