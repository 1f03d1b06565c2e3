CREATE TABLE core.stories (
    story_id bigserial PRIMARY KEY,
    title text NOT NULL,
    first_published_at timestamptz,
    last_published_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE core.stories IS 'Events covered by one or more outlets: groups of articles about the same story, built incrementally.';
COMMENT ON COLUMN core.stories.story_id IS 'Surrogate key.';
COMMENT ON COLUMN core.stories.title IS 'Title of the story''s earliest article.';
COMMENT ON COLUMN core.stories.first_published_at IS 'Earliest publication time among its articles.';
COMMENT ON COLUMN core.stories.last_published_at IS 'Latest publication time among its articles.';
COMMENT ON COLUMN core.stories.created_at IS 'When the story was created.';
COMMENT ON COLUMN core.stories.updated_at IS 'When an article last joined.';

CREATE TABLE core.story_articles (
    article_id bigint PRIMARY KEY REFERENCES core.articles(article_id) ON DELETE CASCADE,
    story_id bigint NOT NULL REFERENCES core.stories(story_id) ON DELETE CASCADE,
    score real NOT NULL,
    shared_entities text[] NOT NULL DEFAULT '{}',
    is_near_duplicate boolean NOT NULL DEFAULT false,
    duplicate_of_article_id bigint REFERENCES core.articles(article_id) ON DELETE SET NULL,
    assigned_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX story_articles_story_idx ON core.story_articles (story_id);
COMMENT ON TABLE core.story_articles IS 'Which story each article belongs to, and why it joined.';
COMMENT ON COLUMN core.story_articles.article_id IS 'Article.';
COMMENT ON COLUMN core.story_articles.story_id IS 'Story it belongs to.';
COMMENT ON COLUMN core.story_articles.score IS 'Similarity to the story when it joined (1 for the article that founded it).';
COMMENT ON COLUMN core.story_articles.shared_entities IS 'Entity keys shared with the story that supported the match.';
COMMENT ON COLUMN core.story_articles.is_near_duplicate IS 'True when the text is near-identical to another outlet''s article (syndicated wire copy).';
COMMENT ON COLUMN core.story_articles.duplicate_of_article_id IS 'The earlier article this one duplicates.';
COMMENT ON COLUMN core.story_articles.assigned_at IS 'When the assignment was made.';
