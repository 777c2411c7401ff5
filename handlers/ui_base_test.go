package handlers

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestShortQuotes(t *testing.T) {
	long := strings.Repeat("n", 100)
	for _, tc := range []struct{ in, want string }{
		{"Hub “Support” paused", "Hub “Support” paused"},
		{"Hub “" + long + "” paused", "Hub “" + strings.Repeat("n", 39) + "…” paused"},
		{"Integration “" + strings.Repeat("é", 41) + "” saved in “Desk”", "Integration “" + strings.Repeat("é", 39) + "…” saved in “Desk”"},
		{"Name “" + strings.Repeat("a ", 30) + "” ok", "Name “" + strings.TrimRight(strings.Repeat("a ", 20), " ") + "…” ok"},
		{"unclosed “" + long, "unclosed “" + long},
		{"no quotes", "no quotes"},
	} {
		if got := shortQuotes(tc.in); got != tc.want {
			t.Errorf("shortQuotes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestToastsShortenLongNames: a row action's toast on a hub of a
// 100-character name quotes the name's start (the toast stood a dozen
// lines tall); the page keeps the whole name.
func TestToastsShortenLongNames(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub(strings.Repeat("Long hub name ", 7))
	rec := b.post("/hubs/"+hub.ID+"/pause", nil, true)
	mustStatus(t, rec, http.StatusOK)
	var trigger struct{ ShowToast struct{ Message string } }
	if err := json.Unmarshal([]byte(rec.Header().Get("HX-Trigger")), &trigger); err != nil {
		t.Fatal(err)
	}
	if msg := trigger.ShowToast.Message; msg != "Hub “Long hub name Long hub name Long hub na…” paused" {
		t.Errorf("toast %q", msg)
	}
}
