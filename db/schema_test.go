package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// schemaOf reads a database's schema version, failing the test on error.
func schemaOf(t *testing.T, path string) Schema {
	t.Helper()
	s, err := ReadSchema(context.Background(), path)
	if err != nil {
		t.Fatalf("schema of %s: %v", path, err)
	}
	return s
}

// TestBackupFileLeavesItsSourceAsItIs: a backup neither migrates nor
// creates its source: a database at an older schema is copied at that
// schema (the backup taken with the new binary before an upgrade is one
// the old binary opens), one at a newer schema is copied too, and a
// missing one is an error that creates nothing.
func TestBackupFileLeavesItsSourceAsItIs(t *testing.T) {
	ctx := context.Background()
	old, raw := schemaAt(t, 10)
	raw.Close()
	dst := filepath.Join(t.TempDir(), "old-backup.db")
	if err := BackupFile(ctx, old, dst); err != nil {
		t.Fatal(err)
	}
	if s := schemaOf(t, old); s.Current != 10 {
		t.Errorf("the source is at schema %d after a backup, want 10", s.Current)
	}
	if s := schemaOf(t, dst); s.Current != 10 {
		t.Errorf("the backup is at schema %d, want 10", s.Current)
	}

	_, newer := openTest(t)
	latest := schemaOf(t, newer).Latest
	bump, err := sql.Open("sqlite", dsn(newer, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bump.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, latest+1); err != nil {
		t.Fatal(err)
	}
	bump.Close()
	if err := BackupFile(ctx, newer, filepath.Join(t.TempDir(), "newer-backup.db")); err != nil {
		t.Errorf("backup of a newer schema: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "missing.db")
	err = BackupFile(ctx, missing, filepath.Join(t.TempDir(), "b.db"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "no database at "+missing) {
		t.Errorf("backup of a missing database: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a backup created its missing source: %v", err)
	}
}

// TestConcurrentBackupsToOneTarget: two processes (here goroutines, each
// with its own connection) backing up to one path at once both succeed,
// the file there is a whole database, and no temporary file is left.
func TestConcurrentBackupsToOneTarget(t *testing.T) {
	d, path := openTest(t)
	newHub(t, d, "Copied")
	dir := t.TempDir()
	dst := filepath.Join(dir, "nightly.db")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = BackupFile(context.Background(), path, dst)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("backup %d: %v", i, err)
		}
	}
	c, err := Open(context.Background(), dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if res, err := c.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity: %s %v", res, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A target written with a trailing slash names a directory: one that
// does not exist is refused, not made a file of that name.
func TestBackupToAMissingDirectory(t *testing.T) {
	_, path := openTest(t)
	dir := t.TempDir()
	err := BackupFile(context.Background(), path, filepath.Join(dir, "newdir")+"/")
	if err == nil || !strings.Contains(err.Error(), "newdir/ names a directory, which does not exist") {
		t.Errorf("backup to newdir/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "newdir")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("newdir was made: %v", err)
	}
}

// TestOpenCurrentRefusesAnOlderSchema: the commands beside serve and
// migrate open a database at an older schema only to refuse it, saying
// what to do, and leave it at its version; a new database they create
// and migrate.
func TestOpenCurrentRefusesAnOlderSchema(t *testing.T) {
	ctx := context.Background()
	old, raw := schemaAt(t, 14)
	raw.Close()
	_, err := OpenCurrent(ctx, old, nil)
	var ose *OlderSchemaError
	if !errors.Is(err, ErrOlderSchema) || !errors.As(err, &ose) || ose.Current != 14 {
		t.Fatalf("OpenCurrent at schema 14: %v", err)
	}
	for _, says := range []string{"is at schema 14", "hubadmin backup --db " + old + " --to FILE", "hubadmin migrate", old} {
		if !strings.Contains(err.Error(), says) {
			t.Errorf("the refusal does not say %q: %v", says, err)
		}
	}
	if s := schemaOf(t, old); s.Current != 14 {
		t.Errorf("refused, the database went to schema %d", s.Current)
	}

	fresh := filepath.Join(t.TempDir(), "new.db")
	if s := schemaOf(t, fresh); !s.Fresh() {
		t.Errorf("a missing file reads as schema %d", s.Current)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("ReadSchema created the file: %v", err)
	}
	d, err := OpenCurrent(ctx, fresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if s := schemaOf(t, fresh); s.Current != s.Latest {
		t.Errorf("a new database is at schema %d, want %d", s.Current, s.Latest)
	}
	if d, err = OpenCurrent(ctx, fresh, nil); err != nil {
		t.Fatalf("a current database: %v", err)
	}
	d.Close()
}

// TestCheckPath: paths SQLite would fail on with an error that does not
// say why are refused with one that does, and nothing is created.
func TestCheckPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "afile")
	os.WriteFile(file, nil, 0o600)
	for _, c := range []struct{ path, says string }{
		{"", "the database path is empty"},
		{dir, "is a directory"},
		{filepath.Join(file, "x.db"), file + " is a file, not a directory"},
		{filepath.Join(file, "a", "x.db"), file + " is a file, not a directory"},
	} {
		if err := CheckPath(c.path); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("CheckPath(%q): %v, want an error saying %q", c.path, err, c.says)
		}
	}
	for _, ok := range []string{filepath.Join(dir, "new.db"), filepath.Join(dir, "a", "b", "new.db"), file} {
		if err := CheckPath(ok); err != nil {
			t.Errorf("CheckPath(%q): %v", ok, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("CheckPath created files: %v", entries)
	}
	if os.Getuid() == 0 {
		t.Skip("root may write any file: the permission cases are shown by TestServeRefusesADatabaseItCannotWrite, run as another user")
	}
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	readOnly := filepath.Join(dir, "readonly.db")
	os.WriteFile(readOnly, nil, 0o400)
	for _, c := range []struct{ path, says string }{
		{filepath.Join(ro, "x.db"), ro + " is not writable by this process"},
		{readOnly, readOnly + " is not writable by this process"},
	} {
		if err := CheckPath(c.path); err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "chmod") {
			t.Errorf("CheckPath(%q): %v, want an error saying %q", c.path, err, c.says)
		}
	}
}

// TestReadKeyExplainsTheSize: a key file of the wrong size says it must
// hold 32 raw bytes, how to make one, and the likely cause when it is the
// right key written as text or with a line break after it.
func TestReadKeyExplainsTheSize(t *testing.T) {
	key := bytes.Repeat([]byte{0xab}, KeySize)
	for _, c := range []struct {
		name    string
		content []byte
		says    string
	}{
		{"newline", append(key[:len(key):len(key)], '\n'), "line break"},
		{"base64", []byte(base64.StdEncoding.EncodeToString(key) + "\n"), "base64"},
		{"hex", []byte(hex.EncodeToString(key)), "hex"},
		{"short", key[:10], "holds 10 bytes"},
	} {
		path := filepath.Join(t.TempDir(), "key")
		os.WriteFile(path, c.content, 0o600)
		_, err := ReadKey(path)
		if err == nil || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "exactly 32 raw bytes") ||
			!strings.Contains(err.Error(), "head -c 32 /dev/urandom > FILE; chmod 600 FILE") {
			t.Errorf("%s: %v", c.name, err)
		}
		if _, err := LoadOrCreateKey(path); err == nil {
			t.Errorf("%s: LoadOrCreateKey took it", c.name)
		}
	}
}

// A tenant name that is another tenant's id would make --tenant (an id or
// a name) name two tenants.
func TestTenantNameCannotBeAnID(t *testing.T) {
	d, _ := openTest(t)
	for _, ref := range []string{DefaultTenantID, "default", " DEFAULT "} {
		if !IsDefaultTenantRef(strings.TrimSpace(ref)) {
			t.Errorf("%q does not name the default tenant", ref)
		}
		if _, err := d.TenantByRef(context.Background(), strings.TrimSpace(ref)); err != nil {
			t.Errorf("TenantByRef(%q): %v", ref, err)
		}
	}
	if IsDefaultTenantRef("Acme") {
		t.Error("Acme names the default tenant")
	}
	for _, name := range []string{DefaultTenantID, " " + strings.ToUpper(DefaultTenantID), "6f9619ff-8b86-d011-b42d-00c04fc964ff"} {
		_, err := d.CreateTenant(context.Background(), name)
		if !errors.Is(err, ErrTenantNameIsID) {
			t.Errorf("tenant named %q: %v", name, err)
		}
	}
}
