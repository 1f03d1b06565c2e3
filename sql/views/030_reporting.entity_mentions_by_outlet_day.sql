DROP VIEW IF EXISTS reporting.entity_mentions_by_outlet_day CASCADE;
CREATE VIEW reporting.entity_mentions_by_outlet_day AS
SELECT
    a.outlet_id,
    (a.published_at AT TIME ZONE 'UTC')::date AS day,
    e.entity_id,
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles
FROM core.mentions m
JOIN core.articles a USING (article_id)
JOIN core.entities e USING (entity_id)
GROUP BY a.outlet_id, (a.published_at AT TIME ZONE 'UTC')::date, e.entity_id, e.canonical_name, e.entity_type;
COMMENT ON VIEW reporting.entity_mentions_by_outlet_day IS 'How often each outlet mentions each canonical entity, per UTC publication day.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.day IS 'Publication day (UTC).';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_id IS 'Canonical entity id.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_name IS 'Canonical entity name.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_type IS 'PERSON, ORG, GPE, LOC, NORP, EVENT, ...';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.mentions IS 'Mentions (all spellings, surname-only and title references included).';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.articles IS 'Articles mentioning the entity.';
