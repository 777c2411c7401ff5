package channels

import (
	"context"
	"net/url"
	"regexp"
	"testing"
)

func TestSandboxProviders(t *testing.T) {
	p := Sandbox()
	if !p.Sandbox || p.Twilio == nil || p.Facebook == nil || p.Slack == nil {
		t.Fatalf("Sandbox() = %+v, want all three fakes and Sandbox: true", p)
	}
}

func TestSandboxTwilio(t *testing.T) {
	twilio := Sandbox().Twilio
	ctx := context.Background()
	phone := regexp.MustCompile(`^\+1555[0-9]{7}$`)

	tests := []struct {
		name, token, numberSid string
		wantErr                string
	}{
		{name: "number", token: testAuthToken, numberSid: testNumberSid},
		{name: "another number", token: testAuthToken, numberSid: "PNffffffffffffffffffffffffffffffff"},
		{name: "rejected token", token: SandboxRejectedTwilioToken, numberSid: testNumberSid,
			wantErr: "Twilio rejected the credentials (account SID and auth token): Authenticate (code 20003)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := twilio.PhoneNumber(ctx, testAccountSid, tt.token, tt.numberSid)
			if tt.wantErr != "" {
				wantProviderError(t, err, "Twilio", false, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("PhoneNumber: %v", err)
			}
			if !phone.MatchString(got.PhoneNumber) || !got.SMS || !got.MMS || !got.Voice {
				t.Errorf("PhoneNumber = %+v, want +1555 and 7 digits, all capabilities", got)
			}
			again, _ := twilio.PhoneNumber(ctx, testAccountSid, tt.token, tt.numberSid)
			if again != got {
				t.Errorf("not deterministic: %+v then %+v", got, again)
			}
		})
	}

	a, _ := twilio.PhoneNumber(ctx, testAccountSid, testAuthToken, testNumberSid)
	b, _ := twilio.PhoneNumber(ctx, testAccountSid, testAuthToken, "PNffffffffffffffffffffffffffffffff")
	if a.PhoneNumber == b.PhoneNumber {
		t.Errorf("two numbers share %s", a.PhoneNumber)
	}
}

func TestSandboxFacebook(t *testing.T) {
	facebook := Sandbox().Facebook
	ctx := context.Background()
	id := regexp.MustCompile(`^[1-9][0-9]{14}$`)
	name := regexp.MustCompile(`^Sandbox Page [0-9a-f]{4}$`)

	tests := []struct {
		name, token, wantErr string
	}{
		{name: "page", token: testPageToken},
		{name: "another page", token: "EAAanother"},
		{name: "invalid token", token: "invalid-token",
			wantErr: "Facebook rejected the page access token: Invalid OAuth access token"},
		{name: "just invalid", token: "invalid", wantErr: "Facebook rejected the page access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := facebook.Page(ctx, tt.token)
			if tt.wantErr != "" {
				wantProviderError(t, err, "Facebook", false, tt.wantErr, tt.token)
				return
			}
			if err != nil {
				t.Fatalf("Page: %v", err)
			}
			if !id.MatchString(got.PageID) || !id.MatchString(got.AppID) || !name.MatchString(got.PageName) {
				t.Errorf("Page = %+v, want 15-digit ids and Sandbox Page <4 hex>", got)
			}
			if got.PageID == got.AppID {
				t.Errorf("page and app share the id %s", got.PageID)
			}
			again, _ := facebook.Page(ctx, tt.token)
			if again != got {
				t.Errorf("not deterministic: %+v then %+v", got, again)
			}
		})
	}
}

func TestSandboxSlackExchange(t *testing.T) {
	slack := Sandbox().Slack
	ctx := context.Background()
	team := regexp.MustCompile(`^T[A-Z0-9]{9}$`)
	bot := regexp.MustCompile(`^xoxb-sandbox-[0-9a-f]+$`)
	user := regexp.MustCompile(`^xoxp-sandbox-[0-9a-f]+$`)

	tests := []struct {
		name, code, wantErr string
	}{
		{name: "code", code: "sandbox-0123abcd"},
		{name: "another code", code: "1234.5678.abcd"},
		{name: "invalid code", code: SandboxRejectedSlackCode, wantErr: "Slack refused the OAuth code (invalid_code)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := slack.Exchange(ctx, tt.code, testSlackRedirect)
			if tt.wantErr != "" {
				wantProviderError(t, err, "Slack", false, tt.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if !bot.MatchString(got.BotAccessToken) || !user.MatchString(got.AppAccessToken) || !team.MatchString(got.TeamID) ||
				got.BotName != "hubadmin" || got.DefaultPublicChannel != "general" || got.TeamName == "" {
				t.Errorf("Exchange = %+v", got)
			}
			again, _ := slack.Exchange(ctx, tt.code, testSlackRedirect)
			if again != got {
				t.Errorf("not deterministic: %+v then %+v", got, again)
			}
		})
	}

	a, _ := slack.Exchange(ctx, "code-a", "")
	b, _ := slack.Exchange(ctx, "code-b", "")
	if a.BotAccessToken == b.BotAccessToken || a.TeamID == b.TeamID {
		t.Errorf("two codes share tokens or team: %+v, %+v", a, b)
	}
}

func TestSandboxSlackAuthorizeURL(t *testing.T) {
	slack := Sandbox().Slack
	tests := []struct {
		name, state, redirect string
		wantPrefix            string
		wantQuery             url.Values // besides code
	}{
		{
			name: "straight back to the callback", state: "mo5w10t.mlh97uxh",
			redirect:   "http://127.0.0.1:8080/oauth/slack/callback",
			wantPrefix: "http://127.0.0.1:8080/oauth/slack/callback?",
			wantQuery:  url.Values{"state": {"mo5w10t.mlh97uxh"}},
		},
		{
			name: "state escaped, existing query kept", state: "a b&c=d",
			redirect:   "https://hubadmin.example/cb?hub=1",
			wantPrefix: "https://hubadmin.example/cb?",
			wantQuery:  url.Values{"state": {"a b&c=d"}, "hub": {"1"}},
		},
	}
	code := regexp.MustCompile(`^sandbox-[0-9a-f]{16}$`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := slack.AuthorizeURL(tt.state, tt.redirect)
			if err != nil {
				t.Fatalf("AuthorizeURL: %v", err)
			}
			if len(got) < len(tt.wantPrefix) || got[:len(tt.wantPrefix)] != tt.wantPrefix {
				t.Errorf("AuthorizeURL = %s, want it to start with %s", got, tt.wantPrefix)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if !code.MatchString(q.Get("code")) {
				t.Errorf("code = %q", q.Get("code"))
			}
			q.Del("code")
			if q.Encode() != tt.wantQuery.Encode() {
				t.Errorf("query = %v, want %v", q, tt.wantQuery)
			}
			// The code the callback gets is one the sandbox Exchange accepts.
			if _, err := slack.Exchange(context.Background(), u.Query().Get("code"), tt.redirect); err != nil {
				t.Errorf("Exchange of the sandbox code: %v", err)
			}
			again, _ := slack.AuthorizeURL(tt.state, tt.redirect)
			if again != got {
				t.Errorf("not deterministic: %s then %s", got, again)
			}
		})
	}
}

func TestSandboxHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := Sandbox()
	_, err := p.Twilio.PhoneNumber(ctx, testAccountSid, testAuthToken, testNumberSid)
	wantProviderError(t, err, "Twilio", true, "context canceled")
	_, err = p.Facebook.Page(ctx, testPageToken)
	wantProviderError(t, err, "Facebook", true, "context canceled")
	_, err = p.Slack.Exchange(ctx, "code", "")
	wantProviderError(t, err, "Slack", true, "context canceled")
}
