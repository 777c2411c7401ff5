package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestRevealedSecretKeepsItsButtonsOnAPhone: a revealed secret longer
// than the phone's line (the Standard Webhooks secret) wraps inside its
// code, and its Hide and Copy buttons stay beside it; they fell below it.
func TestRevealedSecretKeepsItsButtonsOnAPhone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	hub := s.hub(t, "Support")
	id := s.apiIntegration(t, hub.ID, `{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://example.com/hook","events":["message"]}}`)
	page := s.signedIn(t, "admin", PageOptions{Width: Narrow})
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	dd := page.Locator(`dd[data-key="standardWebhooksSecret"]`)
	must(t, dd.Locator("button.reveal").Click())
	must(t, expect.Locator(dd.Locator("code")).ToHaveText(regexp.MustCompile(`^whsec_`)))
	for _, name := range []string{"Show Standard Webhooks secret", "Copy Standard Webhooks secret"} {
		below, err := dd.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: name}).Evaluate(
			`b => b.getBoundingClientRect().top - b.closest("dd").querySelector("code").getBoundingClientRect().bottom`, nil)
		must(t, err)
		if below := number(t, below); below >= 0 {
			t.Errorf("%s starts %.0f px below the secret's last line at %d px, want beside it", name, below, Narrow)
		}
	}
	shot(t, page, "integration-secret-revealed-390")
	noOverflow(t, page)
}
