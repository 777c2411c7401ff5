package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// NewIntegrationPage is the channel picker and the generated form after it.
type NewIntegrationPage struct {
	page  playwright.Page
	hubID string
}

// Pick opens the picker and clicks a channel's card.
func (n NewIntegrationPage) Pick(t *testing.T, title string) NewIntegrationPage {
	t.Helper()
	_, err := n.page.Goto("/hubs/" + n.hubID + "/integrations/new")
	must(t, err)
	must(t, n.page.GetByTestId("channel-card").Filter(playwright.LocatorFilterOptions{HasText: title}).Click())
	must(t, expect.Locator(n.page.GetByTestId("integration-form").Or(n.page.GetByTestId("slack-form"))).ToBeVisible())
	return n
}

// Field is a configuration input (cfg.<name>); i picks a row of a list.
func (n NewIntegrationPage) Field(name string, i int) playwright.Locator {
	return n.page.Locator(`[name="cfg.` + name + `"]`).Nth(i)
}

// Name is the name input.
func (n NewIntegrationPage) Name() playwright.Locator { return n.page.Locator("#f-name") }

// Button is a button by its accessible name.
func (n NewIntegrationPage) Button(name string) playwright.Locator {
	return n.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

// Submit creates the integration.
func (n NewIntegrationPage) Submit(t *testing.T) {
	t.Helper()
	must(t, n.Button("Create integration").Click())
}

// createdAt waits for the integration page of a new integration and returns its id.
func createdAt(t *testing.T, page playwright.Page) string {
	t.Helper()
	re := regexp.MustCompile(`/integrations/([0-9a-f-]{36})\?created=1$`)
	must(t, expect.Page(page).ToHaveURL(re))
	return re.FindStringSubmatch(page.URL())[1]
}

// apiIntegration creates an integration through the REST API.
func (s *Server) apiIntegration(t *testing.T, hubID, body string) string {
	t.Helper()
	status, out := s.api(t, s.token(t, "write"), "POST", "/api/v1/integrations/hubs/"+hubID, body)
	if status != 200 {
		t.Fatalf("create integration: %d %s", status, out)
	}
	var v struct {
		IntegrationID string `json:"integrationId"`
	}
	must(t, json.Unmarshal([]byte(out), &v))
	return v.IntegrationID
}

func TestIntegrationCreateEachChannelThroughForms(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	hub := s.hub(t, "Support")
	n := NewIntegrationPage{page, hub.ID}
	hex := "0123456789abcdef0123456789abcdef"
	cases := []struct {
		title, name, typ string
		fill             func(t *testing.T)
	}{
		{"Web chat", "Site chat", "Customer", func(t *testing.T) {
			must(t, n.Field("allowedOrigins", 0).Fill("www.example.com"))
			must(t, n.Button("Add allowed origin").Click())
			must(t, n.Field("allowedOrigins", 1).Fill("https://shop.example.com"))
			must(t, n.Button("Add allowed origin").Click())
			must(t, n.Field("allowedOrigins", 2).Fill("mistake.example.com"))
			must(t, n.page.Locator(`[data-list-row]:has([name="cfg.allowedOrigins"]) [data-list-remove]`).Nth(2).Click())
			must(t, expect.Locator(n.page.Locator(`[name="cfg.allowedOrigins"]`)).ToHaveCount(2))
			must(t, n.Button("Add message").Click())
			must(t, n.Field("start", 0).Fill("Hello! How can we help?"))
		}},
		{"Direct", "Bot", "Agent", func(t *testing.T) {
			_, err := n.Field("integrationType", 0).SelectOption(playwright.SelectOptionValues{Values: &[]string{"Agent"}})
			must(t, err)
			must(t, n.Field("echo", 0).Check())
			must(t, n.Field("webhookUrl", 0).Fill("https://example.com/hook"))
		}},
		{"System", "Archive", "System", func(t *testing.T) {
			must(t, n.Field("webhookUrl", 0).Fill("https://example.com/events"))
			must(t, n.page.GetByLabel("message:customer").Check())
			must(t, n.page.GetByLabel("message:agent").Check())
		}},
		{"Twilio SMS", "Support SMS", "Customer", func(t *testing.T) {
			must(t, expect.Locator(n.page.GetByTestId("provider-note")).ToContainText("Twilio"))
			must(t, n.Field("accountSid", 0).Fill("AC"+hex))
			must(t, n.Field("authToken", 0).Fill("fedcba9876543210fedcba9876543210"))
			must(t, n.Field("numberSid", 0).Fill("PN"+hex))
		}},
		{"Facebook Messenger", "FB page", "Customer", func(t *testing.T) {
			must(t, expect.Locator(n.page.GetByTestId("provider-note")).ToContainText("Facebook"))
			must(t, n.Field("pageAccessToken", 0).Fill("EAAsandbox"))
		}},
	}
	for _, tc := range cases {
		n.Pick(t, tc.title)
		must(t, n.Name().Fill(tc.name))
		tc.fill(t)
		n.Submit(t)
		createdAt(t, page)
		must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText(tc.name))
		must(t, expect.Locator(page.Locator(".toast")).ToContainText(`Integration “`+tc.name+`” created`))
	}
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	for _, tc := range cases {
		row := page.GetByTestId("integration-row").Filter(playwright.LocatorFilterOptions{Has: page.GetByRole("link", playwright.PageGetByRoleOptions{Name: tc.name, Exact: playwright.Bool(true)})})
		must(t, expect.Locator(row).ToContainText(tc.title))
		must(t, expect.Locator(row).ToContainText(tc.typ))
		must(t, expect.Locator(row).ToContainText("Active"))
	}
}

func TestIntegrationFormErrorsKeepEveryValue(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}, {Width: Wide, Dark: true}, {Width: Narrow, Dark: true}} {
		page := s.signedIn(t, "admin", o)
		n := NewIntegrationPage{page, hub.ID}
		n.Pick(t, "Web chat")
		must(t, n.Field("allowedOrigins", 0).Fill("ok.example.com"))
		must(t, n.Button("Add allowed origin").Click())
		must(t, n.Field("allowedOrigins", 1).Fill("not a host!"))
		must(t, n.Button("Add message").Click())
		must(t, n.Field("start", 0).Fill("Hi there"))
		n.Submit(t)
		must(t, expect.Locator(page.Locator("#f-name-error")).ToContainText("Enter a name."))
		// The caret is in the first field to fix.
		must(t, expect.Locator(n.Name()).ToBeFocused())
		must(t, expect.Locator(page.Locator(`[data-field="cfg.allowedOrigins"] .field-error`)).ToContainText("Allowed origin must be"))
		// The error about row 2 stands under row 2, which is marked invalid.
		row := page.Locator(`[data-field="cfg.allowedOrigins"] [data-list-row]`).Nth(1)
		must(t, expect.Locator(row.Locator(".field-error")).ToContainText("without spaces"))
		must(t, expect.Locator(row.Locator("input")).ToHaveAttribute("aria-invalid", "true"))
		must(t, expect.Locator(page.Locator(`[data-field="cfg.allowedOrigins"] [data-list-row]`).Nth(0).Locator(".field-error")).ToHaveCount(0))
		// Every field error in one red (Pico's own rule for a small after an
		// invalid input had painted the name's in another).
		nameRed, err := page.Locator("#f-name-error").Evaluate("e => getComputedStyle(e).color", nil)
		must(t, err)
		rowRed, err := row.Locator(".field-error").Evaluate("e => getComputedStyle(e).color", nil)
		must(t, err)
		if nameRed != rowRed {
			t.Errorf("field errors in two colours: name %v, list row %v", nameRed, rowRed)
		}
		must(t, expect.Locator(n.Field("allowedOrigins", 0)).ToHaveValue("ok.example.com"))
		must(t, expect.Locator(n.Field("allowedOrigins", 1)).ToHaveValue("not a host!"))
		must(t, expect.Locator(n.Field("start", 0)).ToHaveValue("Hi there"))
		suffix := fmt.Sprintf("%d", o.Width)
		if o.Dark {
			suffix += "-dark"
		}
		shot(t, page, "integration-new-errors-"+suffix)
		noOverflow(t, page)
	}

	page := s.signedIn(t, "admin")
	n := NewIntegrationPage{page, hub.ID}
	n.Pick(t, "System")
	must(t, n.Name().Fill("Events"))
	must(t, n.Field("webhookUrl", 0).Fill("not a url"))
	n.Submit(t)
	must(t, expect.Locator(page.Locator(`[data-field="cfg.webhookUrl"] .field-error`)).ToContainText("Webhook URL"))
	must(t, expect.Locator(page.Locator(`[data-field="cfg.events"] .field-error`)).ToContainText("Choose at least one event."))
	must(t, expect.Locator(n.Name()).ToHaveValue("Events"))
	must(t, expect.Locator(n.Field("webhookUrl", 0)).ToHaveValue("not a url"))
	// Fixed, it goes through.
	must(t, n.Field("webhookUrl", 0).Fill("https://example.com/events"))
	must(t, page.GetByLabel("message:bot").Check())
	n.Submit(t)
	createdAt(t, page)
}

// TestProviderRefusalFocusesItsField: when Twilio or Facebook refuses a
// credential, what it said is shown under that input, which is marked
// invalid and takes the focus (so it is read out with its error), and
// everything typed is kept.
func TestProviderRefusalFocusesItsField(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	hex := "0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		title, field, say, shot string
		opt                     PageOptions
		fill                    func(n NewIntegrationPage)
	}{
		{"Twilio SMS", "authToken", "Twilio rejected the credentials (account SID and auth token)", "integration-refused-1280", PageOptions{Width: Wide}, func(n NewIntegrationPage) {
			must(t, n.Field("accountSid", 0).Fill("AC"+hex))
			must(t, n.Field("authToken", 0).Fill("00000000000000000000000000000000"))
			must(t, n.Field("numberSid", 0).Fill("PN"+hex))
		}},
		{"Facebook Messenger", "pageAccessToken", "Facebook rejected", "integration-refused-390-dark", PageOptions{Width: Narrow, Dark: true}, func(n NewIntegrationPage) {
			must(t, n.Field("pageAccessToken", 0).Fill("invalid-token"))
		}},
	} {
		page := s.signedIn(t, "editor", c.opt)
		n := NewIntegrationPage{page, hub.ID}.Pick(t, c.title)
		must(t, n.Name().Fill(c.title+" line"))
		c.fill(n)
		n.Submit(t)
		must(t, expect.Locator(page.Locator(`[data-field="cfg.`+c.field+`"] .field-error`)).ToContainText(c.say))
		must(t, expect.Locator(n.Field(c.field, 0)).ToBeFocused())
		must(t, expect.Locator(n.Field(c.field, 0)).ToHaveAttribute("aria-invalid", "true"))
		must(t, expect.Locator(page.GetByTestId("form-error")).ToHaveCount(0))
		shot(t, page, c.shot)
		must(t, expect.Locator(n.Name()).ToHaveValue(c.title+" line"))
	}
}

// Without JavaScript a web chat still gets several allowed origins: Add
// sends the form, which comes back with one more row.
func TestIntegrationListRowsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor", PageOptions{NoJS: true})
	n := NewIntegrationPage{page, hub.ID}
	_, err := page.Goto("/hubs/" + hub.ID + "/integrations/new/webchat")
	must(t, err)
	must(t, n.Name().Fill("Site chat"))
	must(t, n.Field("allowedOrigins", 0).Fill("one.example.com"))
	// No remove button that would do nothing: a row is removed by clearing it.
	must(t, expect.Locator(page.Locator("[data-list-remove]").First()).ToBeHidden())
	must(t, n.Button("Add allowed origin").Click())
	must(t, expect.Locator(n.Field("allowedOrigins", 1)).ToHaveValue(""))
	must(t, expect.Locator(n.Field("allowedOrigins", 1)).ToBeFocused()) // not the top of the page
	must(t, expect.Locator(n.Field("allowedOrigins", 0)).ToHaveValue("one.example.com"))
	must(t, expect.Locator(n.Name()).ToHaveValue("Site chat"))
	must(t, n.Field("allowedOrigins", 1).Fill("two.example.com"))
	n.Submit(t)
	createdAt(t, page)
	must(t, expect.Locator(page.GetByTestId("configuration")).ToContainText("two.example.com"))
}

// Pause and Resume on an integration's own page keep the operator there.
func TestIntegrationPauseResumeOnItsPage(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["www.example.com"]}}`)
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	title := page.GetByTestId("integration-name")
	must(t, expect.Locator(title).ToContainText("Active"))
	must(t, page.GetByTestId("pause").Click())
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("paused"))
	atPath(t, page, "/integrations/"+id)
	must(t, expect.Locator(title).ToContainText("Paused"))
	must(t, page.GetByTestId("resume").Click())
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("resumed"))
	atPath(t, page, "/integrations/"+id)
	must(t, expect.Locator(title).ToContainText("Active"))
}

func TestIntegrationEditWebChat(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["old.example.com"],"start":[{"type":"text","text":"Hello"}]}}`)
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	must(t, page.GetByTestId("edit").Click())
	atPath(t, page, "/integrations/"+id+"/edit")
	n := NewIntegrationPage{page, hub.ID}
	must(t, expect.Locator(n.Field("allowedOrigins", 0)).ToHaveValue("old.example.com"))
	must(t, n.Field("allowedOrigins", 0).Fill("new.example.com"))
	must(t, n.Button("Add allowed origin").Click())
	must(t, n.Field("allowedOrigins", 1).Fill("https://other.example.com:8443"))
	must(t, n.Field("start", 0).Fill("Welcome back"))
	must(t, n.Button("Save changes").Click())
	atPath(t, page, "/integrations/"+id)
	cfg := page.GetByTestId("configuration")
	must(t, expect.Locator(cfg).ToContainText("new.example.com"))
	must(t, expect.Locator(cfg).ToContainText("https://other.example.com:8443"))
	must(t, expect.Locator(cfg).ToContainText("Welcome back"))
	must(t, expect.Locator(cfg).Not().ToContainText("old.example.com"))
	must(t, expect.Locator(page.Locator(".toast")).ToContainText(`Integration “Chat” saved`))
}

// TestIntegrationEnterInNameSaves: Enter in a field saves the form, though
// the list editors' Add buttons come before Save in it.
func TestIntegrationEnterInNameSaves(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	n := NewIntegrationPage{page, hub.ID}.Pick(t, "Web chat")
	must(t, n.Field("allowedOrigins", 0).Fill("shop.example.com"))
	must(t, n.Name().Fill("Keyboard chat"))
	must(t, n.Name().Press("Enter"))
	id := createdAt(t, page)
	must(t, expect.Locator(page.GetByTestId("configuration")).ToContainText("shop.example.com"))

	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	must(t, n.Name().Fill("Keyboard chat 2"))
	must(t, n.Name().Press("Enter"))
	atPath(t, page, "/integrations/"+id)
	must(t, expect.Locator(page.Locator("h1")).ToContainText("Keyboard chat 2"))
}

func TestIntegrationRegenerateDirectKeys(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"Direct","name":"Bot","configuration":{"integrationType":"Customer","webhookUrl":"https://example.com/hook"}}`)
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}, {Width: Wide, Dark: true}, {Width: Narrow, Dark: true}} {
		page := s.signedIn(t, "admin", o)
		_, err := page.Goto("/integrations/" + id)
		must(t, err)
		must(t, expect.Locator(page.GetByTestId("signing-keys")).ToBeVisible())
		suffix := fmt.Sprintf("%d", o.Width)
		if o.Dark {
			suffix += "-dark"
		}
		shot(t, page, "integration-page-"+suffix)
		noOverflow(t, page)
	}
	page := s.signedIn(t, "admin")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	key := page.Locator("#cfg-publicSigningKey")
	before, err := key.TextContent()
	must(t, err)
	// Reveal shows the private key, and hides it again.
	secret := page.Locator("#cfg-privateSigningKey")
	must(t, page.Locator(`[data-reveal="#cfg-privateSigningKey"]`).Click())
	must(t, expect.Locator(secret).ToHaveText(regexp.MustCompile(`^[0-9A-F]{32}$`)))
	must(t, page.Locator(`[data-reveal="#cfg-privateSigningKey"]`).Click())
	must(t, expect.Locator(secret).ToHaveText(regexp.MustCompile(`^••••`)))

	page.OnDialog(func(d playwright.Dialog) {
		if d.Message() == "Regenerate signing keys? The old keys stop working at once." {
			_ = d.Accept()
		} else {
			_ = d.Dismiss()
		}
	})
	must(t, page.GetByTestId("regenerate").Click())
	must(t, expect.Locator(page.Locator(".toast")).ToContainText("regenerated"))
	must(t, expect.Locator(key).Not().ToHaveText(before))
	must(t, expect.Locator(key).ToHaveText(regexp.MustCompile(`^[0-9A-F]{32}$`)))
}

// TestRegenerateBoxAsksFirst: the edit form's Regenerate box asks, as the
// page's button does, before a save that breaks every receiver's keys: No
// keeps the form and the keys; without JavaScript the form comes back
// with the question under the box, and saving again regenerates.
func TestRegenerateBoxAsksFirst(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://example.com/events","events":["message"]}}`)
	key := func(page playwright.Page) string {
		_, err := page.Goto("/integrations/" + id)
		must(t, err)
		k, err := page.Locator("#cfg-publicSigningKey").TextContent()
		must(t, err)
		return k
	}
	page := s.signedIn(t, "editor")
	before := key(page)
	var asked []string
	accept := false
	page.OnDialog(func(d playwright.Dialog) {
		asked = append(asked, d.Message())
		if accept {
			_ = d.Accept()
		} else {
			_ = d.Dismiss()
		}
	})
	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	box := page.GetByLabel("Regenerate signing keys")
	save := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save changes"})
	must(t, box.Check())
	must(t, save.Click())
	atPath(t, page, "/integrations/"+id+"/edit")
	must(t, expect.Locator(box).ToBeChecked())
	if len(asked) != 1 || !strings.Contains(asked[0], "old keys stop working") {
		t.Fatalf("dialogs: %q", asked)
	}
	accept = true
	must(t, save.Click())
	must(t, expect.Locator(page.Locator(".toast")).ToContainText("regenerated"))
	atPath(t, page, "/integrations/"+id)
	after := key(page)
	if after == before || len(asked) != 2 {
		t.Fatalf("keys %s → %s after %d dialogs", before, after, len(asked))
	}

	plain := s.signedIn(t, "editor", PageOptions{NoJS: true})
	_, err = plain.Goto("/integrations/" + id + "/edit")
	must(t, err)
	must(t, plain.GetByLabel("Regenerate signing keys").Check())
	must(t, plain.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save changes"}).Click())
	must(t, expect.Locator(plain.Locator(`[data-field="cfg.regenerateKeys"] [data-testid="field-note"]`)).ToContainText("Save again to go ahead"))
	must(t, expect.Locator(plain.GetByLabel("Regenerate signing keys")).ToBeChecked())
	shot(t, plain, "integration-regenerate-asked")
	if k := key(s.signedIn(t, "viewer")); k != after {
		t.Fatalf("keys changed before the second save: %s → %s", after, k)
	}
	must(t, plain.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save changes"}).Click())
	atPath(t, plain, "/integrations/"+id)
	if k := key(plain); k == after {
		t.Fatal("saving again did not regenerate the keys")
	}
}

// connectSlack adds a Slack integration to the hub through its form, in
// the sandbox (its authorize step comes straight back), and returns its id.
func connectSlack(t *testing.T, page playwright.Page, hubID, name string) string {
	t.Helper()
	n := NewIntegrationPage{page, hubID}
	n.Pick(t, "Slack")
	must(t, expect.Locator(page.Locator(`[name="cfg.code"]`)).ToHaveCount(0))
	must(t, n.Name().Fill(name))
	must(t, page.GetByTestId("slack-connect").Click())
	return createdAt(t, page)
}

func TestIntegrationSlackConnectInSandbox(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	connectSlack(t, page, hub.ID, "Agents")
	must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText("Agents"))
	must(t, expect.Locator(page.GetByTestId("prop-type")).ToHaveText("Agent"))
	must(t, expect.Locator(page.GetByTestId("readonly-note")).ToBeVisible())
}

// "message" means the three message events: ticking it ticks and disables
// them (they are not sent), unticking it gives them back, still ticked;
// the integration keeps "message" alone, and its edit form shows the
// three ticked and disabled again.
func TestSystemMessageEventCoversTheOthers(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	n := NewIntegrationPage{page, hub.ID}.Pick(t, "System")
	box := func(event string) playwright.Locator {
		// By its accessible name (the code; the words describe it).
		return page.GetByRole("checkbox", playwright.PageGetByRoleOptions{Name: event, Exact: playwright.Bool(true)})
	}
	subs := []string{"message:customer", "message:agent", "message:bot"}
	// Each box is named by its code and described in words.
	must(t, expect.Locator(box("message:customer")).ToHaveAccessibleDescription("messages from customers"))
	must(t, expect.Locator(box("message")).ToHaveAccessibleDescription("every message: the three below"))
	must(t, box("message:agent").Check())
	must(t, box("message").Check())
	for _, e := range subs {
		must(t, expect.Locator(box(e)).ToBeChecked())
		must(t, expect.Locator(box(e)).ToBeDisabled())
	}
	must(t, box("message").Uncheck())
	for _, e := range subs {
		must(t, expect.Locator(box(e)).ToBeChecked())
		must(t, expect.Locator(box(e)).ToBeEnabled())
	}
	must(t, box("message:bot").Uncheck()) // each is its own choice again
	must(t, expect.Locator(box("message:bot")).Not().ToBeChecked())
	must(t, box("message").Check())
	must(t, expect.Locator(box("message:bot")).ToBeChecked())
	must(t, expect.Locator(box("message:bot")).ToBeDisabled())

	must(t, n.Name().Fill("Archive"))
	must(t, n.Field("webhookUrl", 0).Fill("https://example.com/events"))
	n.Submit(t)
	id := createdAt(t, page)
	cfg := page.GetByTestId("configuration")
	must(t, expect.Locator(cfg).ToContainText("message"))
	must(t, expect.Locator(cfg).Not().ToContainText("message:"))

	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	must(t, expect.Locator(box("message")).ToBeChecked())
	for _, e := range subs {
		must(t, expect.Locator(box(e)).ToBeChecked())
		must(t, expect.Locator(box(e)).ToBeDisabled())
	}
	must(t, box("message").Uncheck())
	must(t, box("message:customer").Uncheck())
	must(t, NewIntegrationPage{page, hub.ID}.Button("Save changes").Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/integrations/`+id+`$`)))
	must(t, expect.Locator(cfg).ToContainText("message:agent"))
	must(t, expect.Locator(cfg).ToContainText("message:bot"))
	must(t, expect.Locator(cfg).Not().ToContainText("message:customer"))
}

// A Twilio number already attached to another integration of the tenant:
// the banner names it and its hub, and its link opens it.
func TestAttachedChannelBannerLinksTheHolder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	first, second := s.hub(t, "First"), s.hub(t, "Second")
	hex := "0123456789abcdef0123456789abcdef"
	twilio := `"accountSid":"AC` + hex + `","authToken":"fedcba9876543210fedcba9876543210","numberSid":"PN` + hex + `"`
	id := s.apiIntegration(t, first.ID, `{"channelId":"TwilioSMS","name":"Support <SMS>","configuration":{`+twilio+`}}`)
	page := s.signedIn(t, "editor")
	n := NewIntegrationPage{page, second.ID}.Pick(t, "Twilio SMS")
	must(t, n.Name().Fill("Again"))
	must(t, n.Field("accountSid", 0).Fill("AC"+hex))
	must(t, n.Field("authToken", 0).Fill("fedcba9876543210fedcba9876543210"))
	must(t, n.Field("numberSid", 0).Fill("PN"+hex))
	n.Submit(t)
	banner := page.GetByTestId("form-error")
	must(t, expect.Locator(banner).ToContainText("already attached to “Support <SMS>” in the hub “First”"))
	must(t, expect.Locator(banner).ToBeFocused())
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Open “Support <SMS>”"}).Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/integrations/`+id+`$`)))
	must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText("Support <SMS>"))
}

// snippetKeepsItsLines fails if the embed snippet, code to copy, is wrapped
// (a token URL cut at "…/api/v1/i" reads as two lines of code) instead of
// scrolling sideways, if its copy button covers text scrolled under it, or
// if its scrolling box cannot be reached by keyboard.
func snippetKeepsItsLines(t *testing.T, page playwright.Page) {
	t.Helper()
	v, err := page.Locator("#embed-snippet").Evaluate(`code => {
		const r = document.createRange();
		r.selectNodeContents(code);
		const shown = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
		const written = code.textContent.split("\n").length;
		const pre = code.closest("pre");
		if (shown !== written) return written + " lines shown on " + shown;
		const first = Math.min(...[...r.getClientRects()].filter(x => x.width > 0).map(x => x.top));
		const button = pre.parentElement.querySelector("button").getBoundingClientRect();
		if (button.bottom > first) return "the copy button stands over the first line";
		if (pre.scrollWidth > pre.clientWidth && pre.tabIndex !== 0) return "scrolls but cannot be focused";
		return "";
	}`, nil)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("embed snippet at %d px: %s", page.ViewportSize().Width, s)
	}
}

// TestWebChatPageSaysWhyEchoIsFixed: echo, which the edit form has no
// control for, says under its value why, on a phone too.
func TestWebChatPageSaysWhyEchoIsFixed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Site chat","configuration":{"allowedOrigins":["example.com"]}}`)
	for _, width := range []int{Wide, Narrow} {
		page := s.signedIn(t, "viewer", PageOptions{Width: width})
		_, err := page.Goto("/integrations/" + id)
		must(t, err)
		must(t, expect.Locator(page.Locator(`dd[data-key="echo"]`)).ToContainText("Always, as a web chat echoes each message back to its widget."))
		shot(t, page, fmt.Sprintf("integration-webchat-%d", width))
		noOverflow(t, page)
		snippetKeepsItsLines(t, page)
		accessible(t, page, fmt.Sprintf("web chat integration at %d px", width))
	}
}

// TestTypedSecretsCanBeShown: a secret typed into a form (Twilio's auth
// token, a page access token) is masked, and its eye button shows it to
// find a mistyped character, then masks it again; the button says which
// (aria-pressed). Without JavaScript there is no button that does nothing.
func TestTypedSecretsCanBeShown(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	n := NewIntegrationPage{page, hub.ID}.Pick(t, "Twilio SMS")
	token := n.Field("authToken", 0)
	must(t, token.Fill("fedcba9876543210fedcba987654321g"))
	must(t, expect.Locator(token).ToHaveAttribute("type", "password"))
	show := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Show Auth token"})
	must(t, show.Click())
	must(t, expect.Locator(token).ToHaveAttribute("type", "text"))
	must(t, expect.Locator(show).ToHaveAttribute("aria-pressed", "true"))
	must(t, expect.Locator(token).ToHaveValue("fedcba9876543210fedcba987654321g"))
	must(t, page.Mouse().Move(0, 0))
	shot(t, page, "integration-secret-shown")
	must(t, show.Click())
	must(t, expect.Locator(token).ToHaveAttribute("type", "password"))
	must(t, expect.Locator(show).ToHaveAttribute("aria-pressed", "false"))
	accessible(t, page, "Twilio form with a secret shown and hidden")

	plain := s.signedIn(t, "editor", PageOptions{NoJS: true})
	_, err := plain.Goto("/hubs/" + hub.ID + "/integrations/new/twiliosms")
	must(t, err)
	must(t, expect.Locator(plain.Locator(`[name="cfg.authToken"]`)).ToBeVisible())
	must(t, expect.Locator(plain.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Show Auth token"})).ToBeHidden())
}

// TestPastedOriginsFillRows: a list of origins pasted whole into an empty
// row (comma-separated, or one per line) fills a row each, and saves as
// that many origins; typed into one row without JavaScript's help, the
// server says to give each its own entry.
func TestPastedOriginsFillRows(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	n := NewIntegrationPage{page, hub.ID}.Pick(t, "Web chat")
	must(t, n.Name().Fill("Pasted"))
	_, err := n.Field("allowedOrigins", 0).Evaluate(`el => {
		const dt = new DataTransfer();
		dt.setData("text/plain", "a.example.com, b.example.com\nhttps://c.example.com:8443");
		el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	}`, nil)
	must(t, err)
	for i, want := range []string{"a.example.com", "b.example.com", "https://c.example.com:8443"} {
		must(t, expect.Locator(n.Field("allowedOrigins", i)).ToHaveValue(want))
	}
	must(t, expect.Locator(n.Field("allowedOrigins", 2)).ToBeFocused())
	must(t, expect.Locator(page.GetByRole("textbox", playwright.PageGetByRoleOptions{Name: "Allowed origin 3"})).ToHaveCount(1))
	n.Submit(t)
	createdAt(t, page)
	cfg := page.GetByTestId("configuration")
	for _, want := range []string{"a.example.com", "b.example.com", "https://c.example.com:8443"} {
		must(t, expect.Locator(cfg).ToContainText(want))
	}

	// More than the list takes (50): the rest stays in the last row, and
	// the server says to give each its own entry.
	n = NewIntegrationPage{page, hub.ID}.Pick(t, "Web chat")
	must(t, n.Name().Fill("Too many"))
	_, err = n.Field("allowedOrigins", 0).Evaluate(`el => {
		const dt = new DataTransfer();
		dt.setData("text/plain", Array.from({length: 52}, (_, i) => "o" + (i + 1) + ".example.com").join("\n"));
		el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	}`, nil)
	must(t, err)
	must(t, expect.Locator(page.Locator(`[name="cfg.allowedOrigins"]`)).ToHaveCount(50))
	must(t, expect.Locator(n.Field("allowedOrigins", 49)).ToHaveValue("o50.example.com, o51.example.com, o52.example.com"))
	must(t, expect.Locator(n.Button("Add allowed origin")).ToBeDisabled())
	n.Submit(t)
	must(t, expect.Locator(page.Locator(`[data-field="cfg.allowedOrigins"] .field-error`)).ToContainText("give each origin its own entry"))

	n = NewIntegrationPage{page, hub.ID}.Pick(t, "Web chat")
	must(t, n.Name().Fill("Typed"))
	must(t, n.Field("allowedOrigins", 0).Fill("a.example.com, b.example.com"))
	n.Submit(t)
	must(t, expect.Locator(page.Locator(`[data-field="cfg.allowedOrigins"] .field-error`)).ToContainText("give each origin its own entry"))
}
