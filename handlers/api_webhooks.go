package handlers

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/webhooks"
)

// webhookTarget is where and how an integration's deliveries go.
type webhookTarget struct {
	URL                   string
	PrivateKey, PublicKey string
}

// targetOf returns an integration's webhook, or why it cannot receive test
// events (a sentence for the API's detail and the dashboard alike).
func targetOf(in db.Integration, hubPaused bool) (webhookTarget, string) {
	ch, ok := channels.ByID(in.ChannelID)
	if !ok {
		return webhookTarget{}, fmt.Sprintf("Integrations of channel %s cannot receive test events.", in.ChannelID)
	}
	if _, receives := ch.Field("webhookUrl"); !receives {
		return webhookTarget{}, fmt.Sprintf("%s integrations receive no webhook deliveries; only Direct integrations with a webhook URL and System integrations can receive test events.", ch.Title)
	}
	cfg := ch.Join(in.Config, in.Secrets)
	t := webhookTarget{URL: cfg.String("webhookUrl"), PrivateKey: cfg.String("privateSigningKey"), PublicKey: cfg.String("publicSigningKey")}
	switch {
	case t.URL == "":
		return webhookTarget{}, "This Direct integration has no webhook URL: it receives activities over a websocket, so there is nothing to post a test event to. Add a webhook URL to test it."
	case in.StatusID == db.IntegrationPaused:
		return webhookTarget{}, "This integration is paused, and paused integrations receive nothing. Resume it to send a test event."
	case hubPaused:
		return webhookTarget{}, "This integration's hub is paused, and the integrations of a paused hub receive nothing. Resume the hub to send a test event."
	case t.PrivateKey == "":
		return webhookTarget{}, "This integration has no signing key; regenerate its keys to send a test event."
	}
	return t, ""
}

// target is where an integration's deliveries go, or why there are none
// (targetOf), its hub's status included.
func (h *handler) target(ctx context.Context, in db.Integration) (webhookTarget, string, error) {
	hub, err := h.db.Hub(ctx, in.HubID)
	if err != nil {
		return webhookTarget{}, "", err
	}
	t, why := targetOf(in, hub.StatusID == db.HubPaused)
	return t, why, nil
}

// sendTest posts a signed sample activity to an integration's webhook and
// records the attempt. A refused or failed delivery is not an error: it is a
// recorded Delivery with Success false; only an integration that cannot
// receive test events at all is (400, code 907).
func (h *handler) sendTest(ctx context.Context, a actor, in db.Integration) (db.Delivery, error) {
	t, why, err := h.target(ctx, in)
	if err != nil {
		return db.Delivery{}, err
	}
	if why != "" {
		return db.Delivery{}, badRequest(codeCannotTest, "", why)
	}
	msgID, body := webhooks.TestActivity(in.HubID, in.ID, time.Now())
	return h.deliver(ctx, a, in, t, db.Delivery{MessageID: msgID, Event: "test", Attempt: 1, Body: string(body)}, "integration.test")
}

// redeliver posts a recorded message again: the same webhook-id and body,
// the next attempt number, a fresh timestamp and a signature made with the
// integration's current keys and URL.
func (h *handler) redeliver(ctx context.Context, a actor, in db.Integration, prev db.Delivery) (db.Delivery, error) {
	if prev.IntegrationID != in.ID {
		return db.Delivery{}, problem(http.StatusNotFound, codeNotFound, "", "No such delivery for this integration.")
	}
	if prev.Success {
		return db.Delivery{}, badRequest(codeCannotTest, "", "This attempt succeeded; only failed attempts can be redelivered.")
	}
	attempt, err := h.db.NextAttempt(ctx, in.ID, prev.MessageID)
	if err != nil {
		return db.Delivery{}, err
	}
	if attempt > prev.Attempt+1 {
		// Only a message's latest attempt is redelivered: an older one,
		// from a page opened before the retry, would send it once more.
		return db.Delivery{}, badRequest(codeCannotTest, "",
			fmt.Sprintf("This message was attempted again since (attempt %d); only its latest attempt can be redelivered.", attempt-1))
	}
	t, why, err := h.target(ctx, in)
	if err != nil {
		return db.Delivery{}, err
	}
	if why != "" {
		return db.Delivery{}, badRequest(codeCannotTest, "", why)
	}
	next := db.Delivery{MessageID: prev.MessageID, Event: prev.Event, Attempt: attempt, Body: prev.Body}
	return h.deliver(ctx, a, in, t, next, "integration.redeliver")
}

// deliver makes one attempt and records it, with an audit entry.
func (h *handler) deliver(ctx context.Context, a actor, in db.Integration, t webhookTarget, dl db.Delivery, action string) (db.Delivery, error) {
	at := h.hooks.Deliver(ctx, webhooks.Request{
		URL: t.URL, Event: dl.Event, Body: []byte(dl.Body), MessageID: dl.MessageID, Attempt: dl.Attempt,
		PrivateKey: t.PrivateKey, PublicKey: t.PublicKey, HubID: in.HubID, IntegrationID: in.ID,
	})
	h.metrics.delivery(at.Success)
	dl.IntegrationID, dl.URL = in.ID, t.URL
	dl.StatusCode, dl.Latency, dl.Success = at.StatusCode, at.Latency, at.Success
	dl.Error, dl.ResponseExcerpt, dl.Created = at.Error, at.ResponseExcerpt, at.At
	// The attempt happened whatever the request's fate: record it even if
	// the client went away meanwhile.
	ctx = context.WithoutCancel(ctx)
	out, err := h.db.RecordDelivery(ctx, dl)
	if errors.Is(err, db.ErrNotFound) {
		outcome := "failed: " + dl.Error
		if dl.Success {
			outcome = fmt.Sprintf("delivered (%d)", dl.StatusCode)
		}
		return db.Delivery{}, problem(http.StatusNotFound, codeIntNotFound, "", fmt.Sprintf(
			"The integration was deleted while the event was being delivered; the attempt (%s) was not recorded.", outcome))
	}
	if err != nil {
		return db.Delivery{}, err
	}
	detail := fmt.Sprintf("attempt %d to %s: ", out.Attempt, auditHost(out.URL))
	if out.Success {
		detail += fmt.Sprintf("delivered (%d)", out.StatusCode)
	} else {
		detail += "failed: " + out.Error
	}
	if err := h.db.RecordAudit(ctx, in.TenantID, a.audit(action, detail), "integration", in.ID, in.Name); err != nil {
		h.log.Warn("unable to audit delivery", "err", err)
	}
	return out, nil
}

// deliveryJSON is a delivery attempt in the API.
type deliveryJSON struct {
	DeliveryID      string `json:"deliveryId"`
	IntegrationID   string `json:"integrationId"`
	MessageID       string `json:"messageId"`
	Event           string `json:"event"`
	Attempt         int    `json:"attempt"`
	URL             string `json:"url"`
	StatusCode      int    `json:"statusCode"`
	LatencyMS       int64  `json:"latencyMs"`
	Success         bool   `json:"success"`
	Error           string `json:"error"`
	ResponseExcerpt string `json:"responseExcerpt"`
	Created         string `json:"created"`
}

func deliveryView(d db.Delivery) deliveryJSON {
	return deliveryJSON{
		DeliveryID: d.ID, IntegrationID: d.IntegrationID, MessageID: d.MessageID, Event: d.Event, Attempt: d.Attempt,
		URL: d.URL, StatusCode: d.StatusCode, LatencyMS: d.Latency.Milliseconds(), Success: d.Success, Error: d.Error,
		ResponseExcerpt: d.ResponseExcerpt, Created: apiTime(d.Created),
	}
}

// apiIntegrationTest is POST /integrations/{id}/test. The answer is 200
// with the delivery record even when the delivery failed (receiver error,
// timeout, SSRF refusal): the request to *send* a test succeeded, and the
// record's success/error say how the receiver fared. SPEC 4 says the
// endpoint "returns the delivery record"; a 4xx would hide it.
func (h *handler) apiIntegrationTest(c echo.Context) error {
	// The test event is fixed: a body sent with it would read as if it
	// had been delivered, so one with any property is refused.
	if err := noBody(c, "a test sends the fixed test event of the API reference"); err != nil {
		return err
	}
	in, err := h.pathIntegration(c)
	if err != nil {
		return err
	}
	dl, err := h.sendTest(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return okJSON(c.Response(), deliveryView(dl))
}

// apiRedeliver is POST /integrations/{id}/deliveries/{deliveryId}/redeliver,
// the dashboard's Redeliver for scripts: a failed attempt's message sent
// again (redeliver says how), answered as a test event is, with the new
// attempt's record. hubadmin retries nothing by itself: every attempt is
// one someone asked for and sees the outcome of.
func (h *handler) apiRedeliver(c echo.Context) error {
	if err := noBody(c, "a redelivery sends the recorded message again"); err != nil {
		return err
	}
	in, err := h.pathIntegration(c)
	if err != nil {
		return err
	}
	id, err := parseID(c, "delivery", "deliveryId", "delivery")
	if err != nil {
		return err
	}
	prev, err := h.deliveryOf(c.Request().Context(), in, id)
	if err != nil {
		return err
	}
	dl, err := h.redeliver(c.Request().Context(), actorOf(c), in, prev)
	if err != nil {
		return err
	}
	return okJSON(c.Response(), deliveryView(dl))
}

// noBody refuses a body with any property (an empty one or {} is fine)
// for an action whose message is fixed, saying why.
func noBody(c echo.Context, why string) error {
	b, err := readBody(c, true)
	if err != nil {
		return err
	}
	var errs channels.FieldErrors
	for _, k := range slices.Sorted(maps.Keys(b)) {
		errs = append(errs, channels.FieldError{Code: codeNotSupported, Field: b[k].name,
			Message: "Property '" + b[k].name + "' is not supported: " + why + ", so it takes no body (or {})."})
	}
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	return nil
}

// apiDeliveries is GET /integrations/{id}/deliveries: a page of attempts,
// newest first.
func (h *handler) apiDeliveries(c echo.Context) error {
	id, err := parseID(c, "id", "integrationId", "integration")
	if err != nil {
		return err
	}
	pg, size, err := paging(c)
	if err != nil {
		return err
	}
	in, err := h.ownIntegration(c, id)
	if err != nil {
		return err
	}
	list, total, err := h.db.Deliveries(c.Request().Context(), in.ID, pg, size)
	if err != nil {
		return err
	}
	out := page[deliveryJSON]{PageNumber: pg, PageSize: size, Total: total, Results: make([]deliveryJSON, 0, len(list))}
	for _, d := range list {
		out.Results = append(out.Results, deliveryView(d))
	}
	return okJSON(c.Response(), out)
}

// deliveryOf loads a delivery of an integration; any other is 404.
func (h *handler) deliveryOf(ctx context.Context, in db.Integration, id string) (db.Delivery, error) {
	d, err := h.db.Delivery(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && d.IntegrationID != in.ID) {
		return db.Delivery{}, problem(http.StatusNotFound, codeNotFound, "", "No such delivery for this integration.")
	}
	return d, err
}

// auditHost is what the activity log tells of a webhook URL: its host (and
// port). A receiver's path and query often hold its own secret (a Slack
// incoming webhook's, a ?token=), and the log is read by every admin.
func auditHost(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return "the webhook URL"
}
