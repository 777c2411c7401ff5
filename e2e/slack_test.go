package e2e

import (
	"context"
	"encoding/json"
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

// calls returns the oauth.v2.access forms received so far.
func (f *fakeSlack) calls() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.exchanges...)
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
	if c := fake.calls(); len(c) != 1 || !strings.HasSuffix(c[0].Get("redirect_uri"), "/oauth/slack/callback") {
		t.Fatalf("oauth.v2.access calls: %v", c)
	}

	// The same callback again: a clear error page, nothing created.
	_, err := page.Goto(fake.lastBack)
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("error-page")).ToContainText("expired"))
	_, n, err := s.DB.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID, HubID: hub.ID})
	must(t, err)
	if c := fake.calls(); n != 1 || len(c) != 1 {
		t.Fatalf("after replay: %d integrations, %d exchanges", n, len(c))
	}
	_ = id
}

// TestSlackNonceFromAPIFinishedInDashboard: a program asks for a nonce
// without a name or its own redirect address and hands the authorize URL
// to an operator; after Slack approves, the dashboard asks for the name
// (an empty one is refused next to the field) and then creates it.
func TestSlackNonceFromAPIFinishedInDashboard(t *testing.T) {
	t.Parallel()
	fake := newFakeSlack(t)
	s := newServer(t, withLiveSlack(fake))
	hub := s.hub(t, "Support")
	status, body := s.api(t, s.token(t, "write"), http.MethodPost, "/api/v1/integrations/slack/nonce", `{"hubId":"`+hub.ID+`"}`)
	if status != http.StatusOK {
		t.Fatalf("nonce: %d %s", status, body)
	}
	var out struct{ AuthorizeURL string }
	must(t, json.Unmarshal([]byte(body), &out))

	page := s.signedIn(t, "editor")
	_, err := page.Goto(out.AuthorizeURL)
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("slack-finish")).ToBeVisible())
	must(t, expect.Locator(page.Locator("body")).ToContainText("Slack approved the app"))
	must(t, page.GetByTestId("slack-finish").Click())
	must(t, expect.Locator(page.Locator("#f-name-error")).ToContainText("Enter a name."))
	shot(t, page, "slack-finish-name")
	if c := fake.calls(); len(c) != 0 {
		t.Fatalf("Slack was asked before the integration had a name: %v", c)
	}
	must(t, page.Locator("#f-name").Fill("Agents from the API"))
	must(t, page.GetByTestId("slack-finish").Click())
	createdAt(t, page)
	must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText("Agents from the API"))
	must(t, expect.Locator(page.Locator("body")).ToContainText("T0FAKE123"))
	if c := fake.calls(); len(c) != 1 || !strings.HasSuffix(c[0].Get("redirect_uri"), "/oauth/slack/callback") {
		t.Fatalf("oauth.v2.access calls: %v", c)
	}
}
