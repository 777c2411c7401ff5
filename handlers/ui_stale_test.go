package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// formValues is what a browser sends for the form sel of a page: its
// inputs (checkboxes and radios when checked, buttons never) and
// textareas, the CSRF token left to the test browser.
func formValues(d *goquery.Document, sel string) url.Values {
	form := url.Values{}
	d.Find(sel + " input, " + sel + " textarea, " + sel + " select").Each(func(_ int, s *goquery.Selection) {
		name := s.AttrOr("name", "")
		if name == "" || name == "_csrf" {
			return
		}
		switch {
		case goquery.NodeName(s) == "textarea":
			form.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			form.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		case s.AttrOr("type", "") == "checkbox" || s.AttrOr("type", "") == "radio":
			if _, on := s.Attr("checked"); on {
				form.Add(name, s.AttrOr("value", "on"))
			}
		case s.AttrOr("type", "") == "submit" || s.AttrOr("type", "") == "button":
		default:
			form.Add(name, s.AttrOr("value", ""))
		}
	})
	return form
}

// TestStaleIntegrationFormKeepsTheOtherChange: A opens the edit form, B
// saves a new name and origins, A changes the name and the welcome
// message. A's save is refused (409) and the form given back holds B's
// origins (a field A never touched), A's name with B's noted under it,
// and A's message; the banner names what B changed. Saving that form
// again keeps both people's changes: before, it put back the origins A's
// form had been opened with.
func TestStaleIntegrationFormKeepsTheOtherChange(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.example.com"],"start":[{"type":"text","text":"Hi"}]}}`)
	id := decode[integrationOut](t, rec).IntegrationID
	b := a.signIn("editor")

	form := formValues(doc(t, b.get("/integrations/"+id+"/edit")), `form[data-testid="integration-form"]`)
	if strings.Contains(form.Get("original"), "privateSigningKey") {
		t.Fatalf("the form carries a secret: %s", form.Get("original"))
	}
	mustStatus(t, a.api("PUT", "/api/v1/integrations/"+id, tok,
		`{"name":"Chat B","configuration":{"allowedOrigins":["b.example.com"],"start":[{"type":"text","text":"Hi"}]}}`), http.StatusOK)

	form.Set("name", "Chat A")
	form.Set("cfg.start", "Hello from A")
	rec = b.post("/integrations/"+id, form, false)
	mustStatus(t, rec, http.StatusConflict)
	again := doc(t, rec)
	if v := again.Find(`input[name="cfg.allowedOrigins"]`).AttrOr("value", ""); v != "b.example.com" {
		t.Errorf("origins given back as %q, want the other change b.example.com", v)
	}
	if v := again.Find(`input[name="name"]`).AttrOr("value", ""); v != "Chat A" {
		t.Errorf("name given back as %q, want what A typed", v)
	}
	if v := strings.TrimSpace(again.Find(`textarea[name="cfg.start"]`).First().Text()); v != "Hello from A" {
		t.Errorf("message given back as %q, want what A typed", v)
	}
	if n := again.Find(`#f-name-note`).Text(); !strings.Contains(n, "“Chat B”") || !strings.Contains(n, "your value is kept") {
		t.Errorf("name's note: %q", n)
	}
	if n := again.Find(`#f-cfg-allowedOrigins-note`).Text(); !strings.Contains(n, "now shows their value") {
		t.Errorf("origins' note: %q", n)
	}
	if again.Find(`#f-cfg-start-note`).Length() != 0 {
		t.Error("the message, which only A changed, has a note")
	}
	banner := again.Find(`[data-testid="form-error"]`).Text()
	if !strings.Contains(banner, "Changed meanwhile: Name, Allowed origins.") {
		t.Errorf("banner: %q", banner)
	}

	rec = b.post("/integrations/"+id, formValues(again, `form[data-testid="integration-form"]`), false)
	mustStatus(t, rec, http.StatusSeeOther)
	body := a.api("GET", "/api/v1/integrations/"+id, tok, "").Body.String()
	for _, want := range []string{`"name":"Chat A"`, `"allowedOrigins":["b.example.com"]`, `"text":"Hello from A"`} {
		if !strings.Contains(body, want) {
			t.Errorf("saved again: no %s in %s", want, body)
		}
	}
}

// TestStaleIntegrationFormTellsOfNewKeys: keys regenerated meanwhile are
// named in the banner (the form has no field for them, and no key is in
// the page).
func TestStaleIntegrationFormTellsOfNewKeys(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"System","name":"Hook","configuration":{"webhookUrl":"https://example.com/h","events":["message"]}}`)
	out := decode[integrationOut](t, rec)
	b := a.signIn("editor")
	form := formValues(doc(t, b.get("/integrations/"+out.IntegrationID+"/edit")), `form[data-testid="integration-form"]`)
	mustStatus(t, a.api("PUT", "/api/v1/integrations/"+out.IntegrationID, tok, `{"configuration":{"webhookUrl":"https://example.com/h","events":["message"],"regenerateKeys":true}}`), http.StatusOK)
	form.Set("name", "Hook A")
	rec = b.post("/integrations/"+out.IntegrationID, form, false)
	mustStatus(t, rec, http.StatusConflict)
	if banner := doc(t, rec).Find(`[data-testid="form-error"]`).Text(); !strings.Contains(banner, "Signing keys (regenerated)") {
		t.Errorf("banner: %q", banner)
	}
	if strings.Contains(rec.Body.String(), "privateSigningKey") {
		t.Error("a private key's name or value is in the form")
	}
}

// TestStaleHubFormKeepsTheOtherChange: the hub form does the same: B's
// description stays when A, who changed only the name, saves again.
func TestStaleHubFormKeepsTheOtherChange(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	b := a.signIn("editor")
	form := formValues(doc(t, b.get("/hubs/"+hub.ID+"/edit")), `form[data-testid="hub-form"]`)
	mustStatus(t, a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, `{"description":"Set by B","closeDormantConversation":30}`), http.StatusOK)
	form.Set("name", "Desk A")
	form.Set("closeDormantConversation", "7")
	rec := b.post("/hubs/"+hub.ID, form, false)
	mustStatus(t, rec, http.StatusConflict)
	again := doc(t, rec)
	if v := again.Find(`textarea[name="description"]`).Text(); v != "Set by B" {
		t.Errorf("description given back as %q", v)
	}
	if n := again.Find(`#f-closeDormantConversation-note`).Text(); !strings.Contains(n, "to “30”; your value is kept") {
		t.Errorf("days' note: %q", n)
	}
	rec = b.post("/hubs/"+hub.ID, formValues(again, `form[data-testid="hub-form"]`), false)
	mustStatus(t, rec, http.StatusSeeOther)
	body := a.api("GET", "/api/v1/hubs/"+hub.ID, tok, "").Body.String()
	for _, want := range []string{`"name":"Desk A"`, `"description":"Set by B"`, `"closeDormantConversation":7`} {
		if !strings.Contains(body, want) {
			t.Errorf("saved again: no %s in %s", want, body)
		}
	}
}

// TestSaveOfADeletedIntegrationKeepsWhatWasTyped: an edit form saved after
// someone else deleted its integration comes back as the hub's new form
// of that channel, filled with what was typed and saying nothing was
// saved (it was a bare 404 page, and the typing was lost). Another
// tenant's hub named in the form gets the bare 404.
func TestSaveOfADeletedIntegrationKeepsWhatWasTyped(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.example.com"],"start":[{"type":"text","text":"Hi"}]}}`)
	id := decode[integrationOut](t, rec).IntegrationID
	b := a.signIn("editor")

	form := formValues(doc(t, b.get("/integrations/"+id+"/edit")), `form[data-testid="integration-form"]`)
	mustStatus(t, a.api("DELETE", "/api/v1/integrations/"+id, tok, ""), http.StatusOK)
	form.Set("name", "Chat again")
	form.Set("cfg.start", "Typed before the delete")
	rec = b.post("/integrations/"+id, form, false)
	mustStatus(t, rec, http.StatusGone)
	d := doc(t, rec)
	if msg := d.Find(`[data-testid="form-error"]`).Text(); !strings.Contains(msg, "deleted while you were editing it, so nothing was saved") {
		t.Errorf("form error %q", msg)
	}
	if action := d.Find(`form[data-testid="integration-form"]`).AttrOr("action", ""); action != "/hubs/"+hub.ID+"/integrations/new/webchat" {
		t.Errorf("form posts to %q, want the hub's new WebChat form", action)
	}
	if v := d.Find(`input[name="name"]`).AttrOr("value", ""); v != "Chat again" {
		t.Errorf("name given back as %q", v)
	}
	if v := strings.TrimSpace(d.Find(`textarea[name="cfg.start"]`).First().Text()); v != "Typed before the delete" {
		t.Errorf("message given back as %q", v)
	}
	if v := d.Find(`input[name="cfg.allowedOrigins"]`).AttrOr("value", ""); v != "a.example.com" {
		t.Errorf("origins given back as %q", v)
	}
	if n := d.Find(`input[name="version"], input[name="original"]`).Length(); n != 0 {
		t.Errorf("the new form carries %d of the edit form's hidden fields", n)
	}
	// Submitting it creates the integration again.
	again := formValues(d, `form[data-testid="integration-form"]`)
	rec = b.post("/hubs/"+hub.ID+"/integrations/new/webchat", again, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create again: status %d: %s", rec.Code, rec.Body.String())
	}
	list := a.api("GET", "/api/v1/integrations?hubId="+hub.ID, tok, "").Body.String()
	if !strings.Contains(list, `"Chat again"`) || !strings.Contains(list, "Typed before the delete") {
		t.Errorf("hub's integrations after creating again: %s", list)
	}

	// A hub of another tenant named in the form: the plain 404, no form.
	tenant, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	form.Set("hub", a.hub("Elsewhere", tenant.ID).ID)
	rec = b.post("/integrations/"+id, form, false)
	mustStatus(t, rec, http.StatusNotFound)
	if strings.Contains(rec.Body.String(), "Elsewhere") || strings.Contains(rec.Body.String(), "deleted while you were editing") {
		t.Errorf("another tenant's hub answered with a form: %s", rec.Body.String())
	}
}

// TestSaveOfADeletedSlackIntegrationSaysSo: a Slack integration is only
// made by connecting, so its edit form saved after a delete cannot come
// back as a new form; it says what happened and leads back to the hub
// (it was the bare "Not found" page).
func TestSaveOfADeletedSlackIntegrationSaysSo(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	b := a.signIn("editor")
	hub := a.hub("Desk")
	id := integrationCreated(t, b.get(connectSlack(t, b, hub.ID, "Agents").RequestURI()))

	form := formValues(doc(t, b.get("/integrations/"+id+"/edit")), `form[data-testid="integration-form"]`)
	mustStatus(t, a.api("DELETE", "/api/v1/integrations/"+id, tok, ""), http.StatusOK)
	form.Set("name", "Agents renamed")
	rec := b.post("/integrations/"+id, form, false)
	mustStatus(t, rec, http.StatusGone)
	d := doc(t, rec)
	if msg := d.Find(`[data-testid="error-page"] p`).First().Text(); !strings.Contains(msg, "deleted while you were editing it, so nothing was saved") || !strings.Contains(msg, "Slack") {
		t.Errorf("page says %q", msg)
	}
	if back := d.Find(`[data-testid="error-page"] a`); back.AttrOr("href", "") != "/hubs/"+hub.ID || !strings.Contains(back.Text(), "Desk") {
		t.Errorf("way on: %q → %q", back.Text(), back.AttrOr("href", ""))
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Errorf("%d integrations after the refused save", n)
	}
}
