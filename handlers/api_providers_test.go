package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"hubadmin/channels"
)

// fakeProvider records the requests a live client makes.
type fakeProvider struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
	form []url.Values
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) *fakeProvider {
	f := &fakeProvider{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(r.Context()))
		f.form = append(f.form, r.PostForm)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func liveApp(t *testing.T, twilio, graph, slack string) *testApp {
	return newTestApp(t, func(c *Config) {
		hc := channels.NewHTTPClient()
		c.Providers = channels.Providers{
			Twilio:   channels.NewTwilio(twilio, hc),
			Facebook: channels.NewFacebook(graph, hc),
			Slack:    channels.NewSlack(slack, channels.DefaultSlackAuthorizeURL, "123.456", "shh", "", hc),
		}
	})
}

const (
	acct = "AC0123456789abcdef0123456789abcdef"
	auth = "0123456789abcdef0123456789abcdef"
	pn   = "PN0123456789abcdef0123456789abcdef"
)

func TestLiveTwilio(t *testing.T) {
	status := 200
	fake := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch status {
		case 401:
			w.WriteHeader(401)
			w.Write([]byte(`{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`))
		case 404:
			w.WriteHeader(404)
			w.Write([]byte(`{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`))
		default:
			w.Write([]byte(`{"sid":"` + pn + `","account_sid":"` + acct + `","phone_number":"+16476960489","friendly_name":"(647) 696-0489","capabilities":{"voice":true,"sms":true,"mms":false,"fax":false}}`))
		}
	})
	a := liveApp(t, fake.URL, "http://127.0.0.1:1", "http://127.0.0.1:1")
	tok := a.token("write")
	h := a.hub("Live")
	body := func(name string) string {
		return `{"channelId":"TwilioSMS","name":"` + name + `","configuration":{"accountSid":"` + acct + `","authToken":"` + auth + `","numberSid":"` + pn + `"}}`
	}
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, body("SMS"))
	mustStatus(t, rec, 200)
	if len(fake.reqs) != 1 {
		t.Fatalf("%d requests to Twilio, want exactly 1", len(fake.reqs))
	}
	r := fake.reqs[0]
	user, pass, _ := r.BasicAuth()
	if r.Method != "GET" || r.URL.Path != "/2010-04-01/Accounts/"+acct+"/IncomingPhoneNumbers/"+pn+".json" || user != acct || pass != auth {
		t.Fatalf("request %s %s auth %s:%s", r.Method, r.URL.Path, user, pass)
	}
	var out struct {
		Configuration struct {
			PhoneNumber  string          `json:"phoneNumber"`
			Capabilities map[string]bool `json:"capabilities"`
		} `json:"configuration"`
	}
	json.Unmarshal(rec.Body.Bytes(), &out)
	if out.Configuration.PhoneNumber != "+16476960489" || out.Configuration.Capabilities["mms"] || !out.Configuration.Capabilities["sms"] {
		t.Fatalf("derived: %+v", out.Configuration)
	}

	for _, c := range []struct {
		status int
		code   int
		field  string
		says   string
	}{{401, codeProviderRefuse, "configuration.authToken", "Twilio rejected the credentials (account SID and auth token)"},
		{404, codeProviderRefuse, "configuration.numberSid", "Twilio has no phone number " + pn + " in account " + acct}} {
		status = c.status
		rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, body("Other"))
		mustStatus(t, rec, 400)
		if p := decode[Problem](t, rec); p.Errors[0].Code != c.code || p.Errors[0].Field != c.field || !strings.Contains(p.Detail, c.says) {
			t.Errorf("Twilio %d: %+v", c.status, p)
		}
	}
	if n := countIntegrations(t, a); n != 1 {
		t.Fatalf("refusals stored something: %d integrations", n)
	}
	fake.Close()
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, body("Down"))
	mustStatus(t, rec, 400)
	if p := decode[Problem](t, rec); p.Errors[0].Code != codeProviderDown || p.Errors[0].Field != "configuration" || strings.Contains(rec.Body.String(), auth) {
		t.Errorf("unreachable: %s", rec.Body.String())
	}
}

func TestLiveMessenger(t *testing.T) {
	fake := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "EAAgood" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"AbC"}}`))
			return
		}
		switch r.URL.Path {
		case "/v19.0/me":
			w.Write([]byte(`{"id":"276238389123456","name":"Hubster Biz"}`))
		case "/v19.0/app":
			w.Write([]byte(`{"id":"218851140654321","name":"Hubster","link":"https://www.facebook.com/games/?app_id=218851140654321"}`))
		default:
			w.WriteHeader(404)
		}
	})
	a := liveApp(t, "http://127.0.0.1:1", fake.URL, "http://127.0.0.1:1")
	tok := a.token("write")
	h := a.hub("FB")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Messenger","name":"Page","configuration":{"pageAccessToken":"EAAgood"}}`)
	mustStatus(t, rec, 200)
	out := decode[integrationOut](t, rec)
	var cfg map[string]string
	json.Unmarshal(out.Configuration, &cfg)
	if out.InboundID != "276238389123456" || cfg["pageId"] != "276238389123456" || cfg["appId"] != "218851140654321" || cfg["pageName"] != "Hubster Biz" {
		t.Fatalf("derived: %s", rec.Body.String())
	}
	if q := fake.reqs[0].URL.Query(); q.Get("fields") != "id,name" {
		t.Errorf("/me query %v", q)
	}
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Messenger","name":"Bad","configuration":{"pageAccessToken":"EAAbad"}}`)
	mustStatus(t, rec, 400)
	if p := decode[Problem](t, rec); !strings.Contains(p.Detail, "Facebook") || strings.Contains(rec.Body.String(), "EAAbad") {
		t.Errorf("invalid token: %s", rec.Body.String())
	}
}

func TestLiveSlack(t *testing.T) {
	fake := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth.v2.access":
			if r.PostForm.Get("code") != "good-code" {
				w.Write([]byte(`{"ok":false,"error":"invalid_code"}`))
				return
			}
			w.Write([]byte(`{"ok":true,"access_token":"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy","token_type":"bot","scope":"chat:write","bot_user_id":"U0KRQLJ9H","app_id":"A0KRD7HC3","team":{"name":"Slack Pickleball Team","id":"T9TK3CUKW"},"authed_user":{"id":"U1234","access_token":"xoxp-1234"},"incoming_webhook":{"channel":"#support"}}`))
		case "/auth.test":
			w.Write([]byte(`{"ok":true,"url":"https://pickle.slack.com/","team":"Pickle","user":"hubster-bot","team_id":"T9TK3CUKW","user_id":"U0KRQLJ9H","bot_id":"B1"}`))
		default:
			w.Write([]byte(`{"ok":false,"error":"unknown_method"}`))
		}
	})
	a := liveApp(t, "http://127.0.0.1:1", "http://127.0.0.1:1", fake.URL)
	tok := a.token("write")
	h := a.hub("Slack")
	nonce := func() string {
		return decode[map[string]string](t, a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+h.ID+`"}`))["nonce"]
	}
	n := nonce()
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Agents","configuration":{"code":"good-code","nonce":"`+n+`"}}`)
	mustStatus(t, rec, 200)
	f := fake.form[0]
	if f.Get("client_id") != "123.456" || f.Get("client_secret") != "shh" || f.Get("code") != "good-code" || !strings.HasSuffix(f.Get("redirect_uri"), "/oauth/slack/callback") {
		t.Errorf("oauth.v2.access form: %v", f)
	}
	var cfg map[string]string
	json.Unmarshal(decode[integrationOut](t, rec).Configuration, &cfg)
	if cfg["teamId"] != "T9TK3CUKW" || !strings.HasPrefix(cfg["botAccessToken"], "xoxb-") || cfg["appAccessToken"] != "xoxp-1234" || cfg["defaultPublicChannel"] != "support" || cfg["botName"] != "hubster-bot" {
		t.Errorf("derived: %v", cfg)
	}
	// The same nonce again: refused, nothing created, Slack not asked.
	asked := len(fake.reqs)
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Again","configuration":{"code":"good-code","nonce":"`+n+`"}}`)
	mustStatus(t, rec, 400)
	if decode[Problem](t, rec).Errors[0].Code != codeStateInvalid || len(fake.reqs) != asked {
		t.Errorf("nonce reuse: %s", rec.Body.String())
	}
	// A nonce sent with another hub's create is refused there and not
	// spent: its own hub can still use it.
	other := a.hub("Other")
	n = nonce()
	rec = a.api("POST", "/api/v1/integrations/hubs/"+other.ID, tok, `{"channelId":"Slack","name":"Elsewhere","configuration":{"code":"good-code","nonce":"`+n+`"}}`)
	mustStatus(t, rec, 400)
	if decode[Problem](t, rec).Errors[0].Code != codeStateInvalid {
		t.Errorf("another hub's nonce: %s", rec.Body.String())
	}
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Second","configuration":{"code":"good-code","nonce":"`+n+`"}}`), 200)
	// Slack says no: 400 with Slack's error code.
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Bad","configuration":{"code":"expired","nonce":"`+nonce()+`"}}`)
	mustStatus(t, rec, 400)
	// The error is the code's, and says the nonce went with it.
	if p := decode[Problem](t, rec); !strings.Contains(p.Detail, "invalid_code") || len(p.Errors) != 1 ||
		p.Errors[0].Field != "configuration.code" || !strings.Contains(p.Errors[0].Description, "spent it and its nonce") {
		t.Errorf("ok:false: %+v", p)
	}
	if n := countIntegrations(t, a); n != 2 {
		t.Errorf("%d integrations, want 2", n)
	}
}

// TestLiveSlackProgramRedirect: a program that asks for a nonce with its own
// redirectUri gets an authorize URL that sends the user there, and its code
// is exchanged with that same redirect_uri (Slack refuses any other).
func TestLiveSlackProgramRedirect(t *testing.T) {
	fake := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth.v2.access":
			if r.PostForm.Get("redirect_uri") != "https://app.example.com/slack/done?x=1" {
				w.Write([]byte(`{"ok":false,"error":"bad_redirect_uri"}`))
				return
			}
			w.Write([]byte(`{"ok":true,"access_token":"xoxb-1-2-abc","bot_user_id":"U1","team":{"name":"T","id":"T1"},"authed_user":{"id":"U2","access_token":"xoxp-1"}}`))
		case "/auth.test":
			w.Write([]byte(`{"ok":true,"user":"bot","user_id":"U1"}`))
		default:
			w.Write([]byte(`{"ok":false,"error":"unknown_method"}`))
		}
	})
	a := liveApp(t, "http://127.0.0.1:1", "http://127.0.0.1:1", fake.URL)
	tok := a.token("write")
	h := a.hub("Slack")
	rec := a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+h.ID+`","redirectUri":"https://app.example.com/slack/done?x=1"}`)
	mustStatus(t, rec, 200)
	out := decode[map[string]string](t, rec)
	authURL, err := url.Parse(out["authorizeUrl"])
	if err != nil {
		t.Fatal(err)
	}
	if got := authURL.Query().Get("redirect_uri"); got != "https://app.example.com/slack/done?x=1" {
		t.Errorf("authorize URL's redirect_uri = %q", got)
	}
	if authURL.Query().Get("state") != out["nonce"] {
		t.Errorf("authorize URL's state is not the nonce: %s", authURL)
	}
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Agents","configuration":{"code":"c","nonce":"`+out["nonce"]+`"}}`)
	mustStatus(t, rec, 200)
	// A nonce without one: the server's own callback, as before.
	n := decode[map[string]string](t, a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+h.ID+`"}`))["nonce"]
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"Slack","name":"Other","configuration":{"code":"c","nonce":"`+n+`"}}`)
	mustStatus(t, rec, 400)
	if p := decode[Problem](t, rec); !strings.Contains(p.Detail, "bad_redirect_uri") {
		t.Errorf("own callback sent as the program's: %s", rec.Body.String())
	}
}
