-- Story x outlet. An outlet appears for a story when it covered it or when we were collecting it
-- at the time: its first article is no later than the story's first article, and it published or
-- had its feeds read successfully after that. An outlet added in June is not shown as having
-- skipped every story of January, and one that is read nightly but published nothing since the
-- story broke is shown as not covering it.
CREATE MATERIALIZED VIEW reporting.story_coverage AS
WITH members AS (
    SELECT sa.story_id, a.outlet_id, a.published_at, sa.is_near_duplicate
    FROM core.story_articles sa
    JOIN core.articles a USING (article_id)
),
covered AS (
    SELECT
        story_id,
        outlet_id,
        count(*) AS article_count,
        count(*) FILTER (WHERE is_near_duplicate) AS syndicated_article_count,
        min(published_at) AS first_published_at
    FROM members
    GROUP BY story_id, outlet_id
),
story_stats AS (
    SELECT story_id, count(DISTINCT outlet_id) AS outlets_covering,
           min(published_at) AS first_at, max(published_at) AS last_at
    FROM members
    GROUP BY story_id
),
published AS (
    SELECT outlet_id, min(published_at) AS first_at, max(published_at) AS last_at
    FROM core.articles
    GROUP BY outlet_id
),
feeds_read AS (
    SELECT outlet_id, max(fetched_at) AS last_at
    FROM raw.fetches
    WHERE purpose IN ('feed', 'sitemap') AND outcome IN ('ok', 'not_modified')
    GROUP BY outlet_id
),
outlet_span AS (
    SELECT p.outlet_id, p.first_at, greatest(p.last_at, f.last_at) AS last_at
    FROM published p
    LEFT JOIN feeds_read f USING (outlet_id)
)
SELECT
    s.story_id,
    s.title AS story_title,
    date_trunc('month', st.first_at AT TIME ZONE 'UTC')::date AS month,
    st.first_at AS story_first_published_at,
    o.outlet_id,
    o.name AS outlet_name,
    (c.story_id IS NOT NULL) AS covered,
    coalesce(c.article_count > c.syndicated_article_count, false) AS independent,
    coalesce(c.article_count, 0) AS article_count,
    coalesce(c.syndicated_article_count, 0) AS syndicated_article_count,
    c.first_published_at,
    coalesce(c.first_published_at = st.first_at, false) AS was_first,
    c.first_published_at - st.first_at AS lag_behind_first,
    round((extract(epoch FROM c.first_published_at - st.first_at) / 3600)::numeric, 2) AS lag_hours,
    st.outlets_covering
FROM core.stories s
JOIN story_stats st USING (story_id)
CROSS JOIN core.outlets o
LEFT JOIN outlet_span os ON os.outlet_id = o.outlet_id
LEFT JOIN covered c ON c.story_id = s.story_id AND c.outlet_id = o.outlet_id
WHERE c.story_id IS NOT NULL
   OR (os.first_at <= st.first_at AND os.last_at >= st.first_at);
CREATE UNIQUE INDEX story_coverage_key ON reporting.story_coverage (story_id, outlet_id);
-- Covering index: one outlet-month is ~21,000 rows scattered over as many heap pages (rows are
-- stored in story order), 460-720 ms on first touch at 1M articles; answered from the index
-- alone it is ~4 ms (benchmarks/reporting.py). Needs the visibility map: refresh runs ANALYZE,
-- autovacuum does the rest.
CREATE INDEX story_coverage_outlet_month_idx ON reporting.story_coverage (outlet_id, month)
    INCLUDE (covered, independent, was_first, article_count, syndicated_article_count, lag_hours, outlets_covering);
CREATE INDEX story_coverage_month_idx ON reporting.story_coverage (month, outlets_covering);
COMMENT ON MATERIALIZED VIEW reporting.story_coverage IS 'Story x outlet: whether the outlet covered the story (independently or only with wire copy), when first, and how far behind the first outlet. Lists the outlets that covered the story and those collected at the time that did not (first article before the story, articles or successful feed reads after it).';
COMMENT ON COLUMN reporting.story_coverage.story_id IS 'Story id (reporting.story_articles lists its articles).';
COMMENT ON COLUMN reporting.story_coverage.story_title IS 'Title of the story''s earliest article.';
COMMENT ON COLUMN reporting.story_coverage.month IS 'First day of the month of the story''s first article (UTC).';
COMMENT ON COLUMN reporting.story_coverage.story_first_published_at IS 'Publication time of the story''s first article, any outlet.';
COMMENT ON COLUMN reporting.story_coverage.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.story_coverage.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.story_coverage.covered IS 'True when the outlet published at least one article in the story.';
COMMENT ON COLUMN reporting.story_coverage.independent IS 'True when at least one of those articles is the outlet''s own text, not syndicated copy of another outlet''s article.';
COMMENT ON COLUMN reporting.story_coverage.article_count IS 'Articles of the outlet in the story (0 when not covered).';
COMMENT ON COLUMN reporting.story_coverage.syndicated_article_count IS 'Of which near-identical copies of another outlet''s earlier article.';
COMMENT ON COLUMN reporting.story_coverage.first_published_at IS 'The outlet''s first article in the story; NULL when not covered.';
COMMENT ON COLUMN reporting.story_coverage.was_first IS 'True when the outlet published the story''s first article.';
COMMENT ON COLUMN reporting.story_coverage.lag_behind_first IS 'Delay behind the first outlet to publish on the story (interval).';
COMMENT ON COLUMN reporting.story_coverage.lag_hours IS 'The same delay in hours (0 for the first outlet; NULL when not covered).';
COMMENT ON COLUMN reporting.story_coverage.outlets_covering IS 'Number of outlets that covered the story.';
