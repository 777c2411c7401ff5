-- +goose Up
-- The delivery log keeps each integration's newest 500 attempts
-- (db.MaxDeliveries): recording one deletes those beyond, in the same
-- transaction. "Beyond the 500th newest" is in the log's own order,
-- created then id, newest first, which is now this index's whole key: the
-- cut is found by walking 500 entries of the index alone, and a page of
-- the log comes out in order with no sort.
DROP INDEX deliveries_integration;
CREATE INDEX deliveries_integration ON deliveries (integration_id, created DESC, id DESC);
-- Logs written before are cut to the same 500 here, once, so that no
-- insert later meets a backlog larger than the few rows it may delete.
DELETE FROM deliveries WHERE id IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (PARTITION BY integration_id ORDER BY created DESC, id DESC) AS n
        FROM deliveries)
    WHERE n > 500);

-- +goose Down
-- The deleted attempts stay deleted.
DROP INDEX deliveries_integration;
CREATE INDEX deliveries_integration ON deliveries (integration_id, created DESC);
