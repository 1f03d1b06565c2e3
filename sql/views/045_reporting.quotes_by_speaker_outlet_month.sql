CREATE MATERIALIZED VIEW reporting.quotes_by_speaker_outlet_month AS
WITH per_speaker AS (
    SELECT
        a.outlet_id,
        date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date AS month,
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
    GROUP BY a.outlet_id, date_trunc('month', a.published_at AT TIME ZONE 'UTC')::date, q.speaker_entity_id, coalesce(e.canonical_name, q.speaker_name, '(unattributed)')
)
SELECT
    p.outlet_id,
    o.name AS outlet_name, p.month,
    p.speaker_entity_id, p.speaker, p.quotes, p.direct_quotes, p.indirect_quotes, p.mixed_quotes,
    p.articles, p.first_quoted_at, p.last_quoted_at,
    round(p.quotes::numeric / sum(p.quotes) OVER (PARTITION BY p.outlet_id, p.month), 4) AS share_of_outlet_quotes
FROM per_speaker p
JOIN core.outlets o USING (outlet_id);
CREATE UNIQUE INDEX quotes_by_speaker_outlet_month_key ON reporting.quotes_by_speaker_outlet_month (outlet_id, month, speaker_entity_id, speaker) NULLS NOT DISTINCT;
CREATE INDEX quotes_by_speaker_outlet_month_month_idx ON reporting.quotes_by_speaker_outlet_month (month, speaker_entity_id);
COMMENT ON MATERIALIZED VIEW reporting.quotes_by_speaker_outlet_month IS 'Whom each outlet quotes per UTC publication month, how often, and what share of the outlet''s quotes that month that is.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.speaker_entity_id IS 'Canonical entity of the speaker; NULL for anonymous or unresolved speakers.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.speaker IS 'Speaker name (canonical where known, else as written), or (unattributed).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.quotes IS 'Quotes of this speaker in this outlet that month.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.direct_quotes IS 'Of which direct (the words in quote marks).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.indirect_quotes IS 'Of which reported speech (no quote marks).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.mixed_quotes IS 'Of which partly quoted (a quoted fragment inside reported speech).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.articles IS 'Articles quoting the speaker.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.first_quoted_at IS 'Earliest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.last_quoted_at IS 'Latest publication time of those articles.';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.share_of_outlet_quotes IS 'quotes divided by all quotes of the outlet that month (0 to 1).';
COMMENT ON COLUMN reporting.quotes_by_speaker_outlet_month.month IS 'First day of the publication month (UTC); NULL when the date is unknown.';
