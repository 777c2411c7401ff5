package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OAuthState is a Slack OAuth `state` nonce: issued for one hub, unexpired,
// single use.
type OAuthState struct {
	TenantID string
	HubID    string
	UserID   string
	Name     string // the integration name chosen before leaving for Slack
	// RedirectURI is where Slack sends the user back with the code: a
	// program's own URL given with an API nonce, or "" for this server's
	// callback. The code is exchanged with the same value.
	RedirectURI string
	Expires     time.Time
}

// oauthStatePurge bounds how many expired states one new state deletes:
// more than can expire between two issues at any rate limit in practice,
// so the table stays at the states of the last ten minutes.
const oauthStatePurge = 100

// ErrStateInvalid is an unknown, expired or already used nonce.
var ErrStateInvalid = errors.New("oauth state unknown, expired or already used")

// CreateOAuthState stores a nonce (hashed) and returns it.
func (d *DB) CreateOAuthState(ctx context.Context, s OAuthState, ttl time.Duration) (string, OAuthState, error) {
	nonce := RandomString(32)
	n := now()
	s.Expires = n.Add(ttl)
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		// Expired states can never be used again (used or not): each new
		// one deletes some, so the table does not grow with every Connect.
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_states WHERE nonce_hash IN
			(SELECT nonce_hash FROM oauth_states WHERE expires < ? ORDER BY expires LIMIT ?)`, fmtTime(n), oauthStatePurge); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_states (nonce_hash, tenant_id, hub_id, user_id, name, redirect_uri, created, expires)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, HashSecret(nonce), s.TenantID, s.HubID, nullable(s.UserID), s.Name, nullable(s.RedirectURI), fmtTime(n), fmtTime(s.Expires))
		return err
	})
	if isForeignKey(err) {
		return "", OAuthState{}, ErrNotFound // the hub was deleted meanwhile
	}
	if err != nil {
		return "", OAuthState{}, fmt.Errorf("store: unable to create oauth state: %w", err)
	}
	return nonce, s, nil
}

// ConsumeOAuthState marks a nonce used and returns what it was issued for.
// An unknown, expired or used nonce is ErrStateInvalid, and so is one that
// mine refuses (issued for another hub, tenant or user): that one stays
// unused, so a request that cannot use it does not spend it for the one
// that can.
func (d *DB) ConsumeOAuthState(ctx context.Context, nonce string, mine func(OAuthState) bool) (OAuthState, error) {
	var s OAuthState
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if s, err = usableOAuthState(tx.QueryRowContext(ctx, selectOAuthState, HashSecret(nonce)), mine); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE oauth_states SET used = ? WHERE nonce_hash = ?`, fmtTime(now()), HashSecret(nonce))
		return err
	})
	if err != nil {
		return OAuthState{}, err
	}
	return s, nil
}

// OAuthStateOf returns what a nonce was issued for, without using it up:
// ErrStateInvalid unless it is unused, unexpired and mine accepts it.
func (d *DB) OAuthStateOf(ctx context.Context, nonce string, mine func(OAuthState) bool) (OAuthState, error) {
	return usableOAuthState(d.lookup(ctx, selectOAuthState, HashSecret(nonce)), mine)
}

const selectOAuthState = `SELECT tenant_id, hub_id, user_id, name, redirect_uri, expires, used FROM oauth_states WHERE nonce_hash = ?`

// usableOAuthState reads a row of selectOAuthState: ErrStateInvalid unless
// there is one, unused, unexpired, and mine accepts it.
func usableOAuthState(row *sql.Row, mine func(OAuthState) bool) (OAuthState, error) {
	var s OAuthState
	var user, redirect, used sql.NullString
	var expires string
	err := row.Scan(&s.TenantID, &s.HubID, &user, &s.Name, &redirect, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return OAuthState{}, ErrStateInvalid
	}
	if err != nil {
		return OAuthState{}, fmt.Errorf("store: unable to fetch oauth state: %w", err)
	}
	s.UserID, s.RedirectURI = user.String, redirect.String
	s.Expires = parseTime(expires)
	if used.Valid || !now().Before(s.Expires) || !mine(s) {
		return OAuthState{}, ErrStateInvalid
	}
	return s, nil
}
