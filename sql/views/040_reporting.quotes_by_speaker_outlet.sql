CREATE MATERIALIZED VIEW reporting.quotes_by_speaker_outlet AS
WITH per_speaker AS (
    SELECT
        a.outlet_id,
        q.speaker_entity_id,
        coalesce(e.canonical_name, q.speaker_name, '(unattributed)') AS speaker,
        count(*) AS quotes,
        count(*) FILTER (WHERE q.kind = 'direct') AS direct_quotes,
        count(*) FILTER (WHERE q.kind = 'indirect') AS indirect_quotes,
        count(*) FILTER (WHERE q.kind = 'mixed') AS mixed_quotes,
        count(DISTINCT q.article_id) AS articles,
        min(a.published_at) AS first_quoted_at,
        max(a.published_at) AS last_quoted_at
    FROM core.quotes q
    JOIN core.articles a USING (article_id)
    LEFT JOIN core.entities e ON e.entity_id = q.speaker_entity_id
    GROUP BY a.outlet_id, q.speaker_entity_id, coalesce(e.canonical_name, q.speaker_name, '(unattributed)')
)
SELECT
    p.outlet_id,
    o.name AS outlet_name,
    p.speaker_entity_id, p.speaker, p.quotes, p.direct_quotes, p.indirect_quotes, p.mixed_quotes,
    p.articles, p.first_quoted_at, p.last_quoted_at,
    round(p.quotes::numeric / sum(p.quotes) OVER (PARTITION BY p.outlet_id), 4) AS share_of_outlet_quotes
FROM per_speaker p
JOIN core.outlets o USING (outlet_id);
CREATE UNIQUE INDEX quotes_by_speaker_outlet_key ON reporting.quotes_by_speaker_outlet (outlet_id, speaker_entity_id, speaker) NULLS NOT DISTINCT;
CREATE INDEX quotes_by_speaker_outlet_speaker_idx ON reporting.quotes_by_speaker_outlet (speaker_entity_id);
COMMENT ON MATERIALIZED VIEW reporting.quotes_by_speaker_outlet IS 'Whom each outlet quotes, how often, and what share of the outlet''s quotes that is (all time; see quotes_by_speaker_outlet_month for months).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.speaker_entity_id IS 'Canonical entity of the speaker; NULL for anonymous or unresolved speakers.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.speaker IS 'Speaker name (canonical where known, else as written), or (unattributed).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.quotes IS 'Quotes of this speaker in this outlet.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.direct_quotes IS 'Of which direct (the words in quote marks).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.indirect_quotes IS 'Of which reported speech (no quote marks).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.mixed_quotes IS 'Of which partly quoted (a quoted fragment inside reported speech).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.articles IS 'Articles quoting the speaker.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.first_quoted_at IS 'Earliest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.last_quoted_at IS 'Latest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet.share_of_outlet_quotes IS 'quotes divided by all quotes of the outlet (0 to 1).';
