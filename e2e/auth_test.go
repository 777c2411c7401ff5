package e2e

import (
	"net/http"
	"testing"

	"github.com/playwright-community/playwright-go"
)

func TestSetupCreatesAdminAndSignsIn(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.newPage(t)
	// The address alone: the page says where the link is.
	_, err := page.Goto("/")
	must(t, err)
	atPath(t, page, "/setup")
	must(t, expect.Locator(page.GetByTestId("error-page")).ToContainText("setup link the server printed in its log"))
	// The link from the log.
	_, err = page.Goto(s.SetupLink)
	must(t, err)
	shot(t, page, "setup")
	password := page.GetByLabel("Password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	create := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create administrator"})
	must(t, page.GetByLabel("Email").Fill("boss@example.com"))
	// A repeat that differs: both boxes come back empty, and the cursor is
	// in the first, under which the error is, so they are typed in order.
	must(t, password.Fill("a long password"))
	must(t, page.GetByLabel("Repeat password").Fill("a long passwort"))
	must(t, create.Click())
	must(t, expect.Locator(page.Locator("#f-password-error")).ToContainText("did not match"))
	must(t, expect.Locator(password).ToBeFocused())
	must(t, expect.Locator(page.GetByLabel("Email")).ToHaveValue("boss@example.com"))
	must(t, password.Fill("a long password"))
	must(t, page.GetByLabel("Repeat password").Fill("a long password"))
	must(t, create.Click())
	atPath(t, page, "/hubs")
	must(t, expect.Locator(page.Locator(".sidebar")).ToContainText("boss@example.com"))

	res, err := http.Get(s.URL + "/setup")
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/setup after setup: %d, want 404", res.StatusCode)
	}
}

func TestWrongPasswordKeepsEmailAndSaysOneThing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.createUser(t, "ed@example.com", "editor")
	page := s.newPage(t)
	LoginPage{page}.Open(t).Submit(t, "ed@example.com", "not the password")
	must(t, expect.Locator(page.GetByTestId("login-error")).ToHaveText("Email or password is incorrect."))
	must(t, expect.Locator(page.GetByLabel("Email")).ToHaveValue("ed@example.com"))
}

// After a refused sign-in the caret is in the password field, which is
// what to type again (the email is kept): a keyboard user types it and
// presses Enter, with no trip from the top of the page.
func TestWrongPasswordFocusesPassword(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.createUser(t, "ed@example.com", "editor")
	page := s.newPage(t)
	LoginPage{page}.Open(t).Submit(t, "ed@example.com", "not the password")
	must(t, expect.Locator(page.GetByTestId("login-error")).ToBeVisible())
	password := page.GetByLabel("Password")
	must(t, expect.Locator(password).ToBeFocused())
	must(t, expect.Locator(password).ToHaveAccessibleDescription("Email or password is incorrect."))
	shot(t, page, "login-error-focus")
	must(t, page.Keyboard().Type(adminPassword))
	must(t, page.Keyboard().Press("Enter"))
	atPath(t, page, "/hubs")
}

func TestSignedOutVisitGoesToLoginAndBack(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.createUser(t, "admin@example.com", "admin")
	page := s.newPage(t)
	_, err := page.Goto("/activity")
	must(t, err)
	atPath(t, page, "/login?next=%2Factivity")
	must(t, expect.Locator(page.GetByTestId("login-notice")).ToHaveCount(0)) // a first visit: nothing ended
	LoginPage{page}.Submit(t, "admin@example.com", adminPassword)
	atPath(t, page, "/activity")
}

// TestCookieGoneSaysNothingWasSaved: the browser drops the session cookie
// when it expires (12 hours), and a page left open still has its forms.
// A row's Pause (htmx) or a form sent then goes to sign-in, which says
// the session ended and what was sent was not saved, and afterwards back
// to the page it was sent from, where nothing changed.
func TestCookieGoneSaysNothingWasSaved(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	s.seedIntegration(t, s.token(t, "write"), hub, "Website chat", "WebChat")
	page := s.signedIn(t, "editor")
	hp := HubPage{page}
	dropSession := func() {
		t.Helper()
		must(t, page.Context().ClearCookies(playwright.BrowserContextClearCookiesOptions{Name: "hubadmin_session"}))
	}
	notice := page.GetByTestId("login-notice")

	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)
	dropSession()
	must(t, hp.button(t, "Pause Website chat").Click())
	atPath(t, page, "/login?next=%2Fhubs%2F"+hub.ID+"&signed-out=unsaved")
	must(t, expect.Locator(notice).ToHaveText("Your session has ended, so what you submitted was not saved. Sign in again to go back to where you were, and submit it again."))
	shot(t, page, "login-session-ended-unsaved")
	LoginPage{page}.Submit(t, "editor@example.com", adminPassword)
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(hp.row("Website chat").GetByTestId("status")).ToHaveText("Active"))

	_, err = page.Goto("/hubs/" + hub.ID + "/edit")
	must(t, err)
	must(t, page.GetByLabel("Name").Fill("Sales"))
	dropSession()
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save hub"}).Click())
	atPath(t, page, "/login?next=%2Fhubs%2F"+hub.ID+"%2Fedit&signed-out=unsaved")
	must(t, expect.Locator(notice).ToContainText("what you submitted was not saved"))
	LoginPage{page}.Submit(t, "editor@example.com", adminPassword)
	atPath(t, page, "/hubs/"+hub.ID+"/edit")
	// What was typed comes back, to check and send again.
	must(t, expect.Locator(page.GetByLabel("Name")).ToHaveValue("Sales"))
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("here is what you typed"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Save hub"}).Click())
	atPath(t, page, "/hubs/"+hub.ID)
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Level: playwright.Int(1)})).ToContainText("Sales"))

	// A new integration's form too, its list rows included.
	_, err = page.Goto("/hubs/" + hub.ID + "/integrations/new/webchat")
	must(t, err)
	must(t, page.GetByLabel("Name").Fill("Shop chat"))
	must(t, page.GetByRole("textbox", playwright.PageGetByRoleOptions{Name: "Allowed origin 1"}).First().Fill("shop.example.com"))
	dropSession()
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create integration"}).Click())
	must(t, expect.Locator(notice).ToContainText("what you submitted was not saved"))
	LoginPage{page}.Submit(t, "editor@example.com", adminPassword)
	atPath(t, page, "/hubs/"+hub.ID+"/integrations/new/webchat")
	must(t, expect.Locator(page.GetByLabel("Name")).ToHaveValue("Shop chat"))
	must(t, expect.Locator(page.GetByRole("textbox", playwright.PageGetByRoleOptions{Name: "Allowed origin 1"}).First()).ToHaveValue("shop.example.com"))
	shot(t, page, "form-back-after-sign-in")
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create integration"}).Click())
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Integration “Shop chat” created"))
}

func TestLogoutEndsSession(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin")
	cookies, err := page.Context().Cookies()
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out", Exact: playwright.Bool(true)}).Click())
	atPath(t, page, "/login?signed-out=here")
	must(t, expect.Locator(page.GetByTestId("login-notice")).ToHaveText("You are signed out."))
	cookiesSignedOut(t, s, cookies)
}

// Every user, not only admins, can end all their sessions from the sidebar.
func TestEditorSignsOutEverywhere(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "editor")
	cookies, err := page.Context().Cookies()
	must(t, err)
	page.OnDialog(func(d playwright.Dialog) { d.Accept() })
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign out everywhere"}).Click())
	atPath(t, page, "/login?signed-out=everywhere")
	must(t, expect.Locator(page.GetByTestId("login-notice")).ToContainText("every browser and device"))
	cookiesSignedOut(t, s, cookies)
}

// cookiesSignedOut: a signed-out session's cookies, replayed in a fresh
// browser context, no longer open the dashboard: sign-in says the session
// has ended.
func cookiesSignedOut(t *testing.T, s *Server, cookies []playwright.Cookie) {
	t.Helper()
	other := s.newPage(t)
	var old []playwright.OptionalCookie
	for _, c := range cookies {
		old = append(old, c.ToOptionalCookie())
	}
	must(t, other.Context().AddCookies(old))
	_, err := other.Goto("/hubs")
	must(t, err)
	atPath(t, other, "/login?next=%2Fhubs&signed-out=ended")
	must(t, expect.Locator(other.GetByTestId("login-notice")).ToContainText("Your session has ended"))
}
