package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestEveryProblemInOneAnswer: a webhook's refused address is named in
// the same answer as the configuration's other problems, not only once
// they are fixed (a second round trip), in the API and in the form.
func TestEveryProblemInOneAnswer(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"Direct","name":"Hook","configuration":{"webhookUrl":"http://127.0.0.1:9000/hook"}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	var got []string
	for _, e := range decode[Problem](t, rec).Errors {
		got = append(got, e.Field)
	}
	if !slices.Contains(got, "configuration.integrationType") || !slices.Contains(got, "configuration.webhookUrl") {
		t.Fatalf("errors for %v, want the missing type and the refused address together", got)
	}

	b := a.signIn("editor")
	rec = b.post("/hubs/"+hub.ID+"/integrations/new/direct", url.Values{"name": {"Hook"}, "cfg.webhookUrl": {"http://127.0.0.1:9000/hook"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	d := doc(t, rec)
	for _, field := range []string{"cfg.integrationType", "cfg.webhookUrl"} {
		if d.Find(`[data-error-for="`+field+`"]`).Text() == "" {
			t.Errorf("no error next to %s", field)
		}
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Fatalf("%d integrations stored", n)
	}
}

// TestSearchLengthCountsCharacters: the 200 a search may hold are
// characters, as the box's maxlength counts them, not bytes (150
// ideographs are 450 bytes).
func TestSearchLengthCountsCharacters(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("read")
	hub := a.hub("Support")
	b := a.signIn("viewer")
	long := strings.Repeat("漢", 150)
	mustStatus(t, a.api("GET", "/api/v1/integrations?hubId="+hub.ID+"&q="+url.QueryEscape(long), tok, ""), http.StatusOK)
	mustStatus(t, b.get("/hubs?q="+url.QueryEscape(long)), http.StatusOK)
	tooLong := strings.Repeat("a", 201)
	mustStatus(t, a.api("GET", "/api/v1/integrations?hubId="+hub.ID+"&q="+tooLong, tok, ""), http.StatusBadRequest)
	mustStatus(t, b.get("/hubs?q="+tooLong), http.StatusBadRequest)
}

// TestSetupPageSignedIn: once set up, /setup is a 404 (SPEC); to someone
// signed in (Back after setting up) it does not say "Sign in instead".
func TestSetupPageSignedIn(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("admin")
	rec := b.get("/setup")
	mustStatus(t, rec, http.StatusNotFound)
	if body := rec.Body.String(); strings.Contains(body, "Sign in instead") || !strings.Contains(body, "you are signed in") {
		t.Fatalf("signed in: %s", body)
	}
	rec = a.newBrowser().get("/setup")
	mustStatus(t, rec, http.StatusNotFound)
	if !strings.Contains(rec.Body.String(), "Sign in instead") {
		t.Fatal("signed out: no way to sign in offered")
	}
}
