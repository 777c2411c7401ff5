package webhooks

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestReason(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short", "receiver answered 500", "receiver answered 500"},
		{"one line", "a\tb\r\nc", "a b  c"},
		{"controls and invalid UTF-8", "a\x00\x1b[0m\xffb", "a\uFFFD[0m\uFFFDb"},
		{"exactly the limit", strings.Repeat("x", errorLimit), strings.Repeat("x", errorLimit)},
		{"cut", strings.Repeat("x", 1000), strings.Repeat("x", errorLimit-len("…")) + "…"},
		{"cut on a character boundary", "x" + strings.Repeat("é", 1000), "x" + strings.Repeat("é", (errorLimit-len("…")-1)/2) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reason(tt.in)
			if got != tt.want || len(got) > errorLimit || !utf8.ValidString(got) {
				t.Fatalf("reason(%q) = %q (%d bytes), want %q", tt.in, got, len(got), tt.want)
			}
		})
	}
}
