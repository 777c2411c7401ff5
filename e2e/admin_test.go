package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"hubadmin/db"
)

func TestAdminCreateTokenShownOnce(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "API access"}).Click())
	atPath(t, page, "/tokens")
	must(t, expect.Locator(page.GetByTestId("empty-state").First()).ToContainText("No API tokens yet"))

	form := page.GetByTestId("token-form")
	must(t, form.GetByLabel("Name").Fill("CI deploy"))
	_, err := form.GetByLabel("Scope").SelectOption(playwright.SelectOptionValues{Values: &[]string{"read"}})
	must(t, err)
	must(t, form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Create token"}).Click())

	box := page.GetByTestId("new-token")
	must(t, expect.Locator(box).ToContainText("will not be shown again"))
	must(t, expect.Locator(box.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Copy token"})).ToBeVisible())
	value, err := box.GetByTestId("token-value").TextContent()
	must(t, err)
	if !regexp.MustCompile(`^hub_[A-Za-z0-9]{40}$`).MatchString(value) {
		t.Fatalf("token value %q", value)
	}
	row := page.GetByTestId("token-row").Filter(playwright.LocatorFilterOptions{HasText: "CI deploy"})
	must(t, expect.Locator(row).ToContainText("read"))
	must(t, expect.Locator(row).ToContainText("…"+value[len(value)-4:]))
	shot(t, page, "admin-token-created")

	// Reloading the answer sends the form again: nothing more is created.
	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("token-form").GetByTestId("form-notice")).ToContainText("already sent"))
	shot(t, page, "admin-token-sent-again")
	must(t, expect.Locator(page.GetByTestId("new-token")).ToHaveCount(0))
	must(t, expect.Locator(page.GetByTestId("token-row")).ToHaveCount(1))

	// The token works, and is never shown again.
	if status, body := s.api(t, value, http.MethodGet, "/api/v1/hubs", ""); status != http.StatusOK {
		t.Fatalf("new token: %d %s", status, body)
	}
	_, err = page.Goto("/tokens")
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("new-token")).ToHaveCount(0))
	html, err := page.Content()
	must(t, err)
	if strings.Contains(html, value) {
		t.Fatal("the token is shown again after reload")
	}

	// Revoke, after the confirmation.
	// Names may repeat: the button and the question name the token's last
	// four characters too, as its row shows them.
	var asked string
	page.OnDialog(func(d playwright.Dialog) { asked = d.Message(); d.Accept() })
	must(t, row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Revoke the token CI deploy ending " + value[len(value)-4:], Exact: playwright.Bool(true)}).Click())
	// It leaves the active tokens for the folded list of revoked ones.
	must(t, expect.Locator(row).ToHaveCount(0))
	if want := "Revoke the token “CI deploy” ending …" + value[len(value)-4:] + "?"; !strings.HasPrefix(asked, want) {
		t.Errorf("the confirmation asked %q, want it to start %q", asked, want)
	}
	must(t, expect.Locator(page.GetByTestId("empty-state").First()).ToContainText("No active API tokens"))
	revoked := page.GetByTestId("revoked-tokens")
	must(t, expect.Locator(revoked.GetByTestId("revoked-token-row")).ToBeHidden())
	must(t, revoked.GetByText("Revoked tokens (1)").Click())
	must(t, expect.Locator(revoked.GetByTestId("revoked-token-row")).ToContainText("CI deploy"))
	must(t, expect.Locator(revoked.GetByTestId("revoked-token-row")).ToContainText("…"+value[len(value)-4:]))
	shot(t, page, "admin-token-revoked")
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe with the revoked tokens open: %+v", v)
	}
	if status, _ := s.api(t, value, http.MethodGet, "/api/v1/hubs", ""); status != http.StatusUnauthorized {
		t.Fatalf("revoked token: %d", status)
	}
}

// TestNewSecretTakesFocus: a new token's or API client's secret, shown
// only once, is where focus lands (it was on <body>): a screen reader reads
// it with why it must be copied now, and Tab goes on to its Copy button.
func TestNewSecretTakesFocus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	_, err := page.Goto("/tokens")
	must(t, err)
	for _, c := range []struct{ form, box, secret, copy string }{
		{"token-form", "new-token", "token-value", "Copy token"},
		{"client-form", "new-client", "client-secret", "Copy client secret"},
	} {
		must(t, page.GetByTestId(c.form).GetByLabel("Name").Fill("CI deploy"))
		must(t, page.Keyboard().Press("Enter"))
		box := page.GetByTestId(c.box)
		secret := box.GetByTestId(c.secret)
		must(t, expect.Locator(secret).ToBeFocused())
		must(t, expect.Locator(secret).ToHaveAccessibleDescription(regexp.MustCompile(`will not be shown again`)))
		shot(t, page, c.box+"-focus")
		must(t, page.Keyboard().Press("Tab"))
		must(t, expect.Locator(box.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: c.copy})).ToBeFocused())
	}
}

func TestAdminCreateUser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Users"}).Click())
	atPath(t, page, "/users")

	form := page.GetByTestId("user-form")
	must(t, form.GetByLabel("Email").Fill("dana@example.com"))
	_, err := form.GetByLabel("Role").SelectOption(playwright.SelectOptionValues{Values: &[]string{"viewer"}})
	must(t, err)
	must(t, form.GetByLabel("Initial password").Fill("short"))
	must(t, form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Create user"}).Click())
	must(t, expect.Locator(form).ToContainText("at least 8 characters"))
	must(t, expect.Locator(form.GetByLabel("Email")).ToHaveValue("dana@example.com"))
	must(t, expect.Locator(form.GetByLabel("Initial password")).ToHaveValue(""))

	must(t, form.GetByLabel("Initial password").Fill("long enough password"))
	must(t, form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Create user"}).Click())
	atPath(t, page, "/users")
	row := page.Locator(`[data-testid="user-row"][data-email="dana@example.com"]`)
	must(t, expect.Locator(row).ToContainText("active"))
	must(t, expect.Locator(row.GetByLabel("Role of dana@example.com")).ToHaveValue("viewer"))
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("dana@example.com created as viewer"))
	shot(t, page, "admin-user-created")

	// Choosing a role changes nothing until Save (an arrow key on the
	// select must not change anyone's rights).
	_, err = row.GetByLabel("Role of dana@example.com").SelectOption(playwright.SelectOptionValues{Values: &[]string{"editor"}})
	must(t, err)
	if u, err := s.DB.UserByEmail(context.Background(), "dana@example.com"); err != nil || u.Role != "viewer" {
		t.Fatalf("role changed by choosing it: %+v %v", u, err)
	}
	must(t, row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save role: dana@example.com"}).Click())
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("viewer → editor"))
	must(t, expect.Locator(page.Locator(`[data-testid="user-row"][data-email="dana@example.com"]`).GetByLabel("Role of dana@example.com")).ToHaveValue("editor"))

	// The activity log shows both changes.
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Activity"}).Click())
	atPath(t, page, "/activity")
	must(t, expect.Locator(page.GetByTestId("activity-row").First()).ToContainText("user.update"))
	_, err = page.GetByLabel("Action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"user"}})
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	atPath(t, page, "/activity?action=user")
	must(t, expect.Locator(page.GetByTestId("activity-row")).ToHaveCount(2))
	shot(t, page, "admin-activity")
	noOverflow(t, page)

	// One action of the family, and days: today's changes are in, a
	// range that ended yesterday has none, and a To before the From is
	// said beside To.
	_, err = page.GetByLabel("Action").SelectOption(playwright.SelectOptionValues{Values: &[]string{"user.update"}})
	must(t, err)
	today := time.Now().UTC()
	must(t, page.GetByLabel("From", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(today.AddDate(0, 0, -1).Format(time.DateOnly)))
	must(t, page.GetByLabel("To", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(today.AddDate(0, 0, 1).Format(time.DateOnly)))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(page.GetByTestId("activity-row")).ToHaveCount(1)) // not user.create
	must(t, expect.Locator(page.GetByTestId("activity-row")).ToContainText("user.update"))
	must(t, page.GetByLabel("To", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(today.AddDate(0, 0, -1).Format(time.DateOnly)))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(page.GetByTestId("empty-state")).ToContainText("Nothing matches these filters"))
	must(t, page.GetByLabel("To", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(today.AddDate(0, 0, -2).Format(time.DateOnly)))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	refusedFilter(t, page, page.GetByLabel("To", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}), "To must be on or after From", "admin-activity-dates-refused")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Clear", Exact: playwright.Bool(true)}).Click())
	atPath(t, page, "/activity")
	// Filter with nothing set is the bare address, not "?actor=&action=…".
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter", Exact: playwright.Bool(true)}).Click())
	atPath(t, page, "/activity")
	must(t, expect.Locator(page.GetByTestId("activity-row").First()).ToBeVisible())

	// A link asking for an action there is not (mistyped, or stale) says
	// so beside the list instead of showing every action.
	_, err = page.Goto("/activity?action=user.fly")
	must(t, err)
	refusedFilter(t, page, page.GetByLabel("Action"), "There is no action “user.fly”", "admin-activity-action-refused")
}

// refusedFilter checks an Activity filter refused: the field marked, its
// error its description, nothing listed, no axe violation; and shoots it.
func refusedFilter(t *testing.T, page playwright.Page, field playwright.Locator, message, name string) {
	t.Helper()
	must(t, expect.Locator(field).ToHaveAttribute("aria-invalid", "true"))
	must(t, expect.Locator(field).ToHaveAccessibleDescription(regexp.MustCompile(regexp.QuoteMeta(message))))
	must(t, expect.Locator(page.GetByTestId("activity-row")).ToHaveCount(0))
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe on %s: %+v", name, v)
	}
	shot(t, page, name)
}

// TestAPIReferenceOnAPhone: at 390 px the API reference's parameter and
// response tables become one block per row, each description on a line
// of its own the width of the table (as columns they were squeezed to a
// few words a line, content types broken mid-word).
func TestAPIReferenceOnAPhone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "viewer", PageOptions{Width: Narrow})
	_, err := page.Goto("/api-docs")
	must(t, err)
	op := page.GetByTestId("api-operation").Filter(playwright.LocatorFilterOptions{HasText: "Parameters"}).First()
	for _, table := range []playwright.Locator{op.Locator("table").First(), op.Locator("table").Last()} {
		ratio, err := table.Evaluate(`t => {
			const d = t.querySelector("tbody td.md");
			return d.getBoundingClientRect().width / t.getBoundingClientRect().width;
		}`, nil)
		must(t, err)
		if r := number(t, ratio); r < 0.8 {
			t.Errorf("a description is %.0f%% of its table's width at 390 px, want it on a line of its own", 100*r)
		}
	}
}

// TestAPIClientIDOnAPhone: an API client's id wraps inside its card on a
// phone (it was cut off) and has a copy button in the list.
func TestAPIClientIDOnAPhone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cl, _, err := s.DB.CreateClient(context.Background(), db.Client{TenantID: db.DefaultTenantID, Name: "dotnet", Scope: "write"})
	must(t, err)
	page := s.signedIn(t, "admin", PageOptions{Width: Narrow})
	_, err = page.Goto("/tokens")
	must(t, err)
	row := page.GetByTestId("client-row")
	must(t, expect.Locator(row.Locator("code")).ToHaveText(cl.ID))
	must(t, expect.Locator(row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Copy client id"})).ToBeVisible())
	past, err := row.Locator("code").Evaluate(`c => c.getBoundingClientRect().right - c.closest("tr").getBoundingClientRect().right`, nil)
	must(t, err)
	if past := number(t, past); past > 0 {
		t.Errorf("the client id runs %.0f px past its card at %d px", past, Narrow)
	}
	noOverflow(t, page)
}

// pageOptions are the four looks every table is checked in.
var pageOptions = []PageOptions{{Width: Wide}, {Width: Narrow}, {Width: Wide, Dark: true}, {Width: Narrow, Dark: true}}

func (o PageOptions) suffix() string {
	if o.Dark {
		return fmt.Sprintf("%d-dark", o.Width)
	}
	return fmt.Sprintf("%d", o.Width)
}

// TestAPIClientsTableFits: an API client's id wraps before a dot, beside
// its copy button, so the clients table keeps its Revoke button in view at
// 1280 px (it was pushed off the right edge) and on a phone.
func TestAPIClientsTableFits(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cl, _, err := s.DB.CreateClient(context.Background(), db.Client{TenantID: db.DefaultTenantID, Name: "dotnet", Scope: "write"})
	must(t, err)
	for _, o := range pageOptions {
		page := s.signedIn(t, "admin", o)
		_, err := page.Goto("/tokens")
		must(t, err)
		table := page.GetByTestId("clients")
		must(t, expect.Locator(table.Locator("code")).ToHaveText(cl.ID))
		tableFits(t, table)
		for _, b := range lineBreaks(t, table.Locator("code")) {
			if !strings.HasPrefix(b[1], ".") {
				t.Errorf("at %s the client id breaks at %s|%s, not before a dot", o.suffix(), b[0], b[1])
			}
		}
		noOverflow(t, page)
		shot(t, page, "admin-clients-"+o.suffix())
	}
}

// TestUsersTableWrapsEmails: with a disabled user the table is tighter, and
// an email that must wrap does so before its @, not inside a word
// ("admin2@example.co" / "m").
func TestUsersTableWrapsEmails(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()
	s.createUser(t, "admin@example.com", "admin")
	s.createUser(t, "admin2@example.com", "admin")
	u, err := s.DB.UserByEmail(ctx, "admin2@example.com")
	must(t, err)
	must(t, s.DB.UpdateUser(ctx, u.ID, u.Role, true))
	for _, o := range pageOptions {
		page := s.signedIn(t, "admin", o)
		_, err := page.Goto("/users")
		must(t, err)
		table := page.GetByTestId("users")
		must(t, expect.Locator(table.GetByTestId("user-status").Filter(playwright.LocatorFilterOptions{HasText: "disabled"})).ToHaveCount(1))
		tableFits(t, table)
		rows := table.GetByTestId("user-row")
		n, err := rows.Count()
		must(t, err)
		if n != 2 {
			t.Fatalf("%d user rows", n)
		}
		for i := range n {
			for _, b := range lineBreaks(t, rows.Nth(i).Locator("td").First()) {
				if !strings.HasPrefix(b[1], "@") {
					t.Errorf("at %s an email breaks at %s|%s, not before its @", o.suffix(), b[0], b[1])
				}
			}
		}
		noOverflow(t, page)
		shot(t, page, "admin-users-"+o.suffix())
	}
}

// TestActivityTableFits: the activity table fits its box at 1280 px when a
// detail holds a URL ("attempt 2 to http://127.0.0.1:…/hook: failed: …", as
// entries written before the log kept only the host read)
// and an actor is an API client's long id, and with a client.create row
// (the client's id as its object), and the Object id filter shows
// its whole placeholder (it was cut: "a hub, integration or user i") and
// room for a whole id.
func TestActivityTableFits(t *testing.T) {
	t.Parallel()
	rcv, _ := failingReceiver(t)
	s := newServer(t, AllowPrivateWebhooks)
	ctx := context.Background()
	hub := s.hub(t, "Support")
	id := s.seedWebhook(t, hub.ID, "Archive", rcv.URL+"/hook")
	if status, body := s.api(t, s.token(t, "write"), http.MethodPost, "/api/v1/integrations/"+id+"/test", `{}`); status != http.StatusOK {
		t.Fatalf("test event: %d %s", status, body)
	}
	cl, _, err := s.DB.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "dotnet", Scope: "write"})
	must(t, err)
	must(t, s.DB.RecordAudit(ctx, db.DefaultTenantID, db.Audit{Actor: "client:" + cl.ID, Action: "integration.redeliver",
		Detail: "attempt 2 to " + rcv.URL + "/hook: failed: receiver answered 503"}, "integration", id, "Archive"))
	// A client's own row: its id (hubster.portal.api.<32 hex>) is the object.
	must(t, s.DB.RecordAudit(ctx, db.DefaultTenantID, db.Audit{Actor: "user:admin@example.com", Action: "client.create",
		Detail: "scope write"}, "client", cl.ID, cl.Name))
	for _, o := range pageOptions {
		page := s.signedIn(t, "admin", o)
		_, err := page.Goto("/activity")
		must(t, err)
		table := page.GetByTestId("activity")
		must(t, expect.Locator(table.GetByText("attempt 1 to "+strings.TrimPrefix(rcv.URL, "http://")+": failed:")).ToBeVisible())
		tableFits(t, table)
		noOverflow(t, page)
		// The filters show their whole placeholders, and the object id a whole id.
		// (Typed as a value for a moment, a text makes the field scroll if it
		// does not fit.)
		short, err := page.GetByTestId("activity-filters").Evaluate(`f => {
			const out = [];
			for (const i of f.querySelectorAll("input[placeholder]")) {
				const typed = i.value;
				for (const text of i.id === "f-object" ? [i.placeholder, "01a21cbb-c56c-7cc5-8270-38ac71ced382"] : [i.placeholder]) {
					i.value = text;
					if (i.scrollWidth > i.clientWidth) out.push(i.id + " is " + (i.scrollWidth - i.clientWidth) + " px too narrow for “" + text + "”");
				}
				i.value = typed;
			}
			return out.join("; ");
		}`, nil)
		must(t, err)
		if s, _ := short.(string); s != "" {
			t.Errorf("at %s: %s", o.suffix(), s)
		}
		shot(t, page, "activity-"+o.suffix())
	}
}

// lineBreaks returns where the text of el's own text nodes (not its
// children's, such as a "you" pill) goes on to a new line: the few
// characters before and after each break.
func lineBreaks(t *testing.T, el playwright.Locator) [][2]string {
	t.Helper()
	v, err := el.Evaluate(`el => {
		let text = "", top = null;
		const breaks = [];
		for (const n of el.childNodes) {
			if (n.nodeType !== Node.TEXT_NODE) continue;
			for (let i = 0; i < n.data.length; i++) {
				if (/\s/.test(n.data[i])) continue;
				const r = document.createRange();
				r.setStart(n, i);
				r.setEnd(n, i + 1);
				const rect = r.getClientRects()[0];
				if (!rect) continue;
				if (top !== null && rect.top > top + 2) breaks.push(text.slice(-8) + "|" + n.data.slice(i, i + 8));
				top = rect.top;
				text += n.data[i];
			}
		}
		return breaks.join("\n");
	}`, nil)
	must(t, err)
	var out [][2]string
	if s, _ := v.(string); s != "" {
		for _, b := range strings.Split(s, "\n") {
			before, after, _ := strings.Cut(b, "|")
			out = append(out, [2]string{before, after})
		}
	}
	return out
}

// TestUsersRowControlsKeepFocus: as the only active admin, your own row's
// role and Disable are disabled, with the reason beside them; Save and
// Disable/Enable come back with focus on the row's button, and a Save that
// changes nothing says so. Disabling yourself (with another admin) asks in
// the second person. On a phone the top bar says who is signed in.
func TestUsersRowControlsKeepFocus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.createUser(t, "dana@example.com", "editor")
	for _, o := range []PageOptions{{Width: Wide}, {Width: Narrow}} {
		page := s.signedIn(t, "admin", o)
		who := page.Locator(".sidebar-foot .who")
		must(t, expect.Locator(who).ToBeVisible())
		must(t, expect.Locator(who).ToHaveText("admin@example.com"))
		must(t, expect.Locator(page.Locator(".sidebar-foot .role")).ToBeVisible())
		_, err := page.Goto("/users")
		must(t, err)
		mine := page.Locator(`[data-testid="user-row"][data-email="admin@example.com"]`)
		must(t, expect.Locator(mine.GetByLabel("Role of admin@example.com")).ToBeDisabled())
		must(t, expect.Locator(mine.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Save role: admin@example.com"})).ToBeDisabled())
		must(t, expect.Locator(mine.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Disable admin@example.com"})).ToBeDisabled())
		must(t, expect.Locator(mine.GetByTestId("last-admin")).ToHaveText("You are the only active admin: make another user an admin first."))
		tableFits(t, page.GetByTestId("users"))
		noOverflow(t, page)
		shot(t, page, "users-last-admin-"+o.suffix())
	}

	page := s.signedIn(t, "admin")
	var mu sync.Mutex
	var dialogs []string
	page.OnDialog(func(d playwright.Dialog) {
		mu.Lock()
		dialogs = append(dialogs, d.Message())
		mu.Unlock()
		if strings.Contains(d.Message(), "your own account") {
			d.Dismiss()
		} else {
			d.Accept()
		}
	})
	_, err := page.Goto("/users")
	must(t, err)
	row := page.Locator(`[data-testid="user-row"][data-email="dana@example.com"]`)
	button := func(name string) playwright.Locator {
		return row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
	}
	toast := func(text string) {
		t.Helper()
		must(t, expect.Locator(page.Locator("#toasts .toast").Filter(playwright.LocatorFilterOptions{HasText: text})).ToBeVisible())
	}
	_, err = row.GetByLabel("Role of dana@example.com").SelectOption(playwright.SelectOptionValues{Values: &[]string{"viewer"}})
	must(t, err)
	must(t, button("Save role: dana@example.com").Click())
	toast("editor → viewer")
	must(t, expect.Locator(button("Save role: dana@example.com")).ToBeFocused())
	must(t, page.Keyboard().Press("Enter"))
	toast("Nothing changed")
	must(t, expect.Locator(button("Save role: dana@example.com")).ToBeFocused())
	shot(t, page, "users-nothing-changed")

	must(t, button("Disable dana@example.com").Click())
	toast("dana@example.com: disabled")
	must(t, expect.Locator(button("Enable dana@example.com")).ToBeFocused())
	must(t, page.Keyboard().Press("Enter"))
	toast("dana@example.com: enabled")
	must(t, expect.Locator(button("Disable dana@example.com")).ToBeFocused())

	// With a second admin, your own row works, and speaks to you.
	_, err = row.GetByLabel("Role of dana@example.com").SelectOption(playwright.SelectOptionValues{Values: &[]string{"admin"}})
	must(t, err)
	must(t, button("Save role: dana@example.com").Click())
	toast("viewer → admin")
	mine := page.Locator(`[data-testid="user-row"][data-email="admin@example.com"]`)
	must(t, expect.Locator(mine.GetByTestId("last-admin")).ToHaveCount(0))
	must(t, mine.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Disable admin@example.com"}).Click())
	atPath(t, page, "/users")
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) != 2 || !strings.HasPrefix(dialogs[0], "Disable dana@example.com? They are") || !strings.HasPrefix(dialogs[1], "Disable your own account (admin@example.com)? You are signed out") {
		t.Errorf("confirmations: %q", dialogs)
	}
}

// TestEmptyTokenFormIsAnsweredBesideTheName: Create token with no name
// is refused by the server, its reason under the Name field, which takes
// the focus and is described by it (the browser's bubble answered before,
// unlike every other form's errors); nothing is created.
func TestEmptyTokenFormIsAnsweredBesideTheName(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	_, err := page.Goto("/tokens")
	must(t, err)
	form := page.GetByTestId("token-form")
	must(t, form.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Create token"}).Click())
	name := page.GetByTestId("token-form").GetByLabel("Name")
	must(t, expect.Locator(name).ToHaveAttribute("aria-invalid", "true"))
	must(t, expect.Locator(name).ToBeFocused())
	id, err := name.GetAttribute("aria-describedby")
	must(t, err)
	must(t, expect.Locator(page.Locator("#"+strings.Fields(id)[0])).ToContainText("name"))
	must(t, expect.Locator(page.GetByTestId("token-row")).ToHaveCount(0))
	if v := axeViolations(t, page); len(v) > 0 {
		t.Errorf("axe on the refused token form: %+v", v)
	}
	shot(t, page, "token-form-empty")
}
