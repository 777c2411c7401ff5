-- +goose Up
-- An API client's access tokens are found by client: each new one removes
-- the client's expired tokens and any beyond the newest 100 (db.CreateToken).
CREATE INDEX tokens_client ON tokens (client_id, created) WHERE client_id IS NOT NULL;

-- +goose Down
DROP INDEX tokens_client;
