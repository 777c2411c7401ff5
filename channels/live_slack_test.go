package channels

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const (
	testSlackClientID     = "193043142226.1234567890123"
	testSlackClientSecret = "3f5b1e0c9d8a7b6c5d4e3f2a1b0c9d8e"
	testSlackRedirect     = "https://hubadmin.example/oauth/slack/callback"
	testSlackBotToken     = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
)

// slackSeen is what the fake Slack saw of a request.
type slackSeen struct {
	method, path, contentType, authorization string
	form                                     url.Values
}

// fakeSlack answers oauth.v2.access and auth.test like Slack: HTTP 200
// with ok:false and an error code when it says no.
type fakeSlack struct {
	// answers[code] is the oauth.v2.access answer for a good client and redirect.
	answers map[string]string
	// botNames[bot token] is auth.test's user for that token.
	botNames map[string]string

	mu   sync.Mutex
	seen []slackSeen
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f.mu.Lock()
	f.seen = append(f.seen, slackSeen{method: r.Method, path: r.URL.Path, contentType: r.Header.Get("Content-Type"),
		authorization: r.Header.Get("Authorization"), form: r.PostForm})
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	fail := func(code string) { w.Write([]byte(`{"ok": false, "error": "` + code + `"}`)) }
	switch r.URL.Path {
	case "/api/oauth.v2.access":
		answer, known := f.answers[r.PostForm.Get("code")]
		switch {
		case r.PostForm.Get("client_id") != testSlackClientID:
			fail("invalid_client_id")
		case r.PostForm.Get("client_secret") != testSlackClientSecret:
			fail("bad_client_secret")
		case r.PostForm.Get("code") == "used":
			fail("code_already_used")
		case !known:
			fail("invalid_code")
		case r.PostForm.Get("redirect_uri") != testSlackRedirect:
			fail("bad_redirect_uri")
		default:
			w.Write([]byte(answer))
		}
	case "/api/auth.test":
		name, ok := f.botNames[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			fail("invalid_auth")
			return
		}
		w.Write([]byte(`{"ok": true, "url": "https://hubster.slack.com/", "team": "Hubster", "user": "` + name +
			`", "team_id": "T5P19488N", "user_id": "U0KRQLJ9H", "bot_id": "B0KRQLJ9H", "is_enterprise_install": false}`))
	default:
		fail("unknown_method")
	}
}

func (f *fakeSlack) take() []slackSeen {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := f.seen
	f.seen = nil
	return seen
}

func TestLiveSlackExchange(t *testing.T) {
	fake := &fakeSlack{
		answers: map[string]string{
			"full": `{
  "ok": true,
  "access_token": "` + testSlackBotToken + `",
  "token_type": "bot",
  "scope": "chat:write,channels:read,incoming-webhook",
  "bot_user_id": "U0KRQLJ9H",
  "app_id": "A0KRD7HC3",
  "team": {"name": "Hubster", "id": "T5P19488N"},
  "enterprise": null,
  "authed_user": {"id": "U1234", "scope": "chat:write", "access_token": "xoxp-1234", "token_type": "user"},
  "incoming_webhook": {"channel": "#support", "channel_id": "C12345678", "configuration_url": "https://hubster.slack.com/services/B1", "url": "https://hooks.slack.com/TXXXXX/BXXXXX/XXXXXXXXXX"},
  "is_enterprise_install": false
}`,
			"bot-only": `{"ok": true, "access_token": "xoxb-other", "token_type": "bot", "scope": "chat:write",
  "bot_user_id": "U0OTHERBOT", "app_id": "A0KRD7HC3", "team": {"name": "Other", "id": "T0OTHER00"},
  "enterprise": null, "authed_user": {"id": "U1234"}, "is_enterprise_install": false}`,
			"user-only": `{"ok": true, "app_id": "A0KRD7HC3", "team": {"name": "Other", "id": "T0OTHER00"},
  "authed_user": {"id": "U1234", "scope": "chat:write", "access_token": "xoxp-1234", "token_type": "user"}}`,
		},
		botNames: map[string]string{testSlackBotToken: "hubster.io"},
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)

	tests := []struct {
		name           string
		clientID       string
		clientSecret   string
		code, redirect string
		want           SlackInstall
		wantCalls      []string
		wantErr        string
	}{
		{
			name: "install with bot, user token and webhook channel", code: "full",
			want: SlackInstall{BotAccessToken: testSlackBotToken, AppAccessToken: "xoxp-1234", TeamID: "T5P19488N",
				TeamName: "Hubster", BotName: "hubster.io", DefaultPublicChannel: "support"},
			wantCalls: []string{"/api/oauth.v2.access", "/api/auth.test"},
		},
		{
			name: "no user token, no webhook, auth.test refuses", code: "bot-only",
			want: SlackInstall{BotAccessToken: "xoxb-other", TeamID: "T0OTHER00", TeamName: "Other",
				BotName: "U0OTHERBOT", DefaultPublicChannel: "general"},
			wantCalls: []string{"/api/oauth.v2.access", "/api/auth.test"},
		},
		{name: "no bot token", code: "user-only", wantErr: "Slack returned no bot token"},
		{name: "unknown code", code: "nope", wantErr: "Slack refused the OAuth code (invalid_code).",
			wantCalls: []string{"/api/oauth.v2.access"}},
		{name: "code used twice", code: "used", wantErr: "Slack refused the OAuth code (code_already_used)."},
		{name: "wrong client secret", code: "full", clientSecret: "0000000000000000000000000000dead",
			wantErr: "Slack refused the OAuth code (bad_client_secret). Check HUBADMIN_SLACK_CLIENT_ID and HUBADMIN_SLACK_CLIENT_SECRET."},
		{name: "wrong client id", code: "full", clientID: "1.2",
			wantErr: "Slack refused the OAuth code (invalid_client_id)."},
		{name: "redirect URI differs", code: "full", redirect: "https://elsewhere.example/cb",
			wantErr: "Slack refused the OAuth code (bad_redirect_uri)."},
	}
	// Which of them name the code (configuration.code), and say the nonce is spent.
	codeErrors := map[string]bool{"unknown code": true, "code used twice": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, secret, redirect := testSlackClientID, testSlackClientSecret, testSlackRedirect
			if tt.clientID != "" {
				id = tt.clientID
			}
			if tt.clientSecret != "" {
				secret = tt.clientSecret
			}
			if tt.redirect != "" {
				redirect = tt.redirect
			}
			slack := NewSlack(srv.URL+"/api", DefaultSlackAuthorizeURL, id, secret, "", nil)
			got, err := slack.Exchange(context.Background(), tt.code, redirect)

			seen := fake.take()
			if len(seen) == 0 {
				t.Fatal("the fake Slack got no request")
			}
			access := seen[0]
			if access.method != http.MethodPost || access.path != "/api/oauth.v2.access" {
				t.Errorf("first request = %s %s, want POST /api/oauth.v2.access", access.method, access.path)
			}
			if access.contentType != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", access.contentType)
			}
			wantForm := url.Values{"client_id": {id}, "client_secret": {secret}, "code": {tt.code}, "redirect_uri": {redirect}}
			if access.form.Encode() != wantForm.Encode() {
				t.Errorf("form = %v, want %v", access.form, wantForm)
			}
			if tt.wantCalls != nil {
				var paths []string
				for _, s := range seen {
					paths = append(paths, s.path)
				}
				if strings.Join(paths, " ") != strings.Join(tt.wantCalls, " ") {
					t.Errorf("calls = %v, want %v", paths, tt.wantCalls)
				}
			}
			if len(seen) > 1 {
				test := seen[1]
				if test.method != http.MethodPost || test.authorization != "Bearer "+got.BotAccessToken {
					t.Errorf("auth.test = %s with Authorization %q, want POST with the bot token", test.method, test.authorization)
				}
			}

			if tt.wantErr != "" {
				wantProviderError(t, err, "Slack", false, tt.wantErr, secret)
				pe, _ := AsProviderError(err)
				if codeErr := pe.Field == "code" && strings.Contains(pe.Message, "spent it and its nonce"); codeErr != codeErrors[tt.name] {
					t.Errorf("field %q, message %q: about the code %v, want %v", pe.Field, pe.Message, codeErr, codeErrors[tt.name])
				}
				return
			}
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if got != tt.want {
				t.Errorf("Exchange = %+v,\nwant       %+v", got, tt.want)
			}
		})
	}
}

func TestLiveSlackUnreachable(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		baseURL string
		ctx     context.Context
		want    string
	}{
		{"nothing listens", closedServerURL(t), context.Background(), "Slack could not be reached: POST http"},
		// Reached, but in trouble: said so, not "could not be reached".
		{"server error", down.URL, context.Background(), "Slack did not give a usable answer (oauth.v2.access answered HTTP 503 Service Unavailable); try again later"},
		{"context cancelled", down.URL, cancelled, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slack := NewSlack(tt.baseURL, DefaultSlackAuthorizeURL, testSlackClientID, testSlackClientSecret, "", nil)
			_, err := slack.Exchange(tt.ctx, "full", testSlackRedirect)
			wantProviderError(t, err, "Slack", true, tt.want, testSlackClientSecret)
		})
	}
}

func TestLiveSlackNotConfigured(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	t.Cleanup(srv.Close)
	const want = "Slack is not configured: set HUBADMIN_SLACK_CLIENT_ID and HUBADMIN_SLACK_CLIENT_SECRET"

	tests := []struct{ name, id, secret string }{
		{"neither", "", ""},
		{"no secret", testSlackClientID, ""},
		{"no id", "", testSlackClientSecret},
		{"blank id", "  ", testSlackClientSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slack := NewSlack(srv.URL, DefaultSlackAuthorizeURL, tt.id, tt.secret, "", nil)
			_, err := slack.Exchange(context.Background(), "full", testSlackRedirect)
			wantProviderError(t, err, "Slack", false, want)
			_, err = slack.AuthorizeURL("state", testSlackRedirect)
			wantProviderError(t, err, "Slack", false, want)
		})
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("Slack was called %d times without a client id and secret", n)
	}
}

func TestLiveSlackAuthorizeURL(t *testing.T) {
	tests := []struct {
		name         string
		authorizeURL string
		scopes       string
		state        string
		redirect     string
		want         string
	}{
		{
			name: "default scopes", authorizeURL: DefaultSlackAuthorizeURL, state: "mo5w10t.mlh97uxh", redirect: testSlackRedirect,
			want: "https://slack.com/oauth/v2/authorize?client_id=193043142226.1234567890123" +
				"&scope=" + url.QueryEscape(DefaultSlackScopes) +
				"&state=mo5w10t.mlh97uxh&redirect_uri=https%3A%2F%2Fhubadmin.example%2Foauth%2Fslack%2Fcallback",
		},
		{
			name: "state escaped, custom scopes, existing query kept", authorizeURL: "http://127.0.0.1:9/authorize?team=T1",
			scopes: "chat:write", state: "a b&c=d", redirect: "http://localhost:8080/oauth/slack/callback",
			want: "http://127.0.0.1:9/authorize?team=T1&client_id=193043142226.1234567890123&scope=chat%3Awrite" +
				"&state=a+b%26c%3Dd&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Foauth%2Fslack%2Fcallback",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slack := NewSlack(DefaultSlackAPIURL, tt.authorizeURL, testSlackClientID, testSlackClientSecret, tt.scopes, nil)
			got, err := slack.AuthorizeURL(tt.state, tt.redirect)
			if err != nil {
				t.Fatalf("AuthorizeURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("AuthorizeURL =\n %s\nwant\n %s", got, tt.want)
			}
			u, _ := url.Parse(got)
			if u.Query().Get("state") != tt.state || u.Query().Get("redirect_uri") != tt.redirect {
				t.Errorf("state/redirect_uri do not round-trip: %v", u.Query())
			}
			if strings.Contains(got, testSlackClientSecret) {
				t.Error("the authorize URL carries the client secret")
			}
		})
	}
}
