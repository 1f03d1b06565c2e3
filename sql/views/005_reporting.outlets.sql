-- The outlet dimension: one row per outlet, for BI filters and labels.
CREATE MATERIALIZED VIEW reporting.outlets AS
WITH published AS (
    SELECT outlet_id, count(*) AS articles, min(published_at) AS first_published_at,
           max(published_at) AS last_published_at
    FROM core.articles
    GROUP BY outlet_id
),
feeds AS (
    SELECT outlet_id, count(*) FILTER (WHERE active) AS active_feeds, max(last_fetched_at) AS last_feed_read_at
    FROM core.feeds
    GROUP BY outlet_id
)
SELECT
    o.outlet_id,
    o.name AS outlet_name,
    o.country AS outlet_country,
    o.language,
    o.homepage,
    coalesce(p.articles, 0) AS articles,
    p.first_published_at,
    p.last_published_at,
    coalesce(f.active_feeds, 0) AS active_feeds,
    f.last_feed_read_at,
    o.first_synced_at AS collected_since
FROM core.outlets o
LEFT JOIN published p USING (outlet_id)
LEFT JOIN feeds f USING (outlet_id);
CREATE UNIQUE INDEX outlets_key ON reporting.outlets (outlet_id);
COMMENT ON MATERIALIZED VIEW reporting.outlets IS 'The outlets newswatch collects: one row each, for filters and labels in BI tools.';
COMMENT ON COLUMN reporting.outlets.outlet_id IS 'Outlet id (the key every other reporting relation uses).';
COMMENT ON COLUMN reporting.outlets.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.outlets.outlet_country IS 'Outlet country (ISO 3166-1 alpha-2).';
COMMENT ON COLUMN reporting.outlets.language IS 'Main language of the outlet (ISO 639-1), as configured.';
COMMENT ON COLUMN reporting.outlets.homepage IS 'Outlet home page.';
COMMENT ON COLUMN reporting.outlets.articles IS 'Articles stored.';
COMMENT ON COLUMN reporting.outlets.first_published_at IS 'Publication time of its earliest stored article.';
COMMENT ON COLUMN reporting.outlets.last_published_at IS 'Publication time of its latest stored article.';
COMMENT ON COLUMN reporting.outlets.active_feeds IS 'Feeds and sitemaps read on every run.';
COMMENT ON COLUMN reporting.outlets.last_feed_read_at IS 'When one of its feeds was last fetched (successfully or not).';
COMMENT ON COLUMN reporting.outlets.collected_since IS 'When the outlet was first added to the sources file (first synced).';
