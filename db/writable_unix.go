//go:build unix

package db

import "golang.org/x/sys/unix"

// writable asks the kernel whether this process may write path (access(2)
// with W_OK: its user and groups, the file's mode and ACLs, a read-only
// mount); nil when it may.
func writable(path string) error { return unix.Access(path, unix.W_OK) }
