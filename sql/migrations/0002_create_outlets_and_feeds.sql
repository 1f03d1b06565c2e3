CREATE TABLE core.outlets (
    outlet_id text PRIMARY KEY,
    name text NOT NULL,
    homepage text NOT NULL,
    country text,
    language text,
    allow_private_network boolean NOT NULL DEFAULT false,
    robots_override_reason text,
    config jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_synced_at timestamptz NOT NULL DEFAULT now(),
    synced_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.outlets IS 'News outlets, synced from the sources file on every run.';
COMMENT ON COLUMN core.outlets.outlet_id IS 'Stable outlet id from the sources file (e.g. dw-english).';
COMMENT ON COLUMN core.outlets.name IS 'Display name of the outlet.';
COMMENT ON COLUMN core.outlets.homepage IS 'Homepage URL.';
COMMENT ON COLUMN core.outlets.country IS 'Country of the outlet (two-letter code).';
COMMENT ON COLUMN core.outlets.language IS 'Language of the edition fetched (ISO 639-1).';
COMMENT ON COLUMN core.outlets.allow_private_network IS 'True when the outlet may be fetched from private/loopback addresses (demo and tests only).';
COMMENT ON COLUMN core.outlets.robots_override_reason IS 'Why robots.txt is not obeyed for this outlet; NULL means robots.txt is obeyed.';
COMMENT ON COLUMN core.outlets.config IS 'The outlet entry of the sources file as last synced (politeness, extraction hints).';
COMMENT ON COLUMN core.outlets.first_synced_at IS 'When the outlet first appeared in a sources file.';
COMMENT ON COLUMN core.outlets.synced_at IS 'When the outlet was last synced from a sources file.';

CREATE TABLE core.feeds (
    feed_id bigserial PRIMARY KEY,
    outlet_id text NOT NULL REFERENCES core.outlets(outlet_id) ON DELETE CASCADE,
    url text NOT NULL UNIQUE,
    kind text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    last_fetched_at timestamptz,
    last_outcome text,
    last_item_count integer,
    synced_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.feeds IS 'Feeds and sitemaps through which outlets announce articles.';
COMMENT ON COLUMN core.feeds.feed_id IS 'Surrogate key.';
COMMENT ON COLUMN core.feeds.outlet_id IS 'Outlet publishing the feed.';
COMMENT ON COLUMN core.feeds.url IS 'Feed URL as configured.';
COMMENT ON COLUMN core.feeds.kind IS 'rss, atom, jsonfeed, sitemap, news_sitemap or auto.';
COMMENT ON COLUMN core.feeds.active IS 'False once the feed was removed from the sources file (kept for history).';
COMMENT ON COLUMN core.feeds.last_fetched_at IS 'When the feed was last fetched.';
COMMENT ON COLUMN core.feeds.last_outcome IS 'Outcome of the last fetch (ok, http_error, parse_error, ...).';
COMMENT ON COLUMN core.feeds.last_item_count IS 'Items the feed listed on its last successful fetch.';
COMMENT ON COLUMN core.feeds.synced_at IS 'When the feed was last synced from the sources file.';
