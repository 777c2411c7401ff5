package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DefaultTenantID is the tenant made by the first migration.
const DefaultTenantID = "00000000-0000-0000-0000-000000000001"

// DefaultTenantName is the default tenant's name (migration 1).
const DefaultTenantName = "Default"

// Tenant is an organisation; users, tokens and hubs belong to one.
type Tenant struct {
	ID      string
	Name    string
	Created time.Time
}

// CreateTenant adds a tenant; a name already taken (any case), or one that
// is another tenant's id, is a *ConflictError (What "name" or "id").
func (d *DB) CreateTenant(ctx context.Context, name string) (Tenant, error) {
	if err := CheckTenantName(name); err != nil {
		return Tenant{}, err
	}
	t := Tenant{ID: uuid.NewString(), Name: strings.TrimSpace(name), Created: now()}
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (id, name, name_key, created) VALUES (?, ?, ?, ?)`,
			t.ID, t.Name, nameKey(t.Name), fmtTime(t.Created))
		return err
	})
	if isUnique(err) {
		return Tenant{}, &ConflictError{What: "name"}
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("store: unable to create tenant: %w", err)
	}
	return t, nil
}

// ErrTenantNameIsID is a tenant name in the form of an id (a UUID):
// --tenant takes an id or a name, and every tenant's id has that form, so
// such a name could name two tenants.
var ErrTenantNameIsID = errors.New("a tenant's name cannot have the form of an id (a UUID), since --tenant takes either")

// CheckTenantName is CreateTenant's rule for a name, for callers that
// check before they open the database.
func CheckTenantName(name string) error {
	if _, err := uuid.Parse(strings.TrimSpace(name)); err == nil {
		return ErrTenantNameIsID
	}
	return nil
}

// IsDefaultTenantRef reports a --tenant that names the default tenant, by
// its id or its name, as TenantByRef matches them.
func IsDefaultTenantRef(ref string) bool {
	return ref == DefaultTenantID || nameKey(ref) == nameKey(DefaultTenantName)
}

// TenantByRef finds a tenant by id or by name (any case).
func (d *DB) TenantByRef(ctx context.Context, ref string) (Tenant, error) {
	var t Tenant
	var created string
	err := d.lookup(ctx, `SELECT id, name, created FROM tenants WHERE id = ? OR name_key = ?`,
		ref, nameKey(ref)).Scan(&t.ID, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Tenant{}, ErrNotFound
	}
	if err != nil {
		return Tenant{}, fmt.Errorf("store: unable to fetch tenant: %w", err)
	}
	t.Created = parseTime(created)
	return t, nil
}

// nameKey is the identity of a name: two names with one key are one name.
// It is the name in Unicode's compatibility composition (NFKC: "É" typed as
// one character or as E and a combining accent, fullwidth "Ｓ" and "S",
// the ligature "ﬁ" and "fi" look alike and are alike), case-folded as
// Unicode folds case for comparing (ß, ẞ and ss are one, as are ς and σ),
// and composed again (folding can take a letter apart). The invisible
// characters a name may hold for emoji and scripts that need them (the
// zero-width joiners, variation selectors, tag characters) are left out,
// as Unicode's own NFKC_Casefold leaves out every default-ignorable one:
// "Sup\u200dport" and "Support" read alike and are one name.
// Migrations 0007, 9, 16 and 17 rewrote the keys stored before.
func nameKey(s string) string {
	s = strings.Map(func(r rune) rune {
		if ignorable(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	// A Caser keeps state: one per call (they are cheap), never shared.
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(s)))
}

// ignorable reports a default-ignorable code point (Unicode's
// Default_Ignorable_Code_Point, which Go has no table of: the format
// characters, the variation selectors and the other ignorable ones).
func ignorable(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// emailKey is an email address compared in any case. Unlike names, ς and σ
// stay apart: in an address they are different letters of different
// mailboxes.
func emailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// isForeignKey reports a write that refers to a row deleted meanwhile (an
// integration created in a hub being deleted); the store answers those with
// ErrNotFound.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
