CREATE TABLE core.entities (
    entity_id bigserial PRIMARY KEY,
    entity_key text NOT NULL UNIQUE,
    entity_type text NOT NULL,
    canonical_name text NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.entities IS 'Canonical entities (people, organisations, places, ...) shared across articles and outlets.';
COMMENT ON COLUMN core.entities.entity_id IS 'Surrogate key.';
COMMENT ON COLUMN core.entities.entity_key IS 'Cross-document key: type prefix plus normalised, transliteration-folded name (e.g. PER:sergei ermakov).';
COMMENT ON COLUMN core.entities.entity_type IS 'PERSON, ORG, GPE, LOC, NORP, EVENT, ...';
COMMENT ON COLUMN core.entities.canonical_name IS 'Display name: the most used full spelling.';
COMMENT ON COLUMN core.entities.first_seen_at IS 'When the entity was first loaded.';

CREATE TABLE core.entity_aliases (
    entity_id bigint NOT NULL REFERENCES core.entities(entity_id) ON DELETE CASCADE,
    alias text NOT NULL,
    mentions integer NOT NULL DEFAULT 0,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_id, alias)
);
COMMENT ON TABLE core.entity_aliases IS 'Every resolved spelling seen for an entity (Ermakov, Yermakov, ...).';
COMMENT ON COLUMN core.entity_aliases.entity_id IS 'Entity the spelling belongs to.';
COMMENT ON COLUMN core.entity_aliases.alias IS 'Resolved name as written by an outlet.';
COMMENT ON COLUMN core.entity_aliases.mentions IS 'Mentions seen with this spelling at the last load of each article (approximate running count).';
COMMENT ON COLUMN core.entity_aliases.first_seen_at IS 'When the spelling was first seen.';

CREATE TABLE core.mentions (
    mention_id bigserial PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES core.articles(article_id) ON DELETE CASCADE,
    entity_id bigint NOT NULL REFERENCES core.entities(entity_id),
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    surface text NOT NULL,
    resolved_name text NOT NULL,
    label text NOT NULL,
    role text,
    CHECK (end_offset > start_offset)
);
CREATE INDEX mentions_article_idx ON core.mentions (article_id);
CREATE INDEX mentions_entity_idx ON core.mentions (entity_id);
COMMENT ON TABLE core.mentions IS 'Entity mentions in article bodies, replaced as a whole whenever an article is (re)loaded.';
COMMENT ON COLUMN core.mentions.mention_id IS 'Surrogate key.';
COMMENT ON COLUMN core.mentions.article_id IS 'Article containing the mention.';
COMMENT ON COLUMN core.mentions.entity_id IS 'Canonical entity mentioned.';
COMMENT ON COLUMN core.mentions.start_offset IS 'Start character offset in core.articles.body.';
COMMENT ON COLUMN core.mentions.end_offset IS 'End character offset (exclusive) in core.articles.body.';
COMMENT ON COLUMN core.mentions.surface IS 'Text exactly as published (Kiev, Yermakov, Mr. Smith).';
COMMENT ON COLUMN core.mentions.resolved_name IS 'Full name the mention resolves to within the article.';
COMMENT ON COLUMN core.mentions.label IS 'NER label of this mention.';
COMMENT ON COLUMN core.mentions.role IS 'Role the article gives the person (foreign minister, analyst, ...), when stated.';

CREATE TABLE core.quotes (
    quote_id bigserial PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES core.articles(article_id) ON DELETE CASCADE,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    quote_text text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('direct', 'mixed', 'indirect')),
    speaker_name text,
    speaker_entity_id bigint REFERENCES core.entities(entity_id),
    speaker_start integer,
    speaker_end integer,
    cue text,
    confidence real NOT NULL,
    quote_key text NOT NULL,
    CHECK (end_offset > start_offset)
);
CREATE INDEX quotes_article_idx ON core.quotes (article_id);
CREATE INDEX quotes_speaker_idx ON core.quotes (speaker_entity_id);
CREATE INDEX quotes_key_idx ON core.quotes (quote_key);
COMMENT ON TABLE core.quotes IS 'Direct, mixed and reported speech found in article bodies, with the speaker; replaced whenever an article is (re)loaded.';
COMMENT ON COLUMN core.quotes.quote_id IS 'Surrogate key.';
COMMENT ON COLUMN core.quotes.article_id IS 'Article containing the quote.';
COMMENT ON COLUMN core.quotes.start_offset IS 'Start offset of the quoted content (without quote marks) in core.articles.body.';
COMMENT ON COLUMN core.quotes.end_offset IS 'End offset (exclusive) of the quoted content.';
COMMENT ON COLUMN core.quotes.quote_text IS 'The quoted content.';
COMMENT ON COLUMN core.quotes.kind IS 'direct (inside quote marks), mixed (partly quoted) or indirect (reported speech).';
COMMENT ON COLUMN core.quotes.speaker_name IS 'Speaker as resolved within the article; NULL when nobody is attributable (anonymous sources included).';
COMMENT ON COLUMN core.quotes.speaker_entity_id IS 'Canonical entity of the speaker, when the speaker is a named person or organisation.';
COMMENT ON COLUMN core.quotes.speaker_start IS 'Start offset of the speaker mention the attribution rests on.';
COMMENT ON COLUMN core.quotes.speaker_end IS 'End offset of that speaker mention.';
COMMENT ON COLUMN core.quotes.cue IS 'Reporting verb or phrase (said, told, according to, ...).';
COMMENT ON COLUMN core.quotes.confidence IS 'Confidence of the quote and its attribution, 0 to 1.';
COMMENT ON COLUMN core.quotes.quote_key IS 'Normalised form of the quote used to find the same quote across outlets.';
