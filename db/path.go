package db

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// CheckPath refuses a database path that SQLite would fail on later with
// an error that does not say why ("disk I/O error", or a write that fails
// only once the server is up): an empty path, a directory, a parent that
// is a file, and a file, journal or directory this process may not write
// (SQLite creates its -wal and -shm beside the file). A file that does not
// exist yet needs its nearest existing directory writable (it and the
// directories up to it are created). Nothing is created here.
func CheckPath(path string) error {
	if path == "" {
		return errors.New("the database path is empty; name a file, e.g. --db ./data/hubadmin.db")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR): // ENOTDIR: a parent is a file
		return checkNewPath(abs)
	case err != nil:
		return fmt.Errorf("database %s: %w", abs, err)
	case st.IsDir():
		return fmt.Errorf("database %s is a directory; name a file in it, e.g. %s", abs, filepath.Join(abs, "hubadmin.db"))
	case !st.Mode().IsRegular():
		return fmt.Errorf("database %s is %s; name a file", abs, fileKind(st.Mode()))
	}
	for _, p := range []string{abs, abs + "-wal", abs + "-shm"} {
		if err := writable(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return notWritable(p, "", err)
		}
	}
	if err := writable(filepath.Dir(abs)); err != nil {
		return notWritable(filepath.Dir(abs), ", and SQLite writes the database's -wal and -shm files there", err)
	}
	return nil
}

// checkNewPath checks the nearest existing directory of a database file
// yet to be made: it must be a directory, and writable.
func checkNewPath(abs string) error {
	dir := filepath.Dir(abs)
	for {
		st, err := os.Stat(dir)
		if (errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) && filepath.Dir(dir) != dir {
			dir = filepath.Dir(dir)
			continue
		}
		if err != nil {
			return fmt.Errorf("database %s: %w", abs, err)
		}
		if !st.IsDir() {
			kind := "a file"
			if !st.Mode().IsRegular() {
				kind = fileKind(st.Mode())
			}
			return fmt.Errorf("database %s cannot be made: %s is %s, not a directory", abs, dir, kind)
		}
		if err := writable(dir); err != nil {
			return notWritable(dir, ", where the database "+abs+" would be made", err)
		}
		return nil
	}
}

// notWritable says which file, for whom, and what to do; why says what
// the file is for when that is not plain.
func notWritable(path, why string, err error) error {
	return fmt.Errorf("%s is not writable by this process (user id %d: %v)%s; every change would fail: "+
		"give it to the user that runs hubadmin (chown), or let that user write it (chmod u+w)", path, os.Getuid(), err, why)
}
