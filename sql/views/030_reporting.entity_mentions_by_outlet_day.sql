CREATE MATERIALIZED VIEW reporting.entity_mentions_by_outlet_day AS
SELECT
    a.outlet_id,
    o.name AS outlet_name,
    (a.published_at AT TIME ZONE 'UTC')::date AS day,
    date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date AS month,
    e.entity_id,
    e.canonical_name AS entity_name,
    e.entity_type,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles
FROM core.mentions m
JOIN core.articles a USING (article_id)
JOIN core.outlets o ON o.outlet_id = a.outlet_id
JOIN core.entities e USING (entity_id)
GROUP BY a.outlet_id, o.name, (a.published_at AT TIME ZONE 'UTC')::date,
         date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date,
         e.entity_id, e.canonical_name, e.entity_type;
CREATE UNIQUE INDEX entity_mentions_by_outlet_day_key
    ON reporting.entity_mentions_by_outlet_day (outlet_id, day, entity_id) NULLS NOT DISTINCT;
CREATE INDEX entity_mentions_by_outlet_day_month_idx ON reporting.entity_mentions_by_outlet_day (outlet_id, month);
CREATE INDEX entity_mentions_by_outlet_day_entity_idx ON reporting.entity_mentions_by_outlet_day (entity_id, month);
COMMENT ON MATERIALIZED VIEW reporting.entity_mentions_by_outlet_day IS 'How often each outlet mentions each canonical entity (people, organisations, places), per UTC publication day.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.day IS 'Publication day (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.month IS 'First day of the publication month (UTC).';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_id IS 'Canonical entity id (all spellings of one person or place share it).';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_name IS 'Canonical entity name.';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.entity_type IS 'PERSON, ORG, GPE (country, city), LOC, NORP (nationality, group), EVENT, ...';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.mentions IS 'Mentions (all spellings, surname-only and title references included).';
COMMENT ON COLUMN reporting.entity_mentions_by_outlet_day.articles IS 'Articles mentioning the entity.';
