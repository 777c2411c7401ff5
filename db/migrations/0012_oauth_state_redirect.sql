-- +goose Up
-- A Slack OAuth state issued through the API may name the program's own
-- redirect URL (Slack sends the user, with the code, there): the code is
-- then exchanged with that same redirect_uri, as Slack requires. NULL is
-- this server's /oauth/slack/callback.
ALTER TABLE oauth_states ADD COLUMN redirect_uri TEXT;
-- States are deleted once expired (db.CreateOAuthState), found by expiry.
CREATE INDEX oauth_states_expires ON oauth_states (expires);

-- +goose Down
DROP INDEX oauth_states_expires;
ALTER TABLE oauth_states DROP COLUMN redirect_uri;
