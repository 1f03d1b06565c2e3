-- Internal (plain view in core, not readable by the BI role): which outlets carried each quote
-- that at least two outlets carried in the same story. reporting.shared_quotes and
-- reporting.shared_quotes_by_outlet are both built from it. Rebuilding it (its file changed)
-- drops those two with it; migrate then rebuilds them, as they come later in file order.
CREATE VIEW core.shared_quote_carriers AS
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
counted AS (
    SELECT c.*, count(*) OVER (PARTITION BY c.quote_key, c.story_id) AS outlets_carrying
    FROM carried c
)
SELECT * FROM counted WHERE outlets_carrying >= 2;
COMMENT ON VIEW core.shared_quote_carriers IS 'Internal: outlet x quote group x story for quotes (direct or mixed) carried by at least two outlets in the same story; the source of reporting.shared_quotes and reporting.shared_quotes_by_outlet.';
COMMENT ON COLUMN core.shared_quote_carriers.quote_key IS 'The quote group (core.quotes.quote_group, else the normalised quote_key).';
COMMENT ON COLUMN core.shared_quote_carriers.story_id IS 'Story the quote was carried in.';
COMMENT ON COLUMN core.shared_quote_carriers.outlet_id IS 'Outlet that carried it.';
COMMENT ON COLUMN core.shared_quote_carriers.quote_text IS 'The outlet''s wording of the quote.';
COMMENT ON COLUMN core.shared_quote_carriers.speaker IS 'Speaker (canonical name where known).';
COMMENT ON COLUMN core.shared_quote_carriers.speaker_entity_id IS 'Canonical entity of the speaker, when known.';
COMMENT ON COLUMN core.shared_quote_carriers.first_published_at IS 'When the outlet first published it.';
COMMENT ON COLUMN core.shared_quote_carriers.outlets_carrying IS 'Number of outlets that carried it in the story (at least 2).';
