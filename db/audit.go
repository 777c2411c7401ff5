package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Audit says who did what; it is written in the same transaction as the
// change it describes. A zero Audit writes nothing.
type Audit struct {
	Actor  string // "user:alice@example.com" or "token:ci (…abcd)"
	Action string // "hub.create", "integration.pause", ...
	Detail string // never a secret
}

func (a Audit) write(ctx context.Context, tx *Tx, tenantID, objType, objID, objName string) error {
	if a.Action == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (tenant_id, actor, action, object_type, object_id, object_name, detail, created)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, a.Actor, a.Action, objType, objID, objName, a.Detail, fmtTime(now()))
	if err != nil {
		return fmt.Errorf("store: unable to write audit entry: %w", err)
	}
	return nil
}

// RecordAudit writes an audit entry on its own (for changes with no row of
// their own, such as a login or a token revocation).
func (d *DB) RecordAudit(ctx context.Context, tenantID string, a Audit, objType, objID, objName string) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		return a.write(ctx, tx, tenantID, objType, objID, objName)
	})
}

// AuditEntry is one line of the activity log.
type AuditEntry struct {
	ID         int64
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	ObjectName string
	Detail     string
	Created    time.Time
}

// AuditFilter selects a page of a tenant's activity, newest first.
type AuditFilter struct {
	TenantID   string
	Actor      string
	Action     string // prefix: "integration" matches "integration.create"
	ObjectType string // any case
	ObjectID   string // any part of the id, any case
	// Since and Before bound when an entry was made (Since included,
	// Before not); zero is no bound. No index of their own: the walk of the
	// tenant's entries, newest first, takes them as it takes the actor.
	Since, Before time.Time
	Page, Size    int
}

// AuditEntries lists a page of activity with the total.
func (d *DB) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error) {
	where, args := auditWhere(f)
	var total int
	if err := d.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count audit entries: %w", err)
	}
	rows, err := d.query(ctx, `SELECT id, actor, action, object_type, object_id, object_name, detail, created
		FROM audit_log WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, f.Size, f.Page*f.Size)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to fetch audit entries: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var created string
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.ObjectName, &e.Detail, &created); err != nil {
			return nil, 0, fmt.Errorf("store: unable to fetch audit entries: %w", err)
		}
		e.Created = parseTime(created)
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// existingSQL looks each id up by primary key: CROSS JOIN keeps the list
// as the outer loop (else SQLite may read the tenant's whole index and
// filter it by the list).
const existingSQL = `SELECT h.id FROM json_each(?2) j CROSS JOIN hubs h ON h.id = j.value WHERE h.tenant_id = ?1
	UNION ALL SELECT i.id FROM json_each(?2) j CROSS JOIN integrations i ON i.id = j.value WHERE i.tenant_id = ?1`

// Existing returns which of the ids name a hub or an integration of the
// tenant that is still there (the activity log links only to those).
func (d *DB) Existing(ctx context.Context, tenantID string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := d.query(ctx, existingSQL, tenantID, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: unable to look the objects up: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// auditWhere is the WHERE clause of a filter, with its arguments.
func auditWhere(f AuditFilter) (string, []any) {
	where := `tenant_id = ?`
	args := []any{f.TenantID}
	if f.Actor != "" {
		where += ` AND actor LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(f.Actor)+"%")
	}
	if f.Action != "" {
		where += ` AND action LIKE ? ESCAPE '\'`
		args = append(args, likeEscape(strings.ToLower(f.Action))+"%")
	}
	if f.ObjectType != "" {
		where += ` AND object_type = ?`
		args = append(args, strings.ToLower(f.ObjectType))
	}
	if id := strings.ToLower(strings.TrimLeft(f.ObjectID, "…. ")); id != "" {
		// Any part of the id, in any case: the Activity page shows an id's
		// end ("…835cb3f61981"), which is what people copy.
		where += ` AND object_id LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(id)+"%")
	}
	if !f.Since.IsZero() {
		where += ` AND created >= ?`
		args = append(args, fmtTime(f.Since))
	}
	if !f.Before.IsZero() {
		where += ` AND created < ?`
		args = append(args, fmtTime(f.Before))
	}
	return where, args
}
