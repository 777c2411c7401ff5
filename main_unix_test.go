//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeRefusesADatabaseItCannotWrite: a database file (or its
// directory) the server's user may not write is refused at start-up,
// naming the file and the user id and saying what to do, instead of a
// server that is ready and fails every write. Root may write anything, so
// as root the server runs as nobody (65534); otherwise the files are
// made read-only.
func TestServeRefusesADatabaseItCannotWrite(t *testing.T) {
	root := os.Getuid() == 0
	dir, err := os.MkdirTemp("", "hubadmin-ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700); os.RemoveAll(dir) })
	path := filepath.Join(dir, "h.db")
	if _, _, err := runCmd(t, nil, "migrate", "--db", path); err != nil {
		t.Fatal(err)
	}
	uid := os.Getuid()
	serveAs := func(args ...string) (string, error) {
		cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
		if root {
			uid = 65534
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		done := make(chan struct{})
		defer close(done)
		go func() { // a server that starts is a failure: stop it
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
			}
		}()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if root {
		// nobody must reach the binary and the directory to be refused by
		// the check rather than by the path.
		os.Chmod(filepath.Dir(binary), 0o755)
		os.Chmod(dir, 0o755)
		os.Chmod(path, 0o644) // copied as root: readable, not writable
	} else {
		os.Chmod(path, 0o400)
	}
	out, err := serveAs("--db", path)
	want := fmt.Sprintf("%s is not writable by this process (user id %d", path, uid)
	if err == nil || !strings.Contains(out, want) || !strings.Contains(out, "chown") || strings.Contains(out, "listening") {
		t.Errorf("serve on a read-only database: %v %q, want %q", err, out, want)
	}
	// The file writable, its directory not: SQLite could not make its
	// -wal and -shm files there.
	if root {
		os.Chmod(path, 0o666)
	} else {
		os.Chmod(path, 0o600)
		os.Chmod(dir, 0o500)
	}
	out, err = serveAs("--db", path)
	want = fmt.Sprintf("%s is not writable by this process (user id %d", dir, uid)
	if err == nil || !strings.Contains(out, want) || !strings.Contains(out, "-wal") {
		t.Errorf("serve in a read-only directory: %v %q, want %q", err, out, want)
	}
	// A new database in that directory, with its key file elsewhere: the
	// database path is refused before the key file is made.
	keyDir := t.TempDir()
	os.Chmod(keyDir, 0o777)
	key := filepath.Join(keyDir, "k")
	out, err = serveAs("--db", filepath.Join(dir, "new.db"), "--secret-key-file", key)
	if err == nil || !strings.Contains(out, want) {
		t.Errorf("a new database in a read-only directory: %v %q, want %q", err, out, want)
	}
	if _, err := os.Stat(key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the key file was made before the database was refused: %v", err)
	}
}
