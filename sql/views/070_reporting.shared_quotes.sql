-- A quote is "shared" when two or more outlets carried it in the same story
-- (core.shared_quote_carriers). Quotes are matched by their quote group (containment of content stems within a story, newswatch.quote_groups), so
-- a truncated or re-translated rendering still counts as the same quote.
CREATE MATERIALIZED VIEW reporting.shared_quotes AS
WITH shared AS (
    SELECT
        k.quote_key,
        k.story_id,
        count(*) AS outlets_carrying,
        array_agg(k.outlet_id ORDER BY k.first_published_at, k.outlet_id) AS carried_by,
        string_agg(o.name, ', ' ORDER BY k.first_published_at, k.outlet_id) AS carried_by_names,
        min(k.quote_text) AS quote_text,
        max(k.speaker) AS speaker,
        max(k.speaker_entity_id) AS speaker_entity_id,
        min(k.first_published_at) AS first_published_at
    FROM core.shared_quote_carriers k
    JOIN core.outlets o USING (outlet_id)
    GROUP BY k.quote_key, k.story_id
),
covering AS (
    SELECT DISTINCT sa.story_id, a.outlet_id
    FROM core.story_articles sa
    JOIN core.articles a USING (article_id)
    WHERE sa.story_id IN (SELECT story_id FROM shared)
),
omitted AS (
    SELECT
        s.quote_key,
        s.story_id,
        array_agg(c.outlet_id ORDER BY c.outlet_id) AS omitted_by,
        string_agg(o.name, ', ' ORDER BY c.outlet_id) AS omitted_by_names
    FROM shared s
    JOIN covering c USING (story_id)
    JOIN core.outlets o ON o.outlet_id = c.outlet_id
    WHERE c.outlet_id <> ALL (s.carried_by)
    GROUP BY s.quote_key, s.story_id
)
SELECT
    s.quote_key,
    s.story_id,
    st.title AS story_title,
    date_trunc('month', s.first_published_at AT TIME ZONE 'UTC')::date AS month,
    s.speaker,
    s.speaker_entity_id,
    s.quote_text,
    s.outlets_carrying,
    s.carried_by,
    s.carried_by_names,
    coalesce(om.omitted_by, '{}') AS omitted_by,
    coalesce(om.omitted_by_names, '') AS omitted_by_names,
    s.first_published_at
FROM shared s
JOIN core.stories st USING (story_id)
LEFT JOIN omitted om USING (quote_key, story_id);
CREATE UNIQUE INDEX shared_quotes_key ON reporting.shared_quotes (quote_key, story_id);
CREATE INDEX shared_quotes_month_idx ON reporting.shared_quotes (month);
CREATE INDEX shared_quotes_carried_by_idx ON reporting.shared_quotes USING gin (carried_by);
CREATE INDEX shared_quotes_omitted_by_idx ON reporting.shared_quotes USING gin (omitted_by);
COMMENT ON MATERIALIZED VIEW reporting.shared_quotes IS 'Quotes carried by several outlets in the same story (matched by quote group, so slight truncations and re-translations still match), with the outlets that covered the story without them. reporting.shared_quotes_by_outlet has one row per outlet instead of arrays.';
COMMENT ON COLUMN reporting.shared_quotes.quote_key IS 'The quote group (core.quotes.quote_group, else the normalised quote_key).';
COMMENT ON COLUMN reporting.shared_quotes.story_id IS 'Story the quote was carried in.';
COMMENT ON COLUMN reporting.shared_quotes.story_title IS 'Title of the story.';
COMMENT ON COLUMN reporting.shared_quotes.month IS 'First day of the month the quote was first published (UTC).';
COMMENT ON COLUMN reporting.shared_quotes.speaker IS 'Speaker (canonical name where known).';
COMMENT ON COLUMN reporting.shared_quotes.speaker_entity_id IS 'Canonical entity of the speaker, when known.';
COMMENT ON COLUMN reporting.shared_quotes.quote_text IS 'One outlet''s wording of the quote.';
COMMENT ON COLUMN reporting.shared_quotes.outlets_carrying IS 'Number of outlets that carried the quote.';
COMMENT ON COLUMN reporting.shared_quotes.carried_by IS 'Ids of the outlets that carried it, earliest first.';
COMMENT ON COLUMN reporting.shared_quotes.carried_by_names IS 'Names of the outlets that carried it, earliest first, comma-separated.';
COMMENT ON COLUMN reporting.shared_quotes.omitted_by IS 'Ids of the outlets that covered the story but did not carry the quote.';
COMMENT ON COLUMN reporting.shared_quotes.omitted_by_names IS 'Names of those outlets, comma-separated (empty when none).';
COMMENT ON COLUMN reporting.shared_quotes.first_published_at IS 'Earliest publication of the quote.';
