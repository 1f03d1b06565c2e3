-- Bodies move out of raw.fetches into a content-addressed, compressed store: an unchanged page
-- fetched again (nightly feeds, re-fetched articles) is stored once.
CREATE TABLE raw.bodies (
    sha256 text PRIMARY KEY,
    compression text NOT NULL CHECK (compression IN ('none', 'zlib')),
    data bytea NOT NULL,
    raw_bytes integer NOT NULL,
    first_stored_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raw.bodies IS 'Response bodies, stored once per distinct content (sha256 of the uncompressed bytes), compressed.';
COMMENT ON COLUMN raw.bodies.sha256 IS 'sha256 (hex) of the uncompressed body; natural key.';
COMMENT ON COLUMN raw.bodies.compression IS 'How data is compressed: zlib, or none for bodies migrated from the first schema.';
COMMENT ON COLUMN raw.bodies.data IS 'The body bytes, compressed as stated.';
COMMENT ON COLUMN raw.bodies.raw_bytes IS 'Uncompressed size in bytes.';
COMMENT ON COLUMN raw.bodies.first_stored_at IS 'When this content was first received.';

ALTER TABLE raw.fetches ADD COLUMN body_sha256 text REFERENCES raw.bodies(sha256);
COMMENT ON COLUMN raw.fetches.body_sha256 IS 'Body received, in raw.bodies; NULL when none was kept.';

INSERT INTO raw.bodies (sha256, compression, data, raw_bytes)
SELECT DISTINCT ON (encode(sha256(body), 'hex')) encode(sha256(body), 'hex'), 'none', body, length(body)
FROM raw.fetches WHERE body IS NOT NULL
ON CONFLICT DO NOTHING;
UPDATE raw.fetches SET body_sha256 = encode(sha256(body), 'hex') WHERE body IS NOT NULL;
ALTER TABLE raw.fetches DROP COLUMN body;
CREATE INDEX fetches_body_idx ON raw.fetches (body_sha256);

-- Validators for conditional GET, per URL (feeds, sitemaps and articles alike).
CREATE TABLE raw.url_validators (
    url_hash text PRIMARY KEY,
    url text NOT NULL,
    etag text,
    last_modified text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE raw.url_validators IS 'Latest ETag / Last-Modified per URL, sent back as If-None-Match / If-Modified-Since.';
COMMENT ON COLUMN raw.url_validators.url_hash IS 'sha256 of the canonical URL.';
COMMENT ON COLUMN raw.url_validators.url IS 'URL as requested.';
COMMENT ON COLUMN raw.url_validators.etag IS 'ETag header of the last 200 response.';
COMMENT ON COLUMN raw.url_validators.last_modified IS 'Last-Modified header of the last 200 response.';
COMMENT ON COLUMN raw.url_validators.updated_at IS 'When the validators were stored.';

-- Politeness across processes: the next moment each host may be asked again.
CREATE TABLE raw.host_schedule (
    host text PRIMARY KEY,
    next_request_at timestamptz NOT NULL,
    min_delay_s real NOT NULL
);
COMMENT ON TABLE raw.host_schedule IS 'Per-host politeness schedule shared by all fetching processes (Airflow workers, CLI).';
COMMENT ON COLUMN raw.host_schedule.host IS 'Host name (lower case, no www.).';
COMMENT ON COLUMN raw.host_schedule.next_request_at IS 'Earliest start of the next request to this host.';
COMMENT ON COLUMN raw.host_schedule.min_delay_s IS 'Delay applied after the last reservation (seconds).';

-- Re-fetch policy: when a feed or sitemap says an article changed after we fetched it.
ALTER TABLE core.discovered_urls ADD COLUMN last_fetched_at timestamptz;
COMMENT ON COLUMN core.discovered_urls.last_fetched_at IS 'When the URL was last fetched successfully (or found not modified).';
UPDATE core.discovered_urls d SET last_fetched_at = f.fetched_at
FROM raw.fetches f WHERE f.fetch_id = d.last_fetch_id AND d.state = 'fetched';

COMMENT ON COLUMN raw.fetches.outcome IS 'ok, not_modified, http_4xx, http_5xx, timeout, connection_error, too_large, bad_content_type, too_many_redirects, redirect_loop, blocked_address, robots_disallowed, invalid_url or decode_error.';
COMMENT ON COLUMN core.feeds.last_outcome IS 'Outcome of the last fetch (ok, not_modified, http_4xx, parse errors are in core.processing_errors).';
