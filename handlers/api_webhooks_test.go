package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hubadmin/db"
	"hubadmin/webhooks"
)

// receiver is a webhook endpoint that keeps every request it gets and
// answers with a settable status.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	hits   []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{status: http.StatusOK}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.hits = append(r.hits, received{header: req.Header.Clone(), body: body})
		status := r.status
		r.mu.Unlock()
		if status == http.StatusFound {
			w.Header().Set("Location", "https://elsewhere.example/hook")
		}
		w.WriteHeader(status)
		io.WriteString(w, `{"received":true}`)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) setStatus(s int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = s
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.hits...)
}

func allowPrivate(c *Config) { c.AllowPrivateWebhooks = true }

// createIntegration makes an integration through the API and returns its
// id and configuration.
func createIntegration(t *testing.T, a *testApp, token, hubID, body string) (string, map[string]any) {
	t.Helper()
	rec := a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hubID, token, body)
	mustStatus(t, rec, http.StatusOK)
	out := decode[struct {
		IntegrationID string         `json:"integrationId"`
		Configuration map[string]any `json:"configuration"`
	}](t, rec)
	return out.IntegrationID, out.Configuration
}

func systemBody(url string) string {
	return `{"channelId":"System","name":"Events","configuration":{"webhookUrl":"` + url + `","events":["message"]}}`
}

func TestTestEventIsSignedWithTheIntegrationsKey(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	hub := a.hub("Support")
	tok := a.token("write")
	id, cfg := createIntegration(t, a, tok, hub.ID, systemBody(rcv.URL+"/hook"))
	oldKey := cfg["privateSigningKey"].(string)

	// The event is fixed: a body that would read as sent is refused, and
	// nothing is delivered.
	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, `{"event":"message","payload":{"text":"hi"}}`)
	if p := decode[Problem](t, rec); rec.Code != http.StatusBadRequest || len(p.Errors) != 2 || p.Errors[0].Field != "event" || !strings.Contains(p.Detail, "takes no body") {
		t.Fatalf("a test with a body: %d %s", rec.Code, rec.Body)
	}
	mustStatus(t, a.api(http.MethodPost, "/api/v1/integrations/"+id+"/deliveries", tok, ""), http.StatusMethodNotAllowed)
	if rec := a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries", tok, ""); strings.Contains(rec.Body.String(), `"deliveryId"`) {
		t.Fatalf("a refused test was delivered: %s", rec.Body)
	}

	rec = a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "{}") // the others send none
	mustStatus(t, rec, http.StatusOK)
	first := decode[deliveryJSON](t, rec)
	if !first.Success || first.StatusCode != 200 || first.Attempt != 1 || first.Event != "test" || first.Error != "" ||
		first.IntegrationID != id || first.URL != rcv.URL+"/hook" || first.MessageID == "" || first.DeliveryID == "" ||
		!strings.Contains(first.ResponseExcerpt, "received") {
		t.Fatalf("delivery record: %+v", first)
	}
	hits := rcv.requests()
	if len(hits) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(hits))
	}
	got := hits[0]
	if err := webhooks.VerifyHubster(got.body, got.header, oldKey); err != nil {
		t.Errorf("x-hubster-signature: %v", err)
	}
	if err := webhooks.VerifyStandard(got.body, got.header, []byte(oldKey), time.Now(), webhooks.DefaultTolerance); err != nil {
		t.Errorf("webhook-signature: %v", err)
	}
	if got.header.Get("x-hubster-public-key") != cfg["publicSigningKey"] || got.header.Get("webhook-id") != first.MessageID ||
		got.header.Get("x-integration-id") != id || got.header.Get("x-hub-id") != hub.ID {
		t.Errorf("headers: %v", got.header)
	}
	var activity map[string]any
	if err := json.Unmarshal(got.body, &activity); err != nil || activity["event"] != "test" || activity["integrationId"] != id || activity["activityId"] != first.MessageID {
		t.Errorf("body %s (%v)", got.body, err)
	}

	// New keys: the next delivery is signed with the new key only.
	rec = a.api(http.MethodPut, "/api/v1/integrations/"+id, tok,
		`{"configuration":{"webhookUrl":"`+rcv.URL+`/hook","events":["message"],"regenerateKeys":true}}`)
	mustStatus(t, rec, http.StatusOK)
	newKey := decode[struct {
		Configuration map[string]any `json:"configuration"`
	}](t, rec).Configuration["privateSigningKey"].(string)
	if newKey == oldKey || newKey == "" {
		t.Fatalf("keys not regenerated: %q", newKey)
	}
	mustStatus(t, a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, ""), http.StatusOK)
	got = rcv.requests()[1]
	if err := webhooks.VerifyHubster(got.body, got.header, newKey); err != nil {
		t.Errorf("new key, hubster: %v", err)
	}
	if err := webhooks.VerifyStandard(got.body, got.header, []byte(newKey), time.Now(), webhooks.DefaultTolerance); err != nil {
		t.Errorf("new key, standard: %v", err)
	}
	if webhooks.VerifyHubster(got.body, got.header, oldKey) == nil ||
		webhooks.VerifyStandard(got.body, got.header, []byte(oldKey), time.Now(), webhooks.DefaultTolerance) == nil {
		t.Error("the old key still verifies a delivery made after regeneration")
	}

	// The log: newest first, paged.
	rec = a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries", tok, "")
	mustStatus(t, rec, http.StatusOK)
	list := decode[page[deliveryJSON]](t, rec)
	if list.Total != 2 || len(list.Results) != 2 || list.Results[1].DeliveryID != first.DeliveryID || list.PageSize != 50 {
		t.Fatalf("deliveries: %+v", list)
	}
	rec = a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries?pageNumber=1&pageSize=1", a.token("read"), "")
	mustStatus(t, rec, http.StatusOK)
	list = decode[page[deliveryJSON]](t, rec)
	if list.Total != 2 || len(list.Results) != 1 || list.Results[0].DeliveryID != first.DeliveryID || list.PageNumber != 1 {
		t.Fatalf("second page: %+v", list)
	}
	mustStatus(t, a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries?pageSize=0", tok, ""), http.StatusBadRequest)

	// Audited.
	entries, _, err := a.db.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Action: "integration.test", Page: 0, Size: 10})
	if err != nil || len(entries) != 2 || entries[0].ObjectID != id {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	// The log names the receiver's host, not its path and query, where a
	// receiver's own secret often is.
	for _, e := range entries {
		if !strings.HasPrefix(e.Detail, "attempt ") || strings.Contains(e.Detail, "/") {
			t.Errorf("audit detail %q: want the host alone", e.Detail)
		}
	}
}

// A webhook URL whose host is an address deliveries would refuse is
// refused when saved; a host name is left to the delivery (next test).
func TestWebhookURLToPrivateAddressRefusedWhenSaved(t *testing.T) {
	a := newTestApp(t) // no --allow-private-webhooks
	tok := a.token("write")
	hub := a.hub("Support").ID
	for url, kind := range map[string]string{
		"http://127.0.0.1:9/hook":         "a loopback address",
		"http://169.254.169.254/latest":   "a link-local address",
		"https://10.1.2.3/events":         "a private address",
		"http://[::1]:8080/hook":          "a loopback address",
		"http://[::ffff:127.0.0.1]/hook":  "a loopback address",
		"https://100.64.0.1/cgnat-target": "a carrier-grade NAT (CGNAT) address",
		// RFC 6761: localhost and the names under it are the loopback.
		"http://localhost:9/hook":   "points to localhost, a loopback address",
		"http://LOCALHOST/hook":     "points to LOCALHOST, a loopback address",
		"http://foo.localhost/hook": "points to foo.localhost, a loopback address",
		"http://localhost./hook":    "a loopback address",
		"http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/hook":     "a loopback address",
	} {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub, tok, systemBody(url))
		mustStatus(t, rec, http.StatusBadRequest)
		p := decode[Problem](t, rec)
		if len(p.Errors) != 1 || p.Errors[0].Code != codeTargetRefused || p.Errors[0].Field != "configuration.webhookUrl" ||
			!strings.Contains(p.Errors[0].Description, kind) || !strings.Contains(p.Errors[0].Description, "--allow-private-webhooks") {
			t.Errorf("%s: %+v", url, p.Errors)
		}
	}
	if n := countIntegrations(t, a); n != 0 {
		t.Fatalf("%d integrations stored from refused URLs", n)
	}
	// A public address is saved (nothing is contacted when saving).
	id, _ := createIntegration(t, a, tok, hub, systemBody("https://93.184.216.34/hook"))
	// Updating to a refused address is refused too, and changes nothing.
	rec := a.api("POST", "/api/v1/integrations/hubs/"+id, tok, `{"configuration":{"webhookUrl":"http://127.0.0.1/x","events":["message"]}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if got := decode[integrationOut](t, a.api("GET", "/api/v1/integrations/"+id, tok, "")); !strings.Contains(string(got.Configuration), "93.184.216.34") {
		t.Fatalf("refused update changed the URL: %s", got.Configuration)
	}
	// With --allow-private-webhooks the same URL is saved, but not the
	// cloud metadata address (link-local stays refused).
	open := newTestApp(t, allowPrivate)
	openTok, openHub := open.token("write"), open.hub("Support").ID
	createIntegration(t, open, openTok, openHub, systemBody("http://127.0.0.1:9/hook"))
	mustStatus(t, open.api("POST", "/api/v1/integrations/hubs/"+openHub, openTok, strings.Replace(systemBody("http://localhost:9/hook"), `"name":"`, `"name":"Local `, 1)), http.StatusOK)
	rec = open.api("POST", "/api/v1/integrations/hubs/"+openHub, openTok, systemBody("http://169.254.169.254/latest/meta-data/"))
	mustStatus(t, rec, http.StatusBadRequest)
	// (Its name is taken too, by the integration above: both are told.)
	if p := decode[Problem](t, rec); len(p.Errors) != 2 || p.Errors[0].Code != codeNameExists || p.Errors[1].Code != codeTargetRefused || !strings.Contains(p.Errors[1].Description, "even with --allow-private-webhooks") {
		t.Fatalf("metadata address with private targets allowed: %+v", p.Errors)
	}
}

func TestTestEventToPrivateAddressIsRefusedAndRecorded(t *testing.T) {
	a := newTestApp(t) // no --allow-private-webhooks
	rcv := newReceiver(t)
	tok := a.token("write")
	// A host name that resolves to the loopback, refused at connect. (Any
	// name may come to resolve there after it was saved; localhost, the
	// one name that does so here without DNS, is refused when saved, so
	// it is put in place under the API.)
	id, _ := createIntegration(t, a, tok, a.hub("Support").ID, systemBody("https://93.184.216.34/hook"))
	in, err := a.db.Integration(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(in.Config, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg["webhookUrl"] = strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1)
	if in.Config, err = json.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.UpdateIntegration(context.Background(), in, db.Audit{}); err != nil {
		t.Fatal(err)
	}

	// The request to send succeeded; the delivery failed: 200 with the record.
	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
	mustStatus(t, rec, http.StatusOK)
	dl := decode[deliveryJSON](t, rec)
	if dl.Success || dl.StatusCode != 0 || !strings.Contains(dl.Error, "loopback") || !strings.Contains(dl.Error, "--allow-private-webhooks") {
		t.Fatalf("refused delivery: %+v", dl)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("receiver got %d requests through the SSRF guard", n)
	}
	list := decode[page[deliveryJSON]](t, a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries", tok, ""))
	if list.Total != 1 || list.Results[0].Success || list.Results[0].Error != dl.Error {
		t.Fatalf("recorded: %+v", list)
	}
}

func TestTestEventReceiverFailures(t *testing.T) {
	for _, tt := range []struct {
		status int
		reason string
	}{
		{http.StatusInternalServerError, "receiver answered 500"},
		{http.StatusFound, "redirect to https://elsewhere.example/hook not followed"},
		{http.StatusNoContent, ""},
	} {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			a := newTestApp(t, allowPrivate)
			rcv := newReceiver(t)
			rcv.setStatus(tt.status)
			tok := a.token("write")
			id, _ := createIntegration(t, a, tok, a.hub("Support").ID, systemBody(rcv.URL))
			rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
			mustStatus(t, rec, http.StatusOK)
			dl := decode[deliveryJSON](t, rec)
			if dl.Success != (tt.reason == "") || dl.StatusCode != tt.status || dl.Error != tt.reason {
				t.Fatalf("delivery: %+v", dl)
			}
		})
	}
}

func TestTestEventRefusedForChannelsThatCannotReceive(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	tok := a.token("write")
	hub := a.hub("Support")
	chat, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"]}}`)
	socket, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"Direct","name":"Socket","configuration":{"integrationType":"Customer"}}`)
	paused, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"Direct","name":"Paused","statusId":3002,"configuration":{"integrationType":"Agent","webhookUrl":"https://example.com/hook"}}`)
	for _, tt := range []struct{ name, id, want string }{
		{"web chat", chat, "Web"},
		{"direct without webhook", socket, "no webhook URL"},
		{"paused", paused, "paused integrations receive nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := a.api(http.MethodPost, "/api/v1/integrations/"+tt.id+"/test", tok, "")
			mustStatus(t, rec, http.StatusBadRequest)
			p := decode[Problem](t, rec)
			if len(p.Errors) != 1 || p.Errors[0].Code != codeCannotTest || !strings.Contains(p.Detail, tt.want) {
				t.Fatalf("problem: %+v", p)
			}
		})
	}
	list := decode[page[deliveryJSON]](t, a.api(http.MethodGet, "/api/v1/integrations/"+paused+"/deliveries", tok, ""))
	if list.Total != 0 || list.Results == nil {
		t.Fatalf("a refused test left a record: %+v", list)
	}
}

func TestTestEventAccess(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	id, _ := createIntegration(t, a, tok, a.hub("Support").ID, systemBody(rcv.URL))
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	otherTok := a.token("write", other.ID)
	for _, tt := range []struct {
		method, path, token string
		want                int
	}{
		{http.MethodPost, "/api/v1/integrations/" + id + "/test", a.token("read"), http.StatusForbidden},
		{http.MethodPost, "/api/v1/integrations/" + id + "/test", "", http.StatusUnauthorized},
		{http.MethodPost, "/api/v1/integrations/" + id + "/test", otherTok, http.StatusForbidden},
		{http.MethodGet, "/api/v1/integrations/" + id + "/deliveries", otherTok, http.StatusForbidden},
		{http.MethodPost, "/api/v1/integrations/7b3f4c1e-0000-4000-8000-000000000000/test", tok, http.StatusNotFound},
		{http.MethodGet, "/api/v1/integrations/not-a-guid/deliveries", tok, http.StatusBadRequest},
	} {
		rec := a.api(tt.method, tt.path, tt.token, "")
		if rec.Code != tt.want {
			t.Errorf("%s %s: %d, want %d: %s", tt.method, tt.path, rec.Code, tt.want, rec.Body.String())
		}
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("refused requests delivered %d test events", n)
	}
}

// The integrations of a paused hub receive nothing: no test event, no
// redelivery; the hub page says so. Resumed, they do again.
func TestPausedHubReceivesNothing(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	hub := a.hub("Support")
	id, _ := createIntegration(t, a, tok, hub.ID, systemBody(rcv.URL))
	mustStatus(t, a.api(http.MethodPut, "/api/v1/hubs/"+hub.ID, tok, `{"statusId":"Paused"}`), http.StatusOK)

	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Code != codeCannotTest || !strings.Contains(p.Errors[0].Description, "hub is paused") {
		t.Fatalf("test event in a paused hub: %+v", p)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("a paused hub's integration received %d requests", n)
	}
	b := a.signIn("editor")
	if d := doc(t, b.get("/hubs/"+hub.ID)); !strings.Contains(d.Find(`[data-testid="hub-paused"]`).Text(), "receive and deliver nothing") {
		t.Fatal("the paused hub's page does not say its integrations receive nothing")
	}
	if d := doc(t, b.get("/integrations/"+id)); !strings.Contains(d.Find(`[data-testid="hub-paused"]`).Text(), "receives and delivers nothing") {
		t.Fatal("the integration's page does not say its hub is paused")
	}
	if d := doc(t, webhookPanel(b, id)); !strings.Contains(d.Find(`[data-testid="cannot-test"]`).Text(), "hub is paused") {
		t.Fatal("the webhook panel does not say why it cannot test")
	}

	mustStatus(t, a.api(http.MethodPut, "/api/v1/hubs/"+hub.ID, tok, `{"statusId":"Active"}`), http.StatusOK)
	mustStatus(t, a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, ""), http.StatusOK)
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("resumed: %d requests", n)
	}
	if doc(t, b.get("/hubs/"+hub.ID)).Find(`[data-testid="hub-paused"]`).Length() != 0 {
		t.Fatal("an active hub's page says it is paused")
	}
}

// TestIntegrationDeletedDuringDelivery: when the integration is deleted
// while its test event is on the wire, the answer is a 404 that says what
// happened to the attempt (it cannot be recorded), not a 500; and an
// integration created in a hub that is gone is a 404 for the hub.
func TestIntegrationDeletedDuringDelivery(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	hub := a.hub("Support")
	tok := a.token("write")
	var id string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mustStatus(t, a.api(http.MethodDelete, "/api/v1/integrations/"+id, tok, ""), http.StatusOK)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	id, _ = createIntegration(t, a, tok, hub.ID, systemBody(rcv.URL+"/hook"))

	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
	mustStatus(t, rec, http.StatusNotFound)
	p := decode[Problem](t, rec)
	if p.Errors[0].Code != codeIntNotFound || !strings.Contains(p.Detail, "deleted while the event was being delivered") || !strings.Contains(p.Detail, "delivered (204)") {
		t.Errorf("problem: %+v", p)
	}

	mustStatus(t, a.api(http.MethodDelete, "/api/v1/hubs/"+hub.ID, tok, ""), http.StatusOK)
	d, err := a.db.CreateIntegration(context.Background(), db.Integration{HubID: hub.ID, TenantID: hub.TenantID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "Late", StatusID: db.IntegrationActive, Config: json.RawMessage(`{}`)}, db.Audit{})
	if !errors.Is(err, db.ErrNotFound) {
		t.Errorf("create in a deleted hub: %+v, %v; want ErrNotFound", d, err)
	}
}

// TestRegenerateKeyQuery: ?regenerate-key=true needs no body, agrees with
// a body that also says regenerateKeys: true, and is a 400 that says why
// when the body says false.
func TestRegenerateKeyQuery(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Keys")
	tok := a.token("write")
	id, cfg := createIntegration(t, a, tok, hub.ID, systemBody("https://hooks.example.com/a"))
	key := cfg["privateSigningKey"]
	path := "/api/v1/integrations/" + id + "?regenerate-key=true"
	for _, body := range []string{"", `{"configuration":{"regenerateKeys":true,"webhookUrl":"https://hooks.example.com/a","events":["message"]}}`} {
		rec := a.api(http.MethodPut, path, tok, body)
		mustStatus(t, rec, http.StatusOK)
		got := decode[struct {
			Configuration map[string]any `json:"configuration"`
		}](t, rec).Configuration["privateSigningKey"]
		if got == key || got == nil {
			t.Errorf("body %q: key not regenerated", body)
		}
		key = got
	}
	rec := a.api(http.MethodPut, path, tok, `{"configuration":{"regenerateKeys":false,"webhookUrl":"https://hooks.example.com/a","events":["message"]}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Field != "regenerate-key" || !strings.Contains(p.Detail, "leave one out") {
		t.Errorf("disagreeing query and body: %+v", p)
	}
	// Nor the other way: false in the query, true in the body, and the
	// keys stay.
	rec = a.api(http.MethodPut, "/api/v1/integrations/"+id+"?regenerate-key=false", tok, `{"configuration":{"regenerateKeys":true,"webhookUrl":"https://hooks.example.com/a","events":["message"]}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Field != "regenerate-key" || !strings.Contains(p.Detail, "is false but") {
		t.Errorf("query false, body true: %+v", p)
	}
	mustStatus(t, a.api(http.MethodPut, "/api/v1/integrations/"+id+"?regenerate-key=false", tok, `{"configuration":{"regenerateKeys":false,"webhookUrl":"https://hooks.example.com/a","events":["message"]}}`), http.StatusOK)
	if got := decode[struct {
		Configuration map[string]any `json:"configuration"`
	}](t, a.api(http.MethodGet, "/api/v1/integrations/"+id, tok, "")).Configuration["privateSigningKey"]; got != key {
		t.Errorf("keys changed by refused or false requests")
	}
	mustStatus(t, a.api(http.MethodPut, "/api/v1/integrations/"+id, tok, ""), http.StatusBadRequest) // no query: a body is needed
	// null is not given; a string is the decoder's wrong type, not "given twice".
	mustStatus(t, a.api(http.MethodPut, path, tok, `{"configuration":{"regenerateKeys":null,"webhookUrl":"https://hooks.example.com/a","events":["message"]}}`), http.StatusOK)
	rec = a.api(http.MethodPut, path, tok, `{"configuration":{"regenerateKeys":"false","webhookUrl":"https://hooks.example.com/a","events":["message"]}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Field != "configuration.regenerateKeys" || strings.Contains(p.Detail, "twice") {
		t.Errorf("regenerateKeys as a string: %+v", p)
	}
	rec = a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hub.ID+"?regenerate-key=true", tok, systemBody("https://hooks.example.com/b"))
	if p := decode[Problem](t, rec); rec.Code != http.StatusBadRequest || p.Errors[0].Field != "regenerate-key" {
		t.Errorf("regenerate-key on a create: %d %+v", rec.Code, p)
	}
}

// TestDeliveryLogIsBounded: the delivery log keeps an integration's newest
// db.MaxDeliveries attempts; a test event on a full log pushes out the
// oldest, and the list's total stays what its pages hold.
func TestDeliveryLogIsBounded(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	id, _ := createIntegration(t, a, tok, a.hub("Busy").ID, systemBody(rcv.URL+"/hook"))
	base := time.Now().Add(-time.Hour)
	for i := range db.MaxDeliveries {
		if _, err := a.db.RecordDelivery(context.Background(), db.Delivery{IntegrationID: id, MessageID: "old", Event: "test",
			Attempt: i + 1, URL: rcv.URL + "/hook", Body: "{}", Created: base.Add(time.Duration(i) * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
	}
	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
	mustStatus(t, rec, http.StatusOK)
	sent := decode[deliveryJSON](t, rec)

	pages := db.MaxDeliveries / 100
	first := decode[page[deliveryJSON]](t, a.api("GET", "/api/v1/integrations/"+id+"/deliveries?pageSize=100", tok, ""))
	last := decode[page[deliveryJSON]](t, a.api("GET", fmt.Sprintf("/api/v1/integrations/%s/deliveries?pageSize=100&pageNumber=%d", id, pages-1), tok, ""))
	past := decode[page[deliveryJSON]](t, a.api("GET", fmt.Sprintf("/api/v1/integrations/%s/deliveries?pageSize=100&pageNumber=%d", id, pages), tok, ""))
	if first.Total != db.MaxDeliveries || last.Total != db.MaxDeliveries || past.Total != db.MaxDeliveries {
		t.Fatalf("totals %d, %d, %d; want %d", first.Total, last.Total, past.Total, db.MaxDeliveries)
	}
	if first.Results[0].DeliveryID != sent.DeliveryID || len(last.Results) != 100 || len(past.Results) != 0 {
		t.Fatalf("newest %s (sent %s), last page %d rows, past it %d", first.Results[0].DeliveryID, sent.DeliveryID, len(last.Results), len(past.Results))
	}
	if oldest := last.Results[99]; oldest.Attempt != 2 {
		t.Errorf("oldest kept is attempt %d; attempt 1, the oldest, should be gone", oldest.Attempt)
	}
}

// The activity log tells a webhook URL by its host: a new one, or that it
// was cleared, never its path or query.
func TestIntegrationChangesTellAWebhookURLByItsHost(t *testing.T) {
	in := func(url string) db.Integration {
		return db.Integration{Name: "Hook", Config: json.RawMessage(`{"webhookUrl":` + strconv.Quote(url) + `}`)}
	}
	for _, c := range []struct{ from, to, want string }{
		{"https://a.example/x", "https://b.example:8443/hook?token=s3cret", "configuration: webhookUrl → b.example:8443"},
		{"https://a.example/x?token=old", "", "configuration: webhookUrl"},
	} {
		if got := integrationChanges(in(c.from), in(c.to)); got != c.want {
			t.Errorf("%q → %q: %q, want %q", c.from, c.to, got, c.want)
		}
	}
}

// TestRedeliverThroughTheAPI: the dashboard's Redeliver is in the API too,
// with the same rules: a failed attempt's message goes again (same
// webhook-id and body, next attempt, fresh signature); a succeeded or
// superseded attempt, another integration's, a body, a read token or
// another tenant's token are refused and send nothing.
func TestRedeliverThroughTheAPI(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	hub := a.hub("Support")
	id, cfg := createIntegration(t, a, tok, hub.ID, systemBody(rcv.URL+"/hook"))
	otherID, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"System","name":"Other","configuration":{"webhookUrl":"`+rcv.URL+`/other","events":["message"]}}`)
	path := func(integration, delivery string) string {
		return "/api/v1/integrations/" + integration + "/deliveries/" + delivery + "/redeliver"
	}

	rcv.setStatus(http.StatusInternalServerError)
	rec := a.api(http.MethodPost, "/api/v1/integrations/"+id+"/test", tok, "")
	mustStatus(t, rec, http.StatusOK)
	failed := decode[deliveryJSON](t, rec)
	if failed.Success {
		t.Fatalf("a 500 recorded as a success: %+v", failed)
	}
	rcv.setStatus(http.StatusOK)

	refusals := []struct {
		name, path, token, body string
		status, code            int
		field, says             string
	}{
		{"a body", path(id, failed.DeliveryID), tok, `{"event":"message"}`, http.StatusBadRequest, codeNotSupported, "event", "takes no body"},
		{"a malformed delivery id", path(id, "nope"), tok, "", http.StatusBadRequest, codeBadGUID, "deliveryId", "not a valid delivery id"},
		{"an unknown delivery", path(id, "7b3f4c1e-0000-4000-8000-000000000000"), tok, "", http.StatusNotFound, codeNotFound, "", "No such delivery"},
		{"another integration's delivery", path(otherID, failed.DeliveryID), tok, "", http.StatusNotFound, codeNotFound, "", "No such delivery"},
		{"a read token", path(id, failed.DeliveryID), a.token("read"), "", http.StatusForbidden, 0, "", ""},
		{"no token", path(id, failed.DeliveryID), "", "", http.StatusUnauthorized, 0, "", ""},
	}
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	refusals = append(refusals, struct {
		name, path, token, body string
		status, code            int
		field, says             string
	}{"another tenant's token", path(id, failed.DeliveryID), a.token("write", other.ID), "", http.StatusForbidden, 0, "", ""})
	for _, tt := range refusals {
		rec := a.api(http.MethodPost, tt.path, tt.token, tt.body)
		if rec.Code != tt.status {
			t.Errorf("%s: %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
			continue
		}
		if tt.code != 0 {
			p := decode[Problem](t, rec)
			if len(p.Errors) != 1 || p.Errors[0].Code != tt.code || p.Errors[0].Field != tt.field || !strings.Contains(p.Errors[0].Description, tt.says) {
				t.Errorf("%s: %+v", tt.name, p)
			}
		}
	}
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("refused redeliveries sent something: the receiver got %d requests, want the test's 1", n)
	}

	rec = a.api(http.MethodPost, path(id, failed.DeliveryID), tok, "{}")
	mustStatus(t, rec, http.StatusOK)
	again := decode[deliveryJSON](t, rec)
	if !again.Success || again.Attempt != 2 || again.MessageID != failed.MessageID || again.DeliveryID == failed.DeliveryID || again.Event != "test" {
		t.Fatalf("redelivery record: %+v (first %+v)", again, failed)
	}
	hits := rcv.requests()
	if len(hits) != 2 || string(hits[1].body) != string(hits[0].body) || hits[1].header.Get("webhook-id") != failed.MessageID {
		t.Fatalf("the receiver got %d requests; the redelivery is not the same message", len(hits))
	}
	if err := webhooks.VerifyStandard(hits[1].body, hits[1].header, []byte(cfg["privateSigningKey"].(string)), time.Now(), webhooks.DefaultTolerance); err != nil {
		t.Errorf("redelivery's webhook-signature: %v", err)
	}

	// The first attempt was superseded, the second succeeded: neither goes again.
	for _, tt := range []struct{ delivery, says string }{
		{failed.DeliveryID, "attempted again since (attempt 2)"},
		{again.DeliveryID, "only failed attempts"},
	} {
		rec := a.api(http.MethodPost, path(id, tt.delivery), tok, "")
		mustStatus(t, rec, http.StatusBadRequest)
		if p := decode[Problem](t, rec); len(p.Errors) != 1 || p.Errors[0].Code != codeCannotTest || !strings.Contains(p.Errors[0].Description, tt.says) {
			t.Errorf("redelivering %s: %+v", tt.delivery, p)
		}
	}
	if n := len(rcv.requests()); n != 2 {
		t.Fatalf("the receiver got %d requests, want 2", n)
	}
	log := decode[page[deliveryJSON]](t, a.api(http.MethodGet, "/api/v1/integrations/"+id+"/deliveries", tok, ""))
	if log.Total != 2 || log.Results[0].DeliveryID != again.DeliveryID {
		t.Fatalf("delivery log: %+v", log)
	}
}
