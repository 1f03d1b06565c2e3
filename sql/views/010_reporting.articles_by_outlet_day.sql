CREATE MATERIALIZED VIEW reporting.articles_by_outlet_day AS
SELECT
    a.outlet_id,
    o.name AS outlet_name,
    o.country AS outlet_country,
    (a.published_at AT TIME ZONE 'UTC')::date AS day,
    date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date AS month,
    count(*) AS articles,
    sum(a.word_count) AS words,
    count(*) FILTER (WHERE cardinality(a.authors) > 0) AS articles_with_byline,
    count(*) FILTER (WHERE a.is_paywalled) AS paywalled_articles,
    count(*) FILTER (WHERE sa.is_near_duplicate) AS syndicated_articles
FROM core.articles a
JOIN core.outlets o USING (outlet_id)
LEFT JOIN core.story_articles sa USING (article_id)
GROUP BY a.outlet_id, o.name, o.country, (a.published_at AT TIME ZONE 'UTC')::date,
         date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date;
CREATE UNIQUE INDEX articles_by_outlet_day_key ON reporting.articles_by_outlet_day (outlet_id, day) NULLS NOT DISTINCT;
CREATE INDEX articles_by_outlet_day_month_idx ON reporting.articles_by_outlet_day (month, outlet_id);
COMMENT ON MATERIALIZED VIEW reporting.articles_by_outlet_day IS 'Articles published per outlet and UTC day. Refreshed after every load (see reporting.freshness).';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_country IS 'Outlet country (ISO 3166-1 alpha-2).';
COMMENT ON COLUMN reporting.articles_by_outlet_day.day IS 'Publication day (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.month IS 'First day of the publication month (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.articles IS 'Articles published that day.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.words IS 'Words in their bodies.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.articles_with_byline IS 'Articles with at least one named author.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.paywalled_articles IS 'Articles marked as not freely accessible.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.syndicated_articles IS 'Articles that are near-identical copies of another outlet''s earlier article (wire copy).';
