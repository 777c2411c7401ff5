package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSlackNonceChecksItsInput: every problem of the request in one 400,
// each naming its field, and no state stored for a refused request.
func TestSlackNonceChecksItsInput(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Support")
	cases := []struct {
		name, body string
		fields     []string
	}{
		{"all wrong", `{"name":"  ","redirectUri":"ftp://x.example.com/cb"}`, []string{"hubId", "name", "redirectUri"}},
		{"fragment", `{"hubId":"` + h.ID + `","redirectUri":"https://app.example.com/cb#top"}`, []string{"redirectUri"}},
		{"user info", `{"hubId":"` + h.ID + `","redirectUri":"https://me:pw@app.example.com/cb"}`, []string{"redirectUri"}},
		{"relative", `{"hubId":"` + h.ID + `","redirectUri":"/slack/done"}`, []string{"redirectUri"}},
		{"no host", `{"hubId":"` + h.ID + `","redirectUri":"https:///cb"}`, []string{"redirectUri"}},
		{"name too long", `{"hubId":"` + h.ID + `","name":"` + strings.Repeat("n", 101) + `"}`, []string{"name"}},
		{"not a string", `{"hubId":"` + h.ID + `","redirectUri":42}`, []string{"redirectUri"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := a.api("POST", "/api/v1/integrations/slack/nonce", tok, tc.body)
			mustStatus(t, rec, http.StatusBadRequest)
			var got []string
			for _, e := range decode[Problem](t, rec).Errors {
				got = append(got, e.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("fields %v, want %v (%s)", got, tc.fields, rec.Body.String())
			}
		})
	}
	// A name the hub already has is said before the user goes to Slack.
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Agents","configuration":{"allowedOrigins":["a.example.com"]}}`), 200)
	rec := a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+h.ID+`","name":"AGENTS"}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Code != codeNameExists || p.Errors[0].Field != "name" {
		t.Errorf("taken name: %s", rec.Body.String())
	}
}

// apiSlackCallback asks for a nonce through the API (body's extra members
// after hubId) and returns the sandbox's authorize URL, which leads
// straight back to this server's callback with a code.
func apiSlackCallback(t *testing.T, a *testApp, tok, hubID, extra string) *url.URL {
	t.Helper()
	rec := a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+hubID+`"`+extra+`}`)
	mustStatus(t, rec, http.StatusOK)
	u, err := url.Parse(decode[map[string]string](t, rec)["authorizeUrl"])
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSlackCallbackFinishesAPIStates: a state a program asked for without
// its own redirect address comes back to the dashboard's callback, which
// creates the integration under the name given, or asks for one first —
// the state stays unspent until a valid name is given.
func TestSlackCallbackFinishesAPIStates(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	b := a.signIn("editor")
	hub := a.hub("Support")

	// Named at nonce time: created at once.
	u := apiSlackCallback(t, a, tok, hub.ID, `,"name":"From the API"`)
	if u.Path != slackCallbackPath {
		t.Fatalf("authorize URL %s", u)
	}
	id := integrationCreated(t, b.get(u.RequestURI()))
	if list := a.hubIntegrations(hub); len(list) != 1 || list[0].ID != id || list[0].Name != "From the API" {
		t.Fatalf("stored: %+v", list)
	}

	// No name: the page asks for one, carrying Slack's code and the state.
	u = apiSlackCallback(t, a, tok, hub.ID, "")
	for range 2 { // looking does not spend it
		rec := b.get(u.RequestURI())
		mustStatus(t, rec, http.StatusOK)
		d := doc(t, rec)
		form := d.Find(`form[data-testid="slack-form"]`)
		if form.AttrOr("action", "") != slackCallbackPath || form.AttrOr("method", "") != "post" {
			t.Fatalf("finish form: %s", rec.Body.String())
		}
		if form.Find(`input[name="code"]`).AttrOr("value", "") != u.Query().Get("code") || form.Find(`input[name="state"]`).AttrOr("value", "") != u.Query().Get("state") {
			t.Fatalf("finish form lacks the code or state")
		}
		if d.Find(`[data-testid="slack-finish"]`).Length() != 1 || d.Find(`[data-testid="slack-not-configured"]`).Length() != 0 {
			t.Fatalf("finish form buttons: %s", rec.Body.String())
		}
	}
	finish := url.Values{"code": {u.Query().Get("code")}, "state": {u.Query().Get("state")}}
	for name, want := range map[string]string{"": "Enter a name.", "from the api": "already exists"} {
		v := url.Values{"name": {name}}
		for k, vs := range finish {
			v[k] = vs
		}
		rec := b.post(slackCallbackPath, v, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if msg := doc(t, rec).Find("#f-name-error").Text(); !strings.Contains(msg, want) {
			t.Errorf("name %q: error %q", name, msg)
		}
		if doc(t, rec).Find(`input[name="state"]`).AttrOr("value", "") != finish.Get("state") {
			t.Errorf("name %q: the re-shown form lost the state", name)
		}
	}
	if n := len(a.hubIntegrations(hub)); n != 1 {
		t.Fatalf("%d integrations after refused names", n)
	}
	finish.Set("name", "Named here")
	id = integrationCreated(t, b.post(slackCallbackPath, finish, false))
	in, err := a.db.Integration(t.Context(), id)
	if err != nil || in.Name != "Named here" || in.ChannelID != "Slack" {
		t.Fatalf("created %+v (%v)", in, err)
	}
	// Spent now: the same form again is refused, nothing more created.
	finish.Set("name", "Again")
	rec := b.post(slackCallbackPath, finish, false)
	mustStatus(t, rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "expired or already used") {
		t.Errorf("replayed finish: %s", rec.Body.String())
	}
	// A viewer cannot finish one.
	u = apiSlackCallback(t, a, tok, hub.ID, `,"name":"Viewer's"`)
	mustStatus(t, a.signIn("viewer").get(u.RequestURI()), http.StatusForbidden)
	if n := len(a.hubIntegrations(hub)); n != 2 {
		t.Fatalf("%d integrations, want 2", n)
	}
}

// TestSlackCallbackLeavesProgramStates: a state whose authorize URL sent
// Slack to a program's own address is the program's to finish; arriving
// here it is refused and left unspent, and the program can still use it.
func TestSlackCallbackLeavesProgramStates(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	b := a.signIn("editor")
	hub := a.hub("Support")
	u := apiSlackCallback(t, a, tok, hub.ID, `,"redirectUri":"https://app.example.com/slack/done"`)
	if u.Host != "app.example.com" || u.Path != "/slack/done" {
		t.Fatalf("sandbox authorize URL %s, want the program's address", u)
	}
	rec := b.get(slackCallbackPath + "?" + u.RawQuery)
	mustStatus(t, rec, http.StatusBadRequest)
	if !strings.Contains(rec.Body.String(), "https://app.example.com/slack/done") {
		t.Errorf("refusal does not say where it finishes: %s", rec.Body.String())
	}
	rec = a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"Slack","name":"Program","configuration":{"code":"`+u.Query().Get("code")+`","nonce":"`+u.Query().Get("state")+`"}}`)
	mustStatus(t, rec, http.StatusOK)
}

// TestSlackCallbackDoesNotEchoArbitraryErrors: Slack's error codes are
// shown; any other text put in a link is not repeated on the page.
func TestSlackCallbackDoesNotEchoArbitraryErrors(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	rec := b.get(slackCallbackPath + "?error=" + url.QueryEscape("Your account is locked, call +1 555 0100"))
	mustStatus(t, rec, http.StatusBadRequest)
	if body := rec.Body.String(); strings.Contains(body, "555 0100") || !strings.Contains(body, "Nothing was created.") {
		t.Errorf("page: %s", body)
	}
	rec = b.get(slackCallbackPath + "?error=invalid_scope")
	if !strings.Contains(rec.Body.String(), "(invalid_scope)") {
		t.Errorf("Slack's code not shown: %s", rec.Body.String())
	}
}
