DROP VIEW IF EXISTS reporting.shared_quotes CASCADE;
CREATE VIEW reporting.shared_quotes AS
WITH carried AS (
    SELECT
        coalesce(q.quote_group, q.quote_key) AS quote_key,
        sa.story_id,
        a.outlet_id,
        min(q.quote_text) AS quote_text,
        max(coalesce(e.canonical_name, q.speaker_name)) AS speaker,
        max(q.speaker_entity_id) AS speaker_entity_id,
        min(a.published_at) AS first_published_at
    FROM core.quotes q
    JOIN core.articles a USING (article_id)
    JOIN core.story_articles sa USING (article_id)
    LEFT JOIN core.entities e ON e.entity_id = q.speaker_entity_id
    WHERE q.kind IN ('direct', 'mixed')
    GROUP BY coalesce(q.quote_group, q.quote_key), sa.story_id, a.outlet_id
),
shared AS (
    SELECT
        quote_key,
        story_id,
        count(*) AS outlets_carrying,
        array_agg(outlet_id ORDER BY first_published_at, outlet_id) AS carried_by,
        min(quote_text) AS quote_text,
        max(speaker) AS speaker,
        max(speaker_entity_id) AS speaker_entity_id,
        min(first_published_at) AS first_published_at
    FROM carried
    GROUP BY quote_key, story_id
    HAVING count(*) >= 2
),
covering AS (
    SELECT sa.story_id, array_agg(DISTINCT a.outlet_id) AS outlets
    FROM core.story_articles sa JOIN core.articles a USING (article_id)
    GROUP BY sa.story_id
)
SELECT
    s.quote_key,
    s.story_id,
    st.title AS story_title,
    s.speaker,
    s.speaker_entity_id,
    s.quote_text,
    s.outlets_carrying,
    s.carried_by,
    ARRAY(SELECT unnest(c.outlets) EXCEPT SELECT unnest(s.carried_by) ORDER BY 1) AS omitted_by,
    s.first_published_at
FROM shared s
JOIN core.stories st USING (story_id)
JOIN covering c USING (story_id);
COMMENT ON VIEW reporting.shared_quotes IS 'Quotes carried by several outlets in the same story (matched by normalised quote key, so slight truncations and re-translations still match), with the outlets that covered the story without them.';
COMMENT ON COLUMN reporting.shared_quotes.quote_key IS 'The quote group (core.quotes.quote_group, else the normalised quote_key).';
COMMENT ON COLUMN reporting.shared_quotes.story_id IS 'Story the quote was carried in.';
COMMENT ON COLUMN reporting.shared_quotes.story_title IS 'Title of the story.';
COMMENT ON COLUMN reporting.shared_quotes.speaker IS 'Speaker (canonical name where known).';
COMMENT ON COLUMN reporting.shared_quotes.speaker_entity_id IS 'Canonical entity of the speaker, when known.';
COMMENT ON COLUMN reporting.shared_quotes.quote_text IS 'One outlet''s wording of the quote.';
COMMENT ON COLUMN reporting.shared_quotes.outlets_carrying IS 'Number of outlets that carried the quote.';
COMMENT ON COLUMN reporting.shared_quotes.carried_by IS 'Outlets that carried it, earliest first.';
COMMENT ON COLUMN reporting.shared_quotes.omitted_by IS 'Outlets that covered the story but did not carry the quote.';
COMMENT ON COLUMN reporting.shared_quotes.first_published_at IS 'Earliest publication of the quote.';
