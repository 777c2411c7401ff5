package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// activeElement describes the focused element: its tag, name and type.
func activeElement(t *testing.T, page playwright.Page) string {
	t.Helper()
	v, err := page.Evaluate(`() => { const a = document.activeElement; return a ? (a.tagName + " " + (a.getAttribute("name") || "") + " " + (a.type || "")).trim() : ""; }`)
	must(t, err)
	return v.(string)
}

// focusedStyle is a computed style property of the focused element.
func focusedStyle(t *testing.T, page playwright.Page, prop string) string {
	t.Helper()
	v, err := page.Evaluate(`p => getComputedStyle(document.activeElement).getPropertyValue(p)`, prop)
	must(t, err)
	return v.(string)
}

// TestKeyboardAndScreenReader walks what a keyboard-only or screen-reader
// user found wanting: links that look like buttons press with Space, focus
// rings that can be seen, a refused group of checkboxes takes focus, a
// list's error describes its rows, rows are told apart, and lists
// filtered in place and toasts of a page just loaded are spoken, and
// Escape dismisses toasts.
func TestKeyboardAndScreenReader(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	tok := s.token(t, "write")
	s.seedIntegration(t, tok, hub, "Website chat", "WebChat")
	s.seedIntegration(t, tok, hub, "Audit hook", "System")
	page := s.signedIn(t, "editor")
	// Toasts added to the live region after the page loaded (what a screen
	// reader speaks). Records are delivered late: those of the parser's
	// toasts are taken and dropped when the document is loaded (this
	// listener runs before app.js's work is seen), then recording starts.
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(`
		window.__spoken = [];
		let armed = false;
		const seen = ms => {
			if (!armed) return;
			for (const m of ms) for (const n of m.addedNodes)
				if (n.nodeType === 1 && n.parentElement && n.parentElement.id === "toasts") window.__spoken.push(n.textContent.trim());
		};
		const obs = new MutationObserver(seen);
		obs.observe(document, {subtree: true, childList: true});
		document.addEventListener("readystatechange", () => {
			if (document.readyState !== "interactive") return;
			obs.takeRecords();
			armed = true;
		});`)}))

	_, err := page.Goto("/hubs/" + hub.ID)
	must(t, err)

	// Space presses a link styled as a button, as it does a button.
	add := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Add integration"})
	must(t, add.Focus())
	must(t, page.Keyboard().Press("Space"))
	atPath(t, page, "/hubs/"+hub.ID+"/integrations/new")

	// The current page's sidebar link has its ring outside its blue fill.
	must(t, page.Locator(`nav a[aria-current="page"]`).Focus())
	if off := focusedStyle(t, page, "outline-offset"); off != "2px" {
		t.Errorf("current nav link's outline offset %q, want 2px (outside the fill)", off)
	}
	shot(t, page, "keyboard-nav-focus")

	// A System integration with no event: focus goes to the first event's box.
	n := NewIntegrationPage{page, hub.ID}
	_, err = page.Goto("/hubs/" + hub.ID + "/integrations/new/system")
	must(t, err)
	must(t, n.Name().Fill("Events"))
	must(t, n.Field("webhookUrl", 0).Fill("https://example.com/events"))
	n.Submit(t)
	must(t, expect.Locator(page.Locator(`[data-field="cfg.events"] .field-error`)).ToContainText("Choose at least one event."))
	if got := activeElement(t, page); got != "INPUT cfg.events checkbox" {
		t.Errorf("after a refused event choice, focus is on %q, want the first event's checkbox", got)
	}

	// Web chat with its one origin row empty: the focused row is described
	// by the list's error; rows are numbered, and renumbered.
	_, err = page.Goto("/hubs/" + hub.ID + "/integrations/new/webchat")
	must(t, err)
	must(t, n.Name().Fill("Chat two"))
	n.Submit(t)
	first := n.Field("allowedOrigins", 0)
	must(t, expect.Locator(first).ToBeFocused())
	must(t, expect.Locator(first).ToHaveAccessibleDescription(regexp.MustCompile(`^Add at least one allowed origin\. The sites that host the widget`)))
	if focusedStyle(t, page, "outline-style") != "solid" {
		t.Error("a focused invalid text field has no focus ring")
	}
	shot(t, page, "keyboard-invalid-focus")
	must(t, expect.Locator(first).ToHaveAccessibleName("Allowed origin 1"))
	must(t, n.Button("Add allowed origin").Click())
	must(t, expect.Locator(n.Field("allowedOrigins", 1)).ToHaveAccessibleName("Allowed origin 2"))
	must(t, expect.Locator(n.Button("Remove allowed origin 2")).ToHaveCount(1))
	must(t, n.Button("Remove allowed origin 1").Click())
	must(t, expect.Locator(n.Field("allowedOrigins", 0)).ToHaveAccessibleName("Allowed origin 1"))

	// A list filtered in place says what it shows now.
	_, err = page.Goto("/hubs/" + hub.ID)
	must(t, err)
	must(t, page.GetByLabel("Search by name").PressSequentially("zzz"))
	must(t, expect.Locator(page.Locator("#announce")).ToHaveText("No integrations match"))
	must(t, page.GetByLabel("Search by name").Fill(""))
	must(t, page.GetByLabel("Search by name").PressSequentially("chat"))
	must(t, expect.Locator(page.Locator("#announce")).ToContainText("1 integration"))
	// Cleared: the whole list, on one page (no pager), is said too.
	must(t, page.GetByLabel("Search by name").Fill(""))
	must(t, page.GetByLabel("Search by name").Press("Enter"))
	must(t, expect.Locator(page.Locator("#announce")).ToHaveText("2 integrations"))
	must(t, expect.Locator(page.GetByLabel("Search by name")).ToBeFocused())
	// A copy button's result is spoken too (its new name often is not).
	must(t, page.Locator("[data-copy]").First().Click())
	must(t, expect.Locator(page.Locator("#announce")).ToHaveText(regexp.MustCompile(`^Cop(ied|y failed)$`)))

	// The toast of a page loaded after a redirect is added to the live
	// region after load, so it is spoken.
	_, err = page.Goto("/hubs/new")
	must(t, err)
	// A field's help is its description (not only text near it).
	must(t, expect.Locator(page.GetByLabel("Name")).ToHaveAccessibleDescription(regexp.MustCompile(`\S`)))
	must(t, page.GetByLabel("Name").Fill("Sales"))
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Create hub"}).Click())
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("Sales"))
	spoken, err := page.Evaluate(`() => window.__spoken.join(" | ")`)
	must(t, err)
	if s, _ := spoken.(string); s == "" {
		t.Error("the toast of the loaded page was never added to the live region after load")
	}

	// The skip link shows on a solid box.
	must(t, page.Locator("body").Focus())
	must(t, page.Keyboard().Press("Tab"))
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Skip to content"})).ToBeFocused())
	// (the sidebar's colour, once Pico's transition has run)
	must(t, expect.Locator(page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Skip to content"})).ToHaveCSS("background-color", "rgb(246, 248, 250)"))
	shot(t, page, "keyboard-skip-link")

	// Escape dismisses toasts; from inside one, focus goes to the content.
	// (The toast is made here, as an htmx answer's HX-Trigger makes one, so
	// it cannot have left on its own before the key is pressed.)
	toasts := page.Locator("#toasts .toast")
	showToast := `() => document.dispatchEvent(new CustomEvent("showToast", {detail: {message: "Saved"}}))`
	_, err = page.Evaluate(showToast)
	must(t, err)
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Dismiss"}).Last().Focus())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(toasts).ToHaveCount(0))
	must(t, expect.Locator(page.Locator("#main")).ToBeFocused())
	// In a text field Escape is the field's: the toast stays.
	_, err = page.Goto("/hubs")
	must(t, err)
	_, err = page.Evaluate(showToast)
	must(t, err)
	must(t, page.GetByLabel("Search by name").Focus())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(toasts).ToHaveCount(1))
	// Anywhere else it dismisses them.
	must(t, page.GetByLabel("Search by name").Blur())
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(toasts).ToHaveCount(0))

	// Activity: an arrow key on the Action select does not leave the page;
	// Filter sends the choice.
	_, err = page.Goto("/activity")
	must(t, err)
	markDocument(t, page)
	action := page.GetByLabel("Action")
	must(t, action.Focus())
	must(t, page.Keyboard().Press("ArrowDown"))
	sameDocument(t, page)
	must(t, expect.Locator(action).ToBeFocused())
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Filter"}).Click())
	atPath(t, page, "/activity?action=hub")
}
