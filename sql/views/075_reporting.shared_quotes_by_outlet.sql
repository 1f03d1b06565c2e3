-- Long form of reporting.shared_quotes (no arrays): one row per shared quote and outlet that
-- covered its story, carried or not (from core.shared_quote_carriers, computed once here).
-- Friendlier to BI filters than array columns.
CREATE MATERIALIZED VIEW reporting.shared_quotes_by_outlet AS
WITH carriers AS MATERIALIZED (
    SELECT * FROM core.shared_quote_carriers
),
shared AS (
    SELECT quote_key, story_id, max(outlets_carrying) AS outlets_carrying, min(quote_text) AS quote_text,
           max(speaker) AS speaker, min(first_published_at) AS first_published_at
    FROM carriers
    GROUP BY quote_key, story_id
),
covering AS (
    SELECT DISTINCT sa.story_id, a.outlet_id
    FROM core.story_articles sa
    JOIN core.articles a USING (article_id)
    WHERE sa.story_id IN (SELECT story_id FROM shared)
)
SELECT
    s.quote_key,
    s.story_id,
    st.title AS story_title,
    date_trunc('month', s.first_published_at AT TIME ZONE 'UTC')::date AS month,
    s.speaker,
    s.quote_text,
    c.outlet_id,
    o.name AS outlet_name,
    (k.outlet_id IS NOT NULL) AS carried,
    k.first_published_at,
    s.outlets_carrying
FROM shared s
JOIN core.stories st USING (story_id)
JOIN covering c USING (story_id)
JOIN core.outlets o ON o.outlet_id = c.outlet_id
LEFT JOIN carriers k ON k.quote_key = s.quote_key AND k.story_id = s.story_id AND k.outlet_id = c.outlet_id;
CREATE UNIQUE INDEX shared_quotes_by_outlet_key ON reporting.shared_quotes_by_outlet (quote_key, story_id, outlet_id);
CREATE INDEX shared_quotes_by_outlet_outlet_month_idx ON reporting.shared_quotes_by_outlet (outlet_id, month);
COMMENT ON MATERIALIZED VIEW reporting.shared_quotes_by_outlet IS 'Shared quote x outlet that covered its story: whether the outlet carried the quote. Filter carried = false to see what an outlet left out.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.quote_key IS 'The quote group (as in reporting.shared_quotes).';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.story_id IS 'Story the quote was carried in.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.story_title IS 'Title of the story.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.month IS 'First day of the month the quote was first published (UTC).';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.speaker IS 'Speaker (canonical name where known).';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.quote_text IS 'One outlet''s wording of the quote.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.outlet_id IS 'Outlet that covered the story.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.carried IS 'True when this outlet carried the quote; false when it covered the story without it.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.first_published_at IS 'When this outlet first published the quote; NULL when it did not.';
COMMENT ON COLUMN reporting.shared_quotes_by_outlet.outlets_carrying IS 'Number of outlets that carried the quote.';
