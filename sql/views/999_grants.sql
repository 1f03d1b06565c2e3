-- Runs on every migrate (rebuilt views lose their grants): the BI role reads all of reporting.
GRANT USAGE ON SCHEMA reporting TO newswatch_bi;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO newswatch_bi;
