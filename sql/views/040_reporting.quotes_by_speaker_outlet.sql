DROP VIEW IF EXISTS reporting.quotes_by_speaker_outlet CASCADE;
CREATE VIEW reporting.quotes_by_speaker_outlet AS
WITH per_speaker AS (
    SELECT
        a.outlet_id,
        q.speaker_entity_id,
        coalesce(e.canonical_name, q.speaker_name, '(unattributed)') AS speaker,
        count(*) AS quotes,
        count(*) FILTER (WHERE q.kind = 'direct') AS direct_quotes,
        count(*) FILTER (WHERE q.kind = 'indirect') AS indirect_quotes,
        count(DISTINCT q.article_id) AS articles,
        min(a.published_at) AS first_quoted_at,
        max(a.published_at) AS last_quoted_at
    FROM core.quotes q
    JOIN core.articles a USING (article_id)
    LEFT JOIN core.entities e ON e.entity_id = q.speaker_entity_id
    GROUP BY a.outlet_id, q.speaker_entity_id, coalesce(e.canonical_name, q.speaker_name, '(unattributed)')
)
SELECT
    p.*,
    round(p.quotes::numeric / sum(p.quotes) OVER (PARTITION BY p.outlet_id), 4) AS share_of_outlet_quotes
FROM per_speaker p;
COMMENT ON VIEW reporting.quotes_by_speaker_outlet IS 'Whom each outlet quotes, how often, and what share of the outlet''s quotes that is.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.speaker_entity_id IS 'Canonical entity of the speaker; NULL for anonymous or unresolved speakers.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.speaker IS 'Speaker name (canonical where known), or (unattributed).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.quotes IS 'Quotes of this speaker in this outlet.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.direct_quotes IS 'Of which direct (in quote marks).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.indirect_quotes IS 'Of which reported speech.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.articles IS 'Articles quoting the speaker.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.first_quoted_at IS 'Earliest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.last_quoted_at IS 'Latest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.share_of_outlet_quotes IS 'quotes divided by all quotes of the outlet (0 to 1).';
