//go:build !unix

package db

import (
	"errors"
	"io/fs"
	"os"
)

// writable, where there is no access(2) (Windows), reads the one thing the
// file's mode says: a read-only file. A directory's mode says nothing there.
func writable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.IsDir() && st.Mode().Perm()&0o200 == 0 {
		return &fs.PathError{Op: "access", Path: path, Err: errors.New("the file is read-only")}
	}
	return nil
}
