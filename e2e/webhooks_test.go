package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// seedWebhook creates a System integration posting to url through the API.
func (s *Server) seedWebhook(t *testing.T, hubID, name, url string) string {
	t.Helper()
	status, body := s.api(t, s.token(t, "write"), http.MethodPost, "/api/v1/integrations/hubs/"+hubID,
		fmt.Sprintf(`{"channelId":"System","name":%q,"configuration":{"webhookUrl":%q,"events":["message"]}}`, name, url))
	if status != http.StatusOK {
		t.Fatalf("seed %s: %d %s", name, status, body)
	}
	var out struct{ IntegrationID string }
	must(t, json.Unmarshal([]byte(body), &out))
	return out.IntegrationID
}

func TestWebhookSendTestEvent(t *testing.T) {
	t.Parallel()
	// The receiver holds its answer until the test has seen the busy state.
	release := make(chan struct{})
	var hits atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-release:
		case <-time.After(8 * time.Second):
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rcv.Close)
	var once atomic.Bool
	t.Cleanup(func() {
		if once.CompareAndSwap(false, true) {
			close(release)
		}
	})

	s := newServer(t, AllowPrivateWebhooks)
	hub := s.hub(t, "Support")
	id := s.seedWebhook(t, hub.ID, "Analytics", rcv.URL+"/events")
	page := s.signedIn(t, "admin")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)

	panel := page.GetByTestId("webhook-panel")
	must(t, expect.Locator(panel.GetByTestId("empty-state")).ToContainText("No deliveries yet"))
	send := panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Send test event"})
	must(t, send.Click())
	// Busy while the receiver has not answered.
	must(t, expect.Locator(send).ToHaveAttribute("aria-busy", "true"))
	must(t, expect.Locator(send).ToBeDisabled())
	shot(t, page, "webhook-test-busy")
	once.Store(true)
	close(release)

	last := page.GetByTestId("last-attempt")
	must(t, expect.Locator(last).ToContainText("Delivered"))
	must(t, expect.Locator(last).ToContainText("status 200"))
	rows := page.GetByTestId("delivery")
	must(t, expect.Locator(rows).ToHaveCount(1))
	must(t, expect.Locator(rows.First()).ToContainText("test"))
	must(t, expect.Locator(rows.First()).ToContainText("200"))
	must(t, expect.Locator(page.Locator("#toasts .toast")).ToContainText("Test event delivered"))
	must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send test event"})).ToBeEnabled())
	if n := hits.Load(); n != 1 {
		t.Errorf("receiver got %d requests, want 1", n)
	}
	shot(t, page, "webhook-test-delivered")
	noOverflow(t, page)
}

// failingReceiver answers 503 "database is down" until fail is set to
// false, then 204.
func failingReceiver(t *testing.T) (*httptest.Server, *atomic.Bool) {
	fail := &atomic.Bool{}
	fail.Store(true)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "database is down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	return rcv, fail
}

func TestWebhookFailedDeliveryAndRedeliver(t *testing.T) {
	t.Parallel()
	rcv, fail := failingReceiver(t)

	s := newServer(t, AllowPrivateWebhooks)
	id := s.seedWebhook(t, s.hub(t, "Support").ID, "Archive", rcv.URL)
	page := s.signedIn(t, "editor", PageOptions{Width: Narrow})
	_, err := page.Goto("/integrations/" + id)
	must(t, err)

	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send test event"}).Click())
	last := page.GetByTestId("last-attempt")
	must(t, expect.Locator(last).ToContainText("Delivery failed"))
	// The panel was swapped under the caret: focus is on the result.
	must(t, expect.Locator(last).ToBeFocused())
	must(t, expect.Locator(last).ToContainText("receiver answered 503"))
	row := page.GetByTestId("delivery").First()
	must(t, row.GetByText("Response").Click())
	must(t, expect.Locator(row).ToContainText("database is down"))
	shot(t, page, "webhook-test-failed-narrow")

	fail.Store(false)
	// Each Redeliver names the attempt it sends again.
	must(t, expect.Locator(row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"})).ToHaveAccessibleName(regexp.MustCompile(`^Redeliver \S+ \(attempt 1, .+\)$`)))
	must(t, row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"}).Click())
	must(t, expect.Locator(last).ToContainText("Delivered"))
	must(t, expect.Locator(last).ToContainText("attempt 2"))
	must(t, expect.Locator(page.GetByTestId("delivery")).ToHaveCount(2))
	// The failed attempt now points to its retry, which is the one to
	// redeliver from, if any.
	first := page.GetByTestId("delivery").Last()
	retried := first.GetByTestId("retried")
	must(t, expect.Locator(retried).ToHaveText("Retried: attempt 2 delivered"))
	retryID, err := page.GetByTestId("delivery").First().GetAttribute("data-delivery-id")
	must(t, err)
	must(t, expect.Locator(retried).ToHaveAttribute("href", "#delivery-"+retryID))
	must(t, expect.Locator(first.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"})).ToHaveCount(0))
	shot(t, page, "webhook-retried-narrow")
}

// A page opened before a retry still offers Redeliver on the failed
// attempt; clicking it says why it is refused instead of sending the
// message once more.
func TestWebhookStaleRedeliverRefused(t *testing.T) {
	t.Parallel()
	rcv, fail := failingReceiver(t)
	s := newServer(t, AllowPrivateWebhooks)
	id := s.seedWebhook(t, s.hub(t, "Support").ID, "Archive", rcv.URL)
	first := s.signedIn(t, "editor")
	_, err := first.Goto("/integrations/" + id)
	must(t, err)
	must(t, first.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send test event"}).Click())
	must(t, expect.Locator(first.GetByTestId("last-attempt")).ToContainText("Delivery failed"))
	stale := s.signedIn(t, "editor")
	_, err = stale.Goto("/integrations/" + id)
	must(t, err)

	fail.Store(false)
	must(t, first.GetByTestId("delivery").First().GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"}).Click())
	must(t, expect.Locator(first.GetByTestId("last-attempt")).ToContainText("Delivered"))
	must(t, stale.GetByTestId("delivery").First().GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"}).Click())
	must(t, expect.Locator(stale.Locator("#toasts")).ToContainText("attempted again since (attempt 2)"))
}

// Without JavaScript the log is on the page, and Send test event and
// Redeliver are plain forms that come back to it.
func TestWebhookPanelWithoutJavaScript(t *testing.T) {
	t.Parallel()
	rcv, fail := failingReceiver(t)

	s := newServer(t, AllowPrivateWebhooks)
	id := s.seedWebhook(t, s.hub(t, "Support").ID, "Archive", rcv.URL)
	page := s.signedIn(t, "editor", PageOptions{NoJS: true})
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	must(t, expect.Locator(page.GetByTestId("webhook-panel")).ToContainText("No deliveries yet"))

	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Send test event"}).Click())
	atPath(t, page, "/integrations/"+id)
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("Test event failed"))
	row := page.GetByTestId("delivery").First()
	must(t, expect.Locator(row).ToContainText("503"))

	fail.Store(false)
	must(t, row.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"}).Click())
	atPath(t, page, "/integrations/"+id)
	must(t, expect.Locator(page.Locator("#toasts")).ToContainText("Redelivery delivered"))
	must(t, expect.Locator(page.GetByTestId("delivery")).ToHaveCount(2))
}

// TestWebhookLogFitsItsBox: a log of failed attempts, with Redeliver
// buttons and "Retried: attempt 2 failed" notes, fits its box at 1280 px
// (its actions were pushed off the right edge) and on a phone.
func TestWebhookLogFitsItsBox(t *testing.T) {
	t.Parallel()
	rcv, _ := failingReceiver(t)
	s := newServer(t, AllowPrivateWebhooks)
	id := s.seedWebhook(t, s.hub(t, "Support").ID, "Archive", rcv.URL+"/hook")
	tok := s.token(t, "write")
	for range 3 {
		if status, body := s.api(t, tok, http.MethodPost, "/api/v1/integrations/"+id+"/test", `{}`); status != http.StatusOK {
			t.Fatalf("test event: %d %s", status, body)
		}
	}
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	must(t, page.GetByTestId("delivery").Last().GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"}).Click())
	must(t, expect.Locator(page.GetByTestId("retried")).ToHaveText("Retried: attempt 2 failed"))

	for _, o := range pageOptions {
		page := s.signedIn(t, "editor", o)
		_, err := page.Goto("/integrations/" + id)
		must(t, err)
		log := page.GetByTestId("delivery-log")
		must(t, expect.Locator(log.GetByTestId("redeliver")).ToHaveCount(3))
		tableFits(t, log)
		noOverflow(t, page)
		must(t, page.Locator("#deliveries").ScrollIntoViewIfNeeded())
		shot(t, page, "webhook-log-"+o.suffix())
	}
}

// TestWebhookLogPaging: Older and Newer put the page in the address bar
// (a bookmark, the Back button), the pager says which attempts it shows,
// and focus stays on the pager: Enter again pages again, where it used to
// land on "Send test event" and send one.
func TestWebhookLogPaging(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rcv.Close)
	s := newServer(t, AllowPrivateWebhooks)
	id := s.seedWebhook(t, s.hub(t, "Support").ID, "Archive", rcv.URL)
	tok := s.token(t, "write")
	for range 27 {
		if status, body := s.api(t, tok, http.MethodPost, "/api/v1/integrations/"+id+"/test", `{}`); status != http.StatusOK {
			t.Fatalf("test event: %d %s", status, body)
		}
	}
	sent := hits.Load()
	page := s.signedIn(t, "editor")
	_, err := page.Goto("/integrations/" + id)
	must(t, err)
	panel := page.GetByTestId("webhook-panel")
	summary := panel.GetByTestId("deliveries-range")
	older := panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Older"})
	newer := panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Newer"})
	must(t, expect.Locator(summary).ToHaveText("1–20 of 27 attempts"))

	must(t, older.Focus())
	must(t, page.Keyboard().Press("Enter"))
	atPath(t, page, "/integrations/"+id+"?deliveries=1#deliveries")
	must(t, expect.Locator(summary).ToHaveText("21–27 of 27 attempts"))
	must(t, expect.Locator(panel.GetByTestId("delivery")).ToHaveCount(7))
	// The last page has no Older: focus is on Newer, not on the page's top
	// or on Send test event.
	must(t, expect.Locator(newer).ToBeFocused())
	shot(t, page, "webhook-log-older")

	must(t, page.Keyboard().Press("Enter"))
	atPath(t, page, "/integrations/"+id+"#deliveries")
	must(t, expect.Locator(summary).ToHaveText("1–20 of 27 attempts"))
	must(t, expect.Locator(older).ToBeFocused())
	if n := hits.Load(); n != sent {
		t.Errorf("paging sent %d test events", n-sent)
	}

	// Back, and a reload (a bookmark), show the page the address names.
	_, err = page.GoBack()
	must(t, err)
	atPath(t, page, "/integrations/"+id+"?deliveries=1#deliveries")
	must(t, expect.Locator(summary).ToHaveText("21–27 of 27 attempts"))
	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(summary).ToHaveText("21–27 of 27 attempts"))

	// A test event shows the log's first page, and the address says so.
	must(t, panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Send test event"}).Click())
	must(t, expect.Locator(page.GetByTestId("last-attempt")).ToContainText("Delivered"))
	must(t, expect.Locator(summary).ToHaveText("1–20 of 28 attempts"))
	atPath(t, page, "/integrations/"+id+"#deliveries")
}

// TestWebhookPanelForViewers: a viewer reads the log of a System or Direct
// integration but gets no Send test event button, not even a disabled one
// (which cannot take focus, so its reason could not be read), as no other
// change is offered to a viewer.
func TestWebhookPanelForViewers(t *testing.T) {
	t.Parallel()
	rcv, _ := failingReceiver(t)
	s := newServer(t, AllowPrivateWebhooks)
	hub := s.hub(t, "Support")
	system := s.seedWebhook(t, hub.ID, "Archive", rcv.URL)
	direct := s.apiIntegration(t, hub.ID, `{"channelId":"Direct","name":"Bot","configuration":{"integrationType":"Agent","webhookUrl":"`+rcv.URL+`/bot"}}`)
	tok := s.token(t, "write")
	page := s.signedIn(t, "viewer")
	for _, id := range []string{system, direct} {
		if status, body := s.api(t, tok, http.MethodPost, "/api/v1/integrations/"+id+"/test", `{}`); status != http.StatusOK {
			t.Fatalf("test event: %d %s", status, body)
		}
		_, err := page.Goto("/integrations/" + id)
		must(t, err)
		panel := page.GetByTestId("webhook-panel")
		must(t, expect.Locator(panel.GetByTestId("delivery")).ToHaveCount(1))
		must(t, expect.Locator(panel.GetByText("Test events are posted to")).ToBeVisible())
		must(t, expect.Locator(panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Send test event"})).ToHaveCount(0))
		must(t, expect.Locator(panel.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Redeliver"})).ToHaveCount(0))
		must(t, expect.Locator(page.Locator("button:disabled")).ToHaveCount(0))
	}
}
