-- +goose Up
-- How many integrations each hub has, kept by triggers in the same
-- transaction as the rows: the total of a hub's list is one lookup
-- instead of a count over all its index entries, which grew with the hub
-- (a hub of 1,000 integrations read 1,000 entries for every page).
-- tenant_id is there so the total is answered for the asking tenant only.
CREATE TABLE hub_integration_counts (
    hub_id    TEXT PRIMARY KEY REFERENCES hubs(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL,
    n         INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO hub_integration_counts (hub_id, tenant_id, n)
    SELECT hub_id, tenant_id, COUNT(*) FROM integrations GROUP BY hub_id, tenant_id;

-- +goose StatementBegin
CREATE TRIGGER integrations_count_insert AFTER INSERT ON integrations BEGIN
    INSERT INTO hub_integration_counts (hub_id, tenant_id, n) VALUES (NEW.hub_id, NEW.tenant_id, 1)
        ON CONFLICT (hub_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER integrations_count_delete AFTER DELETE ON integrations BEGIN
    UPDATE hub_integration_counts SET n = n - 1 WHERE hub_id = OLD.hub_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER integrations_count_delete;
DROP TRIGGER integrations_count_insert;
DROP TABLE hub_integration_counts;
