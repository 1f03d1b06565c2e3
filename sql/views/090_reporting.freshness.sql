-- Plain view: always current. Tells BI users how old the materialised views are.
CREATE VIEW reporting.freshness AS
SELECT DISTINCT ON (r.view_name)
    r.view_name,
    r.refreshed_at,
    r.seconds,
    r.row_count,
    r.run_id
FROM core.reporting_refreshes r
ORDER BY r.view_name, r.refreshed_at DESC;
COMMENT ON VIEW reporting.freshness IS 'When each materialised reporting view was last refreshed: data loaded after that time is not in it yet.';
COMMENT ON COLUMN reporting.freshness.view_name IS 'Materialised view (schema-qualified).';
COMMENT ON COLUMN reporting.freshness.refreshed_at IS 'When its last refresh finished.';
COMMENT ON COLUMN reporting.freshness.seconds IS 'How long that refresh took.';
COMMENT ON COLUMN reporting.freshness.row_count IS 'Rows in the view after that refresh.';
COMMENT ON COLUMN reporting.freshness.run_id IS 'Pipeline run that refreshed it.';
