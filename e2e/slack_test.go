package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/handlers"
)

// fakeSlack is Slack's authorize page and Web API on loopback: the
// authorize page approves at once and sends the browser back with a code,
// as Slack does after the user clicks "Allow".
type fakeSlack struct {
	*httptest.Server
	mu        sync.Mutex
	exchanges []url.Values
	lastBack  string
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/v2/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "111.222" || q.Get("state") == "" || q.Get("scope") == "" {
			http.Error(w, "bad authorize request", 400)
			return
		}
		back := q.Get("redirect_uri") + "?code=granted-" + q.Get("state")[:6] + "&state=" + url.QueryEscape(q.Get("state"))
		f.mu.Lock()
		f.lastBack = back
		f.mu.Unlock()
		http.Redirect(w, r, back, http.StatusFound)
	})
	mux.HandleFunc("/api/oauth.v2.access", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.exchanges = append(f.exchanges, r.PostForm)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !strings.HasPrefix(r.PostForm.Get("code"), "granted-") || r.PostForm.Get("client_secret") != "s3cret" {
			w.Write([]byte(`{"ok":false,"error":"invalid_code"}`))
			return
		}
		w.Write([]byte(`{"ok":true,"access_token":"xoxb-1-2-abc","token_type":"bot","bot_user_id":"U1","team":{"id":"T0FAKE123","name":"Fake Co"},"authed_user":{"id":"U2","access_token":"xoxp-9"},"incoming_webhook":{"channel":"#help"}}`))
	})
	mux.HandleFunc("/api/auth.test", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"user":"helpbot","team_id":"T0FAKE123","user_id":"U1"}`))
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// withLiveSlack points the server's Slack client at the fake.
func withLiveSlack(f *fakeSlack) ServerOption {
	return func(c *handlers.Config) {
		p := channels.Sandbox()
		p.Sandbox = false
		p.Slack = channels.NewSlack(f.URL+"/api", f.URL+"/oauth/v2/authorize", "111.222", "s3cret", "", channels.NewHTTPClient())
		c.Providers = p
	}
}

// TestSlackConnectAgainstFakeSlack drives "Connect to Slack" through a fake
// authorize page and API; replaying the callback shows the error page and
// creates nothing.
func TestSlackConnectAgainstFakeSlack(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	s := newServer(t, withLiveSlack(fake))
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	NewIntegrationPage{page, hub.ID}.Pick(t, "Slack")
	must(t, page.Locator("#f-name").Fill("Agents in Slack"))
	must(t, page.GetByTestId("slack-connect").Click())
	id := createdAt(t, page)
	must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText("Agents in Slack"))
	must(t, expect.Locator(page.Locator("body")).ToContainText("T0FAKE123"))
	must(t, expect.Locator(page.Locator("body")).ToContainText("helpbot"))
	if len(fake.exchanges) != 1 || !strings.HasSuffix(fake.exchanges[0].Get("redirect_uri"), "/oauth/slack/callback") {
		t.Fatalf("oauth.v2.access calls: %v", fake.exchanges)
	}

	// The same callback again: a clear error page, nothing created.
	_, err := page.Goto(fake.lastBack)
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("error-page")).ToContainText("expired"))
	_, n, err := s.DB.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID, HubID: hub.ID})
	must(t, err)
	if n != 1 || len(fake.exchanges) != 1 {
		t.Fatalf("after replay: %d integrations, %d exchanges", n, len(fake.exchanges))
	}
	_ = id
}
