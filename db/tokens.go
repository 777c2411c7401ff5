package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Token is an API bearer token. Only its SHA-256 is stored.
type Token struct {
	ID       string
	TenantID string
	Name     string
	Scope    string // read, write
	Hint     string // last four characters, to tell tokens apart
	ClientID string // set for access tokens of an API client
	Created  time.Time
	Expires  *time.Time
	LastUsed *time.Time
	Revoked  *time.Time
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomString returns n characters of [A-Za-z0-9] from crypto/rand.
func RandomString(n int) string {
	b := make([]byte, n)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		for _, c := range b {
			// 248 = 4*62: reject the tail so every character is equally likely.
			if c < 248 && len(out) < n {
				out = append(out, alnum[int(c)%62])
			}
		}
	}
	return string(out)
}

// HashSecret is how tokens and client secrets are stored.
func HashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CreateToken makes a token and returns it with its plain value, which is
// never stored and cannot be shown again.
func (d *DB) CreateToken(ctx context.Context, t Token) (Token, string, error) {
	plain := "hub_" + RandomString(40)
	t.ID = uuid.NewString()
	t.Hint = plain[len(plain)-4:]
	t.Created = now()
	var client, expires any
	if t.ClientID != "" {
		client = t.ClientID
	}
	if t.Expires != nil {
		expires = fmtTime(*t.Expires)
	}
	var removed []string
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		removed = removed[:0]
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, tenant_id, name, scope, hash, hint, client_id, created, expires)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.TenantID, t.Name, t.Scope, HashSecret(plain), t.Hint, client, fmtTime(t.Created), expires)
		if err != nil || t.ClientID == "" {
			return err
		}
		removed, err = removeClientTokens(ctx, tx, t.ClientID, t.Created)
		return err
	})
	if err != nil {
		return Token{}, "", fmt.Errorf("store: unable to create token: %w", err)
	}
	if len(removed) > 0 {
		d.tokens.drop(func(c Token) bool { return slices.Contains(removed, c.ID) })
	}
	return t, plain, nil
}

// MaxClientTokens is how many live access tokens an API client keeps: a
// client that asks for a token per call, or a retry loop, would otherwise
// add a row per request, each valid for 30 days. Past it, a new token
// removes the oldest (as Google does for an OAuth client's refresh tokens).
const MaxClientTokens = 100

// removeClientTokens deletes a client's expired tokens and all but its
// newest MaxClientTokens, and returns their ids.
func removeClientTokens(ctx context.Context, tx *Tx, clientID string, at time.Time) ([]string, error) {
	rows, err := tx.conn.QueryContext(ctx, `DELETE FROM tokens WHERE client_id = ?1 AND (expires < ?2 OR id IN (
		SELECT id FROM tokens WHERE client_id = ?1 ORDER BY created DESC, id DESC LIMIT -1 OFFSET ?3)) RETURNING id`,
		clientID, fmtTime(at), MaxClientTokens)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

const tokenColumns = `t.id, t.tenant_id, t.name, t.scope, t.hint, COALESCE(t.client_id, ''), t.created, t.expires, t.last_used, t.revoked`

func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var created string
	var expires, last, revoked sql.NullString
	err := row.Scan(&t.ID, &t.TenantID, &t.Name, &t.Scope, &t.Hint, &t.ClientID, &created, &expires, &last, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, ErrNotFound
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: unable to fetch token: %w", err)
	}
	t.Created = parseTime(created)
	t.Expires, t.LastUsed, t.Revoked = nullTime(expires), nullTime(last), nullTime(revoked)
	return t, nil
}

// TokenBySecret finds a live token by its plain value: not revoked, not
// expired, and (for client tokens) its client not revoked.
func (d *DB) TokenBySecret(ctx context.Context, plain string) (Token, error) {
	hash := HashSecret(plain)
	n := time.Now()
	t, gen, ok := d.tokens.get(hash, n)
	if !ok {
		var err error
		t, err = scanToken(d.lookup(ctx, `SELECT `+tokenColumns+` FROM tokens t
			LEFT JOIN api_clients c ON c.id = t.client_id
			WHERE t.hash = ? AND t.revoked IS NULL AND c.revoked IS NULL`, hash))
		if err != nil {
			return Token{}, err
		}
		d.tokens.put(hash, t, n, gen)
	}
	if t.Expires != nil && !n.Before(*t.Expires) {
		return Token{}, ErrNotFound
	}
	return t, nil
}

// TouchToken records a token's last use, at most once a minute per token so
// reads do not turn into a write each.
func (d *DB) TouchToken(ctx context.Context, t Token) error {
	n := now()
	if t.LastUsed != nil && n.Sub(*t.LastUsed) < time.Minute {
		return nil
	}
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, fmtTime(n), t.ID)
		return err
	})
	if err == nil {
		d.tokens.touched(t.ID, n)
	}
	return err
}

// Tokens lists a tenant's plain API tokens (not client access tokens), newest first.
func (d *DB) Tokens(ctx context.Context, tenantID string) ([]Token, error) {
	rows, err := d.query(ctx, `SELECT `+tokenColumns+` FROM tokens t
		WHERE t.tenant_id = ? AND t.client_id IS NULL ORDER BY t.created DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a tenant's token; the next request with it is refused.
func (d *DB) RevokeToken(ctx context.Context, tenantID, id string) (Token, error) {
	// See RevokeClient: dropped before and after the commit.
	d.tokens.drop(func(c Token) bool { return c.ID == id })
	var t Token
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens t WHERE t.id = ? AND t.tenant_id = ?`, id, tenantID))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tokens SET revoked = COALESCE(revoked, ?) WHERE id = ?`, fmtTime(now()), id)
		return err
	})
	if err == nil {
		d.tokens.drop(func(c Token) bool { return c.ID == id })
	}
	return t, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
