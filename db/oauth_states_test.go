package db

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestOAuthStatesAreDeletedOnceExpired: each new state deletes expired
// ones (used or not), so the table holds the last ten minutes' states and
// no more; a live state is kept, and that delete reads the expiry index.
func TestOAuthStatesAreDeletedOnceExpired(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	hub, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: "Support"}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		t.Helper()
		var n int
		if err := d.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_states`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	st := OAuthState{TenantID: DefaultTenantID, HubID: hub.ID}
	for range 3 {
		if _, _, err := d.CreateOAuthState(ctx, st, -time.Second); err != nil { // born expired
			t.Fatal(err)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d states after three expired ones, want 1 (each new one deletes those before)", n)
	}
	live, _, err := d.CreateOAuthState(ctx, OAuthState{TenantID: DefaultTenantID, HubID: hub.ID, RedirectURI: "https://app.example.com/cb"}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d states, want only the live one", n)
	}
	if _, _, err := d.CreateOAuthState(ctx, st, time.Minute); err != nil {
		t.Fatal(err)
	}
	got, err := d.OAuthStateOf(ctx, live, func(OAuthState) bool { return true })
	if err != nil || got.RedirectURI != "https://app.example.com/cb" || got.HubID != hub.ID {
		t.Fatalf("live state %+v (%v)", got, err)
	}
	// Looking does not spend it; consuming does, once.
	if _, err := d.ConsumeOAuthState(ctx, live, func(OAuthState) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if _, err := d.OAuthStateOf(ctx, live, func(OAuthState) bool { return true }); !errors.Is(err, ErrStateInvalid) {
		t.Fatalf("used state looked up: %v", err)
	}
	checkPlan(t, "oauth state purge", queryPlan(t, d, `SELECT nonce_hash FROM oauth_states WHERE expires < ? ORDER BY expires LIMIT ?`, fmtTime(now()), oauthStatePurge), planShape{ordered: true})
}
