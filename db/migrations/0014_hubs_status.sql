-- +goose Up
-- The hubs list filters by status (dashboard and API ?statusId=): a tenant's
-- active or paused hubs, counted and paged in order, from one index range.
CREATE INDEX hubs_tenant_status ON hubs (tenant_id, status_id, created, id);

-- +goose Down
DROP INDEX hubs_tenant_status;
