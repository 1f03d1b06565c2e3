CREATE TABLE core.pipeline_runs (
    run_id text PRIMARY KEY,
    trigger text NOT NULL,
    params jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    counts jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE core.pipeline_runs IS 'Pipeline runs (Airflow DAG runs and CLI runs) with their parameters and stage counts.';
COMMENT ON COLUMN core.pipeline_runs.run_id IS 'Airflow run_id, or cli__<timestamp> for CLI runs.';
COMMENT ON COLUMN core.pipeline_runs.trigger IS 'airflow or cli.';
COMMENT ON COLUMN core.pipeline_runs.params IS 'Parameters the run was started with.';
COMMENT ON COLUMN core.pipeline_runs.started_at IS 'When the run started.';
COMMENT ON COLUMN core.pipeline_runs.finished_at IS 'When the run finished its last stage.';
COMMENT ON COLUMN core.pipeline_runs.counts IS 'Counts per stage, merged as stages finish.';

CREATE TABLE core.processing_errors (
    error_id bigserial PRIMARY KEY,
    run_id text NOT NULL,
    outlet_id text REFERENCES core.outlets(outlet_id),
    fetch_id bigint REFERENCES raw.fetches(fetch_id),
    url text,
    stage text NOT NULL,
    error_type text NOT NULL,
    message text NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processing_errors_run_idx ON core.processing_errors (run_id);
COMMENT ON TABLE core.processing_errors IS 'Per-item failures recorded as data (broken feed, unparsable page, empty body ...); the run goes on without them.';
COMMENT ON COLUMN core.processing_errors.error_id IS 'Surrogate key.';
COMMENT ON COLUMN core.processing_errors.run_id IS 'Run in which it happened.';
COMMENT ON COLUMN core.processing_errors.outlet_id IS 'Outlet concerned.';
COMMENT ON COLUMN core.processing_errors.fetch_id IS 'raw.fetches row concerned, when any.';
COMMENT ON COLUMN core.processing_errors.url IS 'URL concerned.';
COMMENT ON COLUMN core.processing_errors.stage IS 'discover, fetch, extract, entities, quotes or load.';
COMMENT ON COLUMN core.processing_errors.error_type IS 'Short machine-readable kind (parse_error, empty_body, ...).';
COMMENT ON COLUMN core.processing_errors.message IS 'Human-readable description.';
COMMENT ON COLUMN core.processing_errors.occurred_at IS 'When it happened.';

CREATE TABLE staging.processed_articles (
    fetch_id bigint PRIMARY KEY REFERENCES raw.fetches(fetch_id) ON DELETE CASCADE,
    run_id text NOT NULL,
    payload jsonb NOT NULL,
    staged_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE staging.processed_articles IS 'Output of the process step (article, mentions, quotes as JSON) waiting for the load step.';
COMMENT ON COLUMN staging.processed_articles.fetch_id IS 'raw.fetches row processed.';
COMMENT ON COLUMN staging.processed_articles.run_id IS 'Run that processed it.';
COMMENT ON COLUMN staging.processed_articles.payload IS 'Serialised newswatch.models.ProcessedArticle.';
COMMENT ON COLUMN staging.processed_articles.staged_at IS 'When it was staged.';
