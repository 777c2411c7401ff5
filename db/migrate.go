package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies pending migrations in order, each in its own transaction,
// recording them in goose's version table.
func migrate(ctx context.Context, w *sql.DB) error {
	p, err := migrations(w)
	if err != nil {
		return fmt.Errorf("db: unable to read migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: unable to migrate: %w", err)
	}
	return nil
}

// migrations are the SQL files under migrations/ and the Go ones.
func migrations(w *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, w, sub, goose.WithGoMigrations(renormalizedNames()))
}

// Migrate opens the database at path, applies pending migrations and closes it.
func Migrate(ctx context.Context, path string) error {
	d, err := Open(ctx, path, nil)
	if err != nil {
		return err
	}
	return d.Close()
}
