-- +goose Up
-- A redelivery is numbered after the last attempt of its message: this
-- index answers that maximum with one lookup, however long the log.
CREATE INDEX deliveries_message ON deliveries (integration_id, message_id, attempt);

-- +goose Down
DROP INDEX deliveries_message;
