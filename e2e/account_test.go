package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A user changes their own password from the sidebar: a wrong current
// password is flagged at its field, then the change signs in with the new
// password only.
func TestViewerChangesOwnPassword(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "viewer")
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Change password"}).Click())
	atPath(t, page, "/account/password")
	must(t, page.GetByLabel("Current password").Fill("not my password"))
	must(t, page.GetByLabel("New password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("a brand new password"))
	must(t, page.GetByLabel("Repeat the new password").Fill("a brand new password"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Change password"}).Click())
	must(t, expect.Locator(page.Locator("#f-current-error")).ToContainText("not your current password"))
	must(t, expect.Locator(page.GetByLabel("Current password")).ToBeFocused())
	shot(t, page, "account-password-error")

	must(t, page.GetByLabel("Current password").Fill(adminPassword))
	must(t, page.GetByLabel("New password", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill("a brand new password"))
	must(t, page.GetByLabel("Repeat the new password").Fill("a brand new password"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Change password"}).Click())
	atPath(t, page, "/hubs")
	must(t, expect.Locator(page.Locator(".toast-message")).ToContainText("Password changed"))

	other := s.newPage(t)
	LoginPage{other}.Open(t).Submit(t, "viewer@example.com", adminPassword)
	must(t, expect.Locator(other.GetByTestId("login-error")).ToBeVisible())
	LoginPage{other}.Open(t).Submit(t, "viewer@example.com", "a brand new password")
	atPath(t, other, "/hubs")
}

// On a phone the top bar keeps its links, Change password among them,
// without making the page scroll sideways.
func TestChangePasswordOnAPhone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	page := s.signedIn(t, "admin", PageOptions{Width: Narrow, Dark: true})
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Change password"}).Click())
	atPath(t, page, "/account/password")
	noOverflow(t, page)
	shot(t, page, "account-password-390-dark")
}
