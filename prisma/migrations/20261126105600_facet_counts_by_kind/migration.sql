-- Facet counts per kind, so a kind filter (the most common one) is answered from this
-- table too. The counts are rebuilt from the entities below.
DELETE FROM "catalog_facet_counts";

-- AlterTable
ALTER TABLE "catalog_facet_counts" DROP CONSTRAINT "catalog_facet_counts_pkey",
ADD COLUMN     "kind" TEXT NOT NULL,
ADD CONSTRAINT "catalog_facet_counts_pkey" PRIMARY KEY ("kind", "facet", "value");

CREATE OR REPLACE FUNCTION catalog_facets_after_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  -- %1$s is +1 or -1, %2$I the transition table (only dynamic SQL in this function sees it).
  -- Rows are upserted in key order so concurrent imports lock them in the same order.
  delta constant text := $sql$
    INSERT INTO catalog_facet_counts AS c (kind, facet, value, count)
    SELECT kind, facet, value, %1$s * count(*)::int FROM (
      SELECT kind, 'kind' AS facet, kind AS value FROM %2$I
      UNION ALL SELECT kind, 'type', type FROM %2$I WHERE type <> ''
      UNION ALL SELECT kind, 'owner', owner FROM %2$I WHERE owner <> ''
      UNION ALL SELECT kind, 'lifecycle', lifecycle FROM %2$I WHERE lifecycle <> ''
      UNION ALL SELECT kind, 'system', system FROM %2$I WHERE system <> ''
      UNION ALL SELECT kind, 'tag', t FROM %2$I CROSS JOIN LATERAL unnest(tags) AS t
    ) AS v
    GROUP BY kind, facet, value
    ORDER BY kind, facet, value
    ON CONFLICT (kind, facet, value) DO UPDATE SET count = c.count + EXCLUDED.count
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

INSERT INTO "catalog_facet_counts" (kind, facet, value, count)
SELECT kind, facet, value, count(*)::int FROM (
  SELECT kind, 'kind' AS facet, kind AS value FROM entities
  UNION ALL SELECT kind, 'type', type FROM entities WHERE type <> ''
  UNION ALL SELECT kind, 'owner', owner FROM entities WHERE owner <> ''
  UNION ALL SELECT kind, 'lifecycle', lifecycle FROM entities WHERE lifecycle <> ''
  UNION ALL SELECT kind, 'system', system FROM entities WHERE system <> ''
  UNION ALL SELECT kind, 'tag', t FROM entities CROSS JOIN LATERAL unnest(tags) AS t
) AS v
GROUP BY kind, facet, value;
