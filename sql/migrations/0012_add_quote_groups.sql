ALTER TABLE core.quotes ADD COLUMN quote_group text;
CREATE INDEX quotes_group_idx ON core.quotes (quote_group);
COMMENT ON COLUMN core.quotes.quote_group IS 'The same quote across outlets within a story (similarity of content stems, so truncated or re-translated copies match); NULL until the story step ran.';
