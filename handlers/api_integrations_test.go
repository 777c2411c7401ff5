package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"hubadmin/db"
)

const (
	twilioConfig = `{"accountSid":"AC1fc1c1722444b0c6313d3ae988b00000","authToken":"cb8c5367c3c4586ecb589e25570aaaaa","numberSid":"PN667435536f4d1cefdf054abf99aaaa00"}`
	fbToken      = "EAAFBmgAdBToBADCvmo5w10tmlh97uxhtorpi5Adrdo0wtwFfXfkNx"
)

// keysOf returns the keys of a JSON object in document order.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

type integrationOut struct {
	IntegrationID     string          `json:"integrationId"`
	HubID             string          `json:"hubId"`
	InboundID         string          `json:"inboundId,omitempty"`
	IntegrationTypeID string          `json:"integrationTypeId"`
	ChannelID         string          `json:"channelId"`
	Name              string          `json:"name"`
	StatusID          int             `json:"statusId"`
	Configuration     json.RawMessage `json:"configuration"`
	Created           string          `json:"created"`
	Modified          string          `json:"modified"`
}

// TestSeedProgram follows the seed's documentation: create each channel,
// update, get, list by channel type and page, checking the JSON against
// the seed's first example of each channel.
func TestSeedProgram(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	rec := a.api("POST", "/api/v1/hubs", tok, `{"name":"Support","description":"Main hub","closeDormantConversation":30}`)
	mustStatus(t, rec, 200)
	hubID := decode[hubJSON](t, rec).HubID

	rec = a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+hubID+`"}`)
	mustStatus(t, rec, 200)
	nonce := decode[map[string]string](t, rec)
	if nonce["nonce"] == "" || !strings.Contains(nonce["authorizeUrl"], "state="+nonce["nonce"]) || nonce["expires"] == "" {
		t.Fatalf("nonce response: %v", nonce)
	}

	cases := []struct {
		body       string
		typ        string
		inbound    string
		configKeys []string
	}{
		{`{"channelId":"TwilioSMS","name":"SMS","statusId":3000,"configuration":` + twilioConfig + `}`, "Customer", "AC1fc1c1722444b0c6313d3ae988b00000",
			[]string{"accountSid", "authToken", "numberSid", "phoneNumber", "capabilities"}},
		{`{"channelId":"Messenger","name":"FB","configuration":{"pageAccessToken":"` + fbToken + `"}}`, "Customer", "*",
			[]string{"appId", "pageId", "pageName", "pageAccessToken"}},
		{`{"channelId":"WebChat","name":"Webchat","configuration":{"allowedOrigins":["localhost","hubster.io"],"start":[{"type":"text","text":"Welcome to Hubster! How can we help you?"}]}}`, "Customer", "",
			[]string{"allowedOrigins", "echo", "start"}},
		{`{"channelId":"Direct","name":"Direct","configuration":{"integrationType":"Agent","echo":true,"webhookUrl":"https://url_end_point.com","start":[{"type":"text","text":"Hi"}]}}`, "Agent", "",
			[]string{"integrationType", "echo", "webhookUrl", "publicSigningKey", "privateSigningKey", "start"}},
		{`{"channelId":"System","name":"System","configuration":{"webhookUrl":"https://url_end_point.com","events":["message:customer","message:agent","message:bot"]}}`, "System", "",
			[]string{"events", "webhookUrl", "publicSigningKey", "privateSigningKey"}},
		{`{"channelId":"Slack","name":"Slack","configuration":{"code":"abc","nonce":"` + nonce["nonce"] + `"}}`, "Agent", "",
			[]string{"botAccessToken", "appAccessToken", "defaultPublicChannel", "teamId", "botName"}},
	}
	ids := map[string]string{}
	for _, c := range cases {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hubID, tok, c.body)
		mustStatus(t, rec, 200)
		out := decode[integrationOut](t, rec)
		wantTop := []string{"integrationId", "hubId", "integrationTypeId", "channelId", "name", "statusId", "configuration", "created", "modified"}
		if c.inbound != "" {
			wantTop = append(wantTop[:2], append([]string{"inboundId"}, wantTop[2:]...)...)
		}
		if got := keysOf(t, rec.Body.Bytes()); strings.Join(got, ",") != strings.Join(wantTop, ",") {
			t.Errorf("%s: top-level keys %v, want %v", out.ChannelID, got, wantTop)
		}
		if got := keysOf(t, out.Configuration); strings.Join(got, ",") != strings.Join(c.configKeys, ",") {
			t.Errorf("%s: configuration keys %v, want %v", out.ChannelID, got, c.configKeys)
		}
		if out.IntegrationTypeID != c.typ || out.StatusID != 3000 || out.HubID != hubID {
			t.Errorf("%s: type %s status %d hub %s", out.ChannelID, out.IntegrationTypeID, out.StatusID, out.HubID)
		}
		if c.inbound != "" && c.inbound != "*" && out.InboundID != c.inbound {
			t.Errorf("%s: inboundId %q", out.ChannelID, out.InboundID)
		}
		ids[out.ChannelID] = out.IntegrationID
	}

	// Twilio's derived values come from the provider.
	rec = a.api("GET", "/api/v1/integrations/"+ids["TwilioSMS"], tok, "")
	mustStatus(t, rec, 200)
	var tw struct {
		Configuration struct {
			PhoneNumber  string          `json:"phoneNumber"`
			AuthToken    string          `json:"authToken"`
			Capabilities map[string]bool `json:"capabilities"`
		} `json:"configuration"`
	}
	json.Unmarshal(rec.Body.Bytes(), &tw)
	if !strings.HasPrefix(tw.Configuration.PhoneNumber, "+1555") || !tw.Configuration.Capabilities["sms"] || tw.Configuration.AuthToken != "cb8c5367c3c4586ecb589e25570aaaaa" {
		t.Errorf("twilio config: %+v", tw.Configuration)
	}

	// Update through the create path (the seed's example body), keys kept.
	before := decode[integrationOut](t, a.api("GET", "/api/v1/integrations/"+ids["Direct"], tok, ""))
	rec = a.api("POST", "/api/v1/integrations/hubs/"+ids["Direct"], tok, `{"name":"Direct","statusId":3002,"configuration":{"integrationType":"Agent","Echo":true,"webhookUrl":"http://hubster.io/v1/api/integration?customer=1"}}`)
	mustStatus(t, rec, 200)
	after := decode[integrationOut](t, rec)
	var bk, ak map[string]any
	json.Unmarshal(before.Configuration, &bk)
	json.Unmarshal(after.Configuration, &ak)
	if after.StatusID != 3002 || ak["privateSigningKey"] != bk["privateSigningKey"] || ak["webhookUrl"] != "http://hubster.io/v1/api/integration?customer=1" {
		t.Errorf("update: %s", rec.Body.String())
	}
	if _, ok := ak["start"]; ok {
		t.Errorf("configuration replaced whole: start should be gone: %s", after.Configuration)
	}
	// regenerateKeys makes a new pair.
	rec = a.api("PUT", "/api/v1/integrations/"+ids["Direct"]+"?regenerate-key=true", tok, `{}`)
	mustStatus(t, rec, 200)
	var rk map[string]any
	json.Unmarshal(decode[integrationOut](t, rec).Configuration, &rk)
	if rk["privateSigningKey"] == ak["privateSigningKey"] || len(rk["privateSigningKey"].(string)) != 32 {
		t.Errorf("regenerate: %v vs %v", rk["privateSigningKey"], ak["privateSigningKey"])
	}

	// regenerate-key must be a boolean, and only for channels with keys;
	// refused, it changes nothing.
	for q, want := range map[string]string{"maybe": "it must be true or false", "true": "have no signing keys"} {
		path := "/api/v1/integrations/" + ids["Direct"] + "?regenerate-key=" + q
		if q == "true" {
			path = "/api/v1/integrations/" + ids["WebChat"] + "?regenerate-key=" + q
		}
		rec = a.api("PUT", path, tok, `{"name":"Renamed by a refused request"}`)
		if p := decode[Problem](t, rec); rec.Code != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "regenerate-key" || !strings.Contains(p.Detail, want) {
			t.Errorf("regenerate-key=%s: %d %s", q, rec.Code, rec.Body.String())
		}
	}
	if n := decode[integrationOut](t, a.api("GET", "/api/v1/integrations/"+ids["Direct"], tok, "")).Name; strings.HasPrefix(n, "Renamed") {
		t.Errorf("a refused regenerate-key renamed the integration: %q", n)
	}
	mustStatus(t, a.api("PUT", "/api/v1/integrations/"+ids["Direct"]+"?regenerate-key=false", tok, `{}`), 200)

	// Non-updatable channels ignore configuration, with a Warning.
	rec = a.api("POST", "/api/v1/integrations/hubs/"+ids["TwilioSMS"], tok, `{"name":"SMS 2","configuration":{"accountSid":"nonsense"}}`)
	mustStatus(t, rec, 200)
	if w := rec.Header().Get("Warning"); w != `299 - "configuration of TwilioSMS integrations cannot be updated; delete and recreate"` {
		t.Errorf("warning header %q", w)
	}
	if decode[integrationOut](t, rec).Name != "SMS 2" {
		t.Error("name not applied on a non-updatable channel")
	}

	// List by channel type, any case.
	rec = a.api("GET", "/api/v1/integrations/hubs/"+hubID+"/webchat", tok, "")
	mustStatus(t, rec, 200)
	if list := decode[[]integrationOut](t, rec); len(list) != 1 || list[0].ChannelID != "WebChat" {
		t.Errorf("by channel: %s", rec.Body.String())
	}
	mustStatus(t, a.api("GET", "/api/v1/integrations/hubs/"+hubID+"/Telegram", tok, ""), 400)

	// Paging: ordered by created, total counted.
	rec = a.api("GET", "/api/v1/integrations?hubId="+hubID+"&pageNumber=1&pageSize=4", tok, "")
	mustStatus(t, rec, 200)
	pg := decode[page[integrationOut]](t, rec)
	if pg.Total != 6 || pg.PageNumber != 1 || pg.PageSize != 4 || len(pg.Results) != 2 || pg.Results[0].ChannelID != "System" {
		t.Errorf("paging: %+v", pg)
	}
	rec = a.api("GET", "/api/v1/integrations?channelId=direct&statusId=3002&q=DIR", tok, "")
	if pg := decode[page[integrationOut]](t, rec); pg.Total != 1 {
		t.Errorf("filters: %s", rec.Body.String())
	}

	// The lists write each integration byte for byte as its GET does, for
	// a write token and for a read token (its secrets masked).
	for _, tk := range []string{tok, a.token("read")} {
		var all []json.RawMessage
		for _, q := range []string{"", "&q=s"} { // the hub's page, and a search (counted apart)
			all = append(all, decode[page[json.RawMessage]](t, a.api("GET", "/api/v1/integrations?hubId="+hubID+q, tk, "")).Results...)
		}
		for ch := range ids {
			all = append(all, decode[[]json.RawMessage](t, a.api("GET", "/api/v1/integrations/hubs/"+hubID+"/"+ch, tk, ""))...)
		}
		if len(all) != 6+3+6 {
			t.Fatalf("%d integrations listed, want 15", len(all))
		}
		for _, listed := range all {
			var in integrationOut
			json.Unmarshal(listed, &in)
			one := a.api("GET", "/api/v1/integrations/"+in.IntegrationID, tk, "")
			if got := strings.TrimSuffix(one.Body.String(), "\n"); got != string(listed) {
				t.Errorf("listed as\n%s\nbut its GET is\n%s", listed, got)
			}
		}
	}

	// Delete returns the deleted object; then 404.
	rec = a.api("DELETE", "/api/v1/integrations/"+ids["WebChat"], tok, "")
	mustStatus(t, rec, 200)
	mustStatus(t, a.api("GET", "/api/v1/integrations/"+ids["WebChat"], tok, ""), 404)
}

// TestHubsterNumbersAndPascalCase reads enums as Hubster's numbers and
// keys in any case.
func TestHubsterNumbersAndPascalCase(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("H")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"ChannelId":1,"Name":"D","StatusId":3002,"Configuration":{"IntegrationType":2,"WebhookUrl":"https://example.com/x"}}`)
	mustStatus(t, rec, 200)
	out := decode[integrationOut](t, rec)
	if out.ChannelID != "Direct" || out.IntegrationTypeID != "Customer" || out.StatusID != 3002 {
		t.Errorf("numbers: %s", rec.Body.String())
	}
}

func countIntegrations(t *testing.T, a *testApp) int {
	t.Helper()
	_, n, err := a.db.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestInvalidInput: every bad input is a 400 (or 413) naming the field,
// and nothing is stored.
func TestInvalidInput(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"]}}`)
	mustStatus(t, rec, 200)
	chat := decode[integrationOut](t, rec)
	create := "/api/v1/integrations/hubs/" + h.ID
	update := "/api/v1/integrations/hubs/" + chat.IntegrationID
	big := `{"channelId":"WebChat","name":"x","configuration":{"allowedOrigins":["` + strings.Repeat("a", 1<<20) + `"]}}`
	cases := []struct {
		name, method, path, body string
		status, code             int
		field                    string
	}{
		{"malformed json", "POST", create, `{"channelId":`, 400, codeBadFormat, "body"},
		{"empty body", "POST", create, ``, 400, codeBodyMissing, "body"},
		{"array body", "POST", create, `[]`, 400, codeWrongType, "body"},
		{"missing name", "POST", create, `{"channelId":"WebChat","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeRequired, "name"},
		{"blank name", "POST", create, `{"channelId":"WebChat","name":"  ","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeRequired, "name"},
		{"long name", "POST", create, `{"channelId":"WebChat","name":"` + strings.Repeat("n", 101) + `","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeOutOfRange, "name"},
		{"NUL in name", "POST", create, `{"channelId":"WebChat","name":"tab\tname\u0000x","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"right-to-left override in name", "POST", create, `{"channelId":"WebChat","name":"\u202eevil chat","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"control character in renamed", "POST", update, `{"name":"bell\u0007"}`, 400, codeBadFormat, "name"},
		{"name given twice", "POST", create, `{"channelId":"WebChat","name":"One","name":"Two","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"configuration key given twice", "POST", create, `{"channelId":"WebChat","name":"Twice","configuration":{"allowedOrigins":["a.com"],"allowedOrigins":["b.com"]}}`, 400, codeBadFormat, "configuration.allowedOrigins"},
		{"line separator in name", "POST", create, `{"channelId":"WebChat","name":"a\u2028b","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"zero-width space in name", "POST", create, `{"channelId":"WebChat","name":"Ch\u200bat","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"only a byte order mark as name", "POST", create, `{"channelId":"WebChat","name":"\ufeff","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"soft hyphen in renamed", "POST", update, `{"name":"Ch\u00adat"}`, 400, codeBadFormat, "name"},
		{"Hangul filler as name", "POST", create, `{"channelId":"WebChat","name":"\u3164","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"invisible times in name", "POST", create, `{"channelId":"WebChat","name":"a\u2062b","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"Braille blank as name", "POST", create, `{"channelId":"WebChat","name":"\u2800","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"name wrong type", "POST", create, `{"channelId":"WebChat","name":5,"configuration":{"allowedOrigins":["a.com"]}}`, 400, codeWrongType, "name"},
		{"duplicate name other case", "POST", create, `{"channelId":"WebChat","name":"CHAT","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeNameExists, "name"},
		{"duplicate name in fullwidth letters", "POST", create, `{"channelId":"WebChat","name":"\uff23\uff28\uff21\uff34","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeNameExists, "name"},
		{"only variation selectors as name", "POST", create, `{"channelId":"WebChat","name":"\ufe0f\ufe0f","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"only a combining accent as name", "POST", create, `{"channelId":"WebChat","name":"\u0301","configuration":{"allowedOrigins":["a.com"]}}`, 400, codeBadFormat, "name"},
		{"unknown channel", "POST", create, `{"channelId":"Telegram","name":"T","configuration":{}}`, 400, codeOutOfRange, "channelId"},
		{"missing channel", "POST", create, `{"name":"T","configuration":{}}`, 400, codeRequired, "channelId"},
		{"missing configuration", "POST", create, `{"channelId":"WebChat","name":"T"}`, 400, codeRequired, "configuration"},
		{"configuration not object", "POST", create, `{"channelId":"WebChat","name":"T","configuration":[1]}`, 400, codeWrongType, "configuration"},
		{"unknown property", "POST", create, `{"channelId":"WebChat","name":"T","configuration":{"allowedOrigins":["a.com"],"colour":"red"}}`, 400, codeNotSupported, "configuration.colour"},
		{"unknown top-level property", "POST", create, `{"channelId":"WebChat","name":"T","flavour":1,"configuration":{"allowedOrigins":["a.com"]}}`, 400, codeNotSupported, "flavour"},
		{"required config missing", "POST", create, `{"channelId":"TwilioSMS","name":"T","configuration":{"authToken":"cb8c5367c3c4586ecb589e25570aaaaa","numberSid":"PN667435536f4d1cefdf054abf99aaaa00"}}`, 400, codeRequired, "configuration.accountSid"},
		{"bad account sid", "POST", create, `{"channelId":"TwilioSMS","name":"T","configuration":{"accountSid":"AC12","authToken":"cb8c5367c3c4586ecb589e25570aaaaa","numberSid":"PN667435536f4d1cefdf054abf99aaaa00"}}`, 400, codeBadFormat, "configuration.accountSid"},
		{"bad number sid", "POST", create, `{"channelId":"TwilioSMS","name":"T","configuration":{"accountSid":"AC1fc1c1722444b0c6313d3ae988b00000","authToken":"cb8c5367c3c4586ecb589e25570aaaaa","numberSid":"XX667435536f4d1cefdf054abf99aaaa00"}}`, 400, codeBadFormat, "configuration.numberSid"},
		{"wrong type in config", "POST", create, `{"channelId":"Direct","name":"T","configuration":{"integrationType":"Agent","echo":"yes"}}`, 400, codeWrongType, "configuration.echo"},
		{"bad integration type", "POST", create, `{"channelId":"Direct","name":"T","configuration":{"integrationType":"Robot"}}`, 400, codeOutOfRange, "configuration.integrationType"},
		{"bad webhook url", "POST", create, `{"channelId":"System","name":"T","configuration":{"webhookUrl":"not a url","events":["message"]}}`, 400, codeBadFormat, "configuration.webhookUrl"},
		{"empty events", "POST", create, `{"channelId":"System","name":"T","configuration":{"webhookUrl":"https://a.com","events":[]}}`, 400, 306, "configuration.events"},
		{"unknown event", "POST", create, `{"channelId":"System","name":"T","configuration":{"webhookUrl":"https://a.com","events":["typing"]}}`, 400, codeOutOfRange, "configuration.events[0]"},
		{"no allowed origin", "POST", create, `{"channelId":"WebChat","name":"T","configuration":{"allowedOrigins":[]}}`, 400, 306, "configuration.allowedOrigins"},
		{"bad origin", "POST", create, `{"channelId":"WebChat","name":"T","configuration":{"allowedOrigins":["ftp://a.com/path"]}}`, 400, codeBadFormat, "configuration.allowedOrigins[0]"},
		{"bad message type", "POST", create, `{"channelId":"WebChat","name":"T","configuration":{"allowedOrigins":["a.com"],"start":[{"type":"image","text":"x"}]}}`, 400, codeOutOfRange, "configuration.start[0].type"},
		{"slack bad nonce", "POST", create, `{"channelId":"Slack","name":"S","configuration":{"code":"c","nonce":"forged"}}`, 400, codeStateInvalid, "configuration.nonce"},
		{"provider refuses", "POST", create, `{"channelId":"TwilioSMS","name":"T","configuration":{"accountSid":"AC1fc1c1722444b0c6313d3ae988b00000","authToken":"00000000000000000000000000000000","numberSid":"PN667435536f4d1cefdf054abf99aaaa00"}}`, 400, codeProviderRefuse, "configuration.authToken"},
		{"status 3001 on update", "POST", update, `{"statusId":3001}`, 400, codeOutOfRange, "statusId"},
		{"status 3001 on create", "POST", create, `{"channelId":"WebChat","name":"T","statusId":3001,"configuration":{"allowedOrigins":["a.com"]}}`, 400, codeOutOfRange, "statusId"},
		{"update bad config", "POST", update, `{"configuration":{"allowedOrigins":"a.com"}}`, 400, codeWrongType, "configuration.allowedOrigins"},
		{"update changes channel", "POST", update, `{"channelId":"Direct"}`, 400, codeOutOfRange, "channelId"},
		{"bad guid", "GET", "/api/v1/integrations/xyz", ``, 400, codeBadGUID, "integrationId"},
		{"page size 0", "GET", "/api/v1/integrations?pageSize=0", ``, 400, codeOutOfRange, "pageSize"},
		{"page size 101", "GET", "/api/v1/integrations?pageSize=101", ``, 400, codeOutOfRange, "pageSize"},
		{"page size abc", "GET", "/api/v1/integrations?pageSize=abc", ``, 400, codeBadFormat, "pageSize"},
		{"page number -1", "GET", "/api/v1/integrations?pageNumber=-1", ``, 400, codeOutOfRange, "pageNumber"},
		{"page number past the cap", "GET", "/api/v1/integrations?pageNumber=2147483647", ``, 400, codeOutOfRange, "pageNumber"},
		{"unknown hub", "POST", "/api/v1/integrations/hubs/8b2e1f4c-0000-4000-8000-000000000000", `{}`, 404, codeHubNotFound, ""},
		{"body over 1 MiB", "POST", create, big, 413, codeTooLarge, ""},
	}
	before := countIntegrations(t, a)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := a.api(c.method, c.path, tok, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("content type %q", ct)
			}
			p := decode[Problem](t, rec)
			if len(p.Errors) == 0 || p.Errors[0].Code != c.code || p.Errors[0].Field != c.field {
				t.Fatalf("errors %+v, want code %d field %q", p.Errors, c.code, c.field)
			}
			if !strings.Contains(p.Errors[0].Description, fmt.Sprintf("(code: PRT%06d)", c.code)) || p.TrackingID == "" || p.Detail == "" {
				t.Errorf("problem shape: %+v", p)
			}
		})
	}
	if after := countIntegrations(t, a); after != before {
		t.Fatalf("invalid input changed the store: %d → %d integrations", before, after)
	}
	got := decode[integrationOut](t, a.api("GET", "/api/v1/integrations/"+chat.IntegrationID, tok, ""))
	if got.Name != "Chat" || got.StatusID != 3000 || got.Modified != chat.Modified || string(got.Configuration) != string(chat.Configuration) {
		t.Fatalf("invalid updates changed the integration: %+v", got)
	}
}

func TestChannelAttachedOnce(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h1, h2 := a.hub("One"), a.hub("Two")
	body := `{"channelId":"TwilioSMS","name":"SMS","configuration":` + twilioConfig + `}`
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h1.ID, tok, body), 200)
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h2.ID, tok, body)
	mustStatus(t, rec, 400)
	p := decode[Problem](t, rec)
	if p.Errors[0].Code != codeAttached || !strings.Contains(p.Detail, "the integration 'SMS' in the hub 'One'") {
		t.Fatalf("attach twice: %+v", p)
	}
	// The same SID in other letters' case is the same number.
	upper := strings.Replace(body, "PN667435536f4d1cefdf054abf99aaaa00", "PN667435536F4D1CEFDF054ABF99AAAA00", 1)
	if rec := a.api("POST", "/api/v1/integrations/hubs/"+h2.ID, tok, upper); rec.Code != 400 || decode[Problem](t, rec).Errors[0].Code != codeAttached {
		t.Fatalf("the SID in upper case: %d %s", rec.Code, rec.Body.String())
	}

	// Another tenant is told the channel is taken, not by whom nor where.
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	theirs := a.hub("Theirs", other.ID)
	rec = a.api("POST", "/api/v1/integrations/hubs/"+theirs.ID, a.token("write", other.ID),
		`{"channelId":"TwilioSMS","name":"Mine","configuration":`+twilioConfig+`}`)
	mustStatus(t, rec, 400)
	answer := rec.Body.String()
	p = decode[Problem](t, rec)
	if p.Errors[0].Code != codeAttached || !strings.Contains(p.Detail, "already attached to another integration;") {
		t.Fatalf("attach from another tenant: %+v", p)
	}
	for _, leak := range []string{"'SMS'", "'One'", h1.ID} {
		if strings.Contains(answer, leak) {
			t.Errorf("another tenant is told %q: %s", leak, answer)
		}
	}
}

// TestSystemEventsNormalised: "message" means the three message events,
// so given with any of them it is stored and returned alone, on create and
// update; the three without it are kept as sent (as the seed shows).
func TestSystemEventsNormalised(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Events")
	events := func(o integrationOut) string {
		var cfg struct {
			Events json.RawMessage `json:"events"`
		}
		if err := json.Unmarshal(o.Configuration, &cfg); err != nil {
			t.Fatal(err)
		}
		return string(cfg.Events)
	}
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://events.example.com/in","events":["message","message:agent"]}}`)
	mustStatus(t, rec, 200)
	in := decode[integrationOut](t, rec)
	if got := events(in); got != `["message"]` {
		t.Fatalf("created with events %s, want [\"message\"]", got)
	}
	if got := events(decode[integrationOut](t, a.api("GET", "/api/v1/integrations/"+in.IntegrationID, tok, ""))); got != `["message"]` {
		t.Fatalf("stored events %s", got)
	}
	for _, c := range [][2]string{
		{`["message:customer","message:agent","message:bot"]`, `["message:customer","message:agent","message:bot"]`},
		{`["message:bot","MESSAGE","message:bot"]`, `["message"]`},
		{`["message:agent","message:agent"]`, `["message:agent"]`},
	} {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+in.IntegrationID, tok,
			`{"configuration":{"webhookUrl":"https://events.example.com/in","events":`+c[0]+`}}`)
		mustStatus(t, rec, 200)
		if got := events(decode[integrationOut](t, rec)); got != c[1] {
			t.Errorf("update with %s: events %s, want %s", c[0], got, c[1])
		}
	}
}

func TestAuthAndTenancy(t *testing.T) {
	a := newTestApp(t)
	write, read := a.token("write"), a.token("read")
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	otherTok := a.token("write", other.ID)
	h := a.hub("Mine")
	in := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, write, `{"channelId":"TwilioSMS","name":"SMS","configuration":`+twilioConfig+`}`))

	// Another tenant's token: 403 on the hub and the integration.
	for _, r := range [][3]string{
		{"GET", "/api/v1/integrations/" + in.IntegrationID, ""},
		{"POST", "/api/v1/integrations/hubs/" + in.IntegrationID, `{"name":"x"}`},
		{"POST", "/api/v1/integrations/hubs/" + h.ID, `{"channelId":"WebChat","name":"x","configuration":{"allowedOrigins":["a.com"]}}`},
		{"DELETE", "/api/v1/integrations/" + in.IntegrationID, ""},
		{"GET", "/api/v1/integrations/hubs/" + h.ID + "/TwilioSMS", ""},
		{"GET", "/api/v1/integrations?hubId=" + h.ID, ""},
		{"GET", "/api/v1/hubs/" + h.ID, ""},
		{"PUT", "/api/v1/hubs/" + h.ID, `{"name":"x"}`},
		{"DELETE", "/api/v1/hubs/" + h.ID, ""},
	} {
		rec := a.api(r[0], r[1], otherTok, r[2])
		if rec.Code != http.StatusForbidden {
			t.Errorf("other tenant %s %s: %d %s", r[0], r[1], rec.Code, rec.Body.String())
		}
	}
	if pg := decode[page[integrationOut]](t, a.api("GET", "/api/v1/integrations", otherTok, "")); pg.Total != 0 {
		t.Errorf("other tenant sees %d integrations", pg.Total)
	}

	// Read token: secrets masked, every write refused.
	rec := a.api("GET", "/api/v1/integrations/"+in.IntegrationID, read, "")
	mustStatus(t, rec, 200)
	if strings.Contains(rec.Body.String(), "cb8c5367c3c4586ecb589e25570aaaaa") || !strings.Contains(rec.Body.String(), `"authToken":"••••aaaa"`) {
		t.Errorf("read token sees: %s", rec.Body.String())
	}
	for _, r := range [][3]string{
		{"POST", "/api/v1/integrations/hubs/" + h.ID, `{"channelId":"WebChat","name":"x","configuration":{"allowedOrigins":["a.com"]}}`},
		{"POST", "/api/v1/integrations/hubs/" + in.IntegrationID, `{"name":"x"}`},
		{"PUT", "/api/v1/integrations/" + in.IntegrationID, `{"name":"x"}`},
		{"DELETE", "/api/v1/integrations/" + in.IntegrationID, ""},
		{"POST", "/api/v1/hubs", `{"name":"x"}`},
		{"POST", "/api/v1/integrations/slack/nonce", `{"hubId":"` + h.ID + `"}`},
	} {
		rec := a.api(r[0], r[1], read, r[2])
		if rec.Code != http.StatusForbidden || decode[Problem](t, rec).Errors[0].Code != codeForbidden {
			t.Errorf("read token %s %s: %d", r[0], r[1], rec.Code)
		}
	}

	// No token, a malformed header, an unknown token, a revoked token: 401.
	revoked, plain, _ := a.db.CreateToken(context.Background(), db.Token{TenantID: db.DefaultTenantID, Name: "old", Scope: "write"})
	mustStatus(t, a.api("GET", "/api/v1/integrations", plain, ""), 200)
	if _, err := a.db.RevokeToken(context.Background(), db.DefaultTenantID, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"none": "", "unknown": "hub_nope", "revoked": plain} {
		rec := a.api("GET", "/api/v1/integrations", tok, "")
		if rec.Code != 401 || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") || decode[Problem](t, rec).Errors[0].Code != codeUnauthorized {
			t.Errorf("%s token: %d %q", name, rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	}
	if rec := a.api("GET", "/api/v1/integrations", "", ""); rec.Header().Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
}

// TestSecretsNotInDatabaseFile reads the database files as bytes.
func TestSecretsNotInDatabaseFile(t *testing.T) {
	dir := t.TempDir()
	a := newTestApp(t, func(c *Config) {
		seal, _ := db.NewSealer(bytes.Repeat([]byte{3}, db.KeySize))
		d, err := db.Open(context.Background(), filepath.Join(dir, "plain.db"), seal)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		c.DB = d
	})
	tok := a.token("write")
	h := a.hub("Secrets")
	nonce := decode[map[string]string](t, a.api("POST", "/api/v1/integrations/slack/nonce", tok, `{"hubId":"`+h.ID+`"}`))["nonce"]
	var secrets []string
	for _, body := range []string{
		`{"channelId":"TwilioSMS","name":"SMS","configuration":` + twilioConfig + `}`,
		`{"channelId":"Messenger","name":"FB","configuration":{"pageAccessToken":"` + fbToken + `"}}`,
		`{"channelId":"System","name":"Sys","configuration":{"webhookUrl":"https://a.com","events":["message"]}}`,
		`{"channelId":"Slack","name":"Slack","configuration":{"code":"c0de","nonce":"` + nonce + `"}}`,
	} {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, body)
		mustStatus(t, rec, 200)
		var cfg map[string]any
		json.Unmarshal(decode[integrationOut](t, rec).Configuration, &cfg)
		for _, k := range []string{"authToken", "pageAccessToken", "privateSigningKey", "botAccessToken", "appAccessToken"} {
			if s, _ := cfg[k].(string); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	if len(secrets) < 5 {
		t.Fatalf("expected 5+ secrets, got %v", secrets)
	}
	for _, f := range []string{"plain.db", "plain.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the secret %s…", f, s[:6])
			}
		}
	}
}

// TestConcurrentCreatesSameName: exactly one wins, the rest are 400s.
func TestConcurrentCreatesSameName(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Race")
	var wg sync.WaitGroup
	codes := make(chan int, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Same","configuration":{"allowedOrigins":["a.com"]}}`)
			if strings.Contains(rec.Body.String(), "database is locked") {
				t.Error("database is locked")
			}
			codes <- rec.Code
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	if count[200] != 1 || count[400] != 49 {
		t.Fatalf("status counts %v, want one 200 and 49 400s", count)
	}
}

// TestConcurrentUpdatesAllLand: unconditional updates of one integration
// and of one hub, sent at once, each answer 200 and each is applied (the
// audit log has every one): an update overtaken by another is applied
// again to the row as it now is, for as long as others keep landing
// first, not a fixed three times and then a 409.
func TestConcurrentUpdatesAllLand(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Race")
	id := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok,
		`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`)).IntegrationID
	const n = 32
	for _, path := range []string{"/api/v1/integrations/" + id, "/api/v1/hubs/" + h.ID} {
		var wg sync.WaitGroup
		codes := make(chan string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec := a.api("PUT", path, tok, fmt.Sprintf(`{"name":"Name %d"}`, i))
				if rec.Code != http.StatusOK {
					codes <- fmt.Sprintf("%d %s", rec.Code, rec.Body.String())
				}
			}()
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			t.Errorf("PUT %s: %s", path, c)
		}
	}
	entries, _, err := a.db.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	updates := map[string]int{}
	for _, e := range entries {
		updates[e.Action]++
	}
	if updates["integration.update"] != n || updates["hub.update"] != n {
		t.Errorf("audited updates %v, want %d of each", updates, n)
	}
}

// TestRacingDeletesSayWhatIsGone: of deletes and updates racing a delete,
// the losers hear "No integration (hub) with id … exists" with its code, as
// a request sent after the delete does, not a bare "Not found." (105).
func TestRacingDeletesSayWhatIsGone(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for round := range 5 {
		h := a.hub(fmt.Sprintf("Race %d", round))
		id := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok,
			`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`)).IntegrationID
		for _, r := range []struct {
			path string
			code int
		}{{"/api/v1/integrations/" + id, codeIntNotFound}, {"/api/v1/hubs/" + h.ID, codeHubNotFound}} {
			var wg sync.WaitGroup
			for i := range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					method, body := "DELETE", ""
					if i%2 == 1 {
						method, body = "PUT", fmt.Sprintf(`{"name":"Name %d"}`, i)
					}
					rec := a.api(method, r.path, tok, body)
					if rec.Code == http.StatusOK {
						return
					}
					if p := decode[Problem](t, rec); rec.Code != http.StatusNotFound || len(p.Errors) == 0 || p.Errors[0].Code != r.code || !strings.Contains(p.Detail, "exists") {
						t.Errorf("%s %s: %d %+v", method, r.path, rec.Code, p)
					}
				}()
			}
			wg.Wait()
		}
	}
}

func TestHubsAPI(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	rec := a.api("POST", "/api/v1/hubs", tok, `{"name":"Sales","closeDormantConversation":0}`)
	mustStatus(t, rec, 400)
	rec = a.api("POST", "/api/v1/hubs", tok, `{"name":"Sales"}`)
	mustStatus(t, rec, 200)
	hub := decode[hubJSON](t, rec)
	if hub.StatusID != 2000 || hub.CloseDormantConversation != nil {
		t.Errorf("hub defaults: %+v", hub)
	}
	if p := decode[Problem](t, a.api("POST", "/api/v1/hubs", tok, `{"name":"SALES"}`)); p.Errors[0].Code != codeHubNameExists {
		t.Errorf("duplicate hub: %+v", p)
	}
	rec = a.api("PUT", "/api/v1/hubs/"+hub.HubID, tok, `{"description":"EMEA","closeDormantConversation":7,"statusId":2002}`)
	mustStatus(t, rec, 200)
	if u := decode[hubJSON](t, rec); u.Name != "Sales" || u.Description != "EMEA" || *u.CloseDormantConversation != 7 || u.StatusID != 2002 {
		t.Errorf("hub update: %+v", u)
	}
	a.api("POST", "/api/v1/integrations/hubs/"+hub.HubID, tok, `{"channelId":"WebChat","name":"W","configuration":{"allowedOrigins":["a.com"]}}`)
	if pg := decode[page[hubJSON]](t, a.api("GET", "/api/v1/hubs?pageSize=10", tok, "")); pg.Total != 1 {
		t.Errorf("hub list: %+v", pg)
	}
	mustStatus(t, a.api("DELETE", "/api/v1/hubs/"+hub.HubID, tok, ""), 200)
	mustStatus(t, a.api("GET", "/api/v1/hubs/"+hub.HubID, tok, ""), 404)
	if n := countIntegrations(t, a); n != 0 {
		t.Errorf("hub delete left %d integrations", n)
	}
}

// TestListOfAHubWithoutRows: the list asks whose the hub is only when no
// row matched; an empty hub of one's own is an empty page, an unknown hub
// a 404 and another tenant's a 403.
func TestListOfAHubWithoutRows(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	empty := a.hub("Empty")
	pg := decode[page[integrationOut]](t, a.api("GET", "/api/v1/integrations?hubId="+empty.ID, tok, ""))
	if pg.Total != 0 || len(pg.Results) != 0 {
		t.Errorf("empty hub: %+v", pg)
	}
	rec := a.api("GET", "/api/v1/integrations?hubId=7c9e6679-7425-40de-944b-e07fc1f90ae7", tok, "")
	mustStatus(t, rec, http.StatusNotFound)
	if !strings.Contains(rec.Body.String(), "7c9e6679-7425-40de-944b-e07fc1f90ae7") {
		t.Errorf("404 does not name the hub: %s", rec.Body.String())
	}
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	rec = a.api("GET", "/api/v1/integrations?hubId="+empty.ID, a.token("write", other.ID), "")
	mustStatus(t, rec, http.StatusForbidden)
}

// TestBodyLimitIsOneMiB: SPEC's 413 is for bodies over 1 MiB, so one of
// exactly 1,048,576 bytes is read (and judged on its content).
func TestBodyLimitIsOneMiB(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	body := func(size int) string {
		const head, tail = `{"name":"Sized","description":"`, `"}`
		return head + strings.Repeat("a", size-len(head)-len(tail)) + tail
	}
	if rec := a.api("POST", "/api/v1/hubs", tok, body(1<<20)); rec.Code == 413 {
		t.Errorf("a body of exactly 1 MiB: 413")
	}
	mustStatus(t, a.api("POST", "/api/v1/hubs", tok, body(1<<20+1)), 413)
}

// TestErrorAnswersAreBounded: a body of thousands of unknown keys gets a
// 400 listing the first maxFieldErrors and counting the rest, not an
// answer many times the request's size.
func TestErrorAnswersAreBounded(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	var cfg strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&cfg, `"k%d":1,`, i)
	}
	req := `{"channelId":"WebChat","name":"Chat","configuration":{` + cfg.String() + `"allowedOrigins":["a.com"]}}`
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, req)
	mustStatus(t, rec, 400)
	if rec.Body.Len() > 16<<10 {
		t.Errorf("answer of %d bytes to a request of %d", rec.Body.Len(), len(req))
	}
	p := decode[Problem](t, rec)
	if len(p.Errors) != maxFieldErrors || !strings.Contains(p.Detail, fmt.Sprintf("(%d more errors not listed.)", 5000-maxFieldErrors)) {
		t.Errorf("%d errors, detail %.200q…", len(p.Errors), p.Detail)
	}
	if n := countIntegrations(t, a); n != 0 {
		t.Errorf("%d integrations stored", n)
	}
}

// TestNamesKeepJoiners: the joiners emoji and some scripts need are not
// among the refused invisible characters.
func TestNamesKeepJoiners(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	for _, name := range []string{"Family 👨\u200d👩\u200d👧", "می\u200cخواهم", "Scotland 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", "Love ❤\ufe0f"} {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"`+name+`","configuration":{"allowedOrigins":["a.com"]}}`)
		if rec.Code != 200 || decode[integrationOut](t, rec).Name != name {
			t.Errorf("%q: %d %s", name, rec.Code, rec.Body.String())
		}
	}
}

// TestPagingErrorsGiveTheRange: a page number past the cap is told the
// range it must be in, not a bound it already meets.
func TestPagingErrorsGiveTheRange(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("read")
	rec := a.api("GET", "/api/v1/hubs?pageNumber=2147483647", tok, "")
	if p := decode[Problem](t, rec); rec.Code != 400 || !strings.Contains(p.Detail, "between 0 and 1073741824") {
		t.Errorf("%d %s", rec.Code, rec.Body.String())
	}
}

// TestTakenNameToldWithOtherErrors: a taken name is reported in the same
// answer as the other errors, not only after they are fixed; nothing is
// stored.
func TestTakenNameToldWithOtherErrors(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Hub")
	a.hub("Sales EMEA")
	mustStatus(t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.com"]}}`), 200)
	other := decode[integrationOut](t, a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Other","configuration":{"allowedOrigins":["a.com"]}}`))
	fields := func(rec *httptest.ResponseRecorder) []string {
		t.Helper()
		mustStatus(t, rec, 400)
		var out []string
		for _, e := range decode[Problem](t, rec).Errors {
			out = append(out, e.Field)
		}
		return out
	}
	for name, c := range map[string]struct {
		method, path, body string
		want               []string
	}{
		"create":                              {"POST", "/api/v1/integrations/hubs/" + h.ID, `{"channelId":"WebChat","name":"CHAT","configuration":{"allowedOrigins":["http://localhost:3000/path"]}}`, []string{"name", "configuration.allowedOrigins[0]"}},
		"update":                              {"PUT", "/api/v1/integrations/" + other.IntegrationID, `{"name":"chat","configuration":{"allowedOrigins":["http://localhost:3000/path"]}}`, []string{"name", "configuration.allowedOrigins[0]"}},
		"own name in another case, on update": {"PUT", "/api/v1/integrations/" + other.IntegrationID, `{"name":"OTHER","configuration":{"allowedOrigins":["http://localhost:3000/path"]}}`, []string{"configuration.allowedOrigins[0]"}},
		"hub create":                          {"POST", "/api/v1/hubs", `{"name":"sales emea","closeDormantConversation":0}`, []string{"name", "closeDormantConversation"}},
		"hub update":                          {"PUT", "/api/v1/hubs/" + h.ID, `{"name":"SALES EMEA","closeDormantConversation":0}`, []string{"name", "closeDormantConversation"}},
	} {
		if got := fields(a.api(c.method, c.path, tok, c.body)); !slices.Equal(got, c.want) {
			t.Errorf("%s: errors for %v, want %v", name, got, c.want)
		}
	}
	if n := countIntegrations(t, a); n != 2 {
		t.Errorf("%d integrations", n)
	}
}

// TestBodyWithByteOrderMark: a body some Windows tools start with a BOM
// is read (RFC 8259 lets a reader ignore it), not called "not an object".
func TestBodyWithByteOrderMark(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	rec := a.api("POST", "/api/v1/hubs", tok, "\ufeff"+`{"name":"From Windows"}`)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}
