package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// repairedFinalSigmaLeftovers is migration 13: what migration 0007 left
// behind in databases that ran it, which later code does not expect.
//
//   - Email keys folded ς to σ. 0007 as first released (d6a3445) rewrote
//     users.email_key, and the store of that release keyed new users the
//     same way; since d613616 an email's key keeps ς (emailKey), so such a
//     user ("σίσυφος@example.gr") could no longer sign in. Keys are
//     written again as emailKey does.
//   - Names over 100 characters. 0007 appends the start of the id in
//     parentheses to the later of two lookalikes without shortening it, so
//     a name of 90 to 100 characters became one the API and forms refuse
//     to save as it is (code 207): sending an integration back unchanged
//     failed. The name is shortened before its suffix, as migration 9
//     does, so it keeps to 100.
//
// It also drops the indexes that help 0007 run (finalSigmaHelpers), left
// behind only if the process stopped right after 0007.
func repairedFinalSigmaLeftovers() *goose.Migration {
	return goose.NewGoMigration(13, &goose.GoFunc{RunTx: repairFinalSigmaLeftovers}, &goose.GoFunc{RunTx: func(context.Context, *sql.Tx) error {
		return nil // the earlier code reads these keys and names as well as before
	}})
}

func repairFinalSigmaLeftovers(ctx context.Context, tx *sql.Tx) error {
	for _, q := range dropFinalSigmaHelpers {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := rekeyEmails(ctx, tx); err != nil {
		return fmt.Errorf("db: unable to rewrite the email keys: %w", err)
	}
	for _, t := range []struct{ table, scope string }{{"tenants", "''"}, {"hubs", "tenant_id"}, {"integrations", "hub_id"}} {
		if err := shortenLongNames(ctx, tx, t.table, t.scope); err != nil {
			return fmt.Errorf("db: unable to shorten the long names of %s: %w", t.table, err)
		}
	}
	return nil
}

// rekeyEmails writes every user's email_key as emailKey computes it.
func rekeyEmails(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, email, email_key FROM users`)
	if err != nil {
		return err
	}
	type change struct{ id, key string }
	var changes []change
	for rows.Next() {
		var id, email, stored string
		if err := rows.Scan(&id, &email, &stored); err != nil {
			rows.Close()
			return err
		}
		if k := emailKey(email); k != stored {
			changes = append(changes, change{id, k})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// Parked first, as in migration 9, so that no new key meets an old
	// one it replaces. Two addresses have one emailKey only if they differ
	// in case alone, which the keys never allowed, so no key is taken; if
	// one were, that user keeps the parked key (and the address can be
	// added again) rather than the upgrade failing.
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email_key = char(0) || id WHERE id = ?`, c.id); err != nil {
			return err
		}
	}
	for _, c := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE users SET email_key = ? WHERE id = ?`, c.key, c.id); err != nil {
			return err
		}
	}
	return nil
}

// shortenLongNames shortens the names of table longer than maxName
// characters. Only 0007's renames made such names: the suffix it appended
// is kept (a longer start of the id if that key is taken in the scope),
// and the name before it is cut.
func shortenLongNames(ctx context.Context, tx *sql.Tx, table, scope string) error {
	// SQLite's length() of a text counts characters, as utf8 does here.
	rows, err := tx.QueryContext(ctx, `SELECT id, `+scope+`, name FROM `+table+` WHERE length(name) > ? ORDER BY `+scope+`, created, id`, maxName)
	if err != nil {
		return err
	}
	type long struct{ id, scope, name string }
	var longs []long
	for rows.Next() {
		var l long
		if err := rows.Scan(&l.id, &l.scope, &l.name); err != nil {
			rows.Close()
			return err
		}
		longs = append(longs, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	taken := func(sc, key, id string) (bool, error) {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE `+scope+` = ? AND name_key = ? AND id <> ?`, sc, key, id).Scan(&one)
		if err == sql.ErrNoRows {
			return false, nil
		}
		return err == nil, err
	}
	for _, l := range longs {
		// 0007 appended the first 8 characters of the id; a name without
		// that suffix is only shortened.
		base, had := strings.CutSuffix(l.name, idSuffix(l.id, min(8, len(l.id))))
		renamed := truncateRunes(base, maxName)
		if had {
			renamed = withIDSuffix(base, l.id, min(8, len(l.id)))
		}
		key := nameKey(renamed)
		for n := 9; ; n++ {
			t, err := taken(l.scope, key, l.id)
			if err != nil {
				return err
			}
			if !t {
				break
			}
			renamed = withIDSuffix(base, l.id, n)
			key = nameKey(renamed)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET name = ?, name_key = ? WHERE id = ?`, renamed, key, l.id); err != nil {
			return err
		}
	}
	return nil
}
