package db

import (
	"errors"
	"fmt"
	"os"
)

// A running server holds its database file shared (Hold) for as long as
// it runs; the commands that must not run beside one (migrate, secrets
// rotate) hold it exclusive (HoldAlone), which is refused while a server
// holds it. These are flock(2) locks on the database file, on Linux only,
// where they are apart from SQLite's own (fcntl) locks; on the BSDs and
// macOS the two kinds share one list and would block each other, so
// elsewhere there is no guard, and the README says to stop the server.
//
// The release closes a descriptor of the database file, which drops
// every fcntl lock this process holds on it (POSIX): call it only once
// the database is closed.

// ErrInUse is a command refused because a server has the database open.
var ErrInUse = errors.New("a hubadmin server has this database open")

// Hold takes the database at path shared, as a server does; refused
// while a command holds it exclusive.
func Hold(path string) (release func(), err error) {
	release, err = hold(path, false)
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%s: a hubadmin command (migrate or secrets rotate) is changing this database; start the server once it has finished", path)
	}
	return release, err
}

// HoldAlone takes the database at path exclusive; an error wrapping
// ErrInUse while a server holds it. A database that does not exist yet
// needs no guard: release is then a no-op.
func HoldAlone(path string) (release func(), err error) {
	release, err = hold(path, true)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%w (%s): stop the server first, then run this again; nothing was changed", ErrInUse, path)
	}
	return release, err
}
