-- +goose Up
-- Every list, filter and count of integrations is answered from one index
-- range already in (created, id) order, and counts from the index alone
-- (EXPLAIN QUERY PLAN tests in db/plan_test.go). The store always filters
-- by tenant too, so tenant_id is in the hub indexes (a hub's rows all have
-- its tenant: the column costs no selectivity but saves a row lookup per
-- match); trailing columns make the counts of the other filters covering.
DROP INDEX integrations_hub_created;
DROP INDEX integrations_hub_channel;
DROP INDEX integrations_hub_status;
DROP INDEX integrations_tenant_created;
CREATE INDEX integrations_hub_created ON integrations (hub_id, tenant_id, created, id, name_key);
CREATE INDEX integrations_hub_channel ON integrations (hub_id, channel_id, tenant_id, created, id, status_id);
CREATE INDEX integrations_hub_status ON integrations (hub_id, status_id, tenant_id, created, id);
CREATE INDEX integrations_tenant_created ON integrations (tenant_id, created, id, name_key);
CREATE INDEX integrations_tenant_channel ON integrations (tenant_id, channel_id, created, id, status_id);
CREATE INDEX integrations_tenant_status ON integrations (tenant_id, status_id, created, id);

-- +goose Down
DROP INDEX integrations_hub_created;
DROP INDEX integrations_hub_channel;
DROP INDEX integrations_hub_status;
DROP INDEX integrations_tenant_created;
DROP INDEX integrations_tenant_channel;
DROP INDEX integrations_tenant_status;
CREATE INDEX integrations_hub_created ON integrations (hub_id, created, id);
CREATE INDEX integrations_hub_channel ON integrations (hub_id, channel_id, created, id);
CREATE INDEX integrations_hub_status ON integrations (hub_id, status_id, created, id);
CREATE INDEX integrations_tenant_created ON integrations (tenant_id, created, id);
