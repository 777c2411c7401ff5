-- +goose Up
-- A System integration's "message" event means message:customer,
-- message:agent and message:bot (SPEC 3.1). Since this release, a list
-- given "message" with any of them is stored as ["message"] alone
-- (channels.withoutCovered); lists saved before are brought to that form
-- here, so that every answer and page names each event once. Deliveries
-- do not change: "message" already meant them all. Only the list is
-- rewritten (json_set keeps the other members and their order); modified
-- stays, as nobody edited these integrations.
UPDATE integrations SET config = json_set(config, '$.events', json_array('message'))
WHERE channel_id = 'System'
  AND json_array_length(config, '$.events') > 1
  AND EXISTS (SELECT 1 FROM json_each(integrations.config, '$.events') WHERE value = 'message');

-- +goose Down
-- Nothing to undo: the shorter list means the same events.
SELECT 1;
