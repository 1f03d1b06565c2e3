CREATE TABLE core.articles (
    article_id bigserial PRIMARY KEY,
    url_hash text NOT NULL UNIQUE,
    url text NOT NULL,
    canonical_url text NOT NULL,
    outlet_id text NOT NULL REFERENCES core.outlets(outlet_id),
    fetch_id bigint REFERENCES raw.fetches(fetch_id),
    title text,
    subtitle text,
    authors text[] NOT NULL DEFAULT '{}',
    published_at timestamptz,
    published_source text,
    modified_at timestamptz,
    modified_source text,
    language text,
    section text,
    tags text[] NOT NULL DEFAULT '{}',
    is_paywalled boolean NOT NULL DEFAULT false,
    body text NOT NULL,
    paragraph_kinds text[] NOT NULL DEFAULT '{}',
    image_captions text[] NOT NULL DEFAULT '{}',
    image_credits text[] NOT NULL DEFAULT '{}',
    word_count integer NOT NULL,
    body_hash text NOT NULL,
    extraction_method text NOT NULL,
    extractor_version text NOT NULL,
    run_id text NOT NULL,
    first_loaded_at timestamptz NOT NULL DEFAULT now(),
    loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_outlet_published_idx ON core.articles (outlet_id, published_at);
CREATE INDEX articles_published_idx ON core.articles (published_at);
COMMENT ON TABLE core.articles IS 'One row per article (natural key: hash of the canonical URL), with extracted metadata and the cleaned body that all offsets refer to.';
COMMENT ON COLUMN core.articles.article_id IS 'Surrogate key.';
COMMENT ON COLUMN core.articles.url_hash IS 'sha256 of canonical_url; natural key.';
COMMENT ON COLUMN core.articles.url IS 'URL the article was fetched from (after redirects).';
COMMENT ON COLUMN core.articles.canonical_url IS 'Canonical URL (the page''s rel=canonical when present, else the canonicalised fetch URL).';
COMMENT ON COLUMN core.articles.outlet_id IS 'Publishing outlet.';
COMMENT ON COLUMN core.articles.fetch_id IS 'raw.fetches row the article was extracted from.';
COMMENT ON COLUMN core.articles.title IS 'Headline.';
COMMENT ON COLUMN core.articles.subtitle IS 'Standfirst / description.';
COMMENT ON COLUMN core.articles.authors IS 'Person names from the byline (no "By", no outlet names).';
COMMENT ON COLUMN core.articles.published_at IS 'Publication time (UTC).';
COMMENT ON COLUMN core.articles.published_source IS 'Where published_at came from: jsonld, meta, time, url, text or feed.';
COMMENT ON COLUMN core.articles.modified_at IS 'Last modification time claimed by the page (UTC).';
COMMENT ON COLUMN core.articles.modified_source IS 'Where modified_at came from.';
COMMENT ON COLUMN core.articles.language IS 'Language of the article (ISO 639-1).';
COMMENT ON COLUMN core.articles.section IS 'Section given by the outlet (World, Politics, ...).';
COMMENT ON COLUMN core.articles.tags IS 'Keywords / tags given by the outlet.';
COMMENT ON COLUMN core.articles.is_paywalled IS 'True when markup says the article is not freely accessible.';
COMMENT ON COLUMN core.articles.body IS 'Cleaned body text: paragraphs separated by a blank line. Mention and quote offsets index into this.';
COMMENT ON COLUMN core.articles.paragraph_kinds IS 'Per paragraph of body: p (text) or h (subhead).';
COMMENT ON COLUMN core.articles.image_captions IS 'Image captions, kept out of the body.';
COMMENT ON COLUMN core.articles.image_credits IS 'Photo credit lines, kept out of the body.';
COMMENT ON COLUMN core.articles.word_count IS 'Words in body.';
COMMENT ON COLUMN core.articles.body_hash IS 'sha256 of body, to spot silent edits.';
COMMENT ON COLUMN core.articles.extraction_method IS 'Which extractor produced the body (hints, trafilatura, jsonld, fallback).';
COMMENT ON COLUMN core.articles.extractor_version IS 'newswatch extractor version that produced this row.';
COMMENT ON COLUMN core.articles.run_id IS 'Run that last loaded this row.';
COMMENT ON COLUMN core.articles.first_loaded_at IS 'When the article was first loaded.';
COMMENT ON COLUMN core.articles.loaded_at IS 'When the article was last (re)loaded.';
