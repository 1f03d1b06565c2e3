DROP VIEW IF EXISTS reporting.name_variants_by_outlet_month CASCADE;
CREATE VIEW reporting.name_variants_by_outlet_month AS
SELECT
    e.entity_id,
    e.canonical_name AS entity_name,
    e.entity_type,
    a.outlet_id,
    date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date AS month,
    m.surface AS spelling,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles
FROM core.mentions m
JOIN core.articles a USING (article_id)
JOIN core.entities e USING (entity_id)
GROUP BY e.entity_id, e.canonical_name, e.entity_type, a.outlet_id,
         date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date, m.surface;
COMMENT ON VIEW reporting.name_variants_by_outlet_month IS 'The spellings each outlet uses for each entity, per month (which outlets write Kiev and which Kyiv).';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_id IS 'Canonical entity id.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_name IS 'Canonical entity name.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.entity_type IS 'PERSON, ORG, GPE, LOC, ...';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.month IS 'First day of the publication month (UTC).';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.spelling IS 'Surface form exactly as published.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.mentions IS 'Mentions with that spelling.';
COMMENT ON COLUMN reporting.name_variants_by_outlet_month.articles IS 'Articles using that spelling.';
