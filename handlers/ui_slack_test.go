package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hubadmin/channels"
)

// connectSlack posts the Slack form and returns the authorize URL it
// redirects to (the sandbox's goes straight back to the callback).
func connectSlack(t *testing.T, b *browser, hubID, name string) *url.URL {
	t.Helper()
	rec := b.post("/hubs/"+hubID+"/slack/connect", url.Values{"name": {name}}, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("connect: %d %s", rec.Code, rec.Body.String())
	}
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSlackConnectCreatesOnceThroughCallback(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	rec := b.get("/hubs/" + hub.ID + "/integrations/new/slack")
	mustStatus(t, rec, http.StatusOK)
	d := doc(t, rec)
	if d.Find(`input[name="cfg.code"], input[name="cfg.nonce"]`).Length() != 0 {
		t.Fatalf("the Slack form asks for a code or nonce")
	}
	if btn := d.Find(`[data-testid="slack-connect"]`); btn.Length() != 1 || btn.AttrOr("disabled", "no") != "no" {
		t.Fatalf("no enabled Connect to Slack button")
	}
	u := connectSlack(t, b, hub.ID, "Agents")
	if u.Path != slackCallbackPath || u.Query().Get("code") == "" || u.Query().Get("state") == "" {
		t.Fatalf("sandbox authorize URL %s", u)
	}
	callback := u.RequestURI()
	id := integrationCreated(t, b.get(callback))
	list := a.hubIntegrations(hub)
	if len(list) != 1 || list[0].ID != id || list[0].ChannelID != "Slack" || list[0].Name != "Agents" || list[0].IntegrationType != channels.TypeAgent {
		t.Fatalf("stored: %+v", list)
	}
	page := b.get("/integrations/" + id)
	mustStatus(t, page, http.StatusOK)
	if !strings.Contains(page.Body.String(), "xoxb-") && !strings.Contains(page.Body.String(), "••••") {
		t.Errorf("integration page lacks the bot token")
	}
	// The code and nonce were inputs of the create, spent and not stored:
	// the page does not list them as if they were missing.
	if cfg := doc(t, page).Find(`[data-testid="configuration"]`).Text(); strings.Contains(cfg, "OAuth code") || strings.Contains(cfg, "Nonce") {
		t.Errorf("configuration lists spent inputs: %q", cfg)
	}
	// The same callback again: the state is spent.
	rec = b.get(callback)
	mustStatus(t, rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "expired or already used") {
		t.Errorf("replay page: %s", rec.Body.String())
	}
	if n := len(a.hubIntegrations(hub)); n != 1 {
		t.Fatalf("%d integrations after replay", n)
	}
}

func TestSlackCallbackRefusals(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	cases := map[string]string{
		"unknown state":  "/oauth/slack/callback?code=abc&state=not-a-state",
		"no state":       "/oauth/slack/callback?code=abc",
		"user cancelled": "/oauth/slack/callback?error=access_denied&state=whatever",
	}
	for name, path := range cases {
		rec := b.get(path)
		mustStatus(t, rec, http.StatusBadRequest)
		if doc(t, rec).Find(`[data-testid="error-page"] a[href]`).Length() == 0 {
			t.Errorf("%s: no link back", name)
		}
	}
	// Cancelled after a real connect: the state is spent, the link leads back to the form.
	u := connectSlack(t, b, hub.ID, "Agents")
	rec := b.get("/oauth/slack/callback?error=access_denied&state=" + url.QueryEscape(u.Query().Get("state")))
	mustStatus(t, rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "/hubs/"+hub.ID+"/integrations/new/slack?name=Agents") {
		t.Errorf("cancel page does not link back to the form")
	}
	mustStatus(t, b.get(u.RequestURI()), http.StatusBadRequest)
	// A state issued to someone else is refused, and so is someone else
	// cancelling with it: it stays unspent for the one it was issued to.
	u = connectSlack(t, b, hub.ID, "Agents")
	other := a.signIn("admin")
	mustStatus(t, other.get(u.RequestURI()), http.StatusBadRequest)
	mustStatus(t, other.get("/oauth/slack/callback?error=access_denied&state="+url.QueryEscape(u.Query().Get("state"))), http.StatusBadRequest)
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Fatalf("%d integrations after refusals", n)
	}
	integrationCreated(t, b.get(u.RequestURI()))
}

func TestSlackConnectChecksNameFirst(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"Taken"}, "cfg.allowedOrigins": {"a.example.com"}}, false))
	for name, want := range map[string]string{"": "Enter a name.", "TAKEN": "already exists"} {
		rec := b.post("/hubs/"+hub.ID+"/slack/connect", url.Values{"name": {name}}, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if msg := doc(t, rec).Find("#f-name-error").Text(); !strings.Contains(msg, want) {
			t.Errorf("name %q: error %q", name, msg)
		}
	}
}

func TestSlackNotConfiguredExplainsSettings(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.SlackConfigured = false })
	b := a.signIn("editor")
	hub := a.hub("Support")
	d := doc(t, b.get("/hubs/"+hub.ID+"/integrations/new/slack"))
	note := d.Find(`[data-testid="slack-not-configured"]`).Text()
	if !strings.Contains(note, "HUBADMIN_SLACK_CLIENT_ID") || !strings.Contains(note, "HUBADMIN_SLACK_CLIENT_SECRET") {
		t.Fatalf("note %q", note)
	}
	if _, disabled := d.Find(`[data-testid="slack-connect"]`).Attr("disabled"); !disabled {
		t.Fatalf("Connect to Slack is enabled")
	}
	rec := b.post("/hubs/"+hub.ID+"/slack/connect", url.Values{"name": {"Agents"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if !strings.Contains(rec.Body.String(), "HUBADMIN_SLACK_CLIENT_ID") {
		t.Fatalf("connect without configuration: %s", rec.Body.String())
	}
}
