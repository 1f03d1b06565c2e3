-- Read-only role for BI tools: reporting schema only. No password here: `newswatch db migrate`
-- sets one from NEWSWATCH_BI_PASSWORD (and enables LOGIN) when that is configured.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'newswatch_bi') THEN
        CREATE ROLE newswatch_bi NOLOGIN;
    END IF;
END
$$;
REVOKE ALL ON SCHEMA raw, core, staging FROM newswatch_bi;
GRANT USAGE ON SCHEMA reporting TO newswatch_bi;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO newswatch_bi;
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO newswatch_bi;
