-- Three schemas: raw (what the network gave us), core (what we made of it), reporting (for BI).
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS reporting;

COMMENT ON SCHEMA raw IS 'Fetched bytes exactly as received (pages, feeds, robots.txt) with status, headers and timing; append-only archive for re-processing.';
COMMENT ON SCHEMA core IS 'Cleaned, structured data: outlets, feeds, articles, entities, mentions, quotes, stories.';
COMMENT ON SCHEMA staging IS 'Processed articles waiting to be loaded into core; emptied by each load.';
COMMENT ON SCHEMA reporting IS 'Views for analysts and BI tools; the only schema the newswatch_bi role can read.';
