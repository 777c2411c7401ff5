package db

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestHold: servers share the database; a command that must be alone is
// refused beside one, and a server beside it. A database not made yet
// needs no guard.
func TestHold(t *testing.T) {
	_, path := openTest(t)
	a, err := Hold(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Hold(path)
	if err != nil {
		t.Fatalf("a second server: %v", err)
	}
	if _, err := HoldAlone(path); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "stop the server first") {
		t.Fatalf("alone beside servers: %v", err)
	}
	a()
	b()
	alone, err := HoldAlone(path)
	if err != nil {
		t.Fatalf("alone once the servers left: %v", err)
	}
	if _, err := Hold(path); err == nil || !strings.Contains(err.Error(), "start the server once it has finished") {
		t.Fatalf("a server beside a command: %v", err)
	}
	alone()
	none, err := HoldAlone(filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatalf("a database not made yet: %v", err)
	}
	none()
}
