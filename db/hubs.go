package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Hub statuses, Hubster's numbers.
const (
	HubActive = 2000
	HubPaused = 2002
)

// Hub groups a tenant's integrations.
type Hub struct {
	ID                       string
	TenantID                 string
	Name                     string
	Description              string
	CloseDormantConversation *int
	StatusID                 int
	Created                  time.Time
	Modified                 time.Time
	// Counts, filled by Hubs (list) only.
	Active, Paused int
}

const hubColumns = `h.id, h.tenant_id, h.name, h.description, h.close_dormant, h.status_id, h.created, h.modified`

func scanHub(row interface{ Scan(...any) error }, extra ...any) (Hub, error) {
	var h Hub
	var created, modified string
	var cd sql.NullInt64
	dest := append([]any{&h.ID, &h.TenantID, &h.Name, &h.Description, &cd, &h.StatusID, &created, &modified}, extra...)
	err := row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return Hub{}, ErrNotFound
	}
	if err != nil {
		return Hub{}, fmt.Errorf("store: unable to fetch hub: %w", err)
	}
	if cd.Valid {
		v := int(cd.Int64)
		h.CloseDormantConversation = &v
	}
	h.Created, h.Modified = parseTime(created), parseTime(modified)
	return h, nil
}

func dormant(h Hub) any {
	if h.CloseDormantConversation == nil {
		return nil
	}
	return *h.CloseDormantConversation
}

// CreateHub adds a hub; a name the tenant already uses (any case) is ErrConflict.
func (d *DB) CreateHub(ctx context.Context, h Hub, audit Audit) (Hub, error) {
	h.ID = uuid.NewString()
	h.Name = strings.TrimSpace(h.Name)
	h.Created = now()
	h.Modified = h.Created
	if h.StatusID == 0 {
		h.StatusID = HubActive
	}
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO hubs (id, tenant_id, name, name_key, description, close_dormant, status_id, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.ID, h.TenantID, h.Name, nameKey(h.Name), h.Description, dormant(h), h.StatusID, fmtTime(h.Created), fmtTime(h.Modified))
		if isUnique(err) {
			return &ConflictError{What: "name"}
		}
		if err != nil {
			return fmt.Errorf("store: unable to create hub: %w", err)
		}
		return audit.write(ctx, tx, h.TenantID, "hub", h.ID, h.Name)
	})
	if err != nil {
		return Hub{}, err
	}
	return h, nil
}

// Hub fetches a hub by id, whatever its tenant (callers check ownership so
// they can answer 403 rather than 404).
func (d *DB) Hub(ctx context.Context, id string) (Hub, error) {
	return scanHub(d.lookup(ctx, `SELECT `+hubColumns+` FROM hubs h WHERE h.id = ?`, id))
}

// HubFilter selects a page of a tenant's hubs.
type HubFilter struct {
	TenantID string
	Query    string
	StatusID int // HubActive or HubPaused; 0 = either
	Page     int
	Size     int
}

func (f HubFilter) where() (string, []any) {
	where := `h.tenant_id = ?`
	args := []any{f.TenantID}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND h.name_key LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(nameKey(q))+"%")
	}
	if f.StatusID != 0 {
		where += ` AND h.status_id = ?`
		args = append(args, f.StatusID)
	}
	return where, args
}

// countSQL is the query counting the hubs the filter matches.
func (f HubFilter) countSQL() (string, []any) {
	where, args := f.where()
	return `SELECT COUNT(*) FROM hubs h WHERE ` + where, args
}

// listSQL is the query of the filter's page, with each hub's counts.
func (f HubFilter) listSQL() (string, []any) {
	where, args := f.where()
	return `SELECT ` + hubColumns + `,
		(SELECT COUNT(*) FROM integrations i WHERE i.hub_id = h.id AND i.status_id = 3000),
		(SELECT COUNT(*) FROM integrations i WHERE i.hub_id = h.id AND i.status_id = 3002)
		FROM hubs h WHERE ` + where + ` ORDER BY h.created, h.id LIMIT ? OFFSET ?`, append(args, f.Size, f.Page*f.Size)
}

// Hubs lists a page of a tenant's hubs ordered by created then id, with the
// total and each hub's active/paused integration counts.
func (d *DB) Hubs(ctx context.Context, f HubFilter) ([]Hub, int, error) {
	countQ, countArgs := f.countSQL()
	var total int
	if err := d.queryRow(ctx, countQ, countArgs...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count hubs: %w", err)
	}
	listQ, listArgs := f.listSQL()
	rows, err := d.query(ctx, listQ, listArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to fetch hubs: %w", err)
	}
	defer rows.Close()
	out := []Hub{}
	for rows.Next() {
		var active, paused int
		h, err := scanHub(rows, &active, &paused)
		if err != nil {
			return nil, 0, err
		}
		h.Active, h.Paused = active, paused
		out = append(out, h)
	}
	return out, total, rows.Err()
}

// UpdateHub replaces a hub's editable fields. h.Modified must be the
// modified time as read: if the row changed since, nothing is written and
// the error is ErrStale.
func (d *DB) UpdateHub(ctx context.Context, h Hub, audit Audit) (Hub, error) {
	h.Name = strings.TrimSpace(h.Name)
	read := h.Modified
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		var err error
		if h.Modified, err = checkVersion(ctx, tx, `SELECT modified FROM hubs WHERE id = ?`, h.ID, read); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE hubs SET name = ?, name_key = ?, description = ?, close_dormant = ?, status_id = ?, modified = ?
			WHERE id = ? AND tenant_id = ?`,
			h.Name, nameKey(h.Name), h.Description, dormant(h), h.StatusID, fmtTime(h.Modified), h.ID, h.TenantID)
		if isUnique(err) {
			return &ConflictError{What: "name"}
		}
		if err != nil {
			return fmt.Errorf("store: unable to update hub: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.write(ctx, tx, h.TenantID, "hub", h.ID, h.Name)
	})
	if err != nil {
		return Hub{}, err
	}
	return h, nil
}

// DeleteHub deletes a hub with all its integrations (and their deliveries).
func (d *DB) DeleteHub(ctx context.Context, h Hub, audit Audit) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		gone, err := hubContents(ctx, tx, h.ID)
		if err != nil {
			return err
		}
		if gone != "" {
			audit.Detail = strings.TrimSpace(audit.Detail + " " + gone)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM hubs WHERE id = ? AND tenant_id = ?`, h.ID, h.TenantID)
		if err != nil {
			return fmt.Errorf("store: unable to delete hub: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return audit.write(ctx, tx, h.TenantID, "hub", h.ID, h.Name)
	})
}

// hubContents names what deleting a hub deletes with it, for the audit
// log: "with its 3 integrations: Chat (WebChat), SMS (TwilioSMS), …".
func hubContents(ctx context.Context, tx *Tx, hubID string) (string, error) {
	const named = 10
	var n int
	err := tx.QueryRowContext(ctx, `SELECT n FROM hub_integration_counts WHERE hub_id = ?`, hubID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && n == 0) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: unable to count the hub's integrations: %w", err)
	}
	rows, err := tx.conn.QueryContext(ctx, `SELECT name, channel_id FROM integrations WHERE hub_id = ? ORDER BY created, id LIMIT ?`, hubID, named)
	if err != nil {
		return "", fmt.Errorf("store: unable to list the hub's integrations: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name, ch string
		if err := rows.Scan(&name, &ch); err != nil {
			return "", err
		}
		names = append(names, name+" ("+ch+")")
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if n > len(names) {
		names = append(names, fmt.Sprintf("and %d more", n-len(names)))
	}
	noun := "integrations"
	if n == 1 {
		noun = "integration"
	}
	return fmt.Sprintf("with its %d %s: %s", n, noun, strings.Join(names, ", ")), nil
}

// likeEscape makes s a LIKE pattern that matches s alone. SQLite reads a
// pattern up to its first NUL, so "%\x00zzz%" would be "%" and match every
// row; a NUL becomes U+0001, which names and ids cannot hold, so such a
// search matches nothing (the handlers refuse it before it gets here).
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`, "\x00", "\x01")
	return r.Replace(s)
}

// HubNameTaken reports whether another hub of the tenant (not selfID) has
// the name, in any case.
// HubNamed finds the tenant's hub holding name (compared as names are),
// for a form's link to it; "" when none does.
func (d *DB) HubNamed(ctx context.Context, tenantID, name string) (id, stored string, err error) {
	err = d.lookup(ctx, `SELECT id, name FROM hubs WHERE tenant_id = ? AND name_key = ?`, tenantID, nameKey(name)).Scan(&id, &stored)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", fmt.Errorf("store: unable to find hub %q: %w", name, err)
	}
	return id, stored, nil
}

func (d *DB) HubNameTaken(ctx context.Context, tenantID, selfID, name string) (bool, error) {
	return d.exists(ctx, `SELECT 1 FROM hubs WHERE tenant_id = ? AND name_key = ? AND id <> ?`, tenantID, nameKey(name), selfID)
}
