package db

import (
	"context"
	"database/sql"
	"fmt"

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

func renormalizeNames(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []struct{ table, scope string }{{"tenants", "''"}, {"hubs", "tenant_id"}, {"integrations", "hub_id"}} {
		if err := renormalizeTable(ctx, tx, t.table, t.scope); err != nil {
			return fmt.Errorf("db: unable to rewrite the name keys of %s: %w", t.table, err)
		}
	}
	return nil
}

func renormalizeTable(ctx context.Context, tx *sql.Tx, table, scope string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, `+scope+`, name, name_key FROM `+table+` ORDER BY created, id`)
	if err != nil {
		return err
	}
	type change struct{ id, name, key string }
	var changes []change
	taken := map[[2]string]bool{}
	for rows.Next() {
		var id, sc, name, stored string
		if err := rows.Scan(&id, &sc, &name, &stored); err != nil {
			rows.Close()
			return err
		}
		renamed, key := name, nameKey(name)
		for taken[[2]string{sc, key}] {
			renamed += " (" + id[:min(8, len(id))] + ")"
			key = nameKey(renamed)
		}
		taken[[2]string{sc, key}] = true
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
