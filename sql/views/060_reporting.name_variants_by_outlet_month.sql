CREATE MATERIALIZED VIEW reporting.name_variants_by_outlet_month AS
WITH spellings AS (
    SELECT
        m.entity_id,
        a.outlet_id,
        date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date AS month,
        m.surface AS spelling,
        count(*) AS mentions,
        count(DISTINCT m.article_id) AS articles
    FROM core.mentions m
    JOIN core.articles a USING (article_id)
    GROUP BY m.entity_id, a.outlet_id, date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date, m.surface
)
SELECT
    s.entity_id,
    e.canonical_name AS entity_name,
    e.entity_type,
    s.outlet_id,
    o.name AS outlet_name,
    s.month,
    s.spelling,
    s.mentions,
    s.articles,
    round(s.mentions::numeric / sum(s.mentions) OVER (PARTITION BY s.entity_id, s.outlet_id, s.month), 4)
        AS share_of_entity_mentions
FROM spellings s
JOIN core.entities e USING (entity_id)
JOIN core.outlets o USING (outlet_id);
CREATE UNIQUE INDEX name_variants_by_outlet_month_key
    ON reporting.name_variants_by_outlet_month (outlet_id, month, entity_id, spelling) NULLS NOT DISTINCT;
CREATE INDEX name_variants_by_outlet_month_entity_idx ON reporting.name_variants_by_outlet_month (entity_id, month);
COMMENT ON MATERIALIZED VIEW reporting.name_variants_by_outlet_month IS 'The spellings each outlet uses for each entity, per month (which outlets write Kiev and which Kyiv, Ermakov or Yermakov).';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_id IS 'Canonical entity id.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_name IS 'Canonical entity name.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_type IS 'PERSON, ORG, GPE, LOC, ...';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.month IS 'First day of the publication month (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.spelling IS 'Surface form exactly as published (surname-only and inflected forms included).';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.mentions IS 'Mentions with that spelling.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.articles IS 'Articles using that spelling.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.share_of_entity_mentions IS 'mentions divided by all mentions of the entity in that outlet and month (0 to 1).';
