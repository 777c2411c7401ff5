package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Client is an OAuth2 client-credentials API client (Hubster's own auth).
// Its secret is stored hashed; its access tokens are Tokens with ClientID.
type Client struct {
	ID       string // hubster.portal.api.<32 hex>
	TenantID string
	Name     string
	Scope    string
	Created  time.Time
	Revoked  *time.Time
}

// CreateClient makes a client and returns its secret, shown once.
func (d *DB) CreateClient(ctx context.Context, c Client) (Client, string, error) {
	c.ID = "hubster.portal.api." + randomHex(16)
	c.Created = now()
	secret := RandomString(48)
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO api_clients (id, tenant_id, name, scope, secret_hash, created) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ID, c.TenantID, c.Name, c.Scope, HashSecret(secret), fmtTime(c.Created))
		return err
	})
	if err != nil {
		return Client{}, "", fmt.Errorf("store: unable to create client: %w", err)
	}
	return c, secret, nil
}

// ClientByCredentials finds a live client by id and secret.
func (d *DB) ClientByCredentials(ctx context.Context, id, secret string) (Client, error) {
	var c Client
	var created string
	var revoked sql.NullString
	err := d.lookup(ctx, `SELECT id, tenant_id, name, scope, created, revoked FROM api_clients WHERE id = ? AND secret_hash = ?`,
		id, HashSecret(secret)).Scan(&c.ID, &c.TenantID, &c.Name, &c.Scope, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return Client{}, ErrNotFound
	}
	if err != nil {
		return Client{}, fmt.Errorf("store: unable to fetch client: %w", err)
	}
	c.Created, c.Revoked = parseTime(created), nullTime(revoked)
	if c.Revoked != nil {
		return Client{}, ErrNotFound
	}
	return c, nil
}

// Clients lists a tenant's clients, newest first.
func (d *DB) Clients(ctx context.Context, tenantID string) ([]Client, error) {
	rows, err := d.query(ctx, `SELECT id, tenant_id, name, scope, created, revoked FROM api_clients WHERE tenant_id = ? ORDER BY created DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch clients: %w", err)
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		var c Client
		var created string
		var revoked sql.NullString
		if err := rows.Scan(&c.ID, &c.TenantID, &c.Name, &c.Scope, &created, &revoked); err != nil {
			return nil, err
		}
		c.Created, c.Revoked = parseTime(created), nullTime(revoked)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RevokeClient revokes a client; its access tokens stop working at once.
func (d *DB) RevokeClient(ctx context.Context, tenantID, id string) error {
	// Dropped before (so reads in flight are not cached) and after (so
	// nothing cached meanwhile survives) the revocation commits.
	d.tokens.drop(func(t Token) bool { return t.ClientID == id })
	defer d.tokens.drop(func(t Token) bool { return t.ClientID == id })
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_clients SET revoked = COALESCE(revoked, ?) WHERE id = ? AND tenant_id = ?`, fmtTime(now()), id, tenantID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
