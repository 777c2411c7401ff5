package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"hubadmin/db"
)

// seedIntegration creates an integration through the REST API and returns its id.
func (s *Server) seedIntegration(t *testing.T, token string, hub db.Hub, name, channel string) string {
	t.Helper()
	configs := map[string]string{
		"WebChat": `{"allowedOrigins":["example.com"]}`,
		"System":  `{"webhookUrl":"https://example.com/hook","events":["message"]}`,
		"Direct":  `{"integrationType":"Agent"}`,
	}
	status, body := s.api(t, token, http.MethodPost, "/api/v1/integrations/hubs/"+hub.ID,
		fmt.Sprintf(`{"channelId":%q,"name":%q,"configuration":%s}`, channel, name, configs[channel]))
	if status != http.StatusOK {
		t.Fatalf("seed %s: %d %s", name, status, body)
	}
	var out struct{ IntegrationID string }
	must(t, json.Unmarshal([]byte(body), &out))
	return out.IntegrationID
}

// HubPage is a hub's integrations list.
type HubPage struct{ page playwright.Page }

func (h HubPage) rows() playwright.Locator { return h.page.GetByTestId("integration-row") }

func (h HubPage) row(name string) playwright.Locator {
	return h.rows().Filter(playwright.LocatorFilterOptions{Has: h.page.GetByRole("link", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})})
}

func (h HubPage) button(t *testing.T, label string) playwright.Locator {
	return h.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: label, Exact: playwright.Bool(true)})
}

func (h HubPage) toast(t *testing.T, text string) {
	t.Helper()
	must(t, expect.Locator(h.page.Locator("#toasts .toast").Filter(playwright.LocatorFilterOptions{HasText: text})).ToBeVisible())
}

// markDocument tags the current document, to tell later whether the page
// was reloaded.
func markDocument(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Evaluate(`() => { document.documentElement.dataset.e2eMark = "1" }`)
	must(t, err)
}

func sameDocument(t *testing.T, page playwright.Page) {
	t.Helper()
	v, err := page.Evaluate(`() => document.documentElement.dataset.e2eMark || ""`)
	must(t, err)
	if v != "1" {
		t.Fatal("the page navigated; it should have changed in place")
	}
}

func TestHubCreate(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No hubs yet"))
	shot(t, page, "hubs-empty")
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create hub"}).Click())
	atPath(t, page, "/hubs/new")

	// A bad form comes back with its errors and what was typed.
	must(t, page.GetByLabel("Description").Fill("Front-line support"))
	must(t, page.GetByLabel("Close dormant conversations after").Fill("0"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create hub"}).Click())
	must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveText("Enter a name."))
	must(t, expect.Locator(page.Locator("#f-closeDormantConversation-error")).ToContainText("1 to 3650"))
	must(t, expect.Locator(page.GetByLabel("Description")).ToHaveValue("Front-line support"))
	shot(t, page, "hub-form-errors")

	must(t, page.GetByLabel("Name").Fill("Support"))
	must(t, page.GetByLabel("Close dormant conversations after").Fill("14"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create hub"}).Click())
	must(t, expect.Locator(page.GetByTestId("hub-name")).ToHaveText("Support"))
	HubPage{page}.toast(t, "Hub “Support” created")
	must(t, expect.Locator(page.Locator(".hub-meta")).ToContainText("close after 14 days"))
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No integrations yet"))
	shot(t, page, "hub-empty")

	_, err := page.Goto("/hubs")
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("hub-row")).ToHaveCount(1))
	must(t, expect.Locator(page.GetByTestId("hub-row")).ToContainText("Front-line support"))
}

// TestHubDaysMistyped: a mistyped number of days is an error next to the
// field, with what was typed, and the hub keeps its setting; a number box
// sent "3-0" as empty, which cleared the setting without a word.
func TestHubDaysMistyped(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "admin")
	days := page.GetByLabel("Close dormant conversations after")
	save := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save hub"})
	_, err := page.Goto("/hubs/" + hub.ID + "/edit")
	must(t, err)
	must(t, days.Fill("30"))
	must(t, save.Click())
	must(t, expect.Locator(page.Locator(".hub-meta")).ToContainText("close after 30 days"))

	_, err = page.Goto("/hubs/" + hub.ID + "/edit")
	must(t, err)
	must(t, days.Clear())
	must(t, days.PressSequentially("3-0"))
	must(t, save.Click())
	must(t, expect.Locator(page.Locator("#f-closeDormantConversation-error")).ToContainText("whole number of days"))
	must(t, expect.Locator(days).ToHaveValue("3-0"))
	shot(t, page, "hub-days-mistyped")
	_, err = page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, expect.Locator(page.Locator(".hub-meta")).ToContainText("close after 30 days"))
}

func TestHubIntegrationPauseResumeInRow(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	s.seedIntegration(t, tok, hub, "Website chat", "WebChat")
	s.seedIntegration(t, tok, hub, "Audit hook", "System")
	page := s.signedIn(t, "editor")
	hp := HubPage{page}
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	row := hp.row("Website chat")
	must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Active"))
	markDocument(t, page)

	must(t, hp.button(t, "Pause Website chat").Click())
	must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Paused"))
	hp.toast(t, "Integration “Website chat” paused")
	sameDocument(t, page)
	// Keyboard: the fresh row's Resume button is reachable and works.
	must(t, hp.button(t, "Resume Website chat").Focus())
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Active"))
	must(t, hp.button(t, "Pause Website chat").Click())
	must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Paused"))
	sameDocument(t, page)

	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(hp.row("Website chat").GetByTestId("status")).ToHaveText("Paused"))
	must(t, expect.Locator(hp.row("Audit hook").GetByTestId("status")).ToHaveText("Active"))
}

// TestHubRowActionsKeepFocus: a keyboard user who pauses, resumes or
// deletes an integration in a hub's table keeps their place. The swap takes
// the pressed button away, and focus fell to <body>: now Pause and Resume
// hand it to the row's new Resume or Pause button, and a deleted row's
// neighbour takes it (the row below, else the one above, else the empty
// table's call to action).
func TestHubRowActionsKeepFocus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	ids := map[string]string{}
	for _, name := range []string{"Alpha chat", "Beta chat", "Gamma chat", "Delta chat"} {
		ids[name] = s.seedIntegration(t, tok, hub, name, "WebChat")
	}
	page := s.signedIn(t, "editor")
	page.OnDialog(func(d playwright.Dialog) { d.Accept() })
	hp := HubPage{page}
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, expect.Locator(hp.rows()).ToHaveCount(4))
	names, err := hp.rows().Locator("td:first-child a").AllTextContents()
	must(t, err)
	press := func(label string) {
		t.Helper()
		must(t, hp.button(t, label).Focus())
		must(t, page.Keyboard().Press("Enter"))
	}
	focused := func(l playwright.Locator) {
		t.Helper()
		must(t, expect.Locator(l).ToBeFocused())
	}

	press("Pause " + names[0])
	must(t, expect.Locator(hp.row(names[0]).GetByTestId("status")).ToHaveText("Paused"))
	focused(hp.button(t, "Resume "+names[0]))
	must(t, page.Keyboard().Press("Enter"))
	must(t, expect.Locator(hp.row(names[0]).GetByTestId("status")).ToHaveText("Active"))
	focused(hp.button(t, "Pause "+names[0]))
	shot(t, page, "hub-row-focus-resumed")

	// A deleted row's place goes to the row below it, or for the last
	// row to the one above.
	press("Delete " + names[1])
	must(t, expect.Locator(hp.row(names[1])).ToHaveCount(0))
	focused(hp.button(t, "Pause "+names[2]))
	press("Delete " + names[3])
	must(t, expect.Locator(hp.row(names[3])).ToHaveCount(0))
	focused(hp.button(t, "Pause "+names[2]))

	// A row deleted elsewhere just goes away: the same rule.
	if status, body := s.api(t, tok, http.MethodDelete, "/api/v1/integrations/"+ids[names[2]], ""); status != http.StatusOK && status != http.StatusNoContent {
		t.Fatalf("delete %s: %d %s", names[2], status, body)
	}
	press("Pause " + names[2])
	hp.toast(t, "no longer exists")
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
	focused(hp.button(t, "Pause "+names[0]))

	// The last one: the empty table's call to action.
	press("Delete " + names[0])
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No integrations yet"))
	focused(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add your first integration"}))
	shot(t, page, "hub-row-focus-empty")
}

// Without JavaScript the row buttons submit the table's one form to their
// own formaction, with its CSRF field, and the server brings the browser
// back to the hub page.
func TestHubIntegrationRowActionsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	s.seedIntegration(t, tok, hub, "Website chat", "WebChat")
	s.seedIntegration(t, tok, hub, "Audit hook", "System")
	page := s.signedIn(t, "editor", PageOptions{NoJS: true})
	hp := HubPage{page}
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)

	must(t, hp.button(t, "Pause Website chat").Click())
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(hp.row("Website chat").GetByTestId("status")).ToHaveText("Paused"))
	must(t, expect.Locator(hp.row("Audit hook").GetByTestId("status")).ToHaveText("Active"))
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("Integration “Website chat” paused"))

	must(t, hp.button(t, "Resume Website chat").Click())
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(hp.row("Website chat").GetByTestId("status")).ToHaveText("Active"))

	// A row action on a filtered list comes back to the same filter.
	_, err = page.Goto("/hubs/" + hub.ID + "?q=website")
	must(t, err)
	must(t, hp.button(t, "Pause Website chat").Click())
	atPath(t, page, "/hubs/"+hub.ID+"?q=website")
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
	must(t, hp.button(t, "Resume Website chat").Click())
	atPath(t, page, "/hubs/"+hub.ID+"?q=website")
	_, err = page.Goto("/hubs/" + hub.ID)
	must(t, err)

	// No dialog without JavaScript: a page asks again before deleting.
	must(t, hp.button(t, "Delete Audit hook").Click())
	confirm := page.GetByTestId("confirm-form")
	must(t, expect.Locator(confirm).ToContainText("Delete the integration “Audit hook”?"))
	must(t, confirm.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Cancel"}).Click())
	must(t, expect.Locator(page.GetByTestId("integration-name")).ToContainText("Audit hook"))
	_, err = page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, hp.button(t, "Delete Audit hook").Click())
	must(t, confirm.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Delete integration"}).Click())
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(hp.row("Audit hook")).ToHaveCount(0))
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
}

func TestHubFiltersNarrowAndSurviveReload(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	for _, in := range [][2]string{{"Website chat", "WebChat"}, {"Shop chat", "WebChat"}, {"Audit hook", "System"}, {"Agent bot", "Direct"}} {
		s.seedIntegration(t, tok, hub, in[0], in[1])
	}
	page := s.signedIn(t, "viewer")
	hp := HubPage{page}
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, expect.Locator(hp.rows()).ToHaveCount(4))
	markDocument(t, page)

	_, err = page.GetByLabel("Channel").SelectOption(playwright.SelectOptionValues{Values: &[]string{"WebChat"}})
	must(t, err)
	must(t, expect.Locator(hp.rows()).ToHaveCount(2))
	// The address bar holds the filters in force, not the empty ones
	// (statusId=&q=) the form sends too.
	atPath(t, page, "/hubs/"+hub.ID+"?channelId=WebChat")

	must(t, page.GetByLabel("Search by name").PressSequentially("shop"))
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
	must(t, expect.Locator(hp.rows()).ToContainText("Shop chat"))
	atPath(t, page, "/hubs/"+hub.ID+"?channelId=WebChat&q=shop")
	_, err = page.GetByLabel("Channel").SelectOption(playwright.SelectOptionValues{Values: &[]string{""}})
	must(t, err)
	atPath(t, page, "/hubs/"+hub.ID+"?q=shop")
	_, err = page.GetByLabel("Channel").SelectOption(playwright.SelectOptionValues{Values: &[]string{"WebChat"}})
	must(t, err)
	atPath(t, page, "/hubs/"+hub.ID+"?channelId=WebChat&q=shop")
	sameDocument(t, page)

	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
	must(t, expect.Locator(page.GetByLabel("Search by name")).ToHaveValue("shop"))
	must(t, expect.Locator(page.GetByLabel("Channel")).ToHaveValue("WebChat"))

	// An integration opened from the filtered list leads back to it.
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Shop chat", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/integrations/[0-9a-f-]+$`)))
	must(t, page.GetByRole("navigation", playwright.PageGetByRoleOptions{Name: "Breadcrumb"}).GetByRole("link").Click())
	atPath(t, page, "/hubs/"+hub.ID+"?channelId=WebChat&q=shop")
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))

	_, err = page.GetByLabel("Status").SelectOption(playwright.SelectOptionValues{Values: &[]string{"paused"}})
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No integrations match"))
	shot(t, page, "hub-no-match")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Clear filters"}).Click())
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(hp.rows()).ToHaveCount(4))
}

func TestDeleteIntegrationThenHub(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support EU")
	tok := s.token(t, "write")
	s.seedIntegration(t, tok, hub, "Website chat", "WebChat")
	s.seedIntegration(t, tok, hub, "Audit hook", "System")
	page := s.signedIn(t, "admin")
	hp := HubPage{page}
	var asked string
	page.OnDialog(func(d playwright.Dialog) {
		asked = d.Message()
		must(t, d.Accept())
	})
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, hp.button(t, "Delete Website chat").Click())
	must(t, expect.Locator(hp.row("Website chat")).ToHaveCount(0))
	hp.toast(t, "Integration “Website chat” deleted")
	if !regexp.MustCompile(`Delete the integration “Website chat”\?`).MatchString(asked) {
		t.Errorf("confirmation said %q", asked)
	}
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))
	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(hp.rows()).ToHaveCount(1))

	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Delete", Exact: playwright.Bool(true)}).Click())
	atPath(t, page, "/hubs/"+hub.ID+"/delete")
	must(t, expect.Locator(page.GetByTestId("hub-delete-form")).ToContainText("with its one integration"))
	del := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Delete this hub"})
	field := page.GetByLabel("to confirm")
	// A name that does not match (Enter, as a keyboard user sends it): the
	// form comes back saying so, the caret in the field, the hub kept.
	must(t, field.Fill("support eu"))
	must(t, field.Press("Enter"))
	must(t, expect.Locator(page.Locator("#f-confirm-error")).ToContainText("exactly as shown"))
	must(t, expect.Locator(field).ToBeFocused())
	must(t, expect.Locator(field).ToHaveValue("support eu"))
	shot(t, page, "hub-delete")
	if _, err := s.DB.Hub(context.Background(), hub.ID); err != nil {
		t.Fatalf("a name that did not match deleted the hub: %v", err)
	}
	must(t, field.Fill("Support EU"))
	must(t, del.Click())
	atPath(t, page, "/hubs")
	hp.toast(t, "Hub “Support EU” and its integration deleted")
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToBeVisible())
}

// TestHubPagesScreenshots renders the pages wide, narrow and dark for review,
// and checks nothing sticks out of a phone's width.
func TestHubPagesScreenshots(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Customer support")
	s.hub(t, "Sales")
	tok := s.token(t, "write")
	for _, in := range [][2]string{{"Website chat", "WebChat"}, {"Audit hook", "System"}, {"Agent bot", "Direct"}} {
		s.seedIntegration(t, tok, hub, in[0], in[1])
	}
	for _, o := range []struct {
		name string
		opt  PageOptions
	}{{"wide", PageOptions{Width: Wide}}, {"narrow", PageOptions{Width: Narrow}}, {"dark", PageOptions{Width: Wide, Dark: true}}} {
		page := s.signedIn(t, "admin", o.opt)
		for _, p := range []struct{ name, path string }{
			{"hubs", "/hubs"}, {"hub", "/hubs/" + hub.ID}, {"hub-edit", "/hubs/" + hub.ID + "/edit"},
		} {
			_, err := page.Goto(p.path)
			must(t, err)
			shot(t, page, p.name+"-"+o.name)
			if o.opt.Width == Narrow {
				noOverflow(t, page)
			}
		}
	}
}

// TestLongValuesDoNotWidenPages: a name or a welcome message without
// spaces wraps; it does not push a hub page's status and actions out of
// view on a desktop, nor make any page scroll sideways on a phone.
func TestLongValuesDoNotWidenPages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	long := strings.Repeat("x", 100) // names are at most 100 characters
	team := s.hub(t, "Team_"+strings.Repeat("y", 95))
	chat := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"`+long+`","configuration":{"allowedOrigins":["a.com"]}}`)
	gone := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"`+strings.Repeat("z", 100)+`","configuration":{"allowedOrigins":["a.com"]}}`)
	if status, _ := s.api(t, s.token(t, "write"), "DELETE", "/api/v1/integrations/"+gone, ""); status != 200 {
		t.Fatalf("delete: %d", status)
	}
	bot := s.apiIntegration(t, hub.ID, `{"channelId":"Direct","name":"Bot","configuration":{"integrationType":"Agent","webhookUrl":"https://example.com/hook","start":[{"type":"text","text":"Track it at https://shop.example.com/orders/track?utm_source=hubster&utm_medium=chat&utm_campaign=welcome_message_2026_q4_long"}]}}`)

	wide := s.signedIn(t, "editor")
	_, err := wide.Goto("/hubs/" + hub.ID)
	must(t, err)
	right, err := wide.Locator("thead th").Last().Evaluate(`th => th.getBoundingClientRect().right`, nil)
	must(t, err)
	if r := number(t, right); r > Wide {
		t.Errorf("the actions column ends at x=%.0f, beyond the %d px window", r, Wide)
	}

	// A long detail (a delivery error with a URL) stays on readable lines:
	// its column is not squeezed to a few letters by the others.
	_, err = s.DB.CreateHub(context.Background(), db.Hub{TenantID: db.DefaultTenantID, Name: "Audited"},
		db.Audit{Actor: "user:editor@example.com", Action: "hub.create", Detail: "attempt 1 to https://example.com/hubster/hook: failed: could not resolve example.com: no such host"})
	must(t, err)
	_, err = wide.Goto("/activity")
	must(t, err)
	width, err := wide.Locator(".activity-detail").First().Evaluate(`d => d.getBoundingClientRect().width`, nil)
	must(t, err)
	if w := number(t, width); w < 200 {
		t.Errorf("the activity detail column is %.0f px wide at %d px", w, Wide)
	}
	// Long names (a deleted integration's, in the log) wrap in their column.
	tableFits(t, wide.GetByTestId("activity"))
	for _, path := range []string{"/integrations/" + chat + "/edit", "/hubs/" + team.ID + "/delete", "/hubs/" + team.ID + "/edit"} {
		_, err := wide.Goto(path)
		must(t, err)
		noOverflow(t, wide)
	}

	// "in" stays with the hub it names when the subtitle wraps.
	north := s.hub(t, "Customer support for the northern region's retail stores, warehouses and online shop")
	teamChat := s.apiIntegration(t, north.ID, `{"channelId":"WebChat","name":"Team chat","configuration":{"allowedOrigins":["a.com"]}}`)
	for _, width := range []int{Narrow, 1024} {
		page := s.signedIn(t, "editor", PageOptions{Width: width})
		_, err := page.Goto("/integrations/" + teamChat + "/edit")
		must(t, err)
		apart, err := page.Locator(".page-header .subtitle a").Evaluate(`a => {
			const r = document.createRange(), p = a.previousSibling;
			r.setStart(p, p.textContent.indexOf("in")); r.setEnd(p, p.textContent.indexOf("in") + 2);
			return Math.abs(r.getBoundingClientRect().top - a.getClientRects()[0].top) > 2;
		}`, nil)
		must(t, err)
		if apart == true {
			t.Errorf("edit page at %d px: the subtitle's \"in\" and its hub stand on different lines", width)
		}
	}

	narrow := s.signedIn(t, "editor", PageOptions{Width: Narrow})
	for _, path := range []string{"/hubs", "/hubs/" + hub.ID, "/integrations/" + bot, "/activity",
		"/integrations/" + chat, "/integrations/" + chat + "/edit", "/hubs/" + team.ID + "/delete"} {
		_, err := narrow.Goto(path)
		must(t, err)
		noOverflow(t, narrow)
		// The way back is one line, however long the name it names (the
		// heading under it shows the name whole).
		if n, _ := narrow.Locator(".breadcrumb a").Count(); n == 1 {
			lines, err := narrow.Locator(".breadcrumb a").Evaluate(`a => { const r = document.createRange();
				r.selectNodeContents([...a.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()) || a.lastElementChild);
				return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; }`, nil)
			must(t, err)
			if l := number(t, lines); l != 1 {
				t.Errorf("%s at %d px: the breadcrumb takes %.0f lines", path, Narrow, l)
			}
		}
	}
}

// On page 2 of the hubs list, Pause and Resume change the row in place:
// the page stays, and the keyboard's focus goes to the row's new button
// (as on a hub page's integration rows). Delete asks for the name on a page
// of its own, its field focused, and comes back to page 2. The row's
// three buttons stand equally apart.
func TestHubListPage2KeepsItsPlace(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for i := range 52 {
		s.hub(t, fmt.Sprintf("Hub %02d", i))
	}
	tok := s.token(t, "write")
	hub := s.hub(t, "Zeta support")
	s.seedIntegration(t, tok, hub, "Site chat", "WebChat")
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}} {
		page := s.signedIn(t, "editor", o)
		_, err := page.Goto("/hubs?page=2")
		must(t, err)
		rows := page.GetByTestId("hub-row")
		must(t, expect.Locator(rows).ToHaveCount(3))
		row := rows.Filter(playwright.LocatorFilterOptions{HasText: "Zeta support"})
		// Counts read as counts, not as a second status pill.
		must(t, expect.Locator(row.Locator("td.counts")).ToHaveText("1 active · 0 paused"))
		must(t, expect.Locator(row.Locator("td.counts .pill")).ToHaveCount(0))
		gaps, err := row.Locator("td.actions").Evaluate(`td => {
			const [edit, pause, del] = td.querySelectorAll("a[role=button], button");
			const r = el => el.getBoundingClientRect();
			return [r(pause).left - r(edit).right, r(del).left - r(pause).right];
		}`, nil)
		must(t, err)
		if g := gaps.([]any); number(t, g[0]) < 3 || number(t, g[0]) != number(t, g[1]) {
			t.Errorf("at %s the row's buttons stand %v and %v px apart", o.suffix(), g[0], g[1])
		}
		shot(t, page, "hubs-page2-"+o.suffix())
		markDocument(t, page)

		button := func(label string) playwright.Locator {
			return page.GetByRole("button", playwright.PageGetByRoleOptions{Name: label, Exact: playwright.Bool(true)})
		}
		must(t, button("Pause Zeta support").Focus())
		must(t, page.Keyboard().Press("Enter"))
		must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Paused"))
		must(t, expect.Locator(button("Resume Zeta support")).ToBeFocused())
		must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Hub “Zeta support” paused"))
		shot(t, page, "hubs-page2-paused-"+o.suffix())
		must(t, page.Keyboard().Press("Enter"))
		must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Active"))
		must(t, expect.Locator(button("Pause Zeta support")).ToBeFocused())
		must(t, expect.Locator(row.Locator("td.counts")).ToHaveText("1 active · 0 paused"))
		atPath(t, page, "/hubs?page=2")
		sameDocument(t, page)
	}

	page := s.signedIn(t, "editor")
	_, err := page.Goto("/hubs?page=2")
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Delete Hub 51"}).Click())
	confirm := page.GetByLabel("Type Hub 51 to confirm")
	must(t, expect.Locator(confirm).ToBeFocused())
	shot(t, page, "hub-delete-focused")
	must(t, page.Keyboard().Type("Hub 51"))
	must(t, page.Keyboard().Press("Enter"))
	atPath(t, page, "/hubs?page=2")
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Hub “Hub 51” deleted"))
	must(t, expect.Locator(page.GetByTestId("hub-row")).ToHaveCount(2))
	// The keyboard is on the row now in the deleted one's place.
	must(t, expect.Locator(page.Locator(`#hub-list [data-testid="hub-row"] a[aria-label^="Edit "][autofocus]`)).ToBeFocused())
}

// The hubs list's search box narrows the list as one types, without a
// reload, and puts the search in the address bar; Back restores the
// earlier search; a row's Pause stays on the searched list, and Delete
// comes back to it. Without JavaScript it is a plain GET form.
func TestHubListSearch(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := s.token(t, "write")
	for _, name := range []string{"Support EU", "Sales", "Support US", "Marketing", "Billing"} {
		hub := s.hub(t, name)
		if name == "Support US" {
			s.seedIntegration(t, tok, hub, "Site chat", "WebChat")
		}
	}
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}} {
		page := s.signedIn(t, "editor", o)
		rows := page.GetByTestId("hub-row")
		search := page.GetByRole("searchbox", playwright.PageGetByRoleOptions{Name: "Search by name"})
		must(t, expect.Locator(rows).ToHaveCount(5))
		markDocument(t, page)

		must(t, search.PressSequentially("SUPP"))
		must(t, expect.Locator(rows).ToHaveCount(2))
		atPath(t, page, "/hubs?q=SUPP")
		must(t, expect.Locator(page.Locator(".pager")).ToContainText("2 hubs"))
		must(t, expect.Locator(search).ToBeFocused())
		sameDocument(t, page)
		shot(t, page, "hubs-search-"+o.suffix())
		if o.Width == Narrow {
			noOverflow(t, page)
		}

		must(t, search.Fill("nothing like this"))
		must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No hub matches"))
		atPath(t, page, "/hubs?q=nothing+like+this")
		must(t, expect.Locator(page.GetByTestId("new-hub")).ToBeVisible())
		shot(t, page, "hubs-no-match-"+o.suffix())
		if o.Width == Narrow {
			// A long search without spaces wraps in the empty state.
			_, err := page.Goto("/hubs?q=" + strings.Repeat("x", 120))
			must(t, err)
			must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No hub matches"))
			noOverflow(t, page)
			shot(t, page, "hubs-no-match-long-"+o.suffix())
			_, err = page.GoBack()
			must(t, err)
			atPath(t, page, "/hubs?q=nothing+like+this")
		}

		// Back: the previous search, its box and its rows.
		_, err := page.GoBack()
		must(t, err)
		atPath(t, page, "/hubs?q=SUPP")
		must(t, expect.Locator(rows).ToHaveCount(2))
		must(t, expect.Locator(search).ToHaveValue("SUPP"))
		_, err = page.GoForward()
		must(t, err)
		atPath(t, page, "/hubs?q=nothing+like+this")
		must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No hub matches"))
		_, err = page.GoBack()
		must(t, err)
		must(t, expect.Locator(rows).ToHaveCount(2))

		// A row action on the searched list stays on it.
		markDocument(t, page)
		row := rows.Filter(playwright.LocatorFilterOptions{HasText: "Support US"})
		pause := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Pause Support US", Exact: playwright.Bool(true)})
		must(t, pause.Click())
		must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Paused"))
		must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Hub “Support US” paused"))
		must(t, expect.Locator(rows).ToHaveCount(2))
		atPath(t, page, "/hubs?q=SUPP")
		sameDocument(t, page)
		must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Resume Support US", Exact: playwright.Bool(true)}).Click())
		must(t, expect.Locator(row.GetByTestId("status")).ToHaveText("Active"))
		must(t, expect.Locator(row.Locator("td.counts")).ToHaveText("1 active · 0 paused"))

		// Emptying the box shows every hub again, at /hubs.
		must(t, search.Fill(""))
		must(t, expect.Locator(rows).ToHaveCount(5))
		atPath(t, page, "/hubs")
	}

	// Typing with pauses makes one history entry: each pause's result
	// takes the place of the one before (it made one entry each), so Back
	// leaves the search; a new query is an entry of its own.
	page := s.signedIn(t, "editor")
	rows := page.GetByTestId("hub-row")
	search := page.GetByRole("searchbox", playwright.PageGetByRoleOptions{Name: "Search by name"})
	for _, typed := range []string{"Su", "Supp", "Support"} {
		must(t, search.Fill(typed))
		atPath(t, page, "/hubs?q="+typed)
	}
	must(t, expect.Locator(rows).ToHaveCount(2))
	must(t, search.PressSequentially(" U"))
	atPath(t, page, "/hubs?q=Support+U")
	must(t, expect.Locator(rows).ToHaveCount(1))
	must(t, search.Fill("Sales"))
	atPath(t, page, "/hubs?q=Sales")
	_, err := page.GoBack()
	must(t, err)
	atPath(t, page, "/hubs?q=Support+U")
	must(t, expect.Locator(search).ToHaveValue("Support U"))
	_, err = page.GoBack()
	must(t, err)
	atPath(t, page, "/hubs")
	must(t, expect.Locator(rows).ToHaveCount(5))

	// Delete from the searched list: through its page, back to the search.
	_, err = page.Goto("/hubs?q=supp")
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Delete Support EU"}).Click())
	must(t, expect.Locator(page.GetByLabel("Type Support EU to confirm")).ToBeFocused())
	must(t, page.Keyboard().Type("Support EU"))
	must(t, page.Keyboard().Press("Enter"))
	atPath(t, page, "/hubs?q=supp")
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Hub “Support EU” deleted"))
	must(t, expect.Locator(page.GetByTestId("hub-row")).ToHaveCount(1))
	must(t, expect.Locator(page.GetByLabel("Search by name")).ToHaveValue("supp"))

	// Without JavaScript: Enter submits the search; the URL has no empty q=.
	plain := s.signedIn(t, "viewer", PageOptions{Width: Narrow, NoJS: true})
	must(t, plain.GetByLabel("Search by name").Fill("sales"))
	must(t, plain.GetByLabel("Search by name").Press("Enter"))
	atPath(t, plain, "/hubs?q=sales")
	must(t, expect.Locator(plain.GetByTestId("hub-row")).ToHaveCount(1))
	must(t, plain.GetByLabel("Search by name").Fill(""))
	must(t, plain.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	atPath(t, plain, "/hubs")
	must(t, expect.Locator(plain.GetByTestId("hub-row")).ToHaveCount(4))
}

// The hubs list narrows to paused (or active) hubs, with the search, and
// the address follows; a row resumed there leaves the list on reload.
func TestHubListStatusFilter(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, name := range []string{"Support EU", "Sales", "Support US", "Marketing"} {
		hub := s.hub(t, name)
		if name != "Support EU" && name != "Marketing" {
			hub.StatusID = db.HubPaused
			if _, err := s.DB.UpdateHub(context.Background(), hub, db.Audit{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow, Dark: true}} {
		page := s.signedIn(t, "editor", o)
		rows := page.GetByTestId("hub-row")
		status := page.GetByRole("combobox", playwright.PageGetByRoleOptions{Name: "Status"})
		must(t, expect.Locator(rows).ToHaveCount(4))
		markDocument(t, page)
		_, err := status.SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Paused"}})
		must(t, err)
		must(t, expect.Locator(rows).ToHaveCount(2))
		atPath(t, page, "/hubs?statusId=paused")
		must(t, expect.Locator(page.Locator(".pager")).ToContainText("2 hubs"))
		sameDocument(t, page)
		must(t, page.GetByRole("searchbox", playwright.PageGetByRoleOptions{Name: "Search by name"}).PressSequentially("sup"))
		must(t, expect.Locator(rows).ToHaveCount(1))
		must(t, expect.Locator(rows).ToContainText("Support US"))
		atPath(t, page, "/hubs?statusId=paused&q=sup")
		shot(t, page, "hubs-paused-"+o.suffix())
		if o.Width == Narrow {
			noOverflow(t, page)
		}
		_, err = status.SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Active"}})
		must(t, err)
		must(t, expect.Locator(rows).ToHaveCount(1))
		must(t, expect.Locator(rows).ToContainText("Support EU"))
		_, err = page.GoBack()
		must(t, err)
		must(t, expect.Locator(status).ToHaveValue("paused"))
		must(t, expect.Locator(rows).ToHaveCount(1))
		if o.Width == Narrow { // last: it changes the data
			// Resumed from the paused list: the row says so; a reload drops it.
			must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Resume Support US", Exact: playwright.Bool(true)}).Click())
			must(t, expect.Locator(rows.GetByTestId("status")).ToHaveText("Active"))
			_, err = page.Reload()
			must(t, err)
			must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("No paused hub's name contains “sup”"))
			must(t, page.GetByTestId("clear-filters").Click())
			atPath(t, page, "/hubs")
			must(t, expect.Locator(rows).ToHaveCount(4))
		}
	}
}

// coveredByToasts reports how many toasts are shown and how many of the
// page's buttons and links (in main and the sidebar) they cover.
func coveredByToasts(t *testing.T, page playwright.Page) (shown, covered int) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const toasts = [...document.querySelectorAll("#toasts .toast")].filter(el => el.checkVisibility()).map(el => el.getBoundingClientRect());
		const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		const controls = [...document.querySelectorAll("main button, main a, .sidebar button, .sidebar a")].filter(el => el.checkVisibility()).map(el => el.getBoundingClientRect());
		return toasts.length + " " + controls.filter(c => toasts.some(t => hit(t, c))).length;
	}`)
	must(t, err)
	if _, err := fmt.Sscan(v.(string), &shown, &covered); err != nil {
		t.Fatal(err)
	}
	return shown, covered
}

// Toasts must not stand over the buttons an operator clicks next: pausing
// rows one after another at the bottom of the window (they were bottom
// right, over the rows' Pause and Delete buttons), nor over the sidebar's
// Sign out and Change password (they were, at its bottom).
func TestToastsLeaveRowButtonsClear(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	for i := range 24 {
		s.seedIntegration(t, tok, hub, fmt.Sprintf("Chat %02d", i+1), "WebChat")
	}
	t.Run("wide", func(t *testing.T) {
		page := s.signedIn(t, "editor")
		hp := HubPage{page}
		_, err := page.Goto("/hubs/" + hub.ID)
		must(t, err)
		// The 14th row sits at the bottom of a 900 px window.
		must(t, hp.button(t, "Pause Chat 14").ScrollIntoViewIfNeeded())
		for _, name := range []string{"Chat 14", "Chat 15", "Chat 16", "Chat 17"} {
			// A short timeout: a covered button would make the click wait.
			must(t, hp.button(t, "Pause "+name).Click(playwright.LocatorClickOptions{Timeout: playwright.Float(3000)}))
			must(t, expect.Locator(hp.row(name).GetByTestId("status")).ToHaveText("Paused"))
		}
		hp.toast(t, "Integration “Chat 17” paused")
		shown, covered := coveredByToasts(t, page)
		shot(t, page, "toasts-wide")
		if shown != 3 || covered != 0 {
			t.Errorf("after four pauses: %d toasts shown (want the newest 3), covering %d of the page's buttons and links (want 0)", shown, covered)
		}
	})
	t.Run("phone", func(t *testing.T) {
		page := s.signedIn(t, "editor", PageOptions{Width: Narrow})
		hp := HubPage{page}
		_, err := page.Goto("/hubs/" + hub.ID)
		must(t, err)
		last := hp.button(t, "Delete Chat 24")
		must(t, hp.button(t, "Pause Chat 24").Click())
		hp.toast(t, "Integration “Chat 24” paused")
		// Scrolled to the end, the last card's buttons clear the toast.
		_, err = page.Evaluate(`() => window.scrollTo(0, document.documentElement.scrollHeight)`)
		must(t, err)
		box, err := last.BoundingBox()
		must(t, err)
		toastBox, err := page.Locator("#toasts .toast").First().BoundingBox()
		must(t, err)
		if box.Y+box.Height > toastBox.Y {
			t.Errorf("scrolled to the end, the last card's Delete button (bottom %.0f px) is under the toast (top %.0f px)", box.Y+box.Height, toastBox.Y)
		}
	})
}

// TestWideScreenCentresThePage: at 1920 px the page's column sits in the
// middle of what the sidebar leaves, not against the sidebar with half
// the screen empty beside it.
func TestWideScreenCentresThePage(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	page := s.signedIn(t, "admin", PageOptions{Width: 1920})
	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	gaps, err := page.Evaluate(`() => {
		const side = document.querySelector(".sidebar").getBoundingClientRect();
		const main = document.querySelector("main.content").getBoundingClientRect();
		return [main.left - side.right, document.documentElement.clientWidth - main.right];
	}`)
	must(t, err)
	g := gaps.([]any)
	left, right := toFloat(g[0]), toFloat(g[1])
	if right < 100 || left-right > 2 || right-left > 2 {
		t.Errorf("the page's column at 1920 px: %.0f px after the sidebar, %.0f px before the edge", left, right)
	}
	shot(t, page, "hub-1920")
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
