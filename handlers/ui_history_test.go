package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// pageURLOf reads the <meta name="page-url"> of a page: the GET address
// app.js puts in the address bar in place of the POST that rendered it.
func pageURLOf(t *testing.T, rec *httptest.ResponseRecorder) (string, bool) {
	t.Helper()
	return doc(t, rec).Find(`meta[name="page-url"]`).Attr("content")
}

// TestRefusedFormNamesItsGetPage: every dashboard form answered with its
// page again (422, 409, 429) names the form page's GET address, so that
// Back and Reload in the browser load that page rather than send the form
// again ("Confirm Form Resubmission").
func TestRefusedFormNamesItsGetPage(t *testing.T) {
	a := newTestApp(t)
	fresh := a.newBrowser()
	fresh.get("/setup?token=" + a.srv.SetupToken())
	rec := fresh.post("/setup", url.Values{"email": {"boss@example.com"}, "password": {"short"}, "confirm": {"short"}, "token": {a.srv.SetupToken()}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if got, _ := pageURLOf(t, rec); got != "/setup?token="+a.srv.SetupToken() {
		t.Errorf("setup: page-url %q, want /setup with its token", got)
	}

	hub := a.hub("Support")
	in := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"})["Chat"]
	b := a.signIn("admin")
	cases := []struct {
		name, path string
		form       url.Values
		status     int
		want       string
	}{
		{"new hub", "/hubs", url.Values{"name": {""}}, http.StatusUnprocessableEntity, "/hubs/new"},
		{"edit hub", "/hubs/" + hub.ID, url.Values{"name": {""}}, http.StatusUnprocessableEntity, "/hubs/" + hub.ID + "/edit"},
		{"delete hub keeps next", "/hubs/" + hub.ID + "/delete", url.Values{"confirm": {"support"}, "next": {"/hubs?page=2"}},
			http.StatusUnprocessableEntity, "/hubs/" + hub.ID + "/delete?next=%2Fhubs%3Fpage%3D2"},
		{"new web chat", "/hubs/" + hub.ID + "/integrations/new/webchat", url.Values{"name": {""}}, http.StatusUnprocessableEntity,
			"/hubs/" + hub.ID + "/integrations/new/webchat"},
		{"connect Slack", "/hubs/" + hub.ID + "/slack/connect", url.Values{"name": {""}}, http.StatusUnprocessableEntity,
			"/hubs/" + hub.ID + "/integrations/new/slack"},
		{"edit integration", "/integrations/" + in, url.Values{"name": {""}}, http.StatusUnprocessableEntity, "/integrations/" + in + "/edit"},
		{"new token", "/tokens", url.Values{"name": {""}, "scope": {"read"}}, http.StatusUnprocessableEntity, "/tokens"},
		{"new API client", "/tokens", url.Values{"kind": {"client"}, "name": {""}, "scope": {"read"}}, http.StatusUnprocessableEntity, "/tokens"},
		{"new user", "/users", url.Values{"email": {"nope"}, "role": {"editor"}, "password": {"long enough pw"}}, http.StatusUnprocessableEntity, "/users"},
		{"password", "/account/password", url.Values{"current": {"wrong"}, "password": {"x"}}, http.StatusUnprocessableEntity, "/account/password"},
		{"gone hub's form", "/hubs/nosuchhub", url.Values{"name": {"X"}}, http.StatusNotFound, "/hubs/nosuchhub/edit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := b.post(tc.path, tc.form, false)
			mustStatus(t, rec, tc.status)
			if got, _ := pageURLOf(t, rec); got != tc.want {
				t.Errorf("POST %s: page-url %q, want %q", tc.path, got, tc.want)
			}
		})
	}

	// Sign-in keeps where to go afterwards, and drops the note that sent
	// the visitor there; a next that is not this server's is not kept.
	other := a.newBrowser()
	other.get("/login?next=%2Factivity&signed-out=ended")
	for next, want := range map[string]string{"/activity": "/login?next=%2Factivity", "https://evil.example/": "/login", "": "/login"} {
		rec := other.post("/login", url.Values{"email": {"admin@example.com"}, "password": {"wrong password"}, "next": {next}}, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if got, _ := pageURLOf(t, rec); got != want {
			t.Errorf("login with next %q: page-url %q, want %q", next, got, want)
		}
	}
}

// TestOnlyRefusedPostsNamePageURL: a page loaded by GET has its own
// address, htmx answers replace part of a page, and a POST answered with
// 200 (a new token's secret, shown once) keeps its history entry.
func TestOnlyRefusedPostsNamePageURL(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	b := a.signIn("admin")
	for _, p := range []string{"/hubs/new", "/hubs/" + hub.ID + "/edit", "/tokens", "/hubs/nosuchhub"} {
		if _, ok := pageURLOf(t, b.get(p)); ok {
			t.Errorf("GET %s names a page-url", p)
		}
	}
	rec := b.post("/hubs", url.Values{"name": {""}}, true)
	if _, ok := pageURLOf(t, rec); ok {
		t.Errorf("htmx answer (%d) names a page-url", rec.Code)
	}
	rec = b.post("/tokens", url.Values{"name": {"CI"}, "scope": {"read"}, "once": {"o1"}}, false)
	mustStatus(t, rec, http.StatusOK)
	if _, ok := pageURLOf(t, rec); ok {
		t.Error("the new token's page names a page-url")
	}
}
