package db

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestHold: one server holds a database; a second server is refused, and
// so is a command that must be alone, and a server beside that command.
// A database not made yet needs no guard.
func TestHold(t *testing.T) {
	_, path := openTest(t)
	server, err := Hold(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Hold(path); err == nil || !strings.Contains(err.Error(), "open in another hubadmin process") {
		t.Fatalf("a second server: %v", err)
	}
	if _, err := HoldAlone(path); !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "stop the server first") {
		t.Fatalf("alone beside a server: %v", err)
	}
	server()
	alone, err := HoldAlone(path)
	if err != nil {
		t.Fatalf("alone once the server left: %v", err)
	}
	if _, err := Hold(path); err == nil || !strings.Contains(err.Error(), "migrate or secrets rotate changing it") {
		t.Fatalf("a server beside a command: %v", err)
	}
	alone()
	none, err := HoldAlone(filepath.Join(t.TempDir(), "new.db"))
	if err != nil {
		t.Fatalf("a database not made yet: %v", err)
	}
	none()
}
