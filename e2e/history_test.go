package e2e

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// posts counts the form posts a page sends (not htmx's, not assets').
func posts(page playwright.Page) *atomic.Int32 {
	var n atomic.Int32
	page.OnRequest(func(r playwright.Request) {
		if r.Method() == http.MethodPost && r.IsNavigationRequest() {
			n.Add(1)
		}
	})
	return &n
}

// backByGet presses Back and checks that the page before is loaded again
// by a plain GET at path, with no form sent again (no "Confirm Form
// Resubmission", which Chromium shows as ERR_CACHE_MISS).
func backByGet(t *testing.T, page playwright.Page, sent *atomic.Int32, path string) {
	t.Helper()
	before := sent.Load()
	res, err := page.GoBack()
	if err != nil {
		t.Fatalf("Back: %v", err)
	}
	if res == nil {
		t.Fatal("Back loaded nothing (the history entry was a POST?)")
	}
	if res.Status() != http.StatusOK || res.Request().Method() != http.MethodGet {
		t.Fatalf("Back: %s %d, want GET 200", res.Request().Method(), res.Status())
	}
	atPath(t, page, path)
	if n := sent.Load() - before; n != 0 {
		t.Fatalf("Back sent the form again (%d posts)", n)
	}
}

// TestBackAfterFixedFormLoadsTheFormByGet: a form refused (422, errors by
// its fields), fixed and saved, and then Back: the form's page comes back
// by GET, fresh, instead of Chrome's "Confirm Form Resubmission". The
// address bar showed the form page's address all along, not the POST's.
func TestBackAfterFixedFormLoadsTheFormByGet(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["www.example.com"]}}`)
	button := func(page playwright.Page, name string) playwright.Locator {
		return page.GetByRole("button", playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
	}

	t.Run("new hub", func(t *testing.T) {
		page := s.signedIn(t, "admin")
		sent := posts(page)
		must(t, page.GetByTestId("new-hub").Click())
		atPath(t, page, "/hubs/new")
		must(t, button(page, "Create hub").Click())
		must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveText("Enter a name."))
		atPath(t, page, "/hubs/new") // not /hubs, the POST's
		must(t, page.GetByLabel("Name").Fill("Sales"))
		must(t, button(page, "Create hub").Click())
		must(t, expect.Locator(page.GetByTestId("hub-name")).ToHaveText("Sales"))
		backByGet(t, page, sent, "/hubs/new")
		must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveCount(0)) // the page, not the 422
		// The form was sent and the hub made: it comes back empty, not
		// filled with what would now be refused as a duplicate name.
		must(t, expect.Locator(page.GetByLabel("Name")).ToHaveValue(""))
		// That was the refused answer's entry, now a GET; before it is the
		// form as first opened, then the list.
		backByGet(t, page, sent, "/hubs/new")
		backByGet(t, page, sent, "/hubs")
	})

	t.Run("form left unsent", func(t *testing.T) {
		// Leaving a half-filled form by a link, and Back: what was typed
		// is still there (only a form that was sent comes back empty).
		page := s.signedIn(t, "admin")
		_, err := page.Goto("/hubs/new")
		must(t, err)
		must(t, page.GetByLabel("Name").Fill("Draft"))
		must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Activity"}).Click())
		atPath(t, page, "/activity")
		_, err = page.GoBack()
		must(t, err)
		atPath(t, page, "/hubs/new")
		must(t, expect.Locator(page.GetByLabel("Name")).ToHaveValue("Draft"))
	})

	t.Run("new web chat", func(t *testing.T) {
		page := s.signedIn(t, "editor")
		sent := posts(page)
		form := "/hubs/" + hub.ID + "/integrations/new/webchat"
		_, err := page.Goto(form)
		must(t, err)
		n := NewIntegrationPage{page, hub.ID}
		must(t, n.Field("allowedOrigins", 0).Fill("not a host!"))
		n.Submit(t)
		must(t, expect.Locator(page.Locator("#f-name-error")).ToBeVisible())
		atPath(t, page, form)
		must(t, n.Name().Fill("Site chat"))
		must(t, n.Field("allowedOrigins", 0).Fill("www.example.com"))
		n.Submit(t)
		createdAt(t, page)
		backByGet(t, page, sent, form)
		must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveCount(0))
		must(t, expect.Locator(n.Name()).ToHaveValue("")) // sent: not filled in again
		must(t, expect.Locator(n.Field("allowedOrigins", 0)).ToHaveValue(""))
	})

	t.Run("edit integration", func(t *testing.T) {
		page := s.signedIn(t, "editor")
		sent := posts(page)
		_, err := page.Goto("/integrations/" + id + "/edit")
		must(t, err)
		n := NewIntegrationPage{page, hub.ID}
		must(t, n.Name().Fill(""))
		must(t, button(page, "Save changes").Click())
		must(t, expect.Locator(page.Locator("#f-name-error")).ToBeVisible())
		atPath(t, page, "/integrations/"+id+"/edit")
		must(t, n.Name().Fill("Chat two"))
		must(t, button(page, "Save changes").Click())
		atPath(t, page, "/integrations/"+id)
		backByGet(t, page, sent, "/integrations/"+id+"/edit")
		must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveCount(0))
	})

	t.Run("sign in", func(t *testing.T) {
		s.createUser(t, "ed@example.com", "editor")
		page := s.newPage(t)
		sent := posts(page)
		_, err := page.Goto("/activity")
		must(t, err)
		atPath(t, page, "/login?next=%2Factivity")
		LoginPage{page}.Submit(t, "ed@example.com", "not the password")
		must(t, expect.Locator(page.GetByTestId("login-error")).ToBeVisible())
		atPath(t, page, "/login?next=%2Factivity") // where to go next is kept
		LoginPage{page}.Submit(t, "ed@example.com", adminPassword)
		atPath(t, page, "/activity")
		// Back opens sign-in by GET, which sends a signed-in user on to
		// the hubs: no form is sent again.
		backByGet(t, page, sent, "/hubs")
	})
}

// TestReloadOfRefusedFormSendsNothing: Reload on a refused form's page
// loads the form's page by GET; it never posts the form again, whether
// the form posts to another address (a hub's) or to its own (a new
// integration's).
func TestReloadOfRefusedFormSendsNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	for _, tc := range []struct{ name, form, save string }{
		{"edit hub", "/hubs/" + hub.ID + "/edit", "Save hub"},
		{"new web chat", "/hubs/" + hub.ID + "/integrations/new/webchat", "Create integration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := s.signedIn(t, "editor")
			sent := posts(page)
			_, err := page.Goto(tc.form)
			must(t, err)
			must(t, page.Locator("#f-name").Fill(""))
			must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: tc.save, Exact: playwright.Bool(true)}).Click())
			must(t, expect.Locator(page.Locator("#f-name-error")).ToBeVisible())
			atPath(t, page, tc.form)
			if n := sent.Load(); n != 1 {
				t.Fatalf("%d posts, want the one", n)
			}

			res, err := page.Reload()
			must(t, err)
			if res == nil {
				t.Fatal("Reload loaded nothing")
			}
			if res.Request().Method() != http.MethodGet || res.Status() != http.StatusOK {
				t.Fatalf("Reload: %s %d, want GET 200", res.Request().Method(), res.Status())
			}
			atPath(t, page, tc.form)
			must(t, expect.Locator(page.Locator("#f-name-error")).ToHaveCount(0))
			if n := sent.Load(); n != 1 {
				t.Fatalf("Reload sent the form again: %d posts", n)
			}
		})
	}
}
