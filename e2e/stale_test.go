package e2e

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestStaleEditKeepsBothChanges: in the browser, an edit form saved after
// someone else's save comes back merged (their origins, the name typed
// here with a note naming theirs, a banner listing what changed), passes
// axe, and saving it again keeps both people's changes.
func TestStaleEditKeepsBothChanges(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Desk")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.example.com"]}}`)
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	if code, out := s.api(t, s.token(t, "write"), "PUT", "/api/v1/integrations/"+id,
		`{"name":"Chat B","configuration":{"allowedOrigins":["b.example.com"]}}`); code != 200 {
		t.Fatalf("the other save: %d %s", code, out)
	}
	must(t, page.Locator(`input[name="name"]`).Fill("Chat A"))
	must(t, page.Locator(`form[data-testid="integration-form"] button[type="submit"]:not([data-default-submit]):not([data-list-add])`).Click())
	must(t, expect.Locator(page.GetByTestId("form-error")).ToContainText("Changed meanwhile: Name, Allowed origins."))
	must(t, expect.Locator(page.Locator(`input[name="cfg.allowedOrigins"]`).First()).ToHaveValue("b.example.com"))
	must(t, expect.Locator(page.Locator(`input[name="name"]`)).ToHaveValue("Chat A"))
	must(t, expect.Locator(page.Locator("#f-name-note")).ToContainText("“Chat B”"))
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe on the merged form: %+v", v)
	}
	shot(t, page, "integration-edit-stale")

	must(t, page.Locator(`form[data-testid="integration-form"] button[type="submit"]:not([data-default-submit]):not([data-list-add])`).Click())
	atPath(t, page, "/integrations/"+id)
	_, out := s.api(t, s.token(t, "read"), "GET", "/api/v1/integrations/"+id, "")
	if !strings.Contains(out, `"name":"Chat A"`) || !strings.Contains(out, `"allowedOrigins":["b.example.com"]`) {
		t.Fatalf("after saving the merged form: %s", out)
	}
}

// TestEditOfADeletedIntegrationCreatesItAgain: an edit form saved after
// someone else deleted the integration comes back as the hub's new form
// with what was typed and a banner saying nothing was saved; creating
// from it brings the integration back with the typed values.
func TestEditOfADeletedIntegrationCreatesItAgain(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Desk")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["a.example.com"]}}`)
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	if code, out := s.api(t, s.token(t, "write"), "DELETE", "/api/v1/integrations/"+id, ""); code != 200 {
		t.Fatalf("the other delete: %d %s", code, out)
	}
	must(t, page.Locator(`input[name="name"]`).Fill("Chat kept"))
	save := page.Locator(`form[data-testid="integration-form"] button[type="submit"]:not([data-default-submit]):not([data-list-add])`)
	must(t, save.Click())
	must(t, expect.Locator(page.GetByTestId("form-error")).ToContainText("deleted while you were editing it, so nothing was saved"))
	must(t, expect.Locator(page.Locator(`input[name="name"]`)).ToHaveValue("Chat kept"))
	must(t, expect.Locator(page.Locator(`input[name="cfg.allowedOrigins"]`).First()).ToHaveValue("a.example.com"))
	must(t, expect.Locator(save).ToHaveText("Create integration"))
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe on the form given back: %+v", v)
	}
	shot(t, page, "integration-edit-deleted")

	must(t, save.Click())
	must(t, expect.Locator(page.Locator("h1")).ToContainText("Chat kept"))
	_, out := s.api(t, s.token(t, "read"), "GET", "/api/v1/integrations?hubId="+hub.ID, "")
	if !strings.Contains(out, `"name":"Chat kept"`) || !strings.Contains(out, `"allowedOrigins":["a.example.com"]`) {
		t.Fatalf("after creating it again: %s", out)
	}
}

// TestEditOfADeletedSlackIntegrationLeadsBackToItsHub: a Slack
// integration is made by connecting, so its edit form saved after a
// delete says what happened and leads back to the hub, where Slack is
// connected again.
func TestEditOfADeletedSlackIntegrationLeadsBackToItsHub(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "editor")
	id := connectSlack(t, page, hub.ID, "Agents")
	_, err := page.Goto("/integrations/" + id + "/edit")
	must(t, err)
	if code, out := s.api(t, s.token(t, "write"), "DELETE", "/api/v1/integrations/"+id, ""); code != 200 {
		t.Fatalf("the other delete: %d %s", code, out)
	}
	must(t, page.Locator(`input[name="name"]`).Fill("Agents renamed"))
	must(t, page.Locator(`form[data-testid="integration-form"] button[type="submit"]:not([data-default-submit]):not([data-list-add])`).Click())
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Integration deleted"))
	must(t, expect.Locator(page.GetByTestId("error-page")).ToContainText("deleted while you were editing it, so nothing was saved"))
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe: %+v", v)
	}
	shot(t, page, "integration-edit-deleted-slack")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Back to hub “Support”"}).Click())
	must(t, expect.Locator(page.Locator("h1")).ToContainText("Support"))
}
