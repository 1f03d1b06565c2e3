CREATE MATERIALIZED VIEW reporting.fetch_health_by_outlet_day AS
SELECT
    f.outlet_id,
    o.name AS outlet_name,
    (f.fetched_at AT TIME ZONE 'UTC')::date AS day,
    date_trunc('month', f.fetched_at AT TIME ZONE 'UTC')::date AS month,
    f.purpose,
    count(*) AS attempts,
    count(*) FILTER (WHERE f.outcome = 'ok') AS ok,
    count(*) FILTER (WHERE f.outcome = 'not_modified') AS not_modified,
    count(*) FILTER (WHERE f.outcome = 'http_4xx') AS http_4xx,
    count(*) FILTER (WHERE f.outcome = 'http_5xx') AS http_5xx,
    count(*) FILTER (WHERE f.outcome IN ('timeout', 'connection_error')) AS network_errors,
    count(*) FILTER (WHERE f.outcome IN ('too_large', 'bad_content_type', 'too_many_redirects', 'redirect_loop',
                                         'invalid_url', 'decode_error')) AS rejected,
    count(*) FILTER (WHERE f.outcome = 'blocked_address') AS blocked_address,
    count(*) FILTER (WHERE f.outcome = 'robots_disallowed') AS robots_disallowed,
    round(count(*) FILTER (WHERE f.outcome NOT IN ('ok', 'not_modified', 'robots_disallowed'))::numeric
          / count(*), 4) AS failure_rate,
    round(avg(f.elapsed_ms))::integer AS avg_elapsed_ms,
    (percentile_cont(0.95) WITHIN GROUP (ORDER BY f.elapsed_ms))::integer AS p95_elapsed_ms,
    sum(f.body_bytes) AS bytes
FROM raw.fetches f
JOIN core.outlets o USING (outlet_id)
GROUP BY f.outlet_id, o.name, (f.fetched_at AT TIME ZONE 'UTC')::date,
         date_trunc('month', f.fetched_at AT TIME ZONE 'UTC')::date, f.purpose;
CREATE UNIQUE INDEX fetch_health_by_outlet_day_key ON reporting.fetch_health_by_outlet_day (outlet_id, day, purpose);
CREATE INDEX fetch_health_by_outlet_day_month_idx ON reporting.fetch_health_by_outlet_day (month, outlet_id);
COMMENT ON MATERIALIZED VIEW reporting.fetch_health_by_outlet_day IS 'Fetch attempts and their outcomes per outlet, UTC day and purpose (article, feed, sitemap, robots).';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.day IS 'Day of the attempts (UTC).';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.month IS 'First day of the month of the attempts (UTC).';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.purpose IS 'article, feed, sitemap or robots.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.attempts IS 'Attempts made (each retry counts).';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.ok IS 'Attempts that returned a usable response.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.not_modified IS 'Conditional requests answered 304 Not Modified.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.http_4xx IS 'Attempts answered with a 4xx status.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.http_5xx IS 'Attempts answered with a 5xx status.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.network_errors IS 'Timeouts and connection failures.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.rejected IS 'Responses refused by a guard (size, content type, redirects, bad URL, undecodable body).';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.blocked_address IS 'Requests refused because the host resolved to a private address.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.robots_disallowed IS 'Requests not made because robots.txt disallows them.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.failure_rate IS 'Share of attempts that failed (not ok, not 304, not a robots refusal), 0 to 1.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.avg_elapsed_ms IS 'Mean wall time per attempt, in milliseconds.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.p95_elapsed_ms IS '95th percentile wall time per attempt, in milliseconds.';
COMMENT ON COLUMN reporting.fetch_health_by_outlet_day.bytes IS 'Bytes received (uncompressed).';
