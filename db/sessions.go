package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Session is a server-side login session. Only the hash of its id is stored.
type Session struct {
	UserID   string
	Data     []byte
	Created  time.Time
	LastSeen time.Time
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// Session fetches a session by its (unhashed) id.
func (d *DB) Session(ctx context.Context, id string) (Session, error) {
	var s Session
	var created, seen string
	err := d.lookup(ctx, `SELECT user_id, data, created, last_seen FROM sessions WHERE id_hash = ?`,
		hashID(id)).Scan(&s.UserID, &s.Data, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: unable to fetch session: %w", err)
	}
	s.Created, s.LastSeen = parseTime(created), parseTime(seen)
	return s, nil
}

// SaveSession inserts or replaces a session.
func (d *DB) SaveSession(ctx context.Context, id string, s Session) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, data, created, last_seen) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data, last_seen = excluded.last_seen`,
			hashID(id), s.UserID, s.Data, fmtTime(s.Created), fmtTime(s.LastSeen))
		if err != nil {
			return fmt.Errorf("store: unable to save session: %w", err)
		}
		return nil
	})
}

// DeleteSession ends one session.
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashID(id))
		return err
	})
}

// DeleteUserSessions ends every session of a user ("sign out everywhere").
func (d *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// DeleteExpiredSessions removes sessions idle since before idle or created before absolute.
func (d *DB) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < ? OR created < ?`,
			fmtTime(idleBefore), fmtTime(createdBefore))
		return err
	})
}
