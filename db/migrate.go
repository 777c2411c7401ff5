package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNewerSchema is a database migrated by a later hubadmin than this one:
// this binary does not know what those migrations changed, and its writes
// could break what they set up (names compared another way, say). The
// backup taken before the upgrade goes with the older binary.
var ErrNewerSchema = errors.New("the database was migrated by a newer hubadmin")

// migrate applies pending migrations in order, each in its own transaction,
// recording them in goose's version table. A database already migrated
// past the last migration this binary knows is refused (ErrNewerSchema):
// goose would apply nothing and say nothing.
func migrate(ctx context.Context, w *sql.DB) error {
	p, err := migrations(w)
	if err != nil {
		return fmt.Errorf("db: unable to read migrations: %w", err)
	}
	current, latest, err := p.GetVersions(ctx)
	if err != nil {
		return fmt.Errorf("db: unable to read the schema version: %w", err)
	}
	if current > latest {
		return fmt.Errorf("%w: its schema is version %d, and this binary knows versions up to %d; "+
			"run the newer binary, or restore the backup taken before the upgrade", ErrNewerSchema, current, latest)
	}
	if current < 7 {
		if err := upThroughFinalSigma(ctx, p, w); err != nil {
			return fmt.Errorf("db: unable to migrate: %w", err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: unable to migrate: %w", err)
	}
	return nil
}

// finalSigmaHelpers index each scope's keys with ς written σ, which is what
// migration 0007 compares every key holding a sigma with: without them,
// each such row read its whole scope (a hub of 10,000 Greek names took
// minutes, growing with the square of the hub's size; a fraction of a
// second with them). 0007 is released and stays as it is; these only
// exist while it runs. The expressions must be 0007's own, or SQLite does
// not use them (TestFinalSigmaHelpersServeMigration7).
var finalSigmaHelpers = []string{
	`CREATE INDEX IF NOT EXISTS migration7_tenants ON tenants (replace(name_key, 'ς', 'σ'))`,
	`CREATE INDEX IF NOT EXISTS migration7_hubs ON hubs (tenant_id, replace(name_key, 'ς', 'σ'))`,
	`CREATE INDEX IF NOT EXISTS migration7_integrations ON integrations (hub_id, replace(name_key, 'ς', 'σ'))`,
}

// dropFinalSigmaHelpers removes them after 7, and again in migration 13 in
// case the process stopped between the two.
var dropFinalSigmaHelpers = []string{
	`DROP INDEX IF EXISTS migration7_tenants`,
	`DROP INDEX IF EXISTS migration7_hubs`,
	`DROP INDEX IF EXISTS migration7_integrations`,
}

// upThroughFinalSigma migrates a database from before migration 7 up to
// 7, with finalSigmaHelpers there while 7 runs.
func upThroughFinalSigma(ctx context.Context, p *goose.Provider, w *sql.DB) error {
	if _, err := p.UpTo(ctx, 6); err != nil {
		return err
	}
	for _, q := range finalSigmaHelpers {
		if _, err := w.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	_, err := p.UpTo(ctx, 7)
	for _, q := range dropFinalSigmaHelpers { // also after a failure
		if _, derr := w.ExecContext(ctx, q); derr != nil && err == nil {
			err = derr
		}
	}
	return err
}

// migrations are the SQL files under migrations/ and the Go ones.
func migrations(w *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, w, sub,
		goose.WithGoMigrations(renormalizedNames(), repairedFinalSigmaLeftovers()))
}

// Migrate opens the database at path, applies pending migrations and closes it.
func Migrate(ctx context.Context, path string) error {
	d, err := Open(ctx, path, nil)
	if err != nil {
		return err
	}
	return d.Close()
}
