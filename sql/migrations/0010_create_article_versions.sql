-- Silent edits: when a re-fetched article's cleaned body changes, the previous state is kept here.
CREATE TABLE core.article_versions (
    version_id bigserial PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES core.articles(article_id) ON DELETE CASCADE,
    fetch_id bigint REFERENCES raw.fetches(fetch_id),
    title text,
    body text NOT NULL,
    body_hash text NOT NULL,
    modified_at timestamptz,
    extractor_version text NOT NULL,
    valid_from timestamptz NOT NULL,
    replaced_at timestamptz NOT NULL DEFAULT now(),
    replaced_by_fetch_id bigint REFERENCES raw.fetches(fetch_id)
);
CREATE INDEX article_versions_article_idx ON core.article_versions (article_id, replaced_at);
COMMENT ON TABLE core.article_versions IS 'Earlier versions of articles whose published text changed after we first loaded them (silent edits); the current version is core.articles.';
COMMENT ON COLUMN core.article_versions.version_id IS 'Surrogate key.';
COMMENT ON COLUMN core.article_versions.article_id IS 'Article that was edited.';
COMMENT ON COLUMN core.article_versions.fetch_id IS 'Fetch the earlier version was extracted from.';
COMMENT ON COLUMN core.article_versions.title IS 'Headline of the earlier version.';
COMMENT ON COLUMN core.article_versions.body IS 'Cleaned body of the earlier version.';
COMMENT ON COLUMN core.article_versions.body_hash IS 'sha256 of that body.';
COMMENT ON COLUMN core.article_versions.modified_at IS 'Modification time the earlier version claimed.';
COMMENT ON COLUMN core.article_versions.extractor_version IS 'Extractor version that produced the earlier version.';
COMMENT ON COLUMN core.article_versions.valid_from IS 'When the earlier version was loaded.';
COMMENT ON COLUMN core.article_versions.replaced_at IS 'When a newer fetch replaced it.';
COMMENT ON COLUMN core.article_versions.replaced_by_fetch_id IS 'Fetch that brought the newer text.';
