package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/db"
	"hubadmin/views"
)

// deliveriesPageSize is how many attempts the integration page shows at once.
const deliveriesPageSize = 20

// uiDeliveries is the integration page's webhook panel (an htmx partial):
// the "Send test event" button and the delivery log.
func (h *handler) uiDeliveries(c echo.Context) error {
	in, _, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	pg, _ := strconv.Atoi(c.QueryParam("page"))
	if !isPartial(c) {
		// Opened as a page (a bookmark, a link opened in a new tab): the log
		// is a part of the integration's page, so that page is what to show.
		return c.Redirect(http.StatusSeeOther, deliveriesHref(in.ID, pg))
	}
	return h.renderWebhookPanel(c, in, max(pg, 0), nil)
}

// uiIntegrationTest sends a test event and answers with the refreshed panel
// showing the attempt's result, plus a toast.
func (h *handler) uiIntegrationTest(c echo.Context) error {
	in, _, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	dl, err := h.sendTest(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return h.afterDelivery(c, in, dl, "Test event")
}

// uiRedeliver posts a failed attempt's message again.
func (h *handler) uiRedeliver(c echo.Context) error {
	in, _, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	prev, err := h.deliveryOf(c.Request().Context(), in, c.Param("delivery"))
	if err != nil {
		return err
	}
	dl, err := h.redeliver(c.Request().Context(), actorOf(c), in, prev)
	if err != nil {
		return err
	}
	return h.afterDelivery(c, in, dl, "Redelivery")
}

// afterDelivery toasts an attempt's outcome and shows the panel; a plain
// form post (no htmx) goes back to the integration page instead.
func (h *handler) afterDelivery(c echo.Context, in db.Integration, dl db.Delivery, what string) error {
	if dl.Success {
		h.flash(c, "success", fmt.Sprintf("%s delivered: %d in %s.", what, dl.StatusCode, latencyText(dl.Latency)))
	} else {
		h.flash(c, "error", fmt.Sprintf("%s failed: %s", what, dl.Error))
	}
	if c.Request().Header.Get("HX-Request") != "true" {
		return c.Redirect(http.StatusSeeOther, "/integrations/"+in.ID)
	}
	// The panel comes back on the log's first page: an address bar still
	// naming another (paged there, hx-push-url) would show that one on reload.
	if cur, err := url.Parse(c.Request().Header.Get("HX-Current-URL")); err == nil && cur.Query().Has("deliveries") {
		c.Response().Header().Set("HX-Replace-Url", deliveriesHref(in.ID, 0))
	}
	last := deliveryRow(dl, nil)
	return h.renderWebhookPanel(c, in, 0, &last)
}

func (h *handler) renderWebhookPanel(c echo.Context, in db.Integration, pg int, last *views.Delivery) error {
	m, err := h.webhookPanel(c, in, pg, last)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.WebhookPanelView(m))
}

// webhookPanel is the deliveries panel's model: page pg (from 0) of the log.
func (h *handler) webhookPanel(c echo.Context, in db.Integration, pg int, last *views.Delivery) (views.WebhookPanel, error) {
	list, total, err := h.db.Deliveries(c.Request().Context(), in.ID, pg, deliveriesPageSize)
	if err != nil {
		return views.WebhookPanel{}, err
	}
	t, why, err := h.target(c.Request().Context(), in)
	if err != nil {
		return views.WebhookPanel{}, err
	}
	u := currentUser(c)
	m := views.WebhookPanel{IntegrationID: in.ID, URL: t.URL, Reason: why, CanWrite: u.Role != "viewer", Last: last, Total: total,
		First: pg*deliveriesPageSize + 1, CSRF: h.partialPage(c).CSRF}
	onPage := map[string]bool{}
	for _, d := range list {
		onPage[d.ID] = true
	}
	for _, d := range list {
		m.Deliveries = append(m.Deliveries, deliveryRow(d, onPage))
	}
	base := "/integrations/" + in.ID + "/deliveries?page="
	if pg > 0 {
		m.PrevURL, m.PrevHref = base+strconv.Itoa(pg-1), deliveriesHref(in.ID, pg-1)
	}
	if (pg+1)*deliveriesPageSize < total {
		m.NextURL, m.NextHref = base+strconv.Itoa(pg+1), deliveriesHref(in.ID, pg+1)
	}
	return m, nil
}

// deliveriesHref is the integration's page showing page pg of its log.
func deliveriesHref(id string, pg int) string {
	if pg <= 0 {
		return "/integrations/" + id + "#deliveries"
	}
	return "/integrations/" + id + "?deliveries=" + strconv.Itoa(pg) + "#deliveries"
}

// deliveryRow is an attempt as the log shows it. An attempt whose message
// was attempted again since says how that went, linking to it when it is
// among onPage; like redeliver, it leaves redelivering to the latest.
func deliveryRow(d db.Delivery, onPage map[string]bool) views.Delivery {
	row := views.Delivery{
		ID: d.ID, Event: d.Event, URL: d.URL, Attempt: d.Attempt, StatusCode: d.StatusCode, Latency: latencyText(d.Latency),
		Success: d.Success, Error: d.Error, Excerpt: d.ResponseExcerpt,
		Created: stampUTC(d.Created), CreatedISO: apiTime(d.Created), CanRedeliver: !d.Success,
	}
	if l := d.Latest; l != nil && l.Attempt > d.Attempt {
		row.Retried = &views.Retry{Attempt: l.Attempt, Success: l.Success}
		if onPage[l.ID] {
			row.Retried.Href = "#delivery-" + l.ID
		}
		row.CanRedeliver = false
	}
	return row
}

// latencyText is a duration as people read it: "34 ms", "1.2 s".
func latencyText(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
}

// stampUTC is a timestamp on a page: UTC, to the second.
func stampUTC(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

// stampMinute is a time to the minute, as the integration page shows its
// dates: the tokens page's rows (a token's last use is written at most
// once a minute, so its seconds would be invented, and a row's other
// dates read alike).
func stampMinute(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
