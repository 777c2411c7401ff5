package db

import (
	"errors"
	"fmt"
	"os"
)

// One server serves a database, and the commands that change it under a
// server's feet (migrate, secrets rotate, secrets forget --yes) wait for
// it to stop. A running server holds its database file exclusive for as
// long as it runs (Hold); those commands hold it exclusive too
// (HoldAlone), and whichever comes second is refused. A second server on
// the same file is a mistake this catches: a newer release would migrate
// the schema under the older one still writing beside it, and each
// process keeps its own token cache and rate limits, so a token revoked
// through one would still open the other for a few seconds. (SQLite has
// one host and one writer; several instances wait for the PostgreSQL
// backend.) These are flock(2) locks on the database file, on Linux only,
// where they are apart from SQLite's own (fcntl) locks; on the BSDs and
// macOS the two kinds share one list and would block each other, so
// elsewhere there is no guard, and the README says so. The commands that
// only add rows (user, token, tenant, client create, backup) take no
// lock: SQLite lets them write beside the server.
//
// The release closes a descriptor of the database file, which drops
// every fcntl lock this process holds on it (POSIX): call it only once
// the database is closed.

// ErrInUse is a command refused because a server has the database open.
var ErrInUse = errors.New("a hubadmin server has this database open")

// Hold takes the database at path for a server; refused while another
// server serves it or a command holds it.
func Hold(path string) (release func(), err error) {
	release, err = hold(path)
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%s is open in another hubadmin process (a server serving it, or migrate or secrets rotate changing it): "+
			"one server serves a database; stop the other first, or give this one its own --db", path)
	}
	return release, err
}

// HoldAlone takes the database at path exclusive; an error wrapping
// ErrInUse while a server holds it. A database that does not exist yet
// needs no guard: release is then a no-op.
func HoldAlone(path string) (release func(), err error) {
	release, err = hold(path)
	if errors.Is(err, os.ErrNotExist) {
		return func() {}, nil
	}
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%w (%s): stop the server first, then run this again; nothing was changed", ErrInUse, path)
	}
	return release, err
}
