CREATE TABLE raw.fetches (
    fetch_id bigserial PRIMARY KEY,
    run_id text NOT NULL,
    outlet_id text NOT NULL REFERENCES core.outlets(outlet_id),
    purpose text NOT NULL,
    url text NOT NULL,
    final_url text NOT NULL,
    url_hash text NOT NULL,
    outcome text NOT NULL,
    status integer,
    error text,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb,
    body bytea,
    body_bytes integer NOT NULL DEFAULT 0,
    content_type text,
    redirects text[] NOT NULL DEFAULT '{}',
    elapsed_ms integer NOT NULL,
    fetched_at timestamptz NOT NULL,
    processed_at timestamptz,
    process_outcome text
);
CREATE INDEX fetches_outlet_fetched_idx ON raw.fetches (outlet_id, fetched_at);
CREATE INDEX fetches_url_hash_idx ON raw.fetches (url_hash);
CREATE INDEX fetches_unprocessed_idx ON raw.fetches (fetch_id) WHERE processed_at IS NULL AND purpose = 'article' AND outcome = 'ok';

COMMENT ON TABLE raw.fetches IS 'Every HTTP attempt (article pages, feeds, sitemaps, robots.txt), successful or not, with the bytes received; failures are rows too.';
COMMENT ON COLUMN raw.fetches.fetch_id IS 'Surrogate key.';
COMMENT ON COLUMN raw.fetches.run_id IS 'Pipeline run (Airflow run_id or CLI run id) that made the request.';
COMMENT ON COLUMN raw.fetches.outlet_id IS 'Outlet the URL belongs to.';
COMMENT ON COLUMN raw.fetches.purpose IS 'article, feed, sitemap or robots.';
COMMENT ON COLUMN raw.fetches.url IS 'URL requested.';
COMMENT ON COLUMN raw.fetches.final_url IS 'URL after redirects.';
COMMENT ON COLUMN raw.fetches.url_hash IS 'sha256 of the canonical form of the requested URL.';
COMMENT ON COLUMN raw.fetches.outcome IS 'ok, not_modified, http_error, timeout, connection_error, too_large, bad_content_type, too_many_redirects, blocked_address, robots_disallowed or invalid_url.';
COMMENT ON COLUMN raw.fetches.status IS 'HTTP status of the final response; NULL when no response was received.';
COMMENT ON COLUMN raw.fetches.error IS 'Human-readable reason for a non-ok outcome.';
COMMENT ON COLUMN raw.fetches.headers IS 'Response headers (lower-cased names).';
COMMENT ON COLUMN raw.fetches.body IS 'Response body after content-encoding was removed; NULL when none was kept.';
COMMENT ON COLUMN raw.fetches.body_bytes IS 'Length of body in bytes.';
COMMENT ON COLUMN raw.fetches.content_type IS 'Content-Type header of the final response.';
COMMENT ON COLUMN raw.fetches.redirects IS 'Redirect hops followed, in order.';
COMMENT ON COLUMN raw.fetches.elapsed_ms IS 'Wall time of the attempt including redirects, in milliseconds.';
COMMENT ON COLUMN raw.fetches.fetched_at IS 'When the attempt started (UTC).';
COMMENT ON COLUMN raw.fetches.processed_at IS 'When the processing step last handled this page; NULL = pending (articles only).';
COMMENT ON COLUMN raw.fetches.process_outcome IS 'Result of processing: staged, loaded, duplicate, empty_body or error.';

CREATE TABLE core.discovered_urls (
    url_hash text PRIMARY KEY,
    url text NOT NULL,
    outlet_id text NOT NULL REFERENCES core.outlets(outlet_id),
    feed_url text,
    feed_title text,
    feed_published_at timestamptz,
    feed_modified_at timestamptz,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    state text NOT NULL DEFAULT 'pending',
    attempts integer NOT NULL DEFAULT 0,
    last_fetch_id bigint REFERENCES raw.fetches(fetch_id)
);
CREATE INDEX discovered_urls_pending_idx ON core.discovered_urls (outlet_id, first_seen_at) WHERE state = 'pending';
COMMENT ON TABLE core.discovered_urls IS 'Article URLs announced by feeds and sitemaps (canonical form), with their fetch state: the dedup store that makes each article be fetched once.';
COMMENT ON COLUMN core.discovered_urls.url_hash IS 'sha256 of the canonical URL; natural key.';
COMMENT ON COLUMN core.discovered_urls.url IS 'Canonical URL.';
COMMENT ON COLUMN core.discovered_urls.outlet_id IS 'Outlet whose feed announced it.';
COMMENT ON COLUMN core.discovered_urls.feed_url IS 'Feed or sitemap that announced it first.';
COMMENT ON COLUMN core.discovered_urls.feed_title IS 'Title given by the feed.';
COMMENT ON COLUMN core.discovered_urls.feed_published_at IS 'Publication time given by the feed.';
COMMENT ON COLUMN core.discovered_urls.feed_modified_at IS 'Last-modified time given by the feed or sitemap.';
COMMENT ON COLUMN core.discovered_urls.first_seen_at IS 'When a feed first listed the URL.';
COMMENT ON COLUMN core.discovered_urls.last_seen_at IS 'When a feed last listed the URL.';
COMMENT ON COLUMN core.discovered_urls.state IS 'pending (to fetch), fetched, or failed (last attempt did not give a page).';
COMMENT ON COLUMN core.discovered_urls.attempts IS 'Fetch attempts made.';
COMMENT ON COLUMN core.discovered_urls.last_fetch_id IS 'Latest attempt in raw.fetches.';
