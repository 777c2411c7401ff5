package handlers

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// fillParams puts a real-looking id in every path parameter.
func fillParams(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "8b2e1f4c-0000-4000-8000-000000000000"
		}
		if p == "*" {
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}

func isMutating(m string) bool {
	return m == http.MethodPost || m == http.MethodPut || m == http.MethodDelete || m == http.MethodPatch
}

// TestEveryMutatingRouteRefusesReadersAndViewers walks the registered
// routes, so a new route cannot forget the check.
func TestEveryMutatingRouteRefusesReadersAndViewers(t *testing.T) {
	a := newTestApp(t)
	read := a.token("read")
	viewer := a.signIn("viewer")
	// Routes anyone may post to: signing in and out, first-run setup, the
	// OAuth token endpoint, ending one's own sessions and changing one's own
	// password.
	open := map[string]bool{"/login": true, "/logout": true, "/setup": true, "/connect/token": true,
		"/account/sign-out-everywhere": true, "/account/password": true}
	checked := 0
	for _, r := range a.srv.Routes() {
		if !isMutating(r.Method) || open[r.Path] || strings.HasSuffix(r.Path, "/*") || r.Name == "echo_route_not_found" {
			continue
		}
		path := fillParams(r.Path)
		var code int
		if strings.HasPrefix(r.Path, "/api/") {
			code = a.api(r.Method, path, read, `{}`).Code
		} else {
			form := url.Values{"_csrf": {viewer.csrf}}
			req := strings.NewReader(form.Encode())
			rq, _ := http.NewRequest(r.Method, path, req)
			rq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			code = viewer.send(rq).Code
		}
		if code != http.StatusForbidden {
			t.Errorf("%s %s: %d, want 403", r.Method, r.Path, code)
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d mutating routes checked", checked)
	}
}

// TestRateLimitPerToken: a burst over the limit gets 429 with Retry-After;
// another token is unaffected.
func TestRateLimitPerToken(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.RateLimit = 20 })
	busy, calm := a.token("read"), a.token("read")
	var mu sync.Mutex
	codes := map[int]int{}
	var retry string
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := a.api("GET", "/api/v1/hubs", busy, "")
			mu.Lock()
			codes[rec.Code]++
			if rec.Code == http.StatusTooManyRequests {
				retry = rec.Header().Get("Retry-After")
				if decode[Problem](t, rec).Errors[0].Code != codeRateLimited {
					t.Error("429 without code 906")
				}
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] < 40 || codes[429] == 0 || codes[200]+codes[429] != 100 || retry == "" {
		t.Fatalf("burst of 100: %v, Retry-After %q", codes, retry)
	}
	mustStatus(t, a.api("GET", "/api/v1/hubs", calm, ""), 200)
}

// TestConcurrentMixedWrites: many goroutines creating, renaming, pausing
// and deleting in the same hubs through HTTP: no 500, every acknowledged
// create that was not deleted is there, names stay unique.
func TestConcurrentMixedWrites(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hubs := []string{a.hub("A").ID, a.hub("B").ID}
	var mu sync.Mutex
	created := map[string]string{} // id → hub
	deleted := map[string]bool{}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 12 {
				hub := hubs[(w+i)%2]
				name := []string{"alpha", "beta", "gamma", "delta"}[(w*7+i)%4]
				rec := a.api("POST", "/api/v1/integrations/hubs/"+hub, tok, `{"channelId":"WebChat","name":"`+name+`","configuration":{"allowedOrigins":["a.com"]}}`)
				if rec.Code >= 500 {
					t.Errorf("create: %d %s", rec.Code, rec.Body.String())
				}
				if rec.Code != 200 {
					continue
				}
				id := decode[integrationOut](t, rec).IntegrationID
				mu.Lock()
				created[id] = hub
				mu.Unlock()
				switch i % 3 {
				case 0:
					if c := a.api("POST", "/api/v1/integrations/hubs/"+id, tok, `{"name":"`+name+`-`+id[:8]+`"}`).Code; c >= 500 {
						t.Errorf("rename: %d", c)
					}
				case 1:
					if c := a.api("POST", "/api/v1/integrations/hubs/"+id, tok, `{"statusId":3002}`).Code; c >= 500 {
						t.Errorf("pause: %d", c)
					}
				case 2:
					if c := a.api("DELETE", "/api/v1/integrations/"+id, tok, "").Code; c == 200 {
						mu.Lock()
						deleted[id] = true
						mu.Unlock()
					} else {
						t.Errorf("delete: %d", c)
					}
				}
			}
		}()
	}
	wg.Wait()
	for id := range created {
		code := a.api("GET", "/api/v1/integrations/"+id, tok, "").Code
		if deleted[id] && code != 404 || !deleted[id] && code != 200 {
			t.Errorf("integration %s: %d (deleted=%v)", id, code, deleted[id])
		}
	}
	for _, hub := range hubs {
		list := decode[page[integrationOut]](t, a.api("GET", "/api/v1/integrations?pageSize=100&hubId="+hub, tok, ""))
		seen := map[string]bool{}
		for _, in := range list.Results {
			k := strings.ToLower(in.Name)
			if seen[k] {
				t.Errorf("duplicate name %q in hub", in.Name)
			}
			seen[k] = true
		}
	}
}

// FuzzListQuery: no query string makes the list endpoints fail with a 500.
func FuzzListQuery(f *testing.F) {
	for _, s := range []string{"pageSize=0", "pageNumber=-1&pageSize=abc", "channelId=webchat&statusId=3002&q=%25_", "hubId=nope", "q=" + strings.Repeat("x", 300), "pageNumber=99999999999999999999"} {
		f.Add(s)
	}
	a := newTestApp(f)
	tok := a.token("read")
	f.Fuzz(func(t *testing.T, q string) {
		a := a.with(t)
		for _, p := range []string{"/api/v1/integrations?", "/api/v1/hubs?"} {
			req := p + url.PathEscape(q)
			if _, err := url.ParseRequestURI(req); err != nil {
				return
			}
			if rec := a.api("GET", req, tok, ""); rec.Code >= 500 {
				t.Fatalf("%s: %d %s", req, rec.Code, rec.Body.String())
			}
		}
	})
}

// FuzzCreateBody: no body makes create fail with a 500, and a refused one
// stores nothing.
func FuzzCreateBody(f *testing.F) {
	for _, s := range []string{`{"channelId":"WebChat","name":"x","configuration":{"allowedOrigins":["a.com"]}}`, `{"channelId":1,"name":"","configuration":null}`, `{"ChannelId":"system","Name":"s","Configuration":{"events":["message"],"webhookUrl":"https://a"}}`, `{`, `[]`, `{"name":{"a":1}}`} {
		f.Add(s)
	}
	a := newTestApp(f)
	tok := a.token("write")
	hub := a.hub("Fuzz").ID
	f.Fuzz(func(t *testing.T, body string) {
		a := a.with(t)
		before := countIntegrations(t, a)
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub, tok, body)
		if rec.Code >= 500 {
			t.Fatalf("%q: %d %s", body, rec.Code, rec.Body.String())
		}
		if rec.Code != 200 && countIntegrations(t, a) != before {
			t.Fatalf("%q: refused (%d) but stored", body, rec.Code)
		}
		if rec.Code == 200 {
			a.api("DELETE", "/api/v1/integrations/"+decode[integrationOut](t, rec).IntegrationID, tok, "")
		}
	})
}

// with is the app reporting to another test (a fuzz target's own t).
func (a *testApp) with(t *testing.T) *testApp {
	if a.report != nil {
		a.report.mu.Lock()
		a.report.cur = t
		a.report.mu.Unlock()
	}
	return &testApp{t: t, srv: a.srv, db: a.db, report: a.report}
}

// TestClientRequestIDKeptOnlyWhenPlain: a proxy's plain X-Request-Id is
// kept (echoed, and the problem's trackingId); markup or kilobytes are
// replaced by the server's own id.
func TestClientRequestIDKeptOnlyWhenPlain(t *testing.T) {
	a := newTestApp(t)
	for id, kept := range map[string]bool{
		"req-42_a.b":              true,
		"my-id-<script>":          false,
		strings.Repeat("a", 5000): false,
		"two\r\nlines":            false,
		strings.Repeat("b", 64):   true,
		strings.Repeat("c", 65):   false,
	} {
		req := httptest.NewRequest("GET", "/api/v1/integrations", nil) // no token: a 401 problem
		req.Header.Set("X-Request-Id", id)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if (got == id) != kept || got == "" {
			t.Errorf("%.20q: answered with id %.20q", id, got)
		}
		if p := decode[Problem](t, rec); p.TrackingID != got {
			t.Errorf("%.20q: trackingId %.20q, header %.20q", id, p.TrackingID, got)
		}
	}
}

// TestWrongMethodIs405: an API path asked with a method it does not take
// is a problem+json 405 with Allow, not "No such route"; an unknown path
// stays a 404.
func TestWrongMethodIs405(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	for _, c := range []struct {
		method, path, allow string
		status              int
	}{
		{"PATCH", "/api/v1/hubs/" + h.ID, "GET, PUT, DELETE", 405},
		{"POST", "/api/v1/hubs/" + h.ID, "GET, PUT, DELETE", 405},
		{"DELETE", "/api/v1/hubs", "GET, POST", 405},
		{"GET", "/api/v1/nothing-here", "", 404},
		{"GET", "/connect/token", "POST", 405},
		{"GET", "/connect/authorize", "", 404},
		{"HEAD", "/api/v1/hubs", "", 200}, // answered as GET, without the body
	} {
		rec := a.api(c.method, c.path, tok, "")
		if c.status == 200 {
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Errorf("%s %s: %d %s", c.method, c.path, rec.Code, rec.Header().Get("Content-Type"))
			}
			continue
		}
		if rec.Code != c.status || rec.Header().Get("Allow") != c.allow || rec.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d, Allow %q, %s", c.method, c.path, rec.Code, rec.Header().Get("Allow"), rec.Header().Get("Content-Type"))
		}
	}
}

// TestWidgetTokenPathWrongMethod: the web chat widget's token path takes
// no token, so a wrong method there is a 405, not a request for one.
func TestWidgetTokenPathWrongMethod(t *testing.T) {
	a := newTestApp(t)
	req := httptest.NewRequest("POST", "/api/v1/integrations/web-chat/token/8b2e1f4c-0000-4000-8000-000000000000", nil)
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, OPTIONS" {
		t.Errorf("%d, Allow %q: %s", rec.Code, rec.Header().Get("Allow"), rec.Body.String())
	}
}

// TestHeadOverTheWire: HEAD is answered as GET would be, over a real
// connection: same status and length, no body, and the connection still
// serves the next request.
func TestHeadOverTheWire(t *testing.T) {
	a := newTestApp(t)
	ts := httptest.NewServer(a.srv)
	defer ts.Close()
	get, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	for _, path := range []string{"/healthz", "/login", "/api/v1/hubs"} {
		res, err := http.Head(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if path == "/healthz" && (res.StatusCode != 200 || res.ContentLength != int64(len(body))) {
			t.Errorf("HEAD %s: %d, length %d; GET had %d bytes", path, res.StatusCode, res.ContentLength, len(body))
		}
		if res.StatusCode == http.StatusMethodNotAllowed || res.StatusCode == http.StatusNotFound {
			t.Errorf("HEAD %s: %d", path, res.StatusCode)
		}
	}
	if res, err := http.Get(ts.URL + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("GET after HEADs: %v", err)
	}
}

// The API's answers, errors included, carry the headers for data (no-store
// above all: a write token's answers hold secrets in clear); the
// dashboard's carry the page's CSP. A handler that sets one of them for
// its own answer (the OpenAPI document's Cache-Control) changes no other
// answer.
func TestSecurityHeadersByKind(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Headers")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"TwilioSMS","name":"T","configuration":`+twilioConfig+`}`)
	mustStatus(t, rec, http.StatusOK)
	id := decode[integrationOut](t, rec).IntegrationID

	apiWant := map[string]string{
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "",
		"X-Xss-Protection":        "",
	}
	pageWant := map[string]string{
		"Content-Security-Policy": csp,
		"Referrer-Policy":         "same-origin",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"X-Xss-Protection":        "0",
	}
	check := func(what string, rec *httptest.ResponseRecorder, want map[string]string) {
		t.Helper()
		for k, v := range want {
			if got := rec.Header().Values(k); (v == "" && len(got) != 0) || (v != "" && (len(got) != 1 || got[0] != v)) {
				t.Errorf("%s: %s = %q, want %q", what, k, got, v)
			}
		}
	}

	if rec := a.api("GET", "/api/openapi.yaml", "", ""); rec.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("OpenAPI document: Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	get := a.api("GET", "/api/v1/integrations/"+id, tok, "")
	mustStatus(t, get, http.StatusOK)
	if !strings.Contains(get.Body.String(), "cb8c5367c3c4586ecb589e25570aaaaa") {
		t.Fatalf("a write token's GET should hold the secret in clear: %s", get.Body)
	}
	check("GET with a secret", get, apiWant)
	check("no token", a.api("GET", "/api/v1/integrations/"+id, "", ""), apiWant)
	check("no such API path", a.api("GET", "/api/v2/nothing", tok, ""), apiWant)
	check("/connect/token", a.postRaw("/connect/token", "application/x-www-form-urlencoded", "grant_type=client_credentials"), apiWant)

	b := a.signIn("admin")
	check("hub page", b.get("/hubs/"+hub.ID), pageWant)
	check("sign-in page", a.newBrowser().get("/login"), pageWant)
	check("no such page", b.get("/no/such/page"), pageWant)
	if got := apiSecurityHeaders.Get("Cache-Control"); got != "no-store" {
		t.Errorf("the shared API headers were changed by a response: Cache-Control %q", got)
	}
}

// TestBodyTextMustBeValid: text that is not valid UTF-8, or a \u escape of
// half a surrogate pair, is refused (encoding/json would store U+FFFD in
// its place in silence); an unknown property is named as it was spelled.
func TestBodyTextMustBeValid(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for _, c := range []struct{ body, field, want string }{
		{`{"name":"\ud800"}`, "body", `\ud800`},
		{"{\"name\":\"caf\xe9\"}", "body", "not valid UTF-8"},
		{`{"name":"x","webhookUrl":"https://a.example"}`, "webhookUrl", "Property 'webhookUrl' is not supported"},
	} {
		rec := a.api("POST", "/api/v1/hubs", tok, c.body)
		mustStatus(t, rec, http.StatusBadRequest)
		p := decode[Problem](t, rec)
		if p.Errors[0].Field != c.field || !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s: %+v", c.body, p)
		}
	}
	rec := a.api("GET", "/api/v1/hubs", tok, "")
	if strings.Contains(rec.Body.String(), `"name":"`) {
		t.Errorf("a refused body was stored: %s", rec.Body.String())
	}
	mustStatus(t, a.api("POST", "/api/v1/hubs", tok, `{"name":"\ud83d\ude00 caf\u00e9"}`), http.StatusOK)
	// Inside a configuration sent as a string (Hubster's .NET client).
	hub := a.hub("Strings")
	rec = a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"Direct","name":"D","configuration":"{\"integrationType\":\"Agent\",\"start\":[{\"type\":\"text\",\"text\":\"\\ud800\"}]}"}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Field != "configuration" || !strings.Contains(p.Detail, `\ud800`) {
		t.Errorf("string configuration: %+v", p)
	}
}

// TestUnknownQueryParameters: a parameter a route does not take is a 400
// that names it (a misspelled filter would otherwise list everything); the
// ones it takes match in any case, once each.
func TestUnknownQueryParameters(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	one, two := a.hub("One"), a.hub("Two")
	for _, h := range []string{one.ID, two.ID} {
		mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h, tok, `{"channelId":"WebChat","name":"W","configuration":{"allowedOrigins":["a.com"]}}`), http.StatusOK)
	}
	type list struct {
		Total int `json:"total"`
	}
	for _, c := range []struct {
		path, field string
		status      int
	}{
		{"/api/v1/integrations?hubid=" + one.ID, "", 200},
		{"/api/v1/integrations?HubId=" + one.ID + "&PAGESIZE=5", "", 200},
		{"/api/v1/integrations?hubId=" + one.ID + "&status=paused", "status", 400},
		{"/api/v1/integrations?hubId=" + one.ID + "&hubId=" + two.ID, "hubId", 400},
		{"/api/v1/integrations?hubId=" + one.ID + "&HUBID=" + two.ID, "hubId", 400},
		{"/api/v1/hubs?status=2002", "status", 400},
		{"/api/v1/hubs?statusId=3002", "statusId", 400}, // an integration's status
		{"/api/v1/hubs/" + one.ID + "?verbose=1", "verbose", 400},
		{"/api/v1/no/such/route?x=1", "", 404},
	} {
		rec := a.api("GET", c.path, tok, "")
		if rec.Code != c.status {
			t.Errorf("%s: %d, want %d: %s", c.path, rec.Code, c.status, rec.Body.String())
			continue
		}
		switch c.status {
		case 200:
			if n := decode[list](t, rec).Total; n != 1 {
				t.Errorf("%s: %d integrations, want the hub's 1", c.path, n)
			}
		case 400:
			if p := decode[Problem](t, rec); p.Errors[0].Field != c.field {
				t.Errorf("%s: %+v", c.path, p)
			}
		}
	}
}

// TestHugeRateLimitIsNoLimit: a rate so large that twice it overflows an
// int (or +Inf, which the command line takes as "no limit") lets every
// request through; the burst had overflowed into one that refused all.
func TestHugeRateLimitIsNoLimit(t *testing.T) {
	for _, r := range []float64{1e19, math.Inf(1)} {
		a := newTestApp(t, func(c *Config) { c.RateLimit = r })
		tok := a.token("read")
		for i := range 50 {
			if rec := a.api("GET", "/api/v1/hubs", tok, ""); rec.Code != http.StatusOK {
				t.Fatalf("rate %g, request %d: %d", r, i, rec.Code)
			}
		}
	}
}

// On a loopback listener, a request through any other name (DNS rebinding:
// a web page's own domain made to resolve to 127.0.0.1) is refused, on
// every route; local names and the public URL's host are served.
func TestLoopbackServerAnswersLocalNamesOnly(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.LoopbackOnly, c.PublicURL = true, "https://Hub.Example.com" })
	for _, c := range []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:8080", true}, {"localhost:8080", true}, {"LOCALHOST", true}, {"[::1]:8080", true},
		{"app.localhost:8080", true}, {"127.0.0.2", true}, {"hub.example.com", true}, {"hub.example.com:443", true},
		{"attacker.example:8080", false}, {"192.168.1.10:8080", false}, {"localhost.attacker.example", false}, {"", false},
	} {
		for _, path := range []string{"/setup", "/login", "/api/v1/hubs", "/static/css/app.css"} {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Host = c.host
			rec := httptest.NewRecorder()
			a.srv.ServeHTTP(rec, req)
			if refused := rec.Code == http.StatusBadRequest && strings.Contains(rec.Body.String(), "--public-url"); refused == c.ok {
				t.Errorf("Host %q, %s: %d %.120s", c.host, path, rec.Code, rec.Body.String())
			}
		}
	}
	// Probes answer under any name.
	req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
	req.Host = "rebound.example"
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	mustStatus(t, rec, http.StatusOK)
	// Without --public-url, no Host at all (HTTP/1.0) is no match for it.
	c := newTestApp(t, func(c *Config) { c.LoopbackOnly = true })
	req = httptest.NewRequest(http.MethodGet, "/login", nil)
	req.Host = ""
	rec = httptest.NewRecorder()
	c.srv.ServeHTTP(rec, req)
	mustStatus(t, rec, http.StatusBadRequest)
	// Not on a loopback listener: any name (a LAN address, a proxy's).
	b := newTestApp(t)
	req = httptest.NewRequest(http.MethodGet, "/setup?token="+b.srv.SetupToken(), nil)
	req.Host = "hubadmin.lan:8080"
	rec = httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	mustStatus(t, rec, http.StatusOK)
}

// TestDiskFullIs503: a write refused for want of space (here the page
// limit; a full disk answers the same SQLITE_FULL) is the server's
// trouble: 503 with Retry-After and a message that says so, on the API
// and on the dashboard, nothing stored, reads still answered. It was a
// 500 that read as a bug.
func TestDiskFullIs503(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	ctx := context.Background()
	pages, err := a.db.Pragma(ctx, "page_count", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.Pragma(ctx, "max_page_count = "+pages, true); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("Welcome! ", 200)
	for range 2 { // the second answer reads as the first (a shared error value)
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
			`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"],"start":[{"type":"text","text":"`+big+`"},{"type":"text","text":"`+big+`"},{"type":"text","text":"`+big+`"}]}}`)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("create on a full disk: %d %s", rec.Code, rec.Body)
		}
		p := decode[Problem](t, rec)
		if !strings.Contains(p.Detail, "disk is full") || len(p.Errors) != 1 || strings.Count(p.Errors[0].Description, "(code:") != 1 {
			t.Fatalf("problem: %+v", p)
		}
	}
	if rec := a.api("GET", "/api/v1/integrations?hubId="+hub.ID, tok, ""); rec.Code != 200 || strings.Contains(rec.Body.String(), "Chat") {
		t.Fatalf("list after: %d %s", rec.Code, rec.Body)
	}
	b := a.signIn("admin")
	rec := b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"Chat"},
		"cfg.allowedOrigins": {"www.example.com"}, "cfg.start": {big, big, big}}, false)
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "disk is full") {
		t.Fatalf("dashboard on a full disk: %d %s", rec.Code, rec.Body)
	}
}

// TestUnreadableSecretsCanBeDeleted: an integration whose stored secrets
// no longer open (a damaged value, or another key's) is answered with what
// is wrong and the way out, and that way out, a delete, works from the
// API and the dashboard; the hub's other integrations list again after it.
func TestUnreadableSecretsCanBeDeleted(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	var ids []string
	for _, name := range []string{"Events", "Orders", "Chat"} {
		body := `{"channelId":"System","name":"` + name + `","configuration":{"webhookUrl":"https://example.com/hook","events":["message"]}}`
		if name == "Chat" {
			body = `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"]}}`
		}
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, body)
		mustStatus(t, rec, http.StatusOK)
		ids = append(ids, decode[integrationOut](t, rec).IntegrationID)
	}
	raw, err := sql.Open("sqlite", "file:"+a.path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// A flipped byte in the first two's sealed secrets.
	for _, id := range ids[:2] {
		if _, err := raw.Exec(`UPDATE integrations SET secrets = CAST(zeroblob(1) AS BLOB) || substr(secrets, 2) WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/api/v1/integrations/" + ids[0], "/api/v1/integrations?hubId=" + hub.ID} {
		rec := a.api("GET", path, tok, "")
		if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "cannot be opened with this server's secret key") || !strings.Contains(rec.Body.String(), "DELETE /api/v1/integrations/") {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	// Another tenant's token learns nothing of it.
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, a.api("DELETE", "/api/v1/integrations/"+ids[0], a.token("write", other.ID), ""), http.StatusForbidden)
	// 200 with the deleted integration, as every delete (Hubster's clients
	// take nothing else for success), without the secrets it could not read.
	rec := a.api("DELETE", "/api/v1/integrations/"+ids[0], tok, "")
	mustStatus(t, rec, http.StatusOK)
	if got := decode[integrationOut](t, rec); got.IntegrationID != ids[0] || got.Name != "Events" ||
		!strings.Contains(string(got.Configuration), `"webhookUrl":"https://example.com/hook"`) || strings.Contains(string(got.Configuration), "privateSigningKey") ||
		rec.Header().Get("X-Hubadmin-Secrets-Unreadable") != "true" {
		t.Fatalf("API delete: %s %v", rec.Body, rec.Header())
	}
	mustStatus(t, a.api("GET", "/api/v1/integrations/"+ids[0], tok, ""), http.StatusNotFound)
	b := a.signIn("admin")
	if rec := b.get("/hubs/" + hub.ID); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Orders") {
		t.Fatalf("hub page: %d", rec.Code)
	}
	if rec := b.get("/integrations/" + ids[1]); rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "from its hub") {
		t.Fatalf("integration page: %d %s", rec.Code, rec.Body)
	}
	if rec := b.post("/integrations/"+ids[1]+"/delete", url.Values{"confirmed": {"1"}}, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("dashboard delete: %d %s", rec.Code, rec.Body)
	}
	rec = a.api("GET", "/api/v1/integrations?hubId="+hub.ID, tok, "")
	if list := decode[struct{ Results []integrationOut }](t, rec); rec.Code != 200 || len(list.Results) != 1 || list.Results[0].Name != "Chat" {
		t.Fatalf("left: %d %s", rec.Code, rec.Body)
	}
}

// TestStalledBodyIs408: a client that sends its headers and part of a
// body, then stops, gets a 408 problem with its request id once the
// server's read timeout passes (a short one here), on the API's JSON
// routes and on /connect/token; it had been a 400 "could not be read".
func TestStalledBodyIs408(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	addr := stallingServer(t, a)
	for _, tc := range []struct{ method, path, ctype, part string }{
		{"POST", "/api/v1/hubs", "application/json", `{"name":`},
		{"PUT", "/api/v1/hubs/" + hub.ID, "application/json", `{"name":`},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, "application/json", `{"channelId":`},
		{"POST", "/connect/token", "application/x-www-form-urlencoded", `grant_type=client_`},
	} {
		res, body := sendPart(t, addr, fmt.Sprintf("%s %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: 200\r\n\r\n%s",
			tc.method, tc.path, tok, tc.ctype, tc.part))
		if res.StatusCode != http.StatusRequestTimeout || res.Header.Get("Content-Type") != "application/problem+json" ||
			res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s %s: %d %q id %q: %s", tc.method, tc.path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("X-Request-Id"), body)
			continue
		}
		var p Problem
		if err := json.Unmarshal(body, &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Code != codeTimedOut ||
			!strings.Contains(p.Detail, "did not arrive in time") || p.TrackingID != res.Header.Get("X-Request-Id") {
			t.Errorf("%s %s: %s (%v)", tc.method, tc.path, body, err)
		}
	}
}

// TestUnknownAPIRouteIs404WithoutToken: an unknown path under /api/v1 is a
// 404 whether a token is sent or not (it was a 401 without one: the
// group's catch-all ran behind the token check); the API's routes still
// want a token, and a wrong method is a 405 either way.
func TestUnknownAPIRouteIs404WithoutToken(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	for _, token := range []string{"", tok} {
		for _, c := range []struct {
			method, path string
			status       int
		}{
			{"GET", "/api/v1/nothing-here", 404},
			{"POST", "/api/v1/hubz", 404},
			{"GET", "/api/v1/integrations/" + h.ID + "/nothing", 404},
			{"GET", "/api/v1", 404},
			{"GET", "/api/v2/hubs", 404},
			{"PATCH", "/api/v1/hubs/" + h.ID, 405},
		} {
			rec := a.api(c.method, c.path, token, "")
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("X-Request-Id") == "" {
				t.Errorf("%s %s (token %t): %d %s", c.method, c.path, token != "", rec.Code, rec.Body.String())
			}
		}
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/hubs"}, {"GET", "/api/v1/hubs/" + h.ID}, {"GET", "/api/v1/hubs/not-an-id"},
		{"POST", "/api/v1/integrations/hubs/" + h.ID}, {"GET", "/api/v1/integrations"}, {"GET", "/api/v1/audit"},
	} {
		if rec := a.api(c.method, c.path, "", ""); rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s %s without a token: %d %s", c.method, c.path, rec.Code, rec.Body.String())
		}
	}
}
