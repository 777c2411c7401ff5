-- +goose Up
CREATE TABLE tenants (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    created  TEXT NOT NULL
);

-- The default tenant exists from the first migration.
INSERT INTO tenants (id, name, name_key, created)
VALUES ('00000000-0000-0000-0000-000000000001', 'Default', 'default', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created       TEXT NOT NULL,
    last_login    TEXT
);
CREATE INDEX users_tenant ON users (tenant_id, email_key);

-- Login sessions live here; the cookie holds only the signed id. The id is
-- stored as its SHA-256 so a copy of the database opens no session.
CREATE TABLE sessions (
    id_hash   TEXT PRIMARY KEY,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    data      BLOB NOT NULL,
    created   TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    hash       TEXT NOT NULL UNIQUE,
    hint       TEXT NOT NULL,
    client_id  TEXT,
    created    TEXT NOT NULL,
    expires    TEXT,
    last_used  TEXT,
    revoked    TEXT
);
CREATE INDEX tokens_tenant ON tokens (tenant_id, created);

-- OAuth2 client-credentials clients (Hubster's own auth); their access
-- tokens are rows of tokens with client_id set.
CREATE TABLE api_clients (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    secret_hash TEXT NOT NULL,
    created     TEXT NOT NULL,
    revoked     TEXT
);

CREATE TABLE hubs (
    id             TEXT PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    close_dormant  INTEGER,
    status_id      INTEGER NOT NULL DEFAULT 2000,
    created        TEXT NOT NULL,
    modified       TEXT NOT NULL,
    UNIQUE (tenant_id, name_key)
);
CREATE INDEX hubs_tenant_created ON hubs (tenant_id, created, id);

CREATE TABLE integrations (
    id               TEXT PRIMARY KEY,
    hub_id           TEXT NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    channel_id       TEXT NOT NULL,
    integration_type TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    status_id        INTEGER NOT NULL DEFAULT 3000,
    inbound_id       TEXT,
    -- A Twilio number or Facebook page attaches to one integration only.
    attach_key       TEXT UNIQUE,
    config           TEXT NOT NULL,
    -- AES-256-GCM of the secret values, bound to this row's id.
    secrets          BLOB,
    key_id           TEXT,
    created          TEXT NOT NULL,
    modified         TEXT NOT NULL,
    UNIQUE (hub_id, name_key)
);
CREATE INDEX integrations_hub_created ON integrations (hub_id, created, id);
CREATE INDEX integrations_hub_channel ON integrations (hub_id, channel_id, created, id);
CREATE INDEX integrations_hub_status ON integrations (hub_id, status_id, created, id);
CREATE INDEX integrations_tenant_created ON integrations (tenant_id, created, id);

CREATE TABLE oauth_states (
    nonce_hash TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    hub_id     TEXT NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
    user_id    TEXT,
    name       TEXT NOT NULL DEFAULT '',
    created    TEXT NOT NULL,
    expires    TEXT NOT NULL,
    used       TEXT
);

CREATE TABLE deliveries (
    id               TEXT PRIMARY KEY,
    integration_id   TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    message_id       TEXT NOT NULL,
    event            TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    url              TEXT NOT NULL,
    status_code      INTEGER NOT NULL DEFAULT 0,
    latency_ms       INTEGER NOT NULL DEFAULT 0,
    success          INTEGER NOT NULL,
    error            TEXT NOT NULL DEFAULT '',
    response_excerpt TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    created          TEXT NOT NULL
);
CREATE INDEX deliveries_integration ON deliveries (integration_id, created DESC);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    object_name TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL
);
CREATE INDEX audit_tenant_created ON audit_log (tenant_id, id DESC);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE deliveries;
DROP TABLE oauth_states;
DROP TABLE integrations;
DROP TABLE hubs;
DROP TABLE tokens;
DROP TABLE api_clients;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE tenants;
