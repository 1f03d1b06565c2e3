DROP VIEW IF EXISTS reporting.story_coverage CASCADE;
CREATE VIEW reporting.story_coverage AS
WITH covered AS (
    SELECT
        sa.story_id,
        a.outlet_id,
        count(*) AS article_count,
        min(a.published_at) AS first_published_at
    FROM core.story_articles sa
    JOIN core.articles a USING (article_id)
    GROUP BY sa.story_id, a.outlet_id
),
story_stats AS (
    SELECT story_id, count(*) AS outlets_covering, min(first_published_at) AS story_first_published_at
    FROM covered GROUP BY story_id
)
SELECT
    s.story_id,
    s.title AS story_title,
    o.outlet_id,
    (c.story_id IS NOT NULL) AS covered,
    coalesce(c.article_count, 0) AS article_count,
    c.first_published_at,
    c.first_published_at - st.story_first_published_at AS lag_behind_first,
    st.outlets_covering
FROM core.stories s
JOIN story_stats st USING (story_id)
CROSS JOIN core.outlets o
LEFT JOIN covered c ON c.story_id = s.story_id AND c.outlet_id = o.outlet_id;
COMMENT ON VIEW reporting.story_coverage IS 'Story x outlet: whether the outlet covered the story, when first, and how far behind the first outlet.';
COMMENT ON COLUMN reporting.story_coverage.story_id IS 'Story id.';
COMMENT ON COLUMN reporting.story_coverage.story_title IS 'Title of the story''s earliest article.';
COMMENT ON COLUMN reporting.story_coverage.outlet_id IS 'Outlet id (every known outlet appears, covered or not).';
COMMENT ON COLUMN reporting.story_coverage.covered IS 'True when the outlet published at least one article in the story.';
COMMENT ON COLUMN reporting.story_coverage.article_count IS 'Articles of the outlet in the story.';
COMMENT ON COLUMN reporting.story_coverage.first_published_at IS 'The outlet''s first article in the story.';
COMMENT ON COLUMN reporting.story_coverage.lag_behind_first IS 'Delay behind the first outlet to publish on the story.';
COMMENT ON COLUMN reporting.story_coverage.outlets_covering IS 'Number of outlets that covered the story.';
