-- Views are dropped and re-created on every migrate: grant the BI role again.
GRANT USAGE ON SCHEMA reporting TO newswatch_bi;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO newswatch_bi;
