-- +goose Up
-- A page of a hub's integrations is read from an index alone: this one
-- holds every column the list shows, in (created, id) order, so fifty rows
-- are a few neighbouring index pages instead of fifty lookups at random
-- places of the table (most of a list request's time on a large
-- database). It replaces integrations_hub_created, so a write touches no
-- more indexes than before. (A hub's total comes from the counts of
-- migration 0004; filtered counts find narrower indexes.)
CREATE INDEX integrations_hub_page ON integrations (hub_id, tenant_id, created, id, name_key,
    channel_id, integration_type, name, status_id, inbound_id, attach_key, key_id, modified, config, secrets);
DROP INDEX integrations_hub_created;

-- +goose Down
CREATE INDEX integrations_hub_created ON integrations (hub_id, tenant_id, created, id, name_key);
DROP INDEX integrations_hub_page;
