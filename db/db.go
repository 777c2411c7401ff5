// Package db is hubadmin's store. It is the only package that writes SQL.
//
// SQLite is opened twice on one file, as PocketBase does: a writer pool of one
// connection whose transactions start IMMEDIATE (so concurrent writers queue
// in Go instead of failing with SQLITE_BUSY) and a reader pool for queries.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors. Callers test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrStale: an update's row changed after the caller read it (another
	// update committed first). The caller reads it again and reapplies its
	// change, so neither update is lost.
	ErrStale = errors.New("changed since read")
)

// checkVersion is an update's guard against lost updates: the row's stored
// modified time must still be the one the caller read (read). It returns
// the new modified time, always later than read, so that every update
// moves the version on, even two within one microsecond.
func checkVersion(ctx context.Context, tx *Tx, q, id string, read time.Time) (time.Time, error) {
	var stored string
	err := tx.QueryRowContext(ctx, q, id).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: unable to read the row's version: %w", err)
	}
	if !parseTime(stored).Equal(read) {
		return time.Time{}, ErrStale
	}
	t := now()
	if !t.After(read) {
		t = read.Add(time.Microsecond)
	}
	return t, nil
}

// ConflictError says which unique rule a write broke; it matches ErrConflict.
type ConflictError struct {
	What string // "name", "channel"
	// For "channel", the integration holding it, if it is of the same
	// tenant as the write; all empty for another tenant's, whose names
	// and ids are not told.
	Holder    string // its name
	HolderID  string // its integrationId
	HolderHub string // its hub's name
}

func (e *ConflictError) Error() string        { return "conflict on " + e.What }
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// DB is the store.
type DB struct {
	write *sql.DB
	read  *sql.DB
	seal  *Sealer
	path  string
	// stmts caches the readers' prepared statements by SQL text: parsing
	// SQL was a sixth of a list request's CPU. The set of texts is bounded
	// (the filters combine a handful of fixed clauses).
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	// jobs feeds the writer goroutine (see tx); quit stops it.
	jobs       chan writeJob
	quit       chan struct{}
	writerDone chan struct{}
	closeOnce  sync.Once
	// tokens caches live API tokens (token_cache.go).
	tokens tokenCache
	// ckpt is the checkpointer's connection; committed wakes it after a
	// commit; checkpoints counts the checkpoints it ran (for tests).
	ckpt        *sql.DB
	committed   chan struct{}
	ckptDone    chan struct{}
	checkpoints atomic.Int64
}

// prepared returns the cached reader statement for q, preparing it once.
func (d *DB) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	if st, ok := d.stmts[q]; ok {
		return st, nil
	}
	st, err := d.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if d.stmts == nil {
		d.stmts = map[string]*sql.Stmt{}
	}
	d.stmts[q] = st
	return st, nil
}

// queryRow runs a single-row read through a cached prepared statement.
func (d *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := d.prepared(ctx, q)
	if err != nil {
		return d.read.QueryRowContext(ctx, q, args...) // carries the error
	}
	return st.QueryRowContext(ctx, args...)
}

// lookup runs a read of one row found by a primary or unique key. Such a
// read takes microseconds whatever the data's size, so it runs without
// ctx's cancellation or deadline: a cancellable context costs each query
// two watcher goroutines (one in database/sql, one in the driver) waiting
// for an end that cannot come in time to matter; they were a fifth of a
// GET's server time. Its only wait is for a free reader connection, which
// the other reads' deadlines bound. Reads whose time grows with the data
// keep ctx.
func (d *DB) lookup(ctx context.Context, q string, args ...any) *sql.Row {
	return d.queryRow(context.WithoutCancel(ctx), q, args...)
}

// query runs a read through a cached prepared statement.
func (d *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := d.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// readers is the size of the reader pool. WAL readers never wait for one
// another, and Go runs every request in flight at once, so a pool sized by
// the CPUs (it was 2 per CPU) made requests queue for a connection while
// others held theirs between time slices: under 32 concurrent hub pages
// on 2 CPUs, that queue was ~85 % of the handler's time (p50 4.5 ms, 0.5 ms
// without it) for no more throughput. Each connection costs its page cache
// (readerCacheKiB, filled as used) and its parsed schema (~25 KB), so the
// pool stays bounded: 16 on 2 CPUs, 4 per CPU above that.
func readers(cpus int) int { return max(16, 4*cpus) }

// Synchronous is SQLite's synchronous setting. FULL: a commit's WAL frames
// are on the disk (fsync) before the COMMIT returns, so a write answered
// 200 survives a power loss or an operating system crash, not only a crash
// of this process as with NORMAL, which rolls back the last commits on a
// power loss: a revoked token or a deleted integration could come back.
// Group commit shares each fsync among the writes waiting; A/B runs on a
// 2-CPU VM put the cost at ~15-20 % of create and update throughput.
const Synchronous = "FULL"

// pragmas are applied to every connection; busy_timeout first so the others
// wait rather than fail while another process holds a lock.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"foreign_keys(ON)",
	"synchronous(" + Synchronous + ")",
	"temp_store(MEMORY)",
	// Deleted rows are overwritten, not left in free pages: a deleted
	// integration's sealed secrets, webhook URL and deliveries would
	// otherwise stay readable in the file (and in any copy of it). FAST
	// leaves freed pages as they were. Creates free nothing; A/B runs of
	// creates and updates showed no difference beyond the noise.
	"secure_delete(ON)",
}

// Page caches, in KiB per connection. The writer's holds the b-tree pages
// every insert walks (nine indexes, the table, the counts). The readers'
// are small: their pages come from the operating system's cache at random
// (no per-connection cache holds a large database), and a full cache costs
// about twice its size in resident memory (32 goroutines reading a 100k
// database through 16 readers: RssAnon 76 MiB at 2,000 KiB each, 44 MiB
// at 1,000, 27 MiB at 500; 4 readers at 2,000 KiB, as before, 28 MiB).
// At 2 MiB each, 16 readers put the built binary's peak RSS at 123 MiB
// under the benchmark on 1,000,000 rows (target 100). A/B runs showed no
// loss of throughput for lists or lookups at 512 KiB.
const (
	writerCacheKiB = 2000
	readerCacheKiB = 512
)

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		// Readers never write; query_only makes a stray write fail loudly.
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", readerCacheKiB))
	} else {
		q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", writerCacheKiB))
		// BEGIN IMMEDIATE for any transaction begun through database/sql
		// (the writer goroutine begins its own with BEGIN IMMEDIATE).
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies pending
// migrations: serve and migrate. seal encrypts secret values; it may be nil
// only for commands that never touch secrets (migrate).
func Open(ctx context.Context, path string, seal *Sealer) (*DB, error) {
	return open(ctx, path, seal, true)
}

// OpenCurrent opens the database at path only if its schema is this
// binary's, or if it has none yet (a new install: it is created and
// migrated). An older schema is an *OlderSchemaError: the commands beside
// serve must not change the schema under a server of the older version
// still running on it; upgrading is the operator's step (hubadmin migrate).
func OpenCurrent(ctx context.Context, path string, seal *Sealer) (*DB, error) {
	return open(ctx, path, seal, false)
}

func open(ctx context.Context, path string, seal *Sealer, upgrade bool) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("db: unable to create directory: %w", err)
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("db: unable to create %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("db: unable to open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: unable to open %s: %w", path, err)
	}
	if !upgrade {
		if err := refuseOlder(ctx, w, path); err != nil {
			w.Close()
			return nil, err
		}
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := checkKey(ctx, w, seal); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: unable to open reader: %w", err)
	}
	n := readers(runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	ck, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("db: unable to open checkpointer: %w", err)
	}
	ck.SetMaxOpenConns(1)
	d := &DB{write: w, read: r, ckpt: ck, seal: seal, path: path,
		jobs: make(chan writeJob), quit: make(chan struct{}), writerDone: make(chan struct{}),
		committed: make(chan struct{}, 1), ckptDone: make(chan struct{})}
	go d.writer()
	go d.checkpointer()
	return d, nil
}

// createPrivate creates the database file, empty, readable by its owner
// only, unless it exists. It holds password and token hashes, emails,
// webhook URLs and the audit log; SQLite gives the -wal and -shm files the
// database file's mode, and backups are made 0600 too. An existing file
// keeps the mode its owner gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// checkKey refuses a secret key that did not seal the stored secrets (a
// key file lost and made anew, or another installation's): started with
// it, every integration with secrets would fail to open, one request at
// a time. One sealed row is enough to tell; rows are sealed with the key
// current at their last write, and a sealer knows its old keys too.
func checkKey(ctx context.Context, c *sql.DB, seal *Sealer) error {
	if seal == nil {
		return nil
	}
	var id string
	err := c.QueryRowContext(ctx, `SELECT key_id FROM integrations WHERE length(secrets) > 0 LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("db: unable to check the secret key: %w", err)
	}
	if !seal.Knows(id) {
		return fmt.Errorf("%w: the stored secrets were sealed with key %s, and the secret key file holds key %s; "+
			"start with the key file this database was created with (--secret-key-file)", ErrWrongKey, id, seal.CurrentID())
	}
	return nil
}

// ErrWrongKey is a secret key that does not open the stored secrets.
var ErrWrongKey = errors.New("the secret key does not open this database's secrets")

// HasSealedSecrets reports whether the database at path exists and holds
// secrets sealed with some key: a missing key file is then lost, not new,
// and must not be made anew. It opens the file read-only and changes
// nothing (a file not yet migrated holds none).
func HasSealedSecrets(ctx context.Context, path string) (bool, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	// mode=rw, not ro: the last connection to a WAL database that closes
	// removes its -wal and -shm, which a read-only one leaves behind. The
	// file exists (no create) and its path was checked writable.
	c, err := sql.Open("sqlite", "file:"+path+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return false, err
	}
	defer c.Close()
	var tables int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'integrations'`).Scan(&tables); err != nil {
		return false, fmt.Errorf("db: unable to read %s: %w", path, err)
	}
	if tables == 0 {
		return false, nil
	}
	var one int
	err = c.QueryRowContext(ctx, `SELECT 1 FROM integrations WHERE length(secrets) > 0 LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// checkpointEvery is how often the checkpointer looks for new commits.
const checkpointEvery = 100 * time.Millisecond

// checkpointer copies committed WAL frames into the database file on its
// own connection. SQLite's automatic checkpoint runs inside the COMMIT
// that crosses 1,000 pages, stalling the one writer (and every write
// waiting on it) for the copy and its fsync; the writer's connection has
// it off, and this goroutine runs PASSIVE checkpoints beside it, which
// never block the writer or readers.
func (d *DB) checkpointer() {
	defer close(d.ckptDone)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	pending := false
	for {
		select {
		case <-d.quit:
			return
		case <-d.committed:
			pending = true
			continue
		case <-t.C:
		}
		if !pending {
			continue
		}
		pending = false
		var busy, logFrames, done int
		if err := d.ckpt.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done); err == nil {
			d.checkpoints.Add(1)
		}
	}
}

// Close closes both pools; the WAL is checkpointed by SQLite on the last close.
func (d *DB) Close() error {
	d.closeOnce.Do(func() { close(d.quit) })
	<-d.writerDone
	<-d.ckptDone
	d.stmtMu.Lock()
	for _, st := range d.stmts {
		st.Close()
	}
	d.stmts = nil
	d.stmtMu.Unlock()
	return errors.Join(d.read.Close(), d.ckpt.Close(), d.write.Close())
}

// Stats returns the connection pool statistics of the writer and the
// reader pools (for /metrics).
func (d *DB) Stats() (writer, reader sql.DBStats) {
	return d.write.Stats(), d.read.Stats()
}

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Pragma returns the value of a pragma as a reader connection, or the
// writer's connection, sees it (tests use it to prove the DSN pragmas took
// effect).
func (d *DB) Pragma(ctx context.Context, name string, writer bool) (string, error) {
	var v string
	if writer {
		// The writer goroutine holds the one write connection.
		err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
			return tx.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
		})
		return v, err
	}
	err := d.read.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// tx runs fn in a write transaction and returns once it is committed (or
// refused). Writes go through one writer goroutine that commits whatever is
// waiting together (group commit): each fn runs in its own SAVEPOINT, so
// its changes stand or fall alone, and every caller hears back only after
// the COMMIT that made its change durable. Under load many writes share
// one WAL append; alone, a write is a plain transaction.
func (d *DB) tx(ctx context.Context, fn func(context.Context, *Tx) error) error {
	j := writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case d.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-d.quit:
		return ErrClosed
	}
	// Once taken, a job runs to its end: the answer says what happened.
	return <-j.done
}

// ErrClosed is a write after Close.
var ErrClosed = errors.New("db: closed")

// IsDiskFull reports whether err is a write refused for want of space:
// the disk (SQLite answers a write's ENOSPC with SQLITE_FULL) or the
// database's page limit. Nothing of the write was kept; reads still work.
func IsDiskFull(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL || errors.Is(err, syscall.ENOSPC)
}

type writeJob struct {
	ctx  context.Context
	fn   func(context.Context, *Tx) error
	done chan error
}

// maxBatch bounds how many writes share a transaction.
const maxBatch = 128

// writer is the single goroutine that owns the write connection.
func (d *DB) writer() {
	defer close(d.writerDone)
	conn, err := d.write.Conn(context.Background())
	if err != nil {
		// Nothing can be written: every job hears why.
		for {
			select {
			case j := <-d.jobs:
				j.done <- fmt.Errorf("db: no write connection: %w", err)
			case <-d.quit:
				return
			}
		}
	}
	// The checkpointer goroutine checkpoints instead (see checkpointer); if
	// this failed, SQLite's own automatic checkpoints simply stay on.
	_, _ = conn.ExecContext(context.Background(), "PRAGMA wal_autocheckpoint=0")
	t := &Tx{conn: conn, stmts: map[string]*sql.Stmt{}}
	defer func() {
		for _, st := range t.stmts {
			st.Close()
		}
		conn.Close()
	}()
	for {
		var first writeJob
		select {
		case first = <-d.jobs:
		case <-d.quit:
			return
		}
		batch := []writeJob{first}
		for yielded := false; ; yielded = true {
		gather:
			for len(batch) < maxBatch {
				select {
				case j := <-d.jobs:
					batch = append(batch, j)
				default:
					break gather
				}
			}
			// Under load (more than one write was waiting), let the
			// handlers that are about to submit theirs run once: a commit
			// writes every page it changed to the WAL, so a larger batch
			// shares those writes among more callers. Alone, a write does
			// not wait.
			if yielded || len(batch) == 1 || len(batch) >= maxBatch {
				break
			}
			runtime.Gosched()
		}
		d.runBatch(t, batch)
	}
}

// Tx is the writer's transaction as a job sees it. Its statements are
// prepared once on the writer's connection and kept: parsing the SQL of
// every INSERT anew was an eighth of a create's CPU.
type Tx struct {
	conn  *sql.Conn
	stmts map[string]*sql.Stmt // only the writer goroutine touches it
}

func (t *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(t.stmts) < 256 { // the texts are fixed; the bound is a safety net
		t.stmts[q] = st
	}
	return st, nil
}

// ExecContext runs a statement in the transaction.
func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return t.conn.QueryRowContext(ctx, q, args...) // carries the error
	}
	return st.QueryRowContext(ctx, args...)
}

func (d *DB) runBatch(t *Tx, batch []writeJob) {
	ctx := context.Background()
	fail := func(err error) {
		for _, j := range batch {
			j.done <- err
		}
	}
	rollback := func() { t.ExecContext(ctx, "ROLLBACK") }
	if _, err := t.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		fail(fmt.Errorf("db: unable to begin: %w", err))
		return
	}
	results := make([]error, len(batch))
	single := len(batch) == 1
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err // gave up while waiting: never started
			continue
		}
		if single {
			results[i] = runJob(t, j)
			continue
		}
		if _, err := t.ExecContext(ctx, "SAVEPOINT job"); err != nil {
			rollback()
			fail(fmt.Errorf("db: unable to begin a savepoint: %w", err))
			return
		}
		if results[i] = runJob(t, j); results[i] != nil {
			if _, err := t.ExecContext(ctx, "ROLLBACK TO job"); err != nil {
				rollback()
				fail(fmt.Errorf("db: unable to roll back a savepoint: %w", err))
				return
			}
		}
		if _, err := t.ExecContext(ctx, "RELEASE job"); err != nil {
			rollback()
			fail(fmt.Errorf("db: unable to release a savepoint: %w", err))
			return
		}
	}
	if single && results[0] != nil {
		rollback()
		batch[0].done <- results[0]
		return
	}
	if _, err := t.ExecContext(ctx, "COMMIT"); err != nil {
		rollback()
		fail(fmt.Errorf("db: unable to commit: %w", err))
		return
	}
	select {
	case d.committed <- struct{}{}:
	default: // already woken
	}
	for i, j := range batch {
		j.done <- results[i]
	}
}

// runJob runs one write. Its context is detached from cancellation: an
// interrupted statement would roll back the whole shared transaction.
func runJob(t *Tx, j writeJob) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("db: write panicked: %v", r)
		}
	}()
	return j.fn(context.WithoutCancel(j.ctx), t)
}

// Backup writes a consistent copy of the database to dst (BackupFile).
func (d *DB) Backup(ctx context.Context, dst string) error {
	return BackupFile(ctx, d.path, dst)
}

// BackupFile writes a consistent copy of the database at src to dst:
// VACUUM INTO a temporary file beside dst, integrity_check on the copy,
// then rename. It neither creates nor migrates src, whatever its schema
// version: a backup taken with a new binary before an upgrade must be the
// old database, which the old binary opens, and the live one must stay
// as it was.
func BackupFile(ctx context.Context, src, dst string) error {
	if src == "" {
		return errors.New("backup: the database path is empty; --db names the database to copy")
	}
	srcAbs, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if st, err := os.Stat(srcAbs); errors.Is(err, os.ErrNotExist) {
		return &MissingError{Path: srcAbs}
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	} else if !st.Mode().IsRegular() {
		return fmt.Errorf("backup: the database %s is %s, not a database file", srcAbs, fileKind(st.Mode()))
	}
	// filepath.Abs drops a trailing slash: "newdir/" would become a file
	// named newdir.
	if dst != "" && os.IsPathSeparator(dst[len(dst)-1]) { // "/" on Windows too
		if st, err := os.Stat(dst); err != nil || !st.IsDir() {
			return fmt.Errorf("backup: %s names a directory, which does not exist; name a file", dst)
		}
	}
	abs, err := filepath.Abs(dst)
	if err != nil {
		return err
	}
	// A link (latest.db → a dated file) is followed: the file it names is
	// replaced, and the link still names it.
	if st, err := os.Lstat(abs); err == nil && st.Mode()&os.ModeSymlink != 0 {
		if abs, err = filepath.EvalSymlinks(abs); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if err := checkBackupTarget(srcAbs, abs); err != nil {
		return err
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(abs); err == nil {
		mode = st.Mode().Perm() // an earlier backup keeps the mode its owner gave it
	}
	// The copy is made beside the target under a name of its own (two
	// backups to one target at once do not write into one file, and a run
	// that crashes leaves no half file at the target's name), readable by
	// its owner only (it holds what the database holds), then renamed over
	// the target. CreateTemp makes it 0600 and empty, which VACUUM INTO
	// accepts.
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return fmt.Errorf("db: unable to write in %s: %w", filepath.Dir(abs), err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // gone once renamed; left by a failure otherwise
	// A connection of its own, which neither creates the file (mode=rw)
	// nor sets the pragmas that write (journal_mode): the source is read
	// only. Readers of an open DB are query_only, and its writer must stay
	// free for the application while the copy is made.
	c, err := sql.Open("sqlite", "file:"+srcAbs+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("db: backup failed: %w", err)
	}
	cp, err := sql.Open("sqlite", "file:"+tmp+"?mode=ro")
	if err != nil {
		return err
	}
	var res string
	err = cp.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	cp.Close()
	if err != nil || res != "ok" {
		return fmt.Errorf("db: backup copy failed integrity_check: %v %s", err, res)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("db: unable to move backup into place: %w", err)
	}
	return nil
}

// MissingError is a database that a command needs and that does not exist
// (backup does not create one); it matches os.ErrNotExist.
type MissingError struct{ Path string }

func (e *MissingError) Error() string        { return "no database at " + e.Path }
func (e *MissingError) Is(target error) bool { return target == os.ErrNotExist }

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// checkBackupTarget refuses a target that a backup must not replace: the
// database itself or one of its -wal, -shm or -journal files (the server
// would go on writing to a deleted file), anything but a regular file (a
// directory, a device, a pipe; links are followed before), and a file that is neither empty nor an
// SQLite database (a key file, a configuration file typed by mistake). An
// earlier backup is replaced, so a nightly job can write the same path.
func checkBackupTarget(own, abs string) error {
	dir := filepath.Dir(abs)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("backup: the directory %s does not exist", dir)
	}
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		if sameFile(abs, own+suffix) {
			return fmt.Errorf("backup: %s is this database's own file; write the backup elsewhere", abs)
		}
	}
	st, err := os.Lstat(abs)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("backup: %s exists and is not a regular file (%s); name a file", abs, fileKind(st.Mode()))
	}
	if st.Size() == 0 {
		return nil
	}
	head := make([]byte, len(sqliteHeader))
	f, err := os.Open(abs)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if _, err := io.ReadFull(f, head); err != nil || string(head) != sqliteHeader {
		return fmt.Errorf("backup: %s exists and is not an SQLite database; refusing to replace it", abs)
	}
	return nil
}

// sameFile reports whether two paths name one file (by path, or by inode
// through links); a path that does not exist names no file.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// fileKind names a file mode's type for an error message.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// IntegrityCheck runs PRAGMA integrity_check.
func (d *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := d.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	return res, err
}

// timestamps are stored as fixed-width UTC text so they sort as strings and
// read the same in any SQL dialect.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func parseTime(s string) time.Time {
	if t, ok := parseStamp(s); ok {
		return t
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t.UTC()
}

// parseStamp reads timeLayout ("2006-01-02T15:04:05.000000Z") without
// time.Parse's generality: every row of a list has two of these.
func parseStamp(s string) (time.Time, bool) {
	if len(s) != len(timeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[26] != 'Z' {
		return time.Time{}, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d, h, mi, sec, us := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(20, 26)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || us < 0 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, us*1000, time.UTC)
	return t, t.Day() == d // no 31st of February
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}
