DROP VIEW IF EXISTS reporting.articles_by_outlet_day CASCADE;
CREATE VIEW reporting.articles_by_outlet_day AS
SELECT
    a.outlet_id,
    o.name AS outlet_name,
    o.country AS outlet_country,
    (a.published_at AT TIME ZONE 'UTC')::date AS day,
    count(*) AS articles,
    sum(a.word_count) AS words,
    count(*) FILTER (WHERE cardinality(a.authors) > 0) AS articles_with_byline,
    count(*) FILTER (WHERE a.is_paywalled) AS paywalled_articles
FROM core.articles a
JOIN core.outlets o USING (outlet_id)
GROUP BY a.outlet_id, o.name, o.country, (a.published_at AT TIME ZONE 'UTC')::date;
COMMENT ON VIEW reporting.articles_by_outlet_day IS 'Articles published per outlet and UTC day.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.outlet_country IS 'Outlet country.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.day IS 'Publication day (UTC); NULL when the date is unknown.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.articles IS 'Articles published that day.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.words IS 'Words in their bodies.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.articles_with_byline IS 'Articles with at least one named author.';
COMMENT ON COLUMN reporting.articles_by_outlet_day.paywalled_articles IS 'Articles marked as not freely accessible.';
