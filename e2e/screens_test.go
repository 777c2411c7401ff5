package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/playwright-community/playwright-go"

	"hubadmin/db"
)

// TestScreens visits every page of the dashboard at 1280 and 390 px, light
// and dark, saves a full-page screenshot of each (screens-<page>-<width>
// [-dark].png) for review, and fails if any page overflows its viewport,
// reports a console error or CSP violation, or breaks an axe-core rule of
// WCAG 2.2 A/AA or axe's best practices.
func TestScreens(t *testing.T) {
	t.Parallel()
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}, {Width: Wide, Dark: true}, {Width: Narrow, Dark: true}} {
		suffix := fmt.Sprintf("%d", o.Width)
		if o.Dark {
			suffix += "-dark"
		}
		t.Run(suffix, func(t *testing.T) {
			t.Parallel()
			screensOf(t, o, suffix)
		})
	}
}

// screenSeed is what screensOf seeds: ids of the pages to visit.
type screenSeed struct {
	support, load, empty                              string
	twilio, messenger, webchat, direct, system, slack string
}

// seedScreens fills a server with a realistic tenant: hubs with long names
// and descriptions, an integration of each channel, a paged hub, and a
// webhook with a failed and a successful delivery.
func (s *Server) seedScreens(t *testing.T) screenSeed {
	t.Helper()
	ctx := context.Background()
	tok := s.token(t, "write")
	post := func(path, body string) map[string]any {
		t.Helper()
		status, out := s.api(t, tok, http.MethodPost, path, body)
		if status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", path, status, out)
		}
		var v map[string]any
		must(t, json.Unmarshal([]byte(out), &v))
		return v
	}
	days := 30
	support, err := s.DB.CreateHub(ctx, db.Hub{TenantID: db.DefaultTenantID, Name: "Customer support",
		Description: "Every channel our customers reach us on: SMS, Messenger, the web chat on the shop, and the agents' Slack.", CloseDormantConversation: &days}, db.Audit{})
	must(t, err)
	paused, err := s.DB.CreateHub(ctx, db.Hub{TenantID: db.DefaultTenantID, Name: "Sales EMEA (paused while the team moves to the new CRM)", StatusID: db.HubPaused}, db.Audit{})
	must(t, err)
	_ = paused
	load := s.hub(t, "Load test")
	empty, err := s.DB.CreateHub(ctx, db.Hub{TenantID: db.DefaultTenantID, Name: "New hub without integrations",
		Description: "A_very_long_description_without_any_spaces_to_check_that_it_never_pushes_the_table_wider_than_the_screen_on_a_phone"}, db.Audit{})
	must(t, err)

	var fails atomic.Bool
	fails.Store(true)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fails.Load() {
			http.Error(w, `{"error":"database is down","retryAfter":30}`, http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)

	id := func(v map[string]any) string { return v["integrationId"].(string) }
	base := "/api/v1/integrations/hubs/" + support.ID
	var m screenSeed
	m.support, m.load, m.empty = support.ID, load.ID, empty.ID
	m.twilio = id(post(base, `{"channelId":"TwilioSMS","name":"Support SMS","configuration":{"accountSid":"AC1fc1c1722444b0c6313d3ae988b00000","authToken":"cb8c5367c3c4586ecb589e25570aaaaa","numberSid":"PN667435536f4d1cefdf054abf99aaaa00"}}`))
	m.messenger = id(post(base, `{"channelId":"Messenger","name":"Facebook page","configuration":{"pageAccessToken":"EAAFBmgAdBToBADCvmo5w10tmlh97uxhtorpi5Adrdo0wtwFfXfkNx"}}`))
	m.webchat = id(post(base, `{"channelId":"WebChat","name":"Shop chat","configuration":{"allowedOrigins":["www.example.com","https://shop.example.com:8443","localhost:3000"],"start":[{"type":"text","text":"Hello! How can we help you today? Our agents answer between 8:00 and 18:00 CET."}]}}`))
	m.direct = id(post(base, `{"channelId":"Direct","name":"Order bot","statusId":3002,"configuration":{"integrationType":"Agent","echo":true,"webhookUrl":"https://hooks.example.com/hubster/a-rather-long-path/that/keeps/going/on?and=query&token=abcdef0123456789"}}`))
	m.system = id(post(base, `{"channelId":"System","name":"Archive","configuration":{"webhookUrl":"`+rcv.URL+`/events","events":["message:customer","message:agent","message:bot"]}}`))
	nonce := post("/api/v1/integrations/slack/nonce", `{"hubId":"`+support.ID+`"}`)
	m.slack = id(post(base, `{"channelId":"Slack","name":"Agents' Slack","configuration":{"code":"abc","nonce":"`+nonce["nonce"].(string)+`"}}`))
	post("/api/v1/integrations/"+m.system+"/test", `{}`)
	fails.Store(false)
	post("/api/v1/integrations/"+m.system+"/test", `{}`)

	for i := 1; i <= 55; i++ {
		post("/api/v1/integrations/hubs/"+load.ID, fmt.Sprintf(`{"channelId":"WebChat","name":"Widget %02d","configuration":{"allowedOrigins":["w%d.example.com"]}}`, i, i))
	}
	return m
}

func screensOf(t *testing.T, o PageOptions, suffix string) {
	// Before anyone exists: setup; then the sign-in page with its error.
	fresh := newServer(t)
	page := fresh.newPage(t, o)
	visit := func(page playwright.Page, name, path string) {
		t.Helper()
		if path != "" {
			_, err := page.Goto(path)
			must(t, err)
		}
		must(t, page.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateNetworkidle}))
		// A full-page shot after a click that scrolled would show the
		// sticky sidebar half-way down.
		_, err := page.Evaluate(`() => window.scrollTo(0, 0)`)
		must(t, err)
		shot(t, page, "screens-"+name+"-"+suffix)
		overflowing(t, page)
		accessible(t, page, name)
	}
	visit(page, "setup-needs-link", "/setup")
	visit(page, "setup", fresh.SetupLink)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create administrator"}).Click())
	visit(page, "setup-errors", "")
	fresh.createUser(t, "someone@example.com", "admin")
	LoginPage{page}.Open(t).Submit(t, "someone@example.com", "wrong password")
	must(t, expect.Locator(page.GetByTestId("login-error")).ToBeVisible())
	visit(page, "login-error", "")
	page = fresh.signedIn(t, "admin", o)
	visit(page, "hubs-empty", "/hubs")

	s := newServer(t, AllowPrivateWebhooks)
	m := s.seedScreens(t)
	page = s.signedIn(t, "admin", o)
	visit(page, "hubs", "/hubs")
	visit(page, "hub", "/hubs/"+m.support)
	visit(page, "hub-empty", "/hubs/"+m.empty)
	visit(page, "hub-no-match", "/hubs/"+m.support+"?q=nothing+like+this")
	visit(page, "hub-paged", "/hubs/"+m.load+"?page=2")
	visit(page, "hub-new", "/hubs/new")
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create hub"}).Click())
	must(t, expect.Locator(page.Locator("#f-name-error")).ToBeVisible())
	visit(page, "hub-new-errors", "")
	visit(page, "hub-edit", "/hubs/"+m.support+"/edit")
	visit(page, "hub-delete", "/hubs/"+m.support+"/delete")
	visit(page, "integration-picker", "/hubs/"+m.support+"/integrations/new")
	for _, ch := range []string{"WebChat", "Direct", "System", "TwilioSMS", "Messenger"} {
		visit(page, "integration-new-"+strings.ToLower(ch), "/hubs/"+m.support+"/integrations/new/"+ch)
		must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create integration"}).Click())
		must(t, expect.Locator(page.GetByRole("alert").First()).ToBeVisible())
		visit(page, "integration-new-"+strings.ToLower(ch)+"-errors", "")
	}
	visit(page, "integration-new-slack", "/hubs/"+m.support+"/integrations/new/Slack")
	for name, id := range map[string]string{"twilio": m.twilio, "messenger": m.messenger, "webchat": m.webchat, "direct": m.direct, "slack": m.slack} {
		visit(page, "integration-"+name, "/integrations/"+id)
	}
	_, err := page.Goto("/integrations/" + m.system)
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("delivery")).ToHaveCount(2))
	must(t, page.GetByTestId("delivery").Last().GetByText("Response").Click())
	visit(page, "integration-system", "")
	visit(page, "integration-edit", "/integrations/"+m.webchat+"/edit")
	visit(page, "integration-edit-slack", "/integrations/"+m.slack+"/edit")

	visit(page, "tokens", "/tokens")
	must(t, page.Locator("#f-name").Fill("CI deploy"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create token"}).Click())
	must(t, expect.Locator(page.GetByTestId("new-token")).ToBeVisible())
	visit(page, "tokens-created", "")
	visit(page, "users", "/users")
	visit(page, "activity", "/activity")
	visit(page, "activity-no-match", "/activity?actor=nobody")
	visit(page, "api-docs", "/api-docs")

	viewer := s.signedIn(t, "viewer", o)
	visit(viewer, "hub-viewer", "/hubs/"+m.support)
	visit(viewer, "integration-viewer", "/integrations/"+m.twilio)

	visit(page, "not-found", "/integrations/8b2e1f4c-0000-4000-8000-000000000000")
	must(t, expect.Locator(page.GetByTestId("error-page")).ToContainText("Not found"))
	visit(viewer, "forbidden", "/tokens")
	must(t, expect.Locator(viewer.GetByTestId("error-page")).ToBeVisible())
}

// TestTablesFitAtEveryWidth visits every page with a table at page-column
// widths from a tablet's beside the sidebar to the widest: each table is a
// table from 961 px up and a list below, and either way every column and
// row button stays inside its box (no sideways scrolling that would hide
// Delete). Where there is room, a value reads whole (wholeOnOneLine); the
// API reference's index keeps each summary beside or under its path. A
// hub's row buttons say what they do, not only show an icon.
func TestTablesFitAtEveryWidth(t *testing.T) {
	t.Parallel()
	s := newServer(t, AllowPrivateWebhooks)
	m := s.seedScreens(t)
	s.apiIntegration(t, m.support, `{"channelId":"WebChat","name":"`+strings.Repeat("w", 100)+`","configuration":{"allowedOrigins":["a.com"]}}`)
	_, err := s.DB.CreateHub(context.Background(), db.Hub{TenantID: db.DefaultTenantID, Name: "Unbroken",
		Description: strings.Repeat("no_spaces_", 12), StatusID: db.HubPaused}, db.Audit{})
	must(t, err)
	s.createUser(t, "ops@example.com", "viewer")
	s.createUser(t, "editor.with.a.rather.long.address@subsidiary.example.com", "editor")
	page := s.signedIn(t, "admin")
	paths := []string{"/hubs", "/hubs/" + m.support, "/integrations/" + m.system, "/tokens", "/users", "/activity", "/api-docs"}
	for _, width := range []int{476, 700, 740, 960, 961, 1020} {
		columnWidth(t, page, width)
		for _, path := range paths {
			_, err := page.Goto(path)
			must(t, err)
			noOverflow(t, page)
			tables := page.Locator(".table-wrap table")
			n, err := tables.Count()
			must(t, err)
			if n == 0 {
				t.Fatalf("%s has no table to check", path)
			}
			for i := range n {
				table := tables.Nth(i)
				if shown, err := table.IsVisible(); err != nil || !shown {
					must(t, err)
					continue // folded away (revoked tokens)
				}
				display, err := table.Evaluate(`t => getComputedStyle(t).display`, nil)
				must(t, err)
				if want := map[bool]string{true: "table", false: "block"}[width > 960]; display != want {
					t.Errorf("a table of %s at a %d px column shows as %v, want %s", path, width, display, want)
				}
				tableFits(t, table)
			}
			if width > 960 {
				wholeOnOneLine(t, page, path)
				buttonsLineUp(t, page, path)
			}
			if width >= 600 && width <= 960 {
				actionsEndTheirLine(t, page, path, width)
			}
			switch path {
			case "/api-docs":
				indexLinedUp(t, page, width)
			case "/activity":
				activityFitsItsWords(t, page, width)
			}
		}
		_, err := page.Goto("/hubs")
		must(t, err)
		must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Edit Unbroken"})).ToHaveText("Edit"))
		must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Resume Unbroken"})).ToHaveText("Resume"))
		if width == 961 {
			shot(t, page, "hubs-column-961")
		}
	}
}

// wholeOnOneLine fails if a table cell's value that should read whole is
// broken over lines where the table has room: an email beside dates, a
// content type ("application/pr" / "oblem+json"), a token's "(…MifU)".
func wholeOnOneLine(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const lines = r => new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
		const whole = el => { const r = document.createRange(); r.selectNodeContents(el); return lines(r); };
		const out = [];
		for (const td of document.querySelectorAll('tr[data-email="ops@example.com"] td:first-child, td[data-label="Content type"], td[data-label="Type"]'))
			if (whole(td) > 1) out.push(JSON.stringify(td.textContent.trim()));
		// A long email breaks once, before its "@".
		for (const td of document.querySelectorAll('tr[data-email^="editor.with"] td:first-child'))
			if (whole(td) > 2) out.push(JSON.stringify(td.textContent.trim()));
		for (const td of document.querySelectorAll(".activity-actor")) {
			const text = td.textContent, open = text.indexOf("(");
			if (open < 0) continue;
			// The range from "(" to ")" over the cell's text nodes.
			const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT), r = document.createRange();
			let seen = 0, started = false;
			for (let n; (n = walker.nextNode()); seen += n.length) {
				const end = seen + n.length;
				if (!started && open < end) { r.setStart(n, open - seen); started = true; }
				const close = text.indexOf(")", open);
				if (started && close < end) { r.setEnd(n, close - seen + 1); break; }
			}
			if (lines(r) > 1) out.push(JSON.stringify(text.trim()));
		}
		return out.slice(0, 4).join(", ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("%s at %d px: broken over lines: %s", path, page.ViewportSize().Width, s)
	}
}

// actionsEndTheirLine fails if a card's buttons take a line of their own
// where the line of its details has room for them: in a column of a
// tablet or small laptop a card is two lines, its name, then its details
// and buttons, not three.
func actionsEndTheirLine(t *testing.T, page playwright.Page, path string, width int) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const out = [];
		for (const tr of document.querySelectorAll("table.stack tbody tr")) {
			const act = tr.querySelector(":scope > td.actions");
			if (!act || !act.children.length) continue;
			const details = [...tr.children].slice(1).filter(td => td !== act && td.getClientRects().length);
			if (!details.length) continue;
			const last = details[details.length - 1].getBoundingClientRect(), a = act.getBoundingClientRect();
			const style = getComputedStyle(tr), gap = parseFloat(style.columnGap) || 0;
			const room = tr.getBoundingClientRect().right - parseFloat(style.paddingRight) - last.right - gap;
			const need = [...act.children].reduce((w, c) => w + c.getBoundingClientRect().width, 0) + (act.children.length - 1) * (parseFloat(getComputedStyle(act).columnGap) || 0);
			if (a.top >= last.bottom - 1 && room >= need + 1) out.push(JSON.stringify(tr.querySelector("td").textContent.trim().slice(0, 30)));
		}
		return out.slice(0, 3).join(", ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("%s at a %d px column: buttons on a line of their own beside room for them: %s", path, width, s)
	}
}

// buttonsLineUp fails if a table's row buttons stand at different places
// from row to row (a Resume wider than Pause shifted its row's Edit).
func buttonsLineUp(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const out = [];
		for (const table of document.querySelectorAll(".table-wrap table")) {
			const lefts = new Set([...table.querySelectorAll("tbody td.actions")].filter(td => td.children.length > 1)
				.map(td => Math.round(td.querySelector(":is(a, button)").getBoundingClientRect().left)));
			if (lefts.size > 1) out.push("first buttons at x=" + [...lefts].join(", "));
		}
		return out.join("; ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("%s: the rows' buttons do not line up: %s", path, s)
	}
}

// indexLinedUp fails if a summary of the API reference's index starts
// left of its path (a wrapped one went back under the method) or a list
// of it starts elsewhere than the first.
func indexLinedUp(t *testing.T, page playwright.Page, width int) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const out = [], lists = [...document.querySelectorAll(".api-toc ul")].map(u => Math.round(u.getBoundingClientRect().left));
		if (new Set(lists).size > 1) out.push("lists start at x=" + [...new Set(lists)].join(", "));
		for (const li of document.querySelectorAll(".api-toc li")) {
			const path = li.querySelector("code").getBoundingClientRect(), r = document.createRange();
			r.selectNodeContents(li.querySelector(".muted"));
			const left = Math.min(...[...r.getClientRects()].map(x => x.left));
			if (left < path.left - 1) out.push(JSON.stringify(li.textContent.replace(/\s+/g, " ").trim()));
			if (out.length >= 4) break;
		}
		return out.join("; ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("the API reference's index at a %d px column: %s", width, s)
	}
}

// activityFitsItsWords fails if the activity filters' From and To stand on
// different rows (a range is read together), or if, in the list of cards,
// an actor's cell is wider than its words ("cli" stood 10rem from its
// action).
func activityFitsItsWords(t *testing.T, page playwright.Page, width int) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const out = [], top = s => Math.round(document.querySelector(s).getBoundingClientRect().top);
		if (top("#f-from") !== top("#f-to")) out.push("From and To on different rows");
		for (const td of document.querySelectorAll(".activity-actor")) {
			if (getComputedStyle(td.closest("table")).display !== "block") break;
			const r = document.createRange();
			r.selectNodeContents(td);
			const words = Math.max(...[...r.getClientRects()].map(x => x.right)) - td.getBoundingClientRect().left;
			if (td.getBoundingClientRect().width > words + 2) { out.push("an actor's cell is " + Math.round(td.getBoundingClientRect().width) + " px for " + Math.round(words) + " px of words"); break; }
		}
		return out.join("; ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("/activity at a %d px column: %s", width, s)
	}
}

// columnWidth sizes the window so that the page column (main.content,
// without its padding) is width px wide.
func columnWidth(t *testing.T, page playwright.Page, width int) {
	t.Helper()
	measure := func() int {
		v, err := page.Evaluate(`() => { const c = document.querySelector("main.content"), s = getComputedStyle(c);
			return Math.round(c.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)); }`)
		must(t, err)
		return int(number(t, v))
	}
	_, err := page.Goto("/hubs")
	must(t, err)
	w := width + 285
	for range 3 {
		must(t, page.SetViewportSize(w, 900))
		got := measure()
		if got == width {
			return
		}
		w += width - got
	}
	t.Fatalf("no window gives a %d px page column (last: %d px at a %d px window)", width, measure(), w)
}

// overflowing fails if the page is wider than its viewport, naming the
// elements that stick out (the innermost ones, not their parents).
func overflowing(t *testing.T, page playwright.Page) {
	t.Helper()
	v, err := page.Evaluate(`() => {
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth - w <= 1) return "";
		const out = [];
		for (const el of document.body.querySelectorAll("*")) {
			const r = el.getBoundingClientRect();
			if (r.right <= w + 1 || r.width === 0) continue;
			if ([...el.children].some(c => c.getBoundingClientRect().right > w + 1)) continue;
			let p = el.closest("[class]");
			out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
				" in " + (p && p !== el ? p.tagName.toLowerCase() + "." + String(p.className).trim().split(/\s+/).join(".") : "?") + " (right " + Math.round(r.right) + ")");
			if (out.length >= 5) break;
		}
		return (document.documentElement.scrollWidth - w) + "px: " + out.join("; ");
	}`)
	must(t, err)
	if s, _ := v.(string); s != "" {
		t.Errorf("page %s overflows horizontally by %s", page.URL(), s)
	}
}
