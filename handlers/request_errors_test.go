package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"hubadmin/db"
)

// fieldsOf lists a problem's fields with their codes ("name 700").
func fieldsOf(p Problem) []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, fmt.Sprintf("%s %d", e.Field, e.Code))
	}
	return out
}

// TestUnknownKeysAreCapped: a body of tens of thousands of unknown keys is
// one 400 of at most 20 errors that counts the rest, as every other list
// of errors is; the answer had grown with every key (quadratically, to
// megabytes) and held one entry per key.
func TestUnknownKeysAreCapped(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	var sb strings.Builder
	sb.WriteString(`{"name":"Renamed"`)
	const keys = 50000
	for i := range keys {
		fmt.Fprintf(&sb, `,"k%05d":0`, i)
	}
	sb.WriteString("}")
	body := sb.String()

	for _, path := range []string{"/api/v1/hubs/" + hub.ID, "/api/v1/integrations/hubs/" + hub.ID} {
		method := "PUT"
		if strings.Contains(path, "integrations") {
			method = "POST"
		}
		rec := a.api(method, path, tok, body)
		mustStatus(t, rec, http.StatusBadRequest)
		if n := rec.Body.Len(); n > 16<<10 {
			t.Errorf("%s: answer of %d bytes for a body of %d", path, n, len(body))
		}
		p := decode[Problem](t, rec)
		if len(p.Errors) != maxFieldErrors {
			t.Errorf("%s: %d errors, want %d", path, len(p.Errors), maxFieldErrors)
		}
		for _, e := range p.Errors {
			if e.Code == codeNotSupported && !strings.HasPrefix(e.Field, "k") {
				t.Errorf("%s: %+v", path, e)
			}
		}
		// The create also misses channelId and configuration: 50,002 errors.
		listed := keys - maxFieldErrors
		if method == "POST" {
			listed += 2
		}
		if want := fmt.Sprintf("(%d more errors not listed.)", listed); !strings.Contains(p.Detail, want) {
			t.Errorf("%s: detail %q lacks %q", path, truncate(p.Detail, 300), want)
		}
	}
	if got, _ := a.db.Hub(context.Background(), hub.ID); got.Name != "Support" || !got.Modified.Equal(hub.Modified) {
		t.Errorf("hub changed: %+v", got)
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Errorf("%d integrations stored", n)
	}
}

// TestMalformedQueryIsRefused: a query pair that cannot be read (a '%'
// starting no escape, a ';') is a 400 naming the parameter; it had been
// dropped in silence, so ?hubId=%zz… listed every hub's integrations. The
// dashboard's pages still read what they can.
func TestMalformedQueryIsRefused(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("read")
	one, two := a.hub("One"), a.hub("Two")
	a.seedIntegrations(one, [2]string{"Chat", "WebChat"})
	a.seedIntegrations(two, [2]string{"Other", "WebChat"})
	for _, c := range []struct{ path, field string }{
		{"/api/v1/integrations?hubId=%zz" + one.ID, "hubId"},
		{"/api/v1/integrations?hubId=" + one.ID + ";x", "hubId"},
		{"/api/v1/integrations?hubId=" + one.ID + "&q=100%", "q"},
		{"/api/v1/integrations?%zz=1&hubId=" + one.ID, "%zz"},
		{"/api/v1/hubs?pageSize=%", "pageSize"},
		{"/api/v1/hubs/" + one.ID + "?a=%g0", "a"},
	} {
		rec := a.api("GET", c.path, tok, "")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400: %s", c.path, rec.Code, truncate(rec.Body.String(), 300))
			continue
		}
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != codeBadFormat {
			t.Errorf("%s: %+v", c.path, p)
		}
	}
	// Well-formed queries are read as before.
	rec := a.api("GET", "/api/v1/integrations?hubId="+one.ID+"&q=%43hat", tok, "")
	mustStatus(t, rec, http.StatusOK)
	if n := decode[page[map[string]any]](t, rec).Total; n != 1 {
		t.Errorf("%d integrations, want 1", n)
	}

	b := a.signIn("viewer")
	for _, path := range []string{"/hubs?q=%zz", "/hubs/" + one.ID + "?q=a;b", "/activity?actor=%"} {
		if rec := b.get(path); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
}

// TestSearchWithNULIsRefused: SQLite reads a LIKE pattern up to its first
// NUL, so a search starting with one matched every row. No name or id
// holds one: the API and the dashboard answer a 400 naming the parameter.
func TestSearchWithNULIsRefused(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	a.seedIntegrations(hub, [2]string{"Chat", "WebChat"})
	for _, c := range []struct{ path, field string }{
		{"/api/v1/integrations?q=%00zzz", "q"},
		{"/api/v1/integrations?hubId=" + hub.ID + "&q=Ch%00zzz", "q"},
		{"/api/v1/hubs?q=%00zzz", "q"},
		{"/api/v1/audit?actor=%00zzz", "actor"},
		{"/api/v1/audit?action=%00zzz", "action"},
		{"/api/v1/audit?objectType=hub%00", "objectType"},
		{"/api/v1/audit?objectId=%00zzz", "objectId"},
	} {
		rec := a.api("GET", c.path, tok, "")
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400: %s", c.path, rec.Code, truncate(rec.Body.String(), 300))
			continue
		}
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("%s: %+v", c.path, p)
		}
	}
	b := a.signIn("viewer")
	for _, c := range []struct{ path, field string }{
		{"/hubs?q=%00zzz", "q"},
		{"/hubs/" + hub.ID + "?q=%00zzz", "q"},
		{"/activity?actor=%00zzz", "actor"},
		{"/activity?objectId=%00zzz", "objectId"},
	} {
		rec := b.get(c.path)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "Parameter &#39;"+c.field+"&#39;") {
			t.Errorf("%s: %d, want a 400 naming %s: %s", c.path, rec.Code, c.field, truncate(rec.Body.String(), 300))
		}
	}
}

// tokenRequest posts a client credentials form with HTTP Basic credentials.
func (a *testApp) tokenRequest(basicID, basicSecret, form string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/connect/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(basicID, basicSecret)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

// TestTokenRequestAuthenticatesOnce: RFC 6749 §2.3.1, one authentication
// method per request. With Basic and a body both, the body had won: a
// wrong Basic secret beside a right body got a token, and a read client's
// Basic beside a write client's body a write token.
func TestTokenRequestAuthenticatesOnce(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	reader, readSecret, err := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "reader", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	writer, writeSecret, err := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "writer", Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	grant := "grant_type=client_credentials"
	writerBody := grant + "&client_id=" + writer.ID + "&client_secret=" + writeSecret
	for name, c := range map[string]struct{ id, secret, form string }{
		"wrong Basic secret, right body": {writer.ID, "nope", writerBody},
		"read Basic, write body":         {reader.ID, readSecret, writerBody},
		"Basic and a body secret":        {writer.ID, writeSecret, grant + "&client_secret=" + writeSecret},
		"Basic and another client_id":    {reader.ID, readSecret, grant + "&client_id=" + writer.ID},
	} {
		rec := a.tokenRequest(c.id, c.secret, c.form)
		if rec.Code != http.StatusBadRequest || decode[map[string]string](t, rec)["error"] != "invalid_request" {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	// One way at a time works, and a body may repeat Basic's client_id.
	for name, c := range map[string]struct{ id, secret, form string }{
		"Basic":                 {writer.ID, writeSecret, grant},
		"body":                  {"", "", writerBody},
		"Basic, same client_id": {reader.ID, readSecret, grant + "&client_id=" + reader.ID},
	} {
		if rec := a.tokenRequest(c.id, c.secret, c.form); rec.Code != http.StatusOK {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	// Two Authorization headers are refused, whichever comes first.
	req := httptest.NewRequest(http.MethodPost, "/connect/token", strings.NewReader(grant))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(writer.ID, writeSecret)
	req.Header.Add("Authorization", "Basic "+url.QueryEscape("x"))
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || decode[map[string]string](t, rec)["error"] != "invalid_request" {
		t.Errorf("two Authorization headers: %d %s", rec.Code, rec.Body.String())
	}
}

// TestTwoAuthorizationHeaders: an API request with two Authorization
// headers is a 401 like a malformed one; the first had been used.
func TestTwoAuthorizationHeaders(t *testing.T) {
	a := newTestApp(t)
	good, reader := a.token("write"), a.token("read")
	for name, second := range map[string]string{"bogus": "Bearer nope", "another token": "Bearer " + reader, "same": "Bearer " + good} {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/hubs", nil)
		req.Header.Add("Authorization", "Bearer "+good)
		req.Header.Add("Authorization", second)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Header().Get("WWW-Authenticate"), "invalid_request") {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	mustStatus(t, a.api("GET", "/api/v1/hubs", good, ""), http.StatusOK)
}

// TestEveryBodyProblemAtOnce: a property of the wrong type or an
// out-of-range status no longer hides the body's other problems (a taken
// name, a bad configuration, missing properties); and the 400 changes
// nothing.
func TestEveryBodyProblemAtOnce(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub, beta := a.hub("Alpha"), a.hub("Beta")
	ids := a.seedIntegrations(hub, [2]string{"Dup", "WebChat"}, [2]string{"Other", "WebChat"})
	before := a.hubIntegrations(hub)

	for _, c := range []struct {
		method, path, body string
		want               []string
	}{
		{"POST", "/api/v1/integrations/hubs/" + hub.ID,
			`{"channelId":"WebChat","name":"Dup","configuration":{"allowedOrigins":["bad host"]},"statusId":5}`,
			[]string{"name 700", "configuration.allowedOrigins[0] 201", "statusId 207"}},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{}`,
			[]string{"channelId 301", "name 301", "configuration 301"}},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"Pigeon","name":"Dup","statusId":5,"configuration":{}}`,
			[]string{"channelId 207", "name 700", "statusId 207"}},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"WebChat","name":5,"statusId":5,"configuration":{"allowedOrigins":[]}}`,
			[]string{"name 302", "statusId 207", "configuration.allowedOrigins 306"}},
		{"PUT", "/api/v1/integrations/" + ids["Other"],
			`{"name":"Dup","statusId":5,"channelId":"System","configuration":{"allowedOrigins":["bad host"]},"extra":1}`,
			[]string{"name 700", "statusId 207", "channelId 207", "configuration.allowedOrigins[0] 201", "extra 303"}},
		{"POST", "/api/v1/integrations/hubs/" + ids["Other"], `{"name":5,"statusId":"x"}`,
			[]string{"name 302", "statusId 207"}},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"name":"Beta","statusId":5,"closeDormantConversation":0}`,
			[]string{"name 600", "statusId 207", "closeDormantConversation 207"}},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"name":5,"description":[],"statusId":5,"closeDormantConversation":"x"}`,
			[]string{"name 302", "description 302", "statusId 207", "closeDormantConversation 302"}},
		{"POST", "/api/v1/hubs", `{"name":5,"statusId":5}`,
			[]string{"name 302", "statusId 207"}},
	} {
		rec := a.api(c.method, c.path, tok, c.body)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s %s %s: %d %s", c.method, c.path, c.body, rec.Code, rec.Body.String())
			continue
		}
		got := fieldsOf(decode[Problem](t, rec))
		if len(got) != len(c.want) {
			t.Errorf("%s: errors %v, want %v", c.body, got, c.want)
			continue
		}
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: errors %v, want %v", c.body, got, c.want)
				break
			}
		}
	}
	after := a.hubIntegrations(hub)
	if len(after) != len(before) {
		t.Fatalf("%d integrations, were %d", len(after), len(before))
	}
	for i := range after {
		if after[i].Name != before[i].Name || after[i].StatusID != before[i].StatusID || !after[i].Modified.Equal(before[i].Modified) {
			t.Errorf("integration changed: %+v, was %+v", after[i], before[i])
		}
	}
	for _, h := range []db.Hub{hub, beta} {
		if got, _ := a.db.Hub(context.Background(), h.ID); got.Name != h.Name || !got.Modified.Equal(h.Modified) {
			t.Errorf("hub changed: %+v, was %+v", got, h)
		}
	}
	if n := a.hubCount(); n != 2 {
		t.Errorf("%d hubs, want 2", n)
	}
}

// TestNumbersTooLongAreOutOfRange: a whole number too long for an int is
// out of range (207, with the range), not "not a whole number"; an empty
// status is quoted in the message, not left out.
func TestNumbersTooLongAreOutOfRange(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	for _, c := range []struct {
		method, path, body, field string
		code                      int
		says                      string
	}{
		{"GET", "/api/v1/hubs?pageNumber=99999999999999999999", "", "pageNumber", codeOutOfRange, "between 0 and 1073741824"},
		{"GET", "/api/v1/integrations?pageSize=-99999999999999999999", "", "pageSize", codeOutOfRange, "between 1 and 100"},
		{"GET", "/api/v1/hubs?pageSize=1e3", "", "pageSize", codeBadFormat, "whole number"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"closeDormantConversation":99999999999999999999999}`, "closeDormantConversation", codeOutOfRange, "from 1 to 3650"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"closeDormantConversation":1e19}`, "closeDormantConversation", codeOutOfRange, "is 1e19; it must be a number of days from 1 to 3650"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"closeDormantConversation":-1e400}`, "closeDormantConversation", codeOutOfRange, "from 1 to 3650"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"closeDormantConversation":1.5}`, "closeDormantConversation", codeWrongType, "whole number"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"closeDormantConversation":1.5e19}`, "closeDormantConversation", codeOutOfRange, "from 1 to 3650"},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"WebChat","name":"C","configuration":{"allowedOrigins":["a.com",null]}}`, "configuration.allowedOrigins[1]", codeWrongType, "must be a string"},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"statusId":""}`, "statusId", codeOutOfRange, "is ''; valid values"},
	} {
		rec := a.api(c.method, c.path, tok, c.body)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s %s: %d %s", c.path, c.body, rec.Code, rec.Body.String())
			continue
		}
		p := decode[Problem](t, rec)
		if len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code || !strings.Contains(p.Errors[0].Description, c.says) {
			t.Errorf("%s %s: %+v, want %s %d saying %q", c.path, c.body, p.Errors, c.field, c.code, c.says)
		}
	}
}

// TestWholeNumbersWrittenWithAFraction: JSON has one number type, so 30.0
// and 3e1 are 30 (Python's json.dumps writes a float so); 30.5 is not.
func TestWholeNumbersWrittenWithAFraction(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	rec := a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, `{"closeDormantConversation":30.0,"statusId":2002.0}`)
	mustStatus(t, rec, http.StatusOK)
	if h := decode[hubJSON](t, rec); h.CloseDormantConversation == nil || *h.CloseDormantConversation != 30 || h.StatusID != db.HubPaused {
		t.Fatalf("hub: %s", rec.Body)
	}
	mustStatus(t, a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, `{"closeDormantConversation":3e1,"statusId":2e3}`), http.StatusOK)
	rec = a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"Direct","name":"Hook","statusId":3002.0,"configuration":{"integrationType":3.0,"webhookUrl":"https://example.com/hook"}}`)
	mustStatus(t, rec, http.StatusOK)
	if in := decode[integrationOut](t, rec); in.StatusID != db.IntegrationPaused || in.IntegrationTypeID != "Agent" {
		t.Fatalf("integration: %s", rec.Body)
	}
	for _, body := range []string{`{"closeDormantConversation":30.5}`, `{"statusId":2002.5}`} {
		if rec := a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, body); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

// TestNameLengthCountsComposedCharacters: é written as e and a combining
// accent is one character of a name's 100, as it reads.
func TestNameLengthCountsComposedCharacters(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	mustStatus(t, a.api("POST", "/api/v1/hubs", tok, `{"name":"`+strings.Repeat("e\u0301", 60)+`"}`), http.StatusOK)
	rec := a.api("POST", "/api/v1/hubs", tok, `{"name":"`+strings.Repeat("e\u0301", 101)+`"}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Description, "is 101 characters long") {
		t.Fatalf("%+v", p.Errors)
	}
}

// TestSearchThatIsNoTextIsRefused: a q whose percent-decoded bytes are
// no UTF-8 (café sent as Latin-1) is a 400 naming it, not a search that
// finds nothing.
func TestSearchThatIsNoTextIsRefused(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for _, path := range []string{"/api/v1/hubs?q=%FF", "/api/v1/integrations?q=caf%E9", "/api/v1/audit?actor=%C3"} {
		rec := a.api("GET", path, tok, "")
		mustStatus(t, rec, http.StatusBadRequest)
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Code != codeBadFormat || !strings.Contains(p.Errors[0].Description, "not valid UTF-8") {
			t.Errorf("%s: %+v", path, p.Errors)
		}
	}
}

// TestIfMatchIsNotIgnored: the API sends no ETags, so a write conditioned
// on one cannot hold: 412 (code 103), and nothing changes; If-Match: *
// (any current state) proceeds, and a read is not conditioned.
func TestIfMatchIsNotIgnored(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"name":"Renamed"}`},
		{"DELETE", "/api/v1/hubs/" + hub.ID, ""},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`},
	} {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", `"3f2a"`)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		mustStatus(t, rec, http.StatusPreconditionFailed)
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Code != codeNotImplemented || p.Errors[0].Field != "If-Match" || !strings.Contains(p.Detail, "sends no ETags") {
			t.Errorf("%s %s: %+v", c.method, c.path, p)
		}
	}
	if got := decode[hubJSON](t, a.api("GET", "/api/v1/hubs/"+hub.ID, tok, "")); got.Name != "Support" {
		t.Fatalf("a refused conditional write changed the hub: %+v", got)
	}
	if n := countIntegrations(t, a); n != 0 {
		t.Fatalf("%d integrations made by a refused conditional create", n)
	}
	req := httptest.NewRequest("PUT", "/api/v1/hubs/"+hub.ID, strings.NewReader(`{"name":"Renamed"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", "*")
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	mustStatus(t, rec, http.StatusOK)
	req = httptest.NewRequest("GET", "/api/v1/hubs/"+hub.ID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("If-Match", `"3f2a"`)
	rec = httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	mustStatus(t, rec, http.StatusOK)
}

// TestOtherPreconditionsAreNotIgnored: a write to an item that exists,
// sent with If-None-Match: * (only if there is none) or with an
// If-Unmodified-Since older than the item's last change, is a 412 that
// changes nothing (RFC 9110 §13.1.2, §13.1.4); an If-None-Match naming
// tags holds (no ETag is ever sent, so none matches), If-Unmodified-Since
// after the last change holds, and one beside If-Match, or not a date, is
// ignored, as the RFC says. A write to an item that is not there is the
// 404 it would be without the condition.
func TestOtherPreconditionsAreNotIgnored(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	in := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`))
	send := func(method, path, body string, headers ...string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		return rec
	}
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	integration, hubPath := "/api/v1/integrations/"+in.IntegrationID, "/api/v1/hubs/"+hub.ID
	for _, c := range []struct{ method, path, body, header, value string }{
		{"PUT", integration, `{"name":"Renamed"}`, "If-None-Match", "*"},
		{"DELETE", integration, "", "If-None-Match", `"a", *`},
		{"PUT", integration, `{"name":"Renamed"}`, "If-Unmodified-Since", past},
		{"DELETE", integration, "", "If-Unmodified-Since", past},
		{"PUT", hubPath, `{"name":"Renamed"}`, "If-None-Match", "*"},
		{"PUT", hubPath, `{"name":"Renamed"}`, "If-Unmodified-Since", past},
		{"DELETE", hubPath, "", "If-Unmodified-Since", past},
	} {
		rec := send(c.method, c.path, c.body, c.header, c.value)
		mustStatus(t, rec, http.StatusPreconditionFailed)
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Field != c.header || !strings.Contains(p.Detail, "nothing was done") {
			t.Errorf("%s %s with %s: %+v", c.method, c.path, c.header, p)
		}
	}
	if got := decode[hubJSON](t, a.api("GET", hubPath, tok, "")); got.Name != "Support" {
		t.Fatalf("a refused conditional write changed the hub: %+v", got)
	}
	if got := decode[integrationOut](t, a.api("GET", integration, tok, "")); got.Name != "Chat" {
		t.Fatalf("a refused conditional write changed the integration: %+v", got)
	}
	mustStatus(t, send("PUT", integration, `{"name":"Chat 2"}`, "If-None-Match", `"3f2a"`), http.StatusOK)
	mustStatus(t, send("PUT", integration, `{"name":"Chat 3"}`, "If-Unmodified-Since", future), http.StatusOK)
	mustStatus(t, send("PUT", integration, `{"name":"Chat 4"}`, "If-Unmodified-Since", past, "If-Match", "*"), http.StatusOK)
	mustStatus(t, send("PUT", hubPath, `{"name":"Support 2"}`, "If-Unmodified-Since", "yesterday"), http.StatusOK)
	mustStatus(t, send("GET", integration, "", "If-Unmodified-Since", past), http.StatusOK)
	mustStatus(t, send("DELETE", integration, "", "If-Unmodified-Since", future), http.StatusOK)
	mustStatus(t, send("DELETE", integration, "", "If-None-Match", "*"), http.StatusNotFound)
}

// A body the server would misread is refused for what it is: compressed,
// in another charset, or form data instead of JSON; nothing is stored.
func TestBodyEncodingIsChecked(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	for _, c := range []struct {
		ctype, encoding, body, field, says string
	}{
		{"application/json", "gzip", `{"name":"Zipped"}`, "Content-Encoding", "does not decode"},
		{"application/json; charset=latin1", "", `{"name":"Caf\xe9"}`, "Content-Type", "charset 'latin1'"},
		{"application/x-www-form-urlencoded", "", `name=Form`, "body", "form data"},
		// UTF-16, as PowerShell 5's Out-File writes: with its byte order
		// mark, and without one.
		{"application/json", "", "\xff\xfe{\x00\"\x00n\x00\"\x00}\x00", "body", "UTF-16"},
		{"application/json", "", "{\x00\"\x00n\x00\"\x00}\x00", "body", "UTF-16"},
		{"application/json", "", "\x00{\x00\"\x00n\x00\"\x00}", "body", "UTF-16"},
	} {
		req := httptest.NewRequest(http.MethodPut, "/api/v1/hubs/"+hub.ID, strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ctype)
		if c.encoding != "" {
			req.Header.Set("Content-Encoding", c.encoding)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s %s: %d %s", c.ctype, c.encoding, rec.Code, rec.Body.String())
			continue
		}
		if p := decode[Problem](t, rec); p.Errors[0].Field != c.field || !strings.Contains(p.Errors[0].Description, c.says) {
			t.Errorf("%s %s: %+v", c.ctype, c.encoding, p.Errors)
		}
	}
	// UTF-8 declared, in any spelling, is fine.
	for _, ctype := range []string{"application/json; charset=UTF-8", "application/json;charset=utf8"} {
		req := httptest.NewRequest(http.MethodPut, "/api/v1/hubs/"+hub.ID, strings.NewReader(`{"description":"Café"}`))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		mustStatus(t, rec, http.StatusOK)
	}
	if h, err := a.db.Hub(context.Background(), hub.ID); err != nil || h.Name != "Support" {
		t.Errorf("a refused body changed the hub: %+v %v", h, err)
	}
}

// TestNonObjectBodyIsNamed: JSON that is no object is called what it is,
// whatever the Content-Type: curl -d sends form data's type with any
// body, and "[]" or "null" was answered as form data. A body that is no
// JSON and is declared form data is still told so.
func TestNonObjectBodyIsNamed(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for _, c := range []struct{ ctype, body, want string }{
		{"", "[]", "The request body is a JSON array; it must be a JSON object."},
		{"", "null", "The request body is null; it must be a JSON object."},
		{"application/x-www-form-urlencoded", "[]", "The request body is a JSON array; it must be a JSON object."},
		{"application/x-www-form-urlencoded", "null", "The request body is null; it must be a JSON object."},
		{"application/x-www-form-urlencoded", `"x"`, "The request body is a JSON string; it must be a JSON object."},
		{"application/x-www-form-urlencoded", "name=x", "The request body is form data (application/x-www-form-urlencoded)"},
	} {
		req := httptest.NewRequest("POST", "/api/v1/hubs", strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		mustStatus(t, rec, http.StatusBadRequest)
		p := decode[Problem](t, rec)
		if !strings.HasPrefix(p.Detail, c.want) || len(p.Errors) != 1 || p.Errors[0].Field != "body" {
			t.Errorf("%q with %q: %+v", c.body, c.ctype, p)
		}
	}
}

// TestEmptyNameIsNotMissing: a name given empty (or blank) is "must not
// be empty", one not given on a create "is required"; an update with
// {"name":""} had been told the name is required.
func TestEmptyNameIsNotMissing(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	in := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`))
	const empty, required = "Property 'name' must not be empty.", "Property 'name' is required."
	for _, c := range []struct{ method, path, body, want string }{
		{"PUT", "/api/v1/integrations/" + in.IntegrationID, `{"name":""}`, empty},
		{"POST", "/api/v1/integrations/hubs/" + in.IntegrationID, `{"name":"  "}`, empty},
		{"PUT", "/api/v1/hubs/" + hub.ID, `{"name":""}`, empty},
		{"POST", "/api/v1/hubs", `{"name":""}`, empty},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"WebChat","name":"","configuration":{"allowedOrigins":["a.com"]}}`, empty},
		{"POST", "/api/v1/hubs", `{"description":"x"}`, required},
		{"POST", "/api/v1/integrations/hubs/" + hub.ID, `{"channelId":"WebChat","configuration":{"allowedOrigins":["a.com"]}}`, required},
	} {
		rec := a.api(c.method, c.path, tok, c.body)
		mustStatus(t, rec, http.StatusBadRequest)
		p := decode[Problem](t, rec)
		if len(p.Errors) != 1 || p.Errors[0].Field != "name" || p.Errors[0].Code != codeRequired || p.Detail != c.want {
			t.Errorf("%s %s %s: %+v", c.method, c.path, c.body, p)
		}
	}
}
