//go:build linux

package db

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// hold takes an exclusive flock on the file at path (see Hold).
func hold(path string) (func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EWOULDBLOCK) {
		f.Close()
		return nil, ErrInUse
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
