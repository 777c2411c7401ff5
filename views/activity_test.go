package views

import "testing"

func TestTokenKey(t *testing.T) {
	for _, tt := range []struct{ actor, name, key string }{
		{"token:ci (…MifU)", "token:ci ", "(…MifU)"},
		// A token's own parentheses stay with its name.
		{"token:ci (prod) (…MifU)", "token:ci (prod) ", "(…MifU)"},
		{"user:alice@example.com", "user:alice@example.com", ""},
		{"client:…a1b2c3d4e5f6", "client:…a1b2c3d4e5f6", ""},
		{"cli", "cli", ""},
		{"token:odd (…", "token:odd (…", ""},
	} {
		if name, key := tokenKey(tt.actor); name != tt.name || key != tt.key {
			t.Errorf("tokenKey(%q) = %q, %q; want %q, %q", tt.actor, name, key, tt.name, tt.key)
		}
	}
}
