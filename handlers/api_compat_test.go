package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"hubadmin/db"
)

// postForm sends a form body exactly as given (Hubster's .NET client does
// not URL-encode it).
func (a *testApp) postRaw(path, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

func TestClientCredentials(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	cl, secret, err := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "dotnet", Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cl.ID, "hubster.portal.api.") || len(cl.ID) != len("hubster.portal.api.")+32 {
		t.Fatalf("client id %q", cl.ID)
	}
	form := "grant_type=client_credentials&client_id=" + cl.ID + "&client_secret=" + secret
	rec := a.postRaw("/connect/token", "application/x-www-form-urlencoded", form)
	mustStatus(t, rec, 200)
	tok := decode[map[string]any](t, rec)
	if tok["token_type"] != "Bearer" || tok["expires_in"] != float64(2592000) || tok["scope"] != "hubster-portal-api" || tok["access_token"] == "" {
		t.Fatalf("token response %v", tok)
	}
	access := tok["access_token"].(string)
	h := a.hub("Compat")
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, access, `{"ChannelId":106,"Name":"Chat","Configuration":{"AllowedOrigins":["localhost"]}}`), 200)

	for name, c := range map[string]struct{ body, want string }{
		"wrong secret":  {"grant_type=client_credentials&client_id=" + cl.ID + "&client_secret=nope", "invalid_client"},
		"unknown grant": {"grant_type=password&client_id=" + cl.ID + "&client_secret=" + secret, "unsupported_grant_type"},
		"no grant":      {"client_id=" + cl.ID, "invalid_request"},
	} {
		rec := a.postRaw("/connect/token", "application/x-www-form-urlencoded", c.body)
		if rec.Code != 400 || decode[map[string]string](t, rec)["error"] != c.want {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	if err := a.db.RevokeClient(ctx, db.DefaultTenantID, cl.ID); err != nil {
		t.Fatal(err)
	}
	if rec := a.postRaw("/connect/token", "application/x-www-form-urlencoded", form); decode[map[string]string](t, rec)["error"] != "invalid_client" {
		t.Errorf("revoked client: %s", rec.Body.String())
	}
	mustStatus(t, a.api("GET", "/api/v1/integrations", access, ""), 401) // dies with its client

	// An expired access token is refused.
	past := time.Now().Add(-time.Minute)
	cl2, _, _ := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "old", Scope: "read"})
	_, expired, _ := a.db.CreateToken(ctx, db.Token{TenantID: db.DefaultTenantID, Name: "x", Scope: "read", ClientID: cl2.ID, Expires: &past})
	mustStatus(t, a.api("GET", "/api/v1/integrations", expired, ""), 401)
}

func TestWebChatToken(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Web")
	in := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok,
		`{"channelId":"WebChat","name":"Site","configuration":{"allowedOrigins":["www.example.com","localhost:3000","https://secure.example.org"]}}`))
	get := func(method, id, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/api/v1/integrations/web-chat/token/"+id, nil)
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		return rec
	}
	for origin, want := range map[string]int{
		"https://www.example.com":    200,
		"http://www.example.com":     200,
		"http://localhost:3000":      200,
		"http://localhost:4000":      403,
		"https://secure.example.org": 200,
		"http://secure.example.org":  403,
		"https://evil.example.com":   403,
		"":                           403,
		// An Origin is scheme://host[:port]; more is no browser's.
		"https://www.example.com/path": 403,
		"https://user@www.example.com": 403,
		"https://www.example.com?x=1":  403,
		"https://www.example.com#frag": 403,
		"https://www.example.com/":     403,
		"https://www.example.com:443":  200,
	} {
		rec := get("GET", in.IntegrationID, origin)
		if rec.Code != want {
			t.Errorf("origin %q: %d, want %d", origin, rec.Code, want)
			continue
		}
		acao := rec.Header().Get("Access-Control-Allow-Origin")
		if want == 200 {
			body := decode[map[string]any](t, rec)
			if body["token_type"] != "WebBearer" || body["expires_in"] != float64(3600) || acao != origin {
				t.Errorf("origin %q: %v, ACAO %q", origin, body, acao)
			}
		} else if acao != "" {
			t.Errorf("origin %q refused but CORS allows %q", origin, acao)
		}
	}
	// No Origin at all is said so, not "the origin ''".
	if rec := get("GET", in.IntegrationID, ""); !strings.Contains(rec.Body.String(), "The request has no Origin header") ||
		strings.Contains(rec.Body.String(), "origin ''") {
		t.Errorf("no Origin: %s", rec.Body.String())
	}
	if rec := get("OPTIONS", in.IntegrationID, "https://www.example.com"); rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "https://www.example.com" {
		t.Errorf("preflight: %d %v", rec.Code, rec.Header())
	}
	mustStatus(t, get("GET", "8b2e1f4c-0000-4000-8000-000000000000", "https://www.example.com"), 404)
	// A paused hub hands out no tokens for its widgets; resumed, it does again.
	mustStatus(t, a.api("PUT", "/api/v1/hubs/"+h.ID, tok, `{"statusId":2002}`), 200)
	if rec := get("GET", in.IntegrationID, "https://www.example.com"); rec.Code != 403 || !strings.Contains(rec.Body.String(), "hub is paused") {
		t.Errorf("paused hub: %d %s", rec.Code, rec.Body.String())
	}
	mustStatus(t, a.api("PUT", "/api/v1/hubs/"+h.ID, tok, `{"statusId":2000}`), 200)
	mustStatus(t, get("GET", in.IntegrationID, "https://www.example.com"), 200)
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+in.IntegrationID, tok, `{"statusId":3002}`), 200)
	mustStatus(t, get("GET", in.IntegrationID, "https://www.example.com"), 403)
}

// TestClientTokensAreBounded: every token request stores a token, so each
// new one removes the client's expired tokens and all but its newest
// db.MaxClientTokens; the removed ones stop working at once. A scope other
// than the one granted is refused.
func TestClientTokensAreBounded(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	cl, secret, err := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "loop", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	form := "grant_type=client_credentials&client_id=" + cl.ID + "&client_secret=" + secret
	var issued []string
	for i := range db.MaxClientTokens + 5 {
		rec := a.postRaw("/connect/token", "application/x-www-form-urlencoded", form)
		mustStatus(t, rec, 200)
		issued = append(issued, decode[map[string]any](t, rec)["access_token"].(string))
		if i == 0 { // cached while it works: its removal must reach the cache
			mustStatus(t, a.api("GET", "/api/v1/hubs", issued[0], ""), 200)
		}
	}
	for i, tok := range issued {
		want := 200
		if i < 5 {
			want = 401
		}
		if rec := a.api("GET", "/api/v1/hubs", tok, ""); rec.Code != want {
			t.Errorf("token %d of %d: %d, want %d", i+1, len(issued), rec.Code, want)
		}
	}
	for _, sc := range []string{"admin", "hubster-portal-api hubster-engine-api"} {
		rec := a.postRaw("/connect/token", "application/x-www-form-urlencoded", form+"&scope="+url.QueryEscape(sc))
		if rec.Code != 400 || decode[map[string]string](t, rec)["error"] != "invalid_scope" {
			t.Errorf("scope %q: %d %s", sc, rec.Code, rec.Body.String())
		}
	}
	mustStatus(t, a.postRaw("/connect/token", "application/x-www-form-urlencoded", form+"&scope=hubster-portal-api"), 200)
}

// TestConnectTokenNeedsAForm: a token request with a JSON body (or any
// body not sent as a form) is told the body must be a form (RFC 6749
// §4.4.2), not that grant_type is missing.
func TestConnectTokenNeedsAForm(t *testing.T) {
	a := newTestApp(t)
	cl, secret, err := a.db.CreateClient(context.Background(), db.Client{TenantID: db.DefaultTenantID, Name: "json", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	json := `{"grant_type":"client_credentials","client_id":"` + cl.ID + `","client_secret":"` + secret + `"}`
	for _, c := range []struct{ contentType, body string }{
		{"application/json", json},
		{"application/json; charset=utf-8", json},
		{"", json},
		{"text/plain", "grant_type=client_credentials&client_id=" + cl.ID + "&client_secret=" + secret},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--\r\n"},
	} {
		rec := a.postRaw("/connect/token", c.contentType, c.body)
		e := decode[map[string]string](t, rec)
		if strings.Contains(rec.Body.String(), `\u0026`) {
			t.Errorf("the description's & is escaped for HTML: %s", rec.Body.String())
		}
		if rec.Code != 400 || e["error"] != "invalid_request" || !strings.Contains(e["error_description"], "application/x-www-form-urlencoded") ||
			!strings.Contains(e["error_description"], "RFC 6749") || strings.Contains(e["error_description"], "grant_type is required") {
			t.Errorf("Content-Type %q: %d %v", c.contentType, rec.Code, e)
		}
	}
	form := "grant_type=client_credentials&client_id=" + cl.ID + "&client_secret=" + secret
	mustStatus(t, a.postRaw("/connect/token", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", form), 200)
}

// TestWebChatInternationalOrigin: an allowed origin with an international
// host name is taken and kept in its IDNA form, the one a browser sends in
// Origin, so the widget on https://bücher.example gets its token; it had
// been refused as "not a valid host name" with no hint.
func TestWebChatInternationalOrigin(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Web")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok,
		`{"channelId":"WebChat","name":"Site","configuration":{"allowedOrigins":["https://bücher.example","BÜCHER.example:8443","xn--bcher-kva.example:8443","shop.example"]}}`)
	mustStatus(t, rec, http.StatusOK)
	in := decode[integrationOut](t, rec)
	var cfg struct{ AllowedOrigins []string }
	if err := json.Unmarshal(in.Configuration, &cfg); err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://xn--bcher-kva.example", "xn--bcher-kva.example:8443", "shop.example"}; !slices.Equal(cfg.AllowedOrigins, want) {
		t.Errorf("allowedOrigins %q, want %q", cfg.AllowedOrigins, want)
	}
	req := httptest.NewRequest("GET", "/api/v1/integrations/web-chat/token/"+in.IntegrationID, nil)
	req.Header.Set("Origin", "https://xn--bcher-kva.example")
	res := httptest.NewRecorder()
	a.srv.ServeHTTP(res, req)
	mustStatus(t, res, http.StatusOK)

	// A name with no IDNA form says why.
	rec = a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok,
		`{"channelId":"WebChat","name":"Other","configuration":{"allowedOrigins":["-bücher.example"]}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); len(p.Errors) != 1 || !strings.Contains(p.Detail, "IDNA form") {
		t.Errorf("no IDNA form: %+v", p)
	}
}
