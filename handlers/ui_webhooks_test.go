package handlers

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hubadmin/db"
	"hubadmin/webhooks"
)

// webhookPanel loads the integration page's deliveries partial as htmx does.
func webhookPanel(b *browser, integrationID string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/integrations/"+integrationID+"/deliveries", nil)
	req.Header.Set("HX-Request", "true")
	return b.send(req)
}

func TestWebhookPanelSendTestAndRedeliver(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	id, cfg := createIntegration(t, a, tok, a.hub("Support").ID, systemBody(rcv.URL))
	admin := a.signIn("admin")

	rec := webhookPanel(admin, id)
	mustStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	for _, want := range []string{`data-testid="send-test"`, `hx-post="/integrations/` + id + `/test"`, "No deliveries yet", rcv.URL} {
		if !strings.Contains(body, want) {
			t.Fatalf("panel lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, "<html") {
		t.Fatal("the panel is a partial, not a page")
	}
	// Opened directly (not by htmx), the partial's URL leads to its page.
	rec = admin.get("/integrations/" + id + "/deliveries?page=1")
	mustStatus(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/integrations/"+id+"?deliveries=1#deliveries" {
		t.Fatalf("direct load redirects to %q", loc)
	}

	// A failing receiver: the result is shown inline and in the log, with Redeliver.
	rcv.setStatus(http.StatusInternalServerError)
	rec = admin.post("/integrations/"+id+"/test", nil, true)
	mustStatus(t, rec, http.StatusOK)
	body = rec.Body.String()
	for _, want := range []string{`data-testid="last-attempt"`, "Delivery failed", "receiver answered 500", `data-testid="redeliver"`, "pill-danger"} {
		if !strings.Contains(body, want) {
			t.Fatalf("after a failed test the panel lacks %q: %s", want, body)
		}
	}
	if trig := rec.Header().Get("HX-Trigger"); !strings.Contains(trig, "showToast") || !strings.Contains(trig, "error") {
		t.Errorf("HX-Trigger = %q, want an error toast", trig)
	}
	list, _, err := a.db.Deliveries(context.Background(), id, 0, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("deliveries: %v %v", list, err)
	}
	failed := list[0]

	// Redeliver: same message id and body, next attempt, fresh signature.
	rcv.setStatus(http.StatusOK)
	rec = admin.post("/integrations/"+id+"/deliveries/"+failed.ID+"/redeliver", nil, true)
	mustStatus(t, rec, http.StatusOK)
	if body := rec.Body.String(); !strings.Contains(body, "Delivered") || !strings.Contains(body, "attempt 2") {
		t.Fatalf("after redelivery: %s", body)
	}
	hits := rcv.requests()
	if len(hits) != 2 {
		t.Fatalf("receiver got %d requests, want 2", len(hits))
	}
	if string(hits[1].body) != string(hits[0].body) || hits[1].header.Get("webhook-id") != hits[0].header.Get("webhook-id") {
		t.Error("redelivery changed the body or the webhook-id")
	}
	if err := webhooks.VerifyStandard(hits[1].body, hits[1].header, []byte(cfg["privateSigningKey"].(string)), time.Now(), webhooks.DefaultTolerance); err != nil {
		t.Errorf("redelivery signature: %v", err)
	}
	list, _, _ = a.db.Deliveries(context.Background(), id, 0, 10)
	if len(list) != 2 || list[0].Attempt != 2 || !list[0].Success || list[0].MessageID != failed.MessageID {
		t.Fatalf("log after redelivery: %+v", list)
	}
	// The failed attempt was retried: the log says so, with a link to the
	// retry instead of Redeliver, and redelivering it anyway (a page opened
	// before the retry) is refused rather than sending the message again.
	body = webhookPanel(admin, id).Body.String()
	for _, want := range []string{`href="#delivery-` + list[0].ID + `"`, "Retried: attempt 2 delivered"} {
		if !strings.Contains(body, want) {
			t.Errorf("log lacks %q: %s", want, body)
		}
	}
	if strings.Contains(body, `data-testid="redeliver"`) {
		t.Error("the log still offers Redeliver for a retried attempt")
	}
	rec = admin.post("/integrations/"+id+"/deliveries/"+failed.ID+"/redeliver", nil, true)
	mustStatus(t, rec, http.StatusBadRequest)
	if msg := rec.Body.String() + rec.Header().Get("HX-Trigger"); !strings.Contains(msg, "attempted again since (attempt 2)") {
		t.Errorf("redelivering a retried attempt says %q", msg)
	}
	if n := len(rcv.requests()); n != 2 {
		t.Errorf("receiver got %d requests, want still 2", n)
	}
	// A success cannot be redelivered; a delivery of another integration is not found.
	mustStatus(t, admin.post("/integrations/"+id+"/deliveries/"+list[0].ID+"/redeliver", nil, true), http.StatusBadRequest)
	other, _ := createIntegration(t, a, tok, a.hub("Other").ID, systemBody(rcv.URL))
	mustStatus(t, admin.post("/integrations/"+other+"/deliveries/"+failed.ID+"/redeliver", nil, true), http.StatusNotFound)

	// Without htmx the test goes back to the integration page with a flash.
	rec = admin.post("/integrations/"+id+"/test", nil, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/integrations/"+id {
		t.Fatalf("plain post: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestWebhookPanelExplainsWhyNoTest(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	tok := a.token("write")
	hub := a.hub("Support")
	paused, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"System","name":"Paused","statusId":"Paused","configuration":{"webhookUrl":"https://example.com/x","events":["message"]}}`)
	chat, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"]}}`)
	admin := a.signIn("admin")
	for id, want := range map[string]string{paused: "paused integrations receive nothing", chat: "receive no webhook deliveries"} {
		rec := webhookPanel(admin, id)
		mustStatus(t, rec, http.StatusOK)
		if body := rec.Body.String(); !strings.Contains(body, want) || strings.Contains(body, `data-testid="send-test"`) {
			t.Errorf("panel of %s: %s", id, body)
		}
		rec = admin.post("/integrations/"+id+"/test", nil, true)
		mustStatus(t, rec, http.StatusBadRequest)
		if !strings.Contains(rec.Header().Get("HX-Trigger"), want) {
			t.Errorf("toast %q lacks %q", rec.Header().Get("HX-Trigger"), want)
		}
	}
}

func TestWebhookPanelRoles(t *testing.T) {
	a := newTestApp(t, allowPrivate)
	rcv := newReceiver(t)
	tok := a.token("write")
	id, _ := createIntegration(t, a, tok, a.hub("Support").ID, systemBody(rcv.URL))
	viewer := a.signIn("viewer")
	rec := webhookPanel(viewer, id)
	mustStatus(t, rec, http.StatusOK)
	if body := rec.Body.String(); strings.Contains(body, `data-testid="send-test"`) || !strings.Contains(body, "Test events are posted to") {
		t.Fatalf("viewer's panel offers Send test event: %s", body)
	}
	mustStatus(t, viewer.post("/integrations/"+id+"/test", nil, true), http.StatusForbidden)
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("a viewer sent %d test events", n)
	}
	editor := a.signIn("editor")
	mustStatus(t, editor.post("/integrations/"+id+"/test", nil, true), http.StatusOK)

	// Another tenant's integration does not exist for this dashboard.
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	foreign, _ := createIntegration(t, a, a.token("write", other.ID), a.hub("Theirs", other.ID).ID, systemBody(rcv.URL))
	mustStatus(t, webhookPanel(editor, foreign), http.StatusNotFound)
	mustStatus(t, editor.post("/integrations/"+foreign+"/test", nil, true), http.StatusNotFound)
	if list, _, _ := a.db.Deliveries(context.Background(), foreign, 0, 10); len(list) != 0 {
		t.Fatal("a test reached another tenant's integration")
	}
}

// TestDeliveryRowRetriedElsewhere: a retry on another page of the log is
// named without a link that would lead nowhere.
func TestDeliveryRowRetriedElsewhere(t *testing.T) {
	d := db.Delivery{ID: "a1", Attempt: 1, Latest: &db.AttemptRef{ID: "a2", Attempt: 2}}
	row := deliveryRow(d, map[string]bool{"a1": true})
	if row.Retried == nil || row.Retried.Href != "" || row.Retried.Attempt != 2 || row.CanRedeliver {
		t.Fatalf("row %+v, retried %+v", row, row.Retried)
	}
	if row = deliveryRow(d, map[string]bool{"a1": true, "a2": true}); row.Retried.Href != "#delivery-a2" {
		t.Fatalf("retry on the page: href %q", row.Retried.Href)
	}
}

// TestIntegrationPageShowsStandardWebhooksSecret: where deliveries are
// signed, the keys panel also gives the secret a Standard Webhooks library
// takes, which verifies a real delivery's webhook-signature; a viewer sees
// it masked only, and a Direct integration without a webhook URL (nothing
// delivered) does not show it.
func TestIntegrationPageShowsStandardWebhooksSecret(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"System","name":"Archive","configuration":{"webhookUrl":"https://example.com/events","events":["message"]}}`)
	mustStatus(t, rec, http.StatusOK)
	id := decode[integrationOut](t, rec).IntegrationID
	in, err := a.db.Integration(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	secret := doc(t, a.signIn("editor").get("/integrations/"+id)).Find(`#cfg-standardWebhooksSecret`)
	value := secret.AttrOr("data-value", "")
	if value != webhooks.StandardSecret(in.Secrets["privateSigningKey"]) {
		t.Fatalf("Standard Webhooks secret %q", value)
	}
	// The secret as a library decodes it verifies what the server signs.
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(value, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	body, at := []byte(`{"event":"test"}`), time.Now()
	h := webhooks.Sign(body, in.Secrets["privateSigningKey"], "pub", "msg_1", at)
	if err := webhooks.VerifyStandard(body, h, key, at, time.Minute); err != nil {
		t.Fatalf("a delivery does not verify with the page's secret: %v", err)
	}
	viewer := doc(t, a.signIn("viewer").get("/integrations/"+id)).Find(`#cfg-standardWebhooksSecret`)
	if viewer.Length() != 1 || viewer.AttrOr("data-value", "") != "" || strings.Contains(viewer.Text(), value) {
		t.Errorf("viewer sees %q (data-value %q)", viewer.Text(), viewer.AttrOr("data-value", ""))
	}
	rec = a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"Direct","name":"Bot","configuration":{"integrationType":"Agent"}}`)
	mustStatus(t, rec, http.StatusOK)
	page := doc(t, a.signIn("editor").get("/integrations/"+decode[integrationOut](t, rec).IntegrationID))
	if page.Find(`[data-testid="signing-keys"]`).Length() != 1 || page.Find(`#cfg-standardWebhooksSecret`).Length() != 0 {
		t.Errorf("Direct without a webhook URL: keys panel %d, Standard Webhooks secret %d",
			page.Find(`[data-testid="signing-keys"]`).Length(), page.Find(`#cfg-standardWebhooksSecret`).Length())
	}
}
