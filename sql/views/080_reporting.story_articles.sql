CREATE MATERIALIZED VIEW reporting.story_articles AS
SELECT
    sa.story_id,
    s.title AS story_title,
    date_trunc('month', s.first_published_at AT TIME ZONE 'UTC')::date AS month,
    sa.article_id,
    a.outlet_id,
    o.name AS outlet_name,
    a.title,
    a.url,
    a.published_at,
    sa.join_reason,
    sa.score,
    sa.shared_entities,
    sa.linked_article_ids,
    sa.is_near_duplicate,
    sa.duplicate_of_article_id
FROM core.story_articles sa
JOIN core.stories s USING (story_id)
JOIN core.articles a USING (article_id)
JOIN core.outlets o ON o.outlet_id = a.outlet_id;
CREATE UNIQUE INDEX story_articles_key ON reporting.story_articles (article_id);
CREATE INDEX story_articles_story_idx ON reporting.story_articles (story_id);
CREATE INDEX story_articles_outlet_month_idx ON reporting.story_articles (outlet_id, month);
COMMENT ON MATERIALIZED VIEW reporting.story_articles IS 'Every article with its story and why it joined it (founded the story, similar text and entities, or syndicated copy of an earlier article).';
COMMENT ON COLUMN reporting.story_articles.story_id IS 'Story id.';
COMMENT ON COLUMN reporting.story_articles.story_title IS 'Title of the story''s earliest article.';
COMMENT ON COLUMN reporting.story_articles.month IS 'First day of the month of the story''s first article (UTC).';
COMMENT ON COLUMN reporting.story_articles.article_id IS 'Article id.';
COMMENT ON COLUMN reporting.story_articles.outlet_id IS 'Outlet id.';
COMMENT ON COLUMN reporting.story_articles.outlet_name IS 'Outlet name.';
COMMENT ON COLUMN reporting.story_articles.title IS 'Article headline.';
COMMENT ON COLUMN reporting.story_articles.url IS 'Article URL.';
COMMENT ON COLUMN reporting.story_articles.published_at IS 'Publication time.';
COMMENT ON COLUMN reporting.story_articles.join_reason IS 'founded (first article of the story), similar (text and entity similarity above the threshold) or near_duplicate (syndicated copy).';
COMMENT ON COLUMN reporting.story_articles.score IS 'Similarity to the story when it joined, 0 to 1 (1 for the founder).';
COMMENT ON COLUMN reporting.story_articles.shared_entities IS 'Entity keys shared with the members it was matched against (e.g. PER:helena strand), strongest first.';
COMMENT ON COLUMN reporting.story_articles.linked_article_ids IS 'Articles it was matched against (its best links in the story, or the original it copies).';
COMMENT ON COLUMN reporting.story_articles.is_near_duplicate IS 'True when the text is near-identical to another outlet''s earlier article (syndicated wire copy).';
COMMENT ON COLUMN reporting.story_articles.duplicate_of_article_id IS 'The earlier article it copies, when it is a near-duplicate.';
