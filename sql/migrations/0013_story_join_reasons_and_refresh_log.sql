-- Why each article joined its story, in words an analyst can filter on, and which members it
-- was matched against; plus a log of reporting-layer refreshes (shown to BI users as
-- reporting.freshness).
ALTER TABLE core.story_articles
    ADD COLUMN join_reason text NOT NULL DEFAULT 'similar'
        CHECK (join_reason IN ('founded', 'similar', 'near_duplicate')),
    ADD COLUMN linked_article_ids bigint[] NOT NULL DEFAULT '{}';
UPDATE core.story_articles SET join_reason = 'near_duplicate' WHERE is_near_duplicate;
UPDATE core.story_articles sa SET join_reason = 'founded'
 WHERE NOT sa.is_near_duplicate
   AND sa.article_id = (SELECT min(x.article_id) FROM core.story_articles x WHERE x.story_id = sa.story_id);
COMMENT ON COLUMN core.story_articles.join_reason IS 'founded (first article of the story), similar (text and entity similarity above the threshold) or near_duplicate (syndicated copy of an earlier article, joins its original''s story).';
COMMENT ON COLUMN core.story_articles.linked_article_ids IS 'The story members the article was matched against (its best links, or the original it duplicates).';
CREATE INDEX story_articles_duplicate_of_idx ON core.story_articles (duplicate_of_article_id)
    WHERE duplicate_of_article_id IS NOT NULL;

CREATE TABLE core.reporting_refreshes (
    refresh_id bigserial PRIMARY KEY,
    view_name text NOT NULL,
    run_id text,
    refreshed_at timestamptz NOT NULL DEFAULT now(),
    seconds real NOT NULL,
    row_count bigint NOT NULL,
    was_concurrent boolean NOT NULL
);
CREATE INDEX reporting_refreshes_view_idx ON core.reporting_refreshes (view_name, refreshed_at DESC);
COMMENT ON TABLE core.reporting_refreshes IS 'One row per refresh of a materialised reporting view.';
COMMENT ON COLUMN core.reporting_refreshes.refresh_id IS 'Surrogate key.';
COMMENT ON COLUMN core.reporting_refreshes.view_name IS 'Materialised view refreshed (schema-qualified).';
COMMENT ON COLUMN core.reporting_refreshes.run_id IS 'Pipeline run that refreshed it (Airflow run id or cli-...), NULL when run by hand.';
COMMENT ON COLUMN core.reporting_refreshes.refreshed_at IS 'When the refresh finished.';
COMMENT ON COLUMN core.reporting_refreshes.seconds IS 'Wall time of the refresh.';
COMMENT ON COLUMN core.reporting_refreshes.row_count IS 'Rows in the view after the refresh.';
COMMENT ON COLUMN core.reporting_refreshes.was_concurrent IS 'True when refreshed without blocking readers (REFRESH ... CONCURRENTLY).';
