package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hubadmin/channels"
	"hubadmin/db"
)

// integrations lists a hub's integrations from the store.
func (a *testApp) hubIntegrations(hub db.Hub) []db.Integration {
	a.t.Helper()
	list, _, err := a.db.Integrations(context.Background(), db.IntegrationFilter{TenantID: hub.TenantID, HubID: hub.ID})
	if err != nil {
		a.t.Fatal(err)
	}
	return list
}

// createdID reads the integration id from a create redirect.
func integrationCreated(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/integrations/") {
		t.Fatalf("create: %d %q %s", rec.Code, loc, rec.Body.String())
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(loc, "/integrations/"), "?")
	return id
}

const (
	twilioSID    = "AC0123456789abcdef0123456789abcdef"
	twilioToken  = "fedcba9876543210fedcba9876543210"
	twilioNumber = "PN0123456789abcdef0123456789abcdef"
)

func TestChannelPickerLinksEveryChannel(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	rec := b.get("/hubs/" + hub.ID + "/integrations/new")
	mustStatus(t, rec, http.StatusOK)
	d := doc(t, rec)
	for _, ch := range []string{"webchat", "twiliosms", "messenger", "slack", "direct", "system"} {
		if d.Find(`a.channel-card[href="/hubs/`+hub.ID+`/integrations/new/`+ch+`"]`).Length() != 1 {
			t.Errorf("picker has no card for %s", ch)
		}
	}
	mustStatus(t, b.get("/hubs/"+hub.ID+"/integrations/new/nosuch"), http.StatusNotFound)
}

func TestCreateEachChannelThroughItsForm(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	cases := []struct {
		channel string
		form    url.Values
		page    []string // on the integration page right after creation
	}{
		{"webchat", url.Values{"name": {"Site chat"}, "cfg.allowedOrigins": {"www.example.com", "", "https://shop.example.com"},
			"cfg.start": {"Hello!", ""}}, []string{"www.example.com", "shop.example.com", "Hello!", `data-testid="embed-snippet"`, `data-testid="next-steps"`}},
		{"direct", url.Values{"name": {"Bot"}, "cfg.integrationType": {"Agent"}, "cfg.echo": {"true"},
			"cfg.webhookUrl": {"https://example.com/hook"}}, []string{"Agent", `data-testid="signing-keys"`, `id="webhook-panel"`, `data-testid="next-steps"`}},
		{"system", url.Values{"name": {"Archive"}, "cfg.webhookUrl": {"https://example.com/events"},
			"cfg.events": {"message:customer", "message:agent"}}, []string{"message:customer", `data-testid="signing-keys"`, `id="webhook-panel"`}},
		{"twiliosms", url.Values{"name": {"Support SMS"}, "cfg.accountSid": {twilioSID}, "cfg.authToken": {twilioToken},
			"cfg.numberSid": {twilioNumber}}, []string{"+1555", twilioSID, "••••3210", `data-testid="readonly-note"`}},
		{"messenger", url.Values{"name": {"FB page"}, "cfg.pageAccessToken": {"EAAsandboxtoken123"}},
			[]string{"Sandbox Page", "••••n123", `data-testid="readonly-note"`}},
	}
	for _, tc := range cases {
		t.Run(tc.channel, func(t *testing.T) {
			path := "/hubs/" + hub.ID + "/integrations/new/" + tc.channel
			mustStatus(t, b.get(path), http.StatusOK)
			id := integrationCreated(t, b.post(path, tc.form, false))
			rec := b.get("/integrations/" + id + "?created=1")
			mustStatus(t, rec, http.StatusOK)
			body := rec.Body.String()
			for _, want := range append(tc.page, tc.form.Get("name")+"” created") {
				if !strings.Contains(body, want) {
					t.Errorf("integration page lacks %q", want)
				}
			}
		})
	}
	if n := len(a.hubIntegrations(hub)); n != len(cases) {
		t.Fatalf("%d integrations stored, want %d", n, len(cases))
	}
}

func TestProviderNoteOnlyWhereCredentialsAreChecked(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	for ch, want := range map[string]string{"twiliosms": "checked with Twilio", "messenger": "checked with Facebook", "webchat": "", "system": ""} {
		d := doc(t, b.get("/hubs/"+hub.ID+"/integrations/new/"+ch))
		note := d.Find(`[data-testid="provider-note"]`).Text()
		if (want == "") != (note == "") || !strings.Contains(note, want) {
			t.Errorf("%s: provider note %q, want %q", ch, note, want)
		}
		if d.Find(`form[data-busy] .form-actions button[type="submit"]`).Length() != 1 {
			t.Errorf("%s: submit button has no busy state", ch)
		}
	}
	d := doc(t, b.get("/hubs/"+hub.ID+"/integrations/new/twiliosms"))
	if s := d.Find(`input[name="cfg.authToken"]`); s.AttrOr("type", "") != "password" || s.AttrOr("autocomplete", "") != "off" {
		t.Errorf("auth token input: type %q autocomplete %q", s.AttrOr("type", ""), s.AttrOr("autocomplete", ""))
	}
}

func TestInvalidFormsKeepValuesAndShowErrorsByTheirFields(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat",
		url.Values{"name": {"Taken"}, "cfg.allowedOrigins": {"www.example.com"}}, false))
	cases := []struct {
		name    string
		channel string
		form    url.Values
		errors  map[string]string // element id -> part of its message
		kept    []string          // selectors that must match (typed values, where errors stand)
	}{
		{"empty name", "webchat", url.Values{"name": {"  "}, "cfg.allowedOrigins": {"www.example.com"}, "cfg.start": {"Hi there"}},
			map[string]string{"f-name-error": "Enter a name."},
			[]string{`input[name="cfg.allowedOrigins"][value="www.example.com"]`, `textarea[name="cfg.start"]:contains("Hi there")`}},
		{"duplicate name", "webchat", url.Values{"name": {"taken"}, "cfg.allowedOrigins": {"a.example.com", "b.example.com"}},
			map[string]string{"f-name-error": "already exists"},
			[]string{`input[name="name"][value="taken"]`, `input[name="cfg.allowedOrigins"][value="a.example.com"]`, `input[name="cfg.allowedOrigins"][value="b.example.com"]`}},
		{"no allowed origin", "webchat", url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"", ""}},
			map[string]string{"f-cfg-allowedOrigins-error": "Add at least one allowed origin."},
			[]string{`input[name="name"][value="Chat"]`, `.field > #f-cfg-allowedOrigins-error`}},
		{"bad origin in a row", "webchat", url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"ok.example.com", "not a host!"}},
			map[string]string{"f-cfg-allowedOrigins-error-2": "Allowed origin must be host[:port]"},
			[]string{`input[name="cfg.allowedOrigins"][value="ok.example.com"]`, `input[name="cfg.allowedOrigins"][value="not a host!"]`,
				// under the row it is about, not under the whole list
				`.list-row:has(input[value="not a host!"][aria-invalid="true"]) > #f-cfg-allowedOrigins-error-2`}},
		{"two bad rows, each told under its own", "webchat", url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"not a host!", "", "ok.example.com", "http://localhost:3000/path"}},
			map[string]string{"f-cfg-allowedOrigins-error-1": "without spaces", "f-cfg-allowedOrigins-error-4": "https://host[:port]"},
			[]string{`.list-row:has(input[value="not a host!"][aria-invalid="true"][aria-describedby~="f-cfg-allowedOrigins-error-1"]) > #f-cfg-allowedOrigins-error-1`,
				// the fourth row, though the API counts it third (the empty row is not sent)
				`.list-row:has(input[value="http://localhost:3000/path"][aria-invalid="true"][aria-describedby~="f-cfg-allowedOrigins-error-4"]) > #f-cfg-allowedOrigins-error-4`,
				`.list-row:has(input[value="ok.example.com"]:not([aria-invalid]))`}},
		{"two long welcome messages", "webchat", url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"a.com"}, "cfg.start": {strings.Repeat("a", 2001), "fine", strings.Repeat("b", 2001)}},
			map[string]string{"f-cfg-start-error-1": "Welcome message", "f-cfg-start-error-3": "Welcome message"},
			[]string{`.list-row:has(textarea[aria-invalid="true"]) > #f-cfg-start-error-1`, `.list-row:has(textarea[aria-invalid="true"]) > #f-cfg-start-error-3`,
				`.list-row:has(textarea:not([aria-invalid])) textarea:contains("fine")`}},
		{"nothing typed in a text, a secret or a choice", "twiliosms", url.Values{"name": {"SMS"}},
			map[string]string{"f-cfg-accountSid-error": "Enter the account SID.", "f-cfg-authToken-error": "Enter the auth token."},
			[]string{`input[name="name"][value="SMS"]`}},
		{"no integration type", "direct", url.Values{"name": {"Bot"}},
			map[string]string{"f-cfg-integrationType-error": "Choose the integration type."},
			[]string{`input[name="name"][value="Bot"]`}},
		{"bad URL and no event", "system", url.Values{"name": {"Events"}, "cfg.webhookUrl": {"not a url"}},
			map[string]string{"f-cfg-webhookUrl-error": "Webhook URL", "f-cfg-events-error": "Choose at least one event."},
			[]string{`input[name="cfg.webhookUrl"][value="not a url"]`}},
		{"webhook to the loopback", "direct", url.Values{"name": {"Bot"}, "cfg.integrationType": {"Customer"}, "cfg.webhookUrl": {"http://127.0.0.1:9/hook"}},
			map[string]string{"f-cfg-webhookUrl-error": "Webhook URL points to 127.0.0.1, a loopback address"},
			[]string{`input[name="cfg.webhookUrl"][value="http://127.0.0.1:9/hook"][aria-invalid="true"]`}},
		{"bad URL keeps checkbox and choice", "direct", url.Values{"name": {"Bot"}, "cfg.integrationType": {"Agent"}, "cfg.echo": {"true"}, "cfg.webhookUrl": {"ftp://x"}},
			map[string]string{"f-cfg-webhookUrl-error": "Webhook URL"},
			[]string{`input[name="cfg.echo"][checked]`, `select[name="cfg.integrationType"] option[value="Agent"][selected]`}},
		{"multichoice kept", "system", url.Values{"name": {""}, "cfg.webhookUrl": {"https://example.com/e"}, "cfg.events": {"message:bot"}},
			map[string]string{"f-name-error": "Enter a name."},
			[]string{`input[name="cfg.events"][value="message:bot"][checked]`, `input[name="cfg.events"][value="message"]:not([checked])`}},
		{"bad SID", "twiliosms", url.Values{"name": {"SMS"}, "cfg.accountSid": {"AC123"}, "cfg.authToken": {twilioToken}, "cfg.numberSid": {twilioNumber}},
			map[string]string{"f-cfg-accountSid-error": "AC followed by 32"},
			[]string{`input[name="cfg.accountSid"][value="AC123"][aria-invalid="true"]`, `input[name="cfg.numberSid"][value="` + twilioNumber + `"]`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(a.hubIntegrations(hub))
			rec := b.post("/hubs/"+hub.ID+"/integrations/new/"+tc.channel, tc.form, false)
			mustStatus(t, rec, http.StatusUnprocessableEntity)
			d := doc(t, rec)
			for id, want := range tc.errors {
				el := d.Find("#" + id)
				if !strings.Contains(el.Text(), want) {
					t.Errorf("#%s = %q, want it to contain %q", id, el.Text(), want)
				}
				// Next to its field: inside the field's own wrapper (or right after the name input).
				if id != "f-name-error" && el.ParentsFiltered(".field").Length() != 1 {
					t.Errorf("#%s is not inside its field", id)
				}
			}
			for _, sel := range tc.kept {
				if d.Find(sel).Length() == 0 {
					t.Errorf("typed value lost: nothing matches %s", sel)
				}
			}
			if after := len(a.hubIntegrations(hub)); after != before {
				t.Errorf("%d integrations stored after a refused form, want %d", after, before)
			}
		})
	}
}

// A provider's refusal about one credential is shown next to that input
// (marked invalid), not as a banner over the whole form.
func TestProviderRefusalShownAtItsField(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	cases := map[string]struct {
		form  url.Values
		field string
	}{
		"twiliosms": {url.Values{"name": {"SMS"}, "cfg.accountSid": {twilioSID}, "cfg.authToken": {channels.SandboxRejectedTwilioToken}, "cfg.numberSid": {twilioNumber}}, "cfg.authToken"},
		"messenger": {url.Values{"name": {"FB"}, "cfg.pageAccessToken": {channels.SandboxRejectedPagePrefix + "token"}}, "cfg.pageAccessToken"},
	}
	for ch, c := range cases {
		rec := b.post("/hubs/"+hub.ID+"/integrations/new/"+ch, c.form, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		d := doc(t, rec)
		if msg := d.Find(`[data-error-for="` + c.field + `"]`).Text(); !strings.Contains(msg, "rejected") {
			t.Errorf("%s: error next to %s %q", ch, c.field, msg)
		}
		if d.Find(`[name="`+c.field+`"][aria-invalid="true"]`).Length() != 1 {
			t.Errorf("%s: %s not marked invalid", ch, c.field)
		}
		if msg := strings.TrimSpace(d.Find(`[data-testid="form-error"]`).Text()); msg != "" {
			t.Errorf("%s: banner as well: %q", ch, msg)
		}
		if d.Find(`input[name="name"][value="`+c.form.Get("name")+`"]`).Length() != 1 {
			t.Errorf("%s: name not kept", ch)
		}
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Fatalf("%d integrations stored after refusals", n)
	}
}

func TestEditWebChatOriginsAndStartMessage(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat",
		url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"old.example.com"}, "cfg.start": {"Hello"}}, false))
	rec := b.get("/integrations/" + id + "/edit")
	mustStatus(t, rec, http.StatusOK)
	d := doc(t, rec)
	for _, sel := range []string{`input[name="name"][value="Chat"]`, `input[name="cfg.allowedOrigins"][value="old.example.com"]`,
		`textarea[name="cfg.start"]:contains("Hello")`, `input[name="status"][value="active"][checked]`} {
		if d.Find(sel).Length() != 1 {
			t.Errorf("edit form not prefilled: %s", sel)
		}
	}
	// A refused edit keeps what was typed and changes nothing.
	rec = b.post("/integrations/"+id, url.Values{"name": {"Chat"}, "status": {"active"}, "cfg.allowedOrigins": {"bad host!"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if doc(t, rec).Find(`#f-cfg-allowedOrigins-error-1`).Length() != 1 {
		t.Errorf("edit error not by its field: %s", rec.Body.String())
	}
	rec = b.post("/integrations/"+id, url.Values{"name": {"Chat 2"}, "status": {"paused"},
		"cfg.allowedOrigins": {"new.example.com", "https://other.example.com"}, "cfg.start": {"Welcome back", "Second"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/integrations/"+id {
		t.Fatalf("save: %d %s %s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	in, err := a.db.Integration(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(in.Config)
	if in.Name != "Chat 2" || in.StatusID != db.IntegrationPaused || !strings.Contains(cfg, "new.example.com") ||
		strings.Contains(cfg, "old.example.com") || !strings.Contains(cfg, "Welcome back") || !strings.Contains(cfg, "Second") {
		t.Fatalf("stored after edit: %s %d %s", in.Name, in.StatusID, cfg)
	}
	if body := b.get("/integrations/" + id).Body.String(); !strings.Contains(body, `Integration “Chat 2” saved`) {
		t.Errorf("no saved flash on the page")
	}
	// The same values again: nothing is written, and the toast says so.
	b.post("/integrations/"+id, url.Values{"name": {"Chat 2"}, "status": {"paused"},
		"cfg.allowedOrigins": {"new.example.com", "https://other.example.com"}, "cfg.start": {"Welcome back", "Second"}}, false)
	if body := b.get("/integrations/" + id).Body.String(); !strings.Contains(body, `No changes to save: “Chat 2” is as it was`) || strings.Contains(body, "” saved") {
		t.Errorf("saving the stored values again is not told as no change")
	}
	if again, _ := a.db.Integration(context.Background(), id); !again.Modified.Equal(in.Modified) {
		t.Errorf("saving the stored values again wrote the row")
	}
}

func TestEditNonUpdatableChannelExplainsWhy(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/messenger", url.Values{"name": {"FB"}, "cfg.pageAccessToken": {"EAAtoken"}}, false))
	d := doc(t, b.get("/integrations/"+id+"/edit"))
	if d.Find(`[data-testid="readonly-note"]`).Length() != 1 || d.Find(`input[name="cfg.pageAccessToken"]`).Length() != 0 {
		t.Fatalf("non-updatable edit form shows configuration inputs or no note")
	}
	rec := b.post("/integrations/"+id, url.Values{"name": {"FB renamed"}, "status": {"active"}}, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", rec.Code, rec.Body.String())
	}
}

func TestRegenerateDirectKeys(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/direct", url.Values{"name": {"Bot"}, "cfg.integrationType": {"Customer"}}, false))
	before, _ := a.db.Integration(context.Background(), id)
	d := doc(t, b.get("/integrations/"+id))
	if f := d.Find(`form[action="/integrations/` + id + `/regenerate"]`); !strings.Contains(f.AttrOr("data-confirm", ""), "old keys stop working") {
		t.Fatalf("no confirmed regenerate form")
	}
	// Not confirmed (no JavaScript): a page asks again, the keys stay.
	rec := b.post("/integrations/"+id+"/regenerate", nil, false)
	mustStatus(t, rec, http.StatusOK)
	if doc(t, rec).Find(`[data-testid="confirm-form"] input[name="confirmed"]`).Length() != 1 {
		t.Fatalf("no confirmation page: %s", rec.Body.String())
	}
	if same, _ := a.db.Integration(context.Background(), id); same.Secrets["privateSigningKey"] != before.Secrets["privateSigningKey"] {
		t.Fatal("keys regenerated before the confirmation")
	}
	rec = b.post("/integrations/"+id+"/regenerate", url.Values{"confirmed": {"1"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/integrations/"+id {
		t.Fatalf("regenerate: %d %s", rec.Code, rec.Body.String())
	}
	after, _ := a.db.Integration(context.Background(), id)
	if after.Secrets["privateSigningKey"] == before.Secrets["privateSigningKey"] || string(after.Config) == string(before.Config) {
		t.Fatalf("keys did not change")
	}
	body := b.get("/integrations/" + id).Body.String()
	if !strings.Contains(body, after.Secrets["privateSigningKey"]) || strings.Contains(body, before.Secrets["privateSigningKey"]) {
		t.Fatalf("page does not show the new private key to an editor")
	}
	// Ticked in the edit form: the toast says the keys changed, as the
	// button's does; a plain save of the same form does not.
	// The box asks first, as the button does: with JavaScript, a dialog
	// (the box's data-confirm-checked); without, the form comes back
	// saying what happens, to be saved again.
	edit := doc(t, b.get("/integrations/"+id+"/edit"))
	if q := edit.Find(`input[name="cfg.regenerateKeys"]`).AttrOr("data-confirm-checked", ""); !strings.Contains(q, "old keys stop working") {
		t.Fatalf("the Regenerate box asks nothing: %q", q)
	}
	form := formValues(edit, `form[data-testid="integration-form"]`)
	form.Set("cfg.regenerateKeys", "true")
	rec = b.post("/integrations/"+id, form, false)
	mustStatus(t, rec, http.StatusOK)
	asked := doc(t, rec)
	if note := asked.Find(`[data-field="cfg.regenerateKeys"] [data-testid="field-note"]`).Text(); !strings.Contains(note, "old keys stop working") || !strings.Contains(note, "Save again") {
		t.Fatalf("the form came back without the question: %q", note)
	}
	if same, _ := a.db.Integration(context.Background(), id); same.Secrets["privateSigningKey"] != after.Secrets["privateSigningKey"] {
		t.Fatal("keys regenerated by the box before the confirmation")
	}
	form = formValues(asked, `form[data-testid="integration-form"]`)
	if form.Get("cfg.regenerateKeys") != "true" || form.Get("confirmed") != "1" {
		t.Fatalf("the form asking again is not ticked and confirmed: %v", form)
	}
	mustStatus(t, b.post("/integrations/"+id, form, false), http.StatusSeeOther)
	ticked, _ := a.db.Integration(context.Background(), id)
	if ticked.Secrets["privateSigningKey"] == after.Secrets["privateSigningKey"] {
		t.Fatal("the ticked box did not regenerate the keys")
	}
	if body := b.get("/integrations/" + id).Body.String(); !strings.Contains(body, "saved; its signing keys were regenerated and the old keys no longer work") {
		t.Errorf("saving with Regenerate ticked is told as a plain save")
	}
	form = formValues(doc(t, b.get("/integrations/"+id+"/edit")), `form[data-testid="integration-form"]`)
	form.Set("name", "Bot 2")
	mustStatus(t, b.post("/integrations/"+id, form, false), http.StatusSeeOther)
	if body := b.get("/integrations/" + id).Body.String(); !strings.Contains(body, "Integration “Bot 2” saved") || strings.Contains(body, "keys were regenerated") {
		t.Errorf("a rename is told as a regeneration")
	}
	// WebChat has no keys to regenerate.
	wc := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"C"}, "cfg.allowedOrigins": {"a.example.com"}}, false))
	mustStatus(t, b.post("/integrations/"+wc+"/regenerate", url.Values{"confirmed": {"1"}}, false), http.StatusNotFound)
	mustStatus(t, b.post("/integrations/"+wc+"/regenerate", nil, false), http.StatusNotFound)
}

func TestViewerSeesMasksAndNoButtons(t *testing.T) {
	a := newTestApp(t)
	editor := a.signIn("editor")
	hub := a.hub("Support")
	id := integrationCreated(t, editor.post("/hubs/"+hub.ID+"/integrations/new/twiliosms", url.Values{"name": {"SMS"},
		"cfg.accountSid": {twilioSID}, "cfg.authToken": {twilioToken}, "cfg.numberSid": {twilioNumber}}, false))
	// The editor may reveal.
	if d := doc(t, editor.get("/integrations/"+id)); d.Find(`#cfg-authToken[data-value="`+twilioToken+`"]`).Length() != 1 ||
		d.Find(`[data-reveal="#cfg-authToken"]`).Length() != 1 {
		t.Fatalf("editor cannot reveal the auth token")
	}
	viewer := a.signIn("viewer")
	rec := viewer.get("/integrations/" + id)
	mustStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	if strings.Contains(body, twilioToken) || strings.Contains(body, "data-value") || strings.Contains(body, "data-reveal") {
		t.Fatalf("viewer page holds the secret or a reveal button")
	}
	if !strings.Contains(body, "••••3210") {
		t.Fatalf("viewer page lacks the mask")
	}
	d := doc(t, rec)
	for _, sel := range []string{`[data-testid="edit"]`, `[data-testid="pause"]`, `[data-testid="delete"]`, `[data-testid="regenerate"]`, `form[method="post"][action^="/integrations/"]`} {
		if d.Find(sel).Length() != 0 {
			t.Errorf("viewer sees %s", sel)
		}
	}
	mustStatus(t, viewer.get("/hubs/"+hub.ID+"/integrations/new/webchat"), http.StatusForbidden)
	mustStatus(t, viewer.get("/integrations/"+id+"/edit"), http.StatusForbidden)
	for _, p := range []string{"/hubs/" + hub.ID + "/integrations/new/webchat", "/integrations/" + id, "/integrations/" + id + "/regenerate", "/hubs/" + hub.ID + "/slack/connect"} {
		mustStatus(t, viewer.post(p, url.Values{"name": {"X"}, "cfg.allowedOrigins": {"a.example.com"}}, false), http.StatusForbidden)
	}
	if n := len(a.hubIntegrations(hub)); n != 1 {
		t.Fatalf("%d integrations after viewer posts", n)
	}
}

func TestIntegrationPagesOfAnotherTenantAreNotFound(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Skip("no CreateTenant:", err)
	}
	hub := a.hub("Theirs", other.ID)
	mustStatus(t, b.get("/hubs/"+hub.ID+"/integrations/new"), http.StatusNotFound)
	mustStatus(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"X"}, "cfg.allowedOrigins": {"a.example.com"}}, false), http.StatusNotFound)
}

// Every channel's form is well-formed: no stray attribute from a template
// branch, secrets not autocompleted, no field spell-checked but free text.
func TestIntegrationFormsMarkup(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	for _, ch := range []string{"twiliosms", "messenger", "webchat", "direct", "system"} {
		rec := b.get("/hubs/" + hub.ID + "/integrations/new/" + ch)
		mustStatus(t, rec, http.StatusOK)
		d := doc(t, rec)
		if n := d.Find("[else]").Length(); n != 0 {
			t.Errorf("%s: %d elements with a stray else attribute", ch, n)
		}
		d.Find(`input[type="password"]`).Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr("autocomplete"); v != "off" {
				t.Errorf("%s: secret %s has autocomplete %q", ch, s.AttrOr("name", ""), v)
			}
		})
	}
}

// Without JavaScript the Add button of a list sends the form: it comes back
// as typed with one more empty row, and nothing is saved or refused.
func TestListAddWithoutJavaScript(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	rec := b.post("/hubs/"+hub.ID+"/integrations/new/webchat",
		url.Values{"name": {"Site chat"}, "cfg.allowedOrigins": {"one.example.com"}, "_add": {"cfg.allowedOrigins"}}, false)
	mustStatus(t, rec, http.StatusOK)
	d := doc(t, rec)
	rows := d.Find(`[data-field="cfg.allowedOrigins"] [data-list-rows] input[name="cfg.allowedOrigins"]`)
	if rows.Length() != 2 || rows.First().AttrOr("value", "") != "one.example.com" || rows.Last().AttrOr("value", "x") != "" {
		t.Fatalf("rows after Add: %d", rows.Length())
	}
	if v, _ := d.Find(`input[name="name"]`).Attr("value"); v != "Site chat" || d.Find(".field-error").Length() != 0 {
		t.Fatalf("name %q kept, %d errors shown", v, d.Find(".field-error").Length())
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Fatalf("Add saved %d integrations", n)
	}
	// The add buttons send the form without JavaScript, and say which list.
	add := d.Find(`[data-field="cfg.allowedOrigins"] button[data-list-add]`)
	if add.AttrOr("type", "") != "submit" || add.AttrOr("name", "") != "_add" || add.AttrOr("value", "") != "cfg.allowedOrigins" {
		t.Fatalf("add button: %v", add.Nodes)
	}
	// Then the filled form creates with both origins.
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat",
		url.Values{"name": {"Site chat"}, "cfg.allowedOrigins": {"one.example.com", "two.example.com"}}, false))
	got, _ := a.db.Integration(context.Background(), id)
	if !strings.Contains(string(got.Config), "two.example.com") {
		t.Fatalf("config: %s", got.Config)
	}
	// On the edit form too; an unknown list name adds nothing.
	rec = b.post("/integrations/"+id, url.Values{"name": {"Site chat"}, "cfg.allowedOrigins": {"one.example.com", "two.example.com"}, "_add": {"cfg.start"}}, false)
	mustStatus(t, rec, http.StatusOK)
	if n := doc(t, rec).Find(`[data-list-rows] textarea[name="cfg.start"]`).Length(); n != 1 {
		t.Fatalf("welcome message rows after Add: %d", n)
	}
	rec = b.post("/integrations/"+id, url.Values{"name": {"Site chat"}, "_add": {"cfg.nope"}}, false)
	mustStatus(t, rec, http.StatusOK)
	if after, _ := a.db.Integration(context.Background(), id); after.Modified != got.Modified {
		t.Fatal("Add on the edit form saved the integration")
	}
}

// A Twilio number attached to another integration of the tenant: the
// banner names it and its hub and links to it, names escaped as typed.
// Another tenant's holder is not told, nor linked.
func TestAttachedChannelBannerLinksTheHolder(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hold := a.hub(`Main <b>"&"</b>`)
	holderName := `SMS <i>one</i> & "two"`
	form := func(name string) url.Values {
		return url.Values{"name": {name}, "cfg.accountSid": {twilioSID}, "cfg.authToken": {twilioToken}, "cfg.numberSid": {twilioNumber}}
	}
	id := integrationCreated(t, b.post("/hubs/"+hold.ID+"/integrations/new/twiliosms", form(holderName), false))

	hub := a.hub("Second")
	rec := b.post("/hubs/"+hub.ID+"/integrations/new/twiliosms", form("Again"), false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if body := rec.Body.String(); strings.Contains(body, "<i>one</i>") || strings.Contains(body, "<b>\"&\"</b>") {
		t.Fatal("a name reached the HTML unescaped")
	}
	d := doc(t, rec)
	banner := d.Find(`[data-testid="form-error"]`)
	want := `This channel is already attached to “` + holderName + `” in the hub “` + hold.Name + `”`
	if text := strings.Join(strings.Fields(banner.Text()), " "); !strings.Contains(text, want) {
		t.Errorf("banner %q, want it to say %q", text, want)
	}
	link := banner.Find(`a[data-testid="holder-link"]`)
	if href, _ := link.Attr("href"); link.Length() != 1 || href != "/integrations/"+id {
		t.Fatalf("holder link: %d, href %q, want /integrations/%s", link.Length(), href, id)
	}
	if text := strings.TrimSpace(link.Text()); text != "Open “"+holderName+"”" {
		t.Errorf("link text %q", text)
	}
	mustStatus(t, b.get("/integrations/"+id), http.StatusOK) // the link leads somewhere this user may go
	if d.Find(`input[name="name"][value="Again"]`).Length() != 1 {
		t.Error("name not kept")
	}

	// Another tenant's integration holds the number: the banner says it is
	// taken, no more, and links nowhere.
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	theirs := a.hub("Theirs", other.ID)
	otherNumber := "PN" + strings.Repeat("ab", 16)
	rec = a.api("POST", "/api/v1/integrations/hubs/"+theirs.ID, a.token("write", other.ID),
		`{"channelId":"TwilioSMS","name":"Their SMS","configuration":{"accountSid":"`+twilioSID+`","authToken":"`+twilioToken+`","numberSid":"`+otherNumber+`"}}`)
	mustStatus(t, rec, http.StatusOK)
	f := form("Taken")
	f.Set("cfg.numberSid", otherNumber)
	rec = b.post("/hubs/"+hub.ID+"/integrations/new/twiliosms", f, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	d = doc(t, rec)
	banner = d.Find(`[data-testid="form-error"]`)
	if text := strings.Join(strings.Fields(banner.Text()), " "); text != "This channel is already attached to another integration; a phone number or page can belong to one integration only." {
		t.Errorf("banner for another tenant's holder: %q", text)
	}
	if banner.Find("a").Length() != 0 {
		t.Error("banner links to another tenant's integration")
	}
	for _, leak := range []string{"Their SMS", "Theirs"} {
		if strings.Contains(rec.Body.String(), leak) {
			t.Errorf("the form tells %q", leak)
		}
	}
}

// Without JavaScript the form sends "message" with the sub-events ticked:
// the integration keeps "message" alone, listed once on its page, and its
// edit form ticks only that box (app.js ticks and disables the others).
func TestSystemEventsFormNormalised(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/system", url.Values{"name": {"Archive"},
		"cfg.webhookUrl": {"https://example.com/events"}, "cfg.events": {"message", "message:agent", "message:bot"}}, false))
	in, err := a.db.Integration(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(in.Config); !strings.Contains(got, `"events":["message"]`) {
		t.Fatalf("stored configuration %s", got)
	}
	page := b.get("/integrations/" + id)
	mustStatus(t, page, http.StatusOK)
	if body := page.Body.String(); strings.Contains(body, "message:agent") || strings.Contains(body, "message:bot") {
		t.Error("the integration page lists the sub-events of \"message\"")
	}
	d := doc(t, b.get("/integrations/"+id+"/edit"))
	var ticked []string
	d.Find(`fieldset[data-multichoice] input[name="cfg.events"][checked]`).Each(func(_ int, s *goquery.Selection) {
		ticked = append(ticked, s.AttrOr("value", ""))
	})
	if strings.Join(ticked, ",") != "message" {
		t.Errorf("edit form ticks %v", ticked)
	}
}

// From a filtered, paged hub page, the integration's page leads back to
// that same view (its back link and where a delete lands); from anywhere
// else, to the hub's first page.
func TestIntegrationPageLeadsBackToTheListAsLeft(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	other := a.hub("Sales")
	ids := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"}, [2]string{"Hook", "System"})
	b := a.signIn("editor")
	left := "/hubs/" + hub.ID + "?channelId=WebChat&q=ch"
	for _, c := range []struct{ referer, want string }{
		{"http://example.com" + left, left},
		{"http://evil.example" + left, "/hubs/" + hub.ID},                    // another site's page
		{"http://example.com/hubs/" + other.ID + "?q=ch", "/hubs/" + hub.ID}, // another hub's
		{"", "/hubs/" + hub.ID},
	} {
		req := httptest.NewRequest(http.MethodGet, "/integrations/"+ids["Chat"], nil)
		req.Header.Set("Referer", c.referer)
		d := doc(t, b.send(req))
		if href, _ := d.Find(`nav.breadcrumb a`).Attr("href"); href != c.want {
			t.Errorf("Referer %q: back link %q, want %q", c.referer, href, c.want)
		}
		if next, _ := d.Find(`form[action$="/delete"] input[name="next"]`).Attr("value"); next != c.want {
			t.Errorf("Referer %q: delete lands on %q, want %q", c.referer, next, c.want)
		}
	}
	rec := b.post("/integrations/"+ids["Chat"]+"/delete", url.Values{"next": {left}, "confirmed": {"1"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != left {
		t.Errorf("delete: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), left)
	}
}

// A name the hub already has is refused with a link to the integration
// that has it (Back, then Create again, used to end there).
func TestTakenNameLinksTheIntegration(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	ids := a.seedIntegrations(hub, [2]string{"Dbl chat", "WebChat"}, [2]string{"Other", "WebChat"})
	b := a.signIn("editor")
	b.get("/hubs/" + hub.ID + "/integrations/new/webchat")
	for _, c := range []struct{ path, self string }{
		{"/hubs/" + hub.ID + "/integrations/new/webchat", ""},
		{"/integrations/" + ids["Other"], ids["Other"]},
	} {
		form := url.Values{"name": {"DBL chat"}, "cfg.allowedOrigins": {"shop.example.com"}}
		if c.self != "" {
			d := doc(t, b.get("/integrations/"+c.self+"/edit"))
			v, _ := d.Find(`input[name="version"]`).Attr("value")
			form.Set("version", v)
		}
		rec := b.post(c.path, form, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		link := doc(t, rec).Find(`[data-testid="name-taken"] a`)
		if href, _ := link.Attr("href"); href != "/integrations/"+ids["Dbl chat"] || !strings.Contains(link.Text(), "Open “Dbl chat”") {
			t.Errorf("%s: link %q %q", c.path, href, link.Text())
		}
	}
	// Any other refusal links nothing.
	rec := b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"New"}, "cfg.allowedOrigins": {"bad host"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if doc(t, rec).Find(`[data-testid="name-taken"]`).Length() != 0 {
		t.Error("a link to an integration under another refusal")
	}
}

// TestReadOnlyNoteSaysHowTheConfigurationWasChecked: a Slack integration
// was authorised in Slack, not "checked with the provider"; the others
// name the provider that checked them.
func TestReadOnlyNoteSaysHowTheConfigurationWasChecked(t *testing.T) {
	for id, want := range map[string]string{
		"Slack":     "The configuration of Slack integrations was authorised in Slack when it was connected, so it cannot be edited here.",
		"TwilioSMS": "The configuration of Twilio SMS integrations was checked with Twilio when it was created, so it cannot be edited here.",
		"Messenger": "was checked with Facebook when it was created",
	} {
		ch, ok := channels.ByID(id)
		if !ok {
			t.Fatalf("no channel %s", id)
		}
		if got := integrationReadOnly(ch); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to say %q", id, got, want)
		}
	}
}

// TestIntegrationPageSaysWhyEchoIsFixed: a web chat's echo, which its
// edit form has no control for, says why on its page; other values have
// no such note.
func TestIntegrationPageSaysWhyEchoIsFixed(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	ids := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"})
	d := doc(t, a.signIn("viewer").get("/integrations/"+ids["Chat"]))
	if got := d.Find(`dd[data-key="echo"] .value-note`).Text(); got != "Always, as a web chat echoes each message back to its widget." {
		t.Errorf("echo's note: %q", got)
	}
	if n := d.Find(`dd[data-key="allowedOrigins"] .value-note`).Length(); n != 0 {
		t.Errorf("allowed origins have a note")
	}
}

// TestCreateFormsFocusTheName: a create form opens with the caret in its
// first field, the name (not at the top of the page, a sidebar of Tabs
// away); a form given back with errors leaves the focus to its first
// error, and an edit form, opened to change anything, takes none.
func TestCreateFormsFocusTheName(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	focused := func(rec *httptest.ResponseRecorder) string {
		t.Helper()
		var names []string
		doc(t, rec).Find("[autofocus]").Each(func(_ int, s *goquery.Selection) { names = append(names, s.AttrOr("name", s.AttrOr("id", "?"))) })
		return strings.Join(names, " ")
	}
	for _, path := range []string{"/hubs/new", "/hubs/" + hub.ID + "/integrations/new/webchat", "/hubs/" + hub.ID + "/integrations/new/direct", "/hubs/" + hub.ID + "/integrations/new/slack"} {
		rec := b.get(path)
		mustStatus(t, rec, http.StatusOK)
		if got := focused(rec); got != "name" {
			t.Errorf("%s: focus on %q, want the name", path, got)
		}
	}
	rec := b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {""}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if got := focused(rec); strings.Contains(got, "name") {
		t.Errorf("a refused form: autofocus on %q", got)
	}
	id := integrationCreated(t, b.post("/hubs/"+hub.ID+"/integrations/new/webchat", url.Values{"name": {"Chat"}, "cfg.allowedOrigins": {"a.example.com"}}, false))
	for _, path := range []string{"/integrations/" + id + "/edit", "/hubs/" + hub.ID + "/edit"} {
		if got := focused(b.get(path)); got != "" {
			t.Errorf("%s: autofocus on %q", path, got)
		}
	}
}
