package db

import (
	"context"
	"database/sql"
	"fmt"
	"unicode/utf8"

	"github.com/pressly/goose/v3"
)

// renormalizedNames is migration 9: name keys become NFKC (nameKey), so
// the keys stored before are written again. Names that were told apart
// only by their encoding ("Émile" precomposed and decomposed in one hub)
// were duplicates all along: as in migration 0007, the later one (by
// created, then id) gets the start of its id appended to its name, so
// both stay writable and an operator can tell them apart. It is Go, not
// SQL: NFKC is not something SQLite can compute.
func renormalizedNames() *goose.Migration {
	return goose.NewGoMigration(9, &goose.GoFunc{RunTx: renormalizeNames}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error {
		return nil // the earlier code reads NFKC keys as well as before
	}})
}

// foldedNames is migration 16: name keys are case-folded as Unicode folds
// case for comparing (nameKey), not lowered, so "Straße" and "STRASSE"
// are one name; the keys stored before are written again, and duplicates
// found so are told apart as in migration 9.
func foldedNames() *goose.Migration {
	return goose.NewGoMigration(16, &goose.GoFunc{RunTx: renormalizeNames}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error {
		return nil // the earlier code finds folded keys as it found lowered ones, but for the few letters folding changes
	}})
}

// ignoringNames is migration 17: name keys leave out the invisible
// characters a name may hold (nameKey), so "Sup\u200dport" and "Support"
// are one name; the keys stored before are written again, and duplicates
// found so are told apart as in migration 9.
func ignoringNames() *goose.Migration {
	return goose.NewGoMigration(17, &goose.GoFunc{RunTx: renormalizeNames}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error {
		return nil // the earlier code finds these keys as before, but for names holding a joiner
	}})
}

func renormalizeNames(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []struct{ table, scope string }{{"tenants", "''"}, {"hubs", "tenant_id"}, {"integrations", "hub_id"}} {
		if err := renormalizeTable(ctx, tx, t.table, t.scope); err != nil {
			return fmt.Errorf("db: unable to rewrite the name keys of %s: %w", t.table, err)
		}
	}
	return nil
}

func renormalizeTable(ctx context.Context, tx *sql.Tx, table, scope string) error {
	// Scope by scope (the tables' scope indexes give that order without a
	// sort), so only one scope's keys are held at a time.
	rows, err := tx.QueryContext(ctx, `SELECT id, `+scope+`, name, name_key FROM `+table+` ORDER BY `+scope+`, created, id`)
	if err != nil {
		return err
	}
	type change struct{ id, name, key string }
	var changes []change
	taken := map[string]bool{}
	last := ""
	for rows.Next() {
		var id, sc, name, stored string
		if err := rows.Scan(&id, &sc, &name, &stored); err != nil {
			rows.Close()
			return err
		}
		if sc != last {
			clear(taken)
			last = sc
		}
		renamed, key := name, nameKey(name)
		for n := 8; taken[key]; n++ {
			renamed = withIDSuffix(name, id, n)
			key = nameKey(renamed)
		}
		taken[key] = true
		if renamed != name || key != stored {
			changes = append(changes, change{id, renamed, key})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Every changed key is parked first, so that no final key meets a
	// stored one it replaces (UNIQUE holds after every statement).
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET name_key = char(0) || id WHERE id = ?`, c.id); err != nil {
			return err
		}
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET name = ?, name_key = ? WHERE id = ?`, c.name, c.key, c.id); err != nil {
			return err
		}
	}
	return nil
}

// maxName is the length of a name the API and forms accept.
const maxName = 100

// idSuffix is what tells a renamed duplicate apart: the first n characters
// of its id in parentheses, or, once n passes the id's length, the whole
// id and a count.
func idSuffix(id string, n int) string {
	if n > len(id) {
		return fmt.Sprintf(" (%s %d)", id, n-len(id))
	}
	return " (" + id[:n] + ")"
}

// withIDSuffix is name with idSuffix(id, n), shortened before the suffix
// to keep to maxName characters, so that it can still be saved as it is.
func withIDSuffix(name, id string, n int) string {
	suffix := idSuffix(id, n)
	return truncateRunes(name, maxName-utf8.RuneCountInString(suffix)) + suffix
}

// truncateRunes keeps the first n characters of s.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
