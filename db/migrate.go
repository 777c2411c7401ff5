package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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
		return newerSchema(current, latest)
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
		goose.WithGoMigrations(renormalizedNames(), repairedFinalSigmaLeftovers(), foldedNames(), ignoringNames()))
}

// Migrate opens the database at path, applies pending migrations and
// closes it. It returns the schema version before and after.
func Migrate(ctx context.Context, path string) (from, to int64, err error) {
	before, err := ReadSchema(ctx, path)
	if err != nil {
		return 0, 0, err
	}
	d, err := Open(ctx, path, nil)
	if err != nil {
		return 0, 0, err
	}
	if err := d.Close(); err != nil {
		return 0, 0, err
	}
	return before.Current, before.Latest, nil
}

// Schema is a database's schema version beside this binary's.
type Schema struct {
	Current int64 // 0: no schema yet (no file, an empty one, or one never migrated)
	Latest  int64 // the last migration this binary knows
}

// Fresh reports a database with no schema yet: a new install.
func (s Schema) Fresh() bool { return s.Current == 0 }

// ReadSchema reads the schema version of the database at path without
// creating or changing anything (an existing file is opened read-write
// but not written: see readMode), and a missing one is Fresh.
func ReadSchema(ctx context.Context, path string) (Schema, error) {
	c, err := sql.Open("sqlite", "file:"+path+"?mode="+readMode(path)+"&_pragma=busy_timeout(10000)")
	if err != nil {
		return Schema{}, err
	}
	defer c.Close()
	latest, err := latestVersion(c)
	if err != nil {
		return Schema{}, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return Schema{Latest: latest}, nil
	}
	current, err := schemaVersion(ctx, c)
	if err != nil {
		return Schema{}, fmt.Errorf("db: unable to read the schema version of %s: %w", path, err)
	}
	return Schema{Current: current, Latest: latest}, nil
}

// readMode opens an existing database read-write, so that closing the
// last connection to it removes the -wal and -shm that a read-only one
// leaves behind (nothing is written; callers checked the path writable),
// and a missing one read-only, which creates nothing.
func readMode(path string) string {
	if _, err := os.Stat(path); err == nil {
		return "rw"
	}
	return "ro"
}

// latestVersion is the last migration this binary knows. Building the
// provider does not touch the database.
func latestVersion(c *sql.DB) (int64, error) {
	p, err := migrations(c)
	if err != nil {
		return 0, fmt.Errorf("db: unable to read migrations: %w", err)
	}
	var latest int64
	for _, s := range p.ListSources() {
		latest = max(latest, s.Version)
	}
	return latest, nil
}

// schemaVersion reads goose's version table as goose does (its highest
// version), without goose, which would create the table when it is missing.
func schemaVersion(ctx context.Context, c *sql.DB) (int64, error) {
	var tables int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&tables); err != nil {
		return 0, err
	}
	if tables == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	err := c.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&v)
	return v.Int64, err
}

func newerSchema(current, latest int64) error {
	return fmt.Errorf("%w: its schema is version %d, and this binary knows versions up to %d; "+
		"run the newer binary, or restore the backup taken before the upgrade", ErrNewerSchema, current, latest)
}

// Check refuses, before anything is opened for writing (a key file made),
// what Open (upgrade) or OpenCurrent would refuse: a newer schema, and an
// older one without upgrade.
func (s Schema) Check(path string, upgrade bool) error {
	if s.Current > s.Latest {
		return newerSchema(s.Current, s.Latest)
	}
	if !upgrade && !s.Fresh() && s.Current < s.Latest {
		abs, _ := filepath.Abs(path)
		return &OlderSchemaError{Path: abs, Current: s.Current, Latest: s.Latest}
	}
	return nil
}

// ErrOlderSchema is a database not yet migrated to this binary's schema,
// opened by a command that does not migrate (OpenCurrent).
var ErrOlderSchema = errors.New("the database needs migrating")

// OlderSchemaError says which database, at which version, and what to do.
type OlderSchemaError struct {
	Path            string
	Current, Latest int64
}

func (e *OlderSchemaError) Error() string {
	return fmt.Sprintf("database %s is at schema %d; this hubadmin needs %d: stop the server, take a backup "+
		"(hubadmin backup --db %s --to FILE), then run hubadmin migrate", e.Path, e.Current, e.Latest, e.Path)
}

func (e *OlderSchemaError) Is(target error) bool { return target == ErrOlderSchema }

// refuseOlder is OpenCurrent's check, on the connection that would migrate.
func refuseOlder(ctx context.Context, w *sql.DB, path string) error {
	latest, err := latestVersion(w)
	if err != nil {
		return err
	}
	current, err := schemaVersion(ctx, w)
	if err != nil {
		return fmt.Errorf("db: unable to read the schema version: %w", err)
	}
	return Schema{Current: current, Latest: latest}.Check(path, false)
}
