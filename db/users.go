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

// ErrLastAdmin refuses a change that would leave a tenant without an
// active admin.
var ErrLastAdmin = errors.New("the last active admin cannot be demoted or disabled")

// User is a dashboard account.
type User struct {
	ID           string
	TenantID     string
	Email        string
	PasswordHash string
	Role         string // admin, editor, viewer
	Disabled     bool
	Created      time.Time
	LastLogin    *time.Time
}

const userColumns = `id, tenant_id, email, password_hash, role, disabled, created, last_login`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created string
	var last sql.NullString
	err := row.Scan(&u.ID, &u.TenantID, &u.Email, &u.PasswordHash, &u.Role, &u.Disabled, &created, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("store: unable to fetch user: %w", err)
	}
	u.Created = parseTime(created)
	u.LastLogin = nullTime(last)
	return u, nil
}

// CreateUser adds a user; an email already used (any case) is ErrConflict.
func (d *DB) CreateUser(ctx context.Context, u User) (User, error) {
	u.ID = uuid.NewString()
	u.Email = strings.TrimSpace(u.Email)
	u.Created = now()
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, tenant_id, email, email_key, password_hash, role, disabled, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.TenantID, u.Email, emailKey(u.Email), u.PasswordHash, u.Role, u.Disabled, fmtTime(u.Created))
		return err
	})
	if isUnique(err) {
		return User{}, &ConflictError{What: "email"}
	}
	if err != nil {
		return User{}, fmt.Errorf("store: unable to create user: %w", err)
	}
	return u, nil
}

// CreateFirstAdmin creates u only if no user exists yet, atomically, so two
// racing setup forms cannot both make an admin.
func (d *DB) CreateFirstAdmin(ctx context.Context, u User) (User, error) {
	u.ID = uuid.NewString()
	u.Email = strings.TrimSpace(u.Email)
	u.Created = now()
	u.Role = "admin"
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &ConflictError{What: "setup"}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, tenant_id, email, email_key, password_hash, role, disabled, created)
			VALUES (?, ?, ?, ?, ?, 'admin', 0, ?)`,
			u.ID, u.TenantID, u.Email, emailKey(u.Email), u.PasswordHash, fmtTime(u.Created))
		return err
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// HasUsers reports whether any user exists (the setup page is shown until one does).
func (d *DB) HasUsers(ctx context.Context) (bool, error) {
	var n int
	err := d.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&n)
	return n == 1, err
}

// User fetches a user by id.
func (d *DB) User(ctx context.Context, id string) (User, error) {
	return scanUser(d.lookup(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// UserByEmail fetches a user by email, any case.
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(d.lookup(ctx, `SELECT `+userColumns+` FROM users WHERE email_key = ?`, emailKey(email)))
}

// Users lists a tenant's users by email.
func (d *DB) Users(ctx context.Context, tenantID string) ([]User, error) {
	rows, err := d.query(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? ORDER BY email_key`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser changes a user's role and disabled flag; disabling also ends
// every session of the user in the same transaction.
func (d *DB) UpdateUser(ctx context.Context, id, role string, disabled bool) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		if role != "admin" || disabled {
			// Checked inside the write transaction, so two admins demoting
			// each other at once cannot leave the tenant without one.
			var others int
			err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users o JOIN users u ON u.tenant_id = o.tenant_id
				WHERE u.id = ? AND o.id <> u.id AND o.role = 'admin' AND o.disabled = 0`, id).Scan(&others)
			if err != nil {
				return fmt.Errorf("store: unable to count admins: %w", err)
			}
			var wasAdmin bool
			err = tx.QueryRowContext(ctx, `SELECT role = 'admin' AND disabled = 0 FROM users WHERE id = ?`, id).Scan(&wasAdmin)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return fmt.Errorf("store: unable to fetch user: %w", err)
			}
			if wasAdmin && others == 0 {
				return ErrLastAdmin
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, disabled = ? WHERE id = ?`, role, disabled, id)
		if err != nil {
			return fmt.Errorf("store: unable to update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("store: unable to end sessions: %w", err)
			}
		}
		return nil
	})
}

// SetPassword replaces a user's password hash and ends all their sessions,
// with its audit entry, in one transaction: a new password never leaves an
// old session alive.
func (d *DB) SetPassword(ctx context.Context, u User, hash string, audit Audit) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, u.ID)
		if err != nil {
			return fmt.Errorf("store: unable to set the password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("store: unable to end the user's sessions: %w", err)
		}
		return audit.write(ctx, tx, u.TenantID, "user", u.ID, u.Email)
	})
}

// TouchLogin records a successful login.
func (d *DB) TouchLogin(ctx context.Context, id string) error {
	return d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET last_login = ? WHERE id = ?`, fmtTime(now()), id)
		return err
	})
}
