package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hubadmin/db"
)

var (
	tokenValue  = regexp.MustCompile(`hub_[A-Za-z0-9]{40}`)
	clientID    = regexp.MustCompile(`hubster\.portal\.api\.[0-9a-f]{32}`)
	clientValue = regexp.MustCompile(`data-testid="client-secret">([A-Za-z0-9]{48})<`)
)

func TestTokensCreateShowOnceAndRevoke(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	rec := admin.get("/tokens")
	mustStatus(t, rec, http.StatusOK)
	if !strings.Contains(rec.Body.String(), "No API tokens yet") {
		t.Fatalf("empty state missing: %s", rec.Body.String())
	}
	// Inside the section headed "API tokens" (h2), the empty state's title
	// is a level below.
	if h := doc(t, rec).Find(`section[aria-labelledby="tokens-title"] [data-testid="empty-state"] h3`).Text(); h != "No API tokens yet" {
		t.Errorf("empty state's heading in its section: %q", h)
	}

	rec = admin.post("/tokens", url.Values{"kind": {"token"}, "name": {"CI deploy"}, "scope": {"write"}}, false)
	mustStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	plain := tokenValue.FindString(body)
	if plain == "" || !strings.Contains(body, `data-testid="new-token"`) || !strings.Contains(body, "data-copy") {
		t.Fatalf("the new token is not shown with a copy button: %s", body)
	}
	mustStatus(t, a.api(http.MethodGet, "/api/v1/hubs", plain, ""), http.StatusOK)

	// Shown once: the list has the hint, never the value.
	rec = admin.get("/tokens")
	if body := rec.Body.String(); strings.Contains(body, plain) || !strings.Contains(body, "…"+plain[len(plain)-4:]) || !strings.Contains(body, "CI deploy") {
		t.Fatalf("token list: %s", body)
	}
	// Last used is recorded once a minute: shown to the minute, no
	// invented seconds, and Created beside it alike.
	for _, col := range []string{"Last used", "Created"} {
		if v := strings.TrimSpace(doc(t, rec).Find(`[data-testid="token-row"] td[data-label="` + col + `"]`).Text()); !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d UTC$`).MatchString(v) {
			t.Errorf("%s: %q", col, v)
		}
	}
	tokens, err := a.db.Tokens(context.Background(), db.DefaultTenantID)
	if err != nil || len(tokens) != 1 {
		t.Fatalf("tokens: %v %v", tokens, err)
	}
	// Not confirmed (no JavaScript): a page asks again; the token still works.
	rec = admin.post("/tokens/"+tokens[0].ID+"/revoke", nil, false)
	mustStatus(t, rec, http.StatusOK)
	if !strings.Contains(doc(t, rec).Find(`[data-testid="confirm-form"]`).Text(), "“CI deploy”") {
		t.Fatalf("no confirmation page: %s", rec.Body.String())
	}
	mustStatus(t, a.api(http.MethodGet, "/api/v1/hubs", plain, ""), http.StatusOK)
	rec = admin.post("/tokens/"+tokens[0].ID+"/revoke", url.Values{"confirmed": {"1"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/tokens" {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body.String())
	}
	mustStatus(t, a.api(http.MethodGet, "/api/v1/hubs", plain, ""), http.StatusUnauthorized)
	rec = admin.get("/tokens")
	if body := rec.Body.String(); !strings.Contains(body, "Token “CI deploy” revoked") {
		t.Fatalf("after revoke: %s", body)
	}
	// The revoked token leaves the active ones for the folded list, with
	// the minute it was revoked.
	page := doc(t, rec)
	if n := page.Find(`[data-testid="token-row"]`).Length(); n != 0 {
		t.Fatalf("%d active token rows after the only one was revoked", n)
	}
	if got := page.Find(`[data-testid="empty-state"] h3`).First().Text(); got != "No active API tokens" {
		t.Fatalf("empty state %q", got)
	}
	folded := page.Find(`details[data-testid="revoked-tokens"]:not([open])`)
	if got := strings.TrimSpace(folded.Find("summary").Text()); got != "Revoked tokens (1)" {
		t.Fatalf("revoked summary %q", got)
	}
	row := folded.Find(`[data-testid="revoked-token-row"]`)
	if !strings.Contains(row.Text(), "CI deploy") || !regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d UTC$`).MatchString(strings.TrimSpace(row.Find(`td[data-label="Revoked"]`).Text())) || row.Find("form").Length() != 0 {
		t.Fatalf("revoked row: %q", row.Text())
	}
	mustStatus(t, admin.post("/tokens/"+tokens[0].ID+"-nope/revoke", nil, false), http.StatusNotFound)

	entries, _, _ := a.db.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Action: "token", Size: 10})
	if len(entries) != 2 || entries[0].Action != "token.revoke" || entries[1].Action != "token.create" || strings.Contains(entries[1].Detail, plain) {
		t.Fatalf("audit: %+v", entries)
	}
}

func TestTokensValidation(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	rec := admin.post("/tokens", url.Values{"name": {"  "}, "scope": {"admin"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if body := rec.Body.String(); !strings.Contains(body, "Enter a name") || !strings.Contains(body, "read or write") {
		t.Fatalf("errors: %s", body)
	}
	rec = admin.post("/tokens", url.Values{"name": {"CRM\u202esync"}, "scope": {"read"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if body := rec.Body.String(); !strings.Contains(body, "The name contains U+202E") {
		t.Fatalf("text-direction override: %s", body)
	}
	if tokens, _ := a.db.Tokens(context.Background(), db.DefaultTenantID); len(tokens) != 0 {
		t.Fatal("an invalid form created a token")
	}
}

func TestAPIClientsCreateAndRevoke(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	rec := admin.post("/tokens", url.Values{"kind": {"client"}, "name": {"dotnet client"}, "scope": {"read"}}, false)
	mustStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	id := clientID.FindString(body)
	m := clientValue.FindStringSubmatch(body)
	if id == "" || m == nil {
		t.Fatalf("client id and secret not shown: %s", body)
	}
	ctx := context.Background()
	if _, err := a.db.ClientByCredentials(ctx, id, m[1]); err != nil {
		t.Fatalf("the shown secret does not work: %v", err)
	}
	if body := admin.get("/tokens").Body.String(); strings.Contains(body, m[1]) || !strings.Contains(body, id) {
		t.Fatal("the client secret is shown again, or the client is not listed")
	}
	rec = admin.post("/tokens/"+id+"/revoke", url.Values{"confirmed": {"1"}}, false)
	mustStatus(t, rec, http.StatusSeeOther)
	if _, err := a.db.ClientByCredentials(ctx, id, m[1]); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("revoked client still signs in: %v", err)
	}
	page := doc(t, admin.get("/tokens"))
	if n := page.Find(`[data-testid="client-row"]`).Length(); n != 0 {
		t.Fatalf("%d active client rows after the only one was revoked", n)
	}
	folded := page.Find(`details[data-testid="revoked-clients"]:not([open])`)
	if got := strings.TrimSpace(folded.Find("summary").Text()); got != "Revoked API clients (1)" || !strings.Contains(folded.Find(`[data-testid="revoked-client-row"]`).Text(), "dotnet client") {
		t.Fatalf("revoked clients: %q", folded.Text())
	}
	mustStatus(t, admin.post("/tokens/hubster.portal.api.00000000000000000000000000000000/revoke", nil, false), http.StatusNotFound)
}

func TestTokensAreForAdminsOnly(t *testing.T) {
	a := newTestApp(t)
	for _, role := range []string{"editor", "viewer"} {
		b := a.signIn(role)
		mustStatus(t, b.get("/tokens"), http.StatusForbidden)
		mustStatus(t, b.post("/tokens", url.Values{"name": {"x"}, "scope": {"write"}}, false), http.StatusForbidden)
	}
	if tokens, _ := a.db.Tokens(context.Background(), db.DefaultTenantID); len(tokens) != 0 {
		t.Fatal("a non-admin created a token")
	}
	// Another tenant's token cannot be revoked from here.
	other, _ := a.db.CreateTenant(context.Background(), "Other")
	theirs := a.token("write", other.ID)
	list, _ := a.db.Tokens(context.Background(), other.ID)
	admin := a.signIn("admin")
	mustStatus(t, admin.post("/tokens/"+list[0].ID+"/revoke", nil, false), http.StatusNotFound)
	mustStatus(t, a.api(http.MethodGet, "/api/v1/hubs", theirs, ""), http.StatusOK)
}

// A token form sent twice (the browser's resend on reloading the answer
// that showed the secret, a double click) creates one token.
func TestTokenFormSentTwiceCreatesOne(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	once, ok := doc(t, admin.get("/tokens")).Find(`[data-testid="token-form"] input[name="once"]`).Attr("value")
	if !ok || len(once) < 20 {
		t.Fatalf("token form's one-time id: %q", once)
	}
	form := url.Values{"name": {"CRM sync"}, "scope": {"read"}, "once": {once}}
	mustStatus(t, admin.post("/tokens", form, false), http.StatusOK)
	rec := admin.post("/tokens", form, false)
	mustStatus(t, rec, http.StatusOK)
	d := doc(t, rec)
	// Said as a notice, not an error: the first sending did what it asked.
	if msg := d.Find(`[data-testid="token-form"] [data-testid="form-notice"]`).Text(); !strings.Contains(msg, "already sent") || d.Find(`[data-testid="form-error"]`).Length() != 0 {
		t.Fatalf("second send: %q", msg)
	}
	if d.Find(`[data-testid="new-token"]`).Length() != 0 {
		t.Fatal("a second token value was shown")
	}
	if tokens, _ := a.db.Tokens(context.Background(), db.DefaultTenantID); len(tokens) != 1 {
		t.Fatalf("%d tokens after sending one form twice", len(tokens))
	}
	// A fresh form (the page's next render) creates again.
	next, _ := d.Find(`[data-testid="token-form"] input[name="once"]`).Attr("value")
	if next == once {
		t.Fatal("the page renders the used form id again")
	}
	form.Set("once", next)
	mustStatus(t, admin.post("/tokens", form, false), http.StatusOK)
	if tokens, _ := a.db.Tokens(context.Background(), db.DefaultTenantID); len(tokens) != 2 {
		t.Fatalf("%d tokens after a fresh form", len(tokens))
	}
}
