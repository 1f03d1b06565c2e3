-- Cross-document identity: every entity key seen points at one canonical entity, with how the
-- match was made; analysts' overrides always win.
CREATE TABLE core.entity_keys (
    entity_key text PRIMARY KEY,
    entity_id bigint NOT NULL REFERENCES core.entities(entity_id) ON DELETE CASCADE,
    block text NOT NULL,
    display_name text NOT NULL,
    method text NOT NULL,
    confidence real NOT NULL,
    matched_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entity_keys_block_idx ON core.entity_keys (block);
CREATE INDEX entity_keys_entity_idx ON core.entity_keys (entity_id);
COMMENT ON TABLE core.entity_keys IS 'Every cross-document entity key seen, and the canonical entity it was matched to (exact, fuzzy, override or new), with a confidence.';
COMMENT ON COLUMN core.entity_keys.entity_key IS 'Normalised, transliteration-folded key (e.g. PER:dmitri ermolenko).';
COMMENT ON COLUMN core.entity_keys.entity_id IS 'Canonical entity the key belongs to.';
COMMENT ON COLUMN core.entity_keys.block IS 'Blocking key used to find fuzzy-match candidates (type and folded surname).';
COMMENT ON COLUMN core.entity_keys.display_name IS 'Name as first written with this key.';
COMMENT ON COLUMN core.entity_keys.method IS 'exact (founded the entity), fuzzy, override-merge, override-split or new.';
COMMENT ON COLUMN core.entity_keys.confidence IS 'Confidence of the match, 0 to 1 (1 for exact, new and overrides).';
COMMENT ON COLUMN core.entity_keys.matched_at IS 'When the match was made or last changed.';

INSERT INTO core.entity_keys (entity_key, entity_id, block, display_name, method, confidence)
SELECT entity_key, entity_id, entity_key, canonical_name, 'new', 1.0 FROM core.entities;

CREATE TABLE core.entity_overrides (
    override_id bigserial PRIMARY KEY,
    entity_key text NOT NULL UNIQUE,
    action text NOT NULL CHECK (action IN ('merge', 'split')),
    target_entity_id bigint REFERENCES core.entities(entity_id),
    note text,
    created_by text NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((action = 'merge') = (target_entity_id IS NOT NULL))
);
COMMENT ON TABLE core.entity_overrides IS 'Analysts'' corrections of entity identity; they win over automatic matching on every run. Insert a row, then run `newswatch entities apply` (or wait for the next pipeline run).';
COMMENT ON COLUMN core.entity_overrides.override_id IS 'Surrogate key.';
COMMENT ON COLUMN core.entity_overrides.entity_key IS 'The entity key the correction is about.';
COMMENT ON COLUMN core.entity_overrides.action IS 'merge (the key belongs to target_entity_id) or split (the key is its own entity, never merged).';
COMMENT ON COLUMN core.entity_overrides.target_entity_id IS 'For merge: the canonical entity the key belongs to.';
COMMENT ON COLUMN core.entity_overrides.note IS 'Why (free text).';
COMMENT ON COLUMN core.entity_overrides.created_by IS 'Database user who made the correction.';
COMMENT ON COLUMN core.entity_overrides.created_at IS 'When.';

ALTER TABLE core.mentions ADD COLUMN entity_key text;
UPDATE core.mentions m SET entity_key = e.entity_key FROM core.entities e WHERE e.entity_id = m.entity_id;
ALTER TABLE core.mentions ALTER COLUMN entity_key SET NOT NULL;
CREATE INDEX mentions_key_idx ON core.mentions (entity_key);
COMMENT ON COLUMN core.mentions.entity_key IS 'Cross-document key of the mention (see core.entity_keys), kept so identity corrections can re-point it.';

ALTER TABLE core.quotes ADD COLUMN speaker_key text;
COMMENT ON COLUMN core.quotes.speaker_key IS 'Cross-document key of the speaker, kept so identity corrections can re-point speaker_entity_id.';
