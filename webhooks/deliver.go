package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// UserAgent is sent with every delivery.
const UserAgent = "hubadmin-webhooks/1"

// ExcerptLimit is how much of a receiver's answer an Attempt keeps.
const ExcerptLimit = 2 << 10

// Request is one delivery attempt of one message.
type Request struct {
	URL   string
	Event string
	Body  []byte
	// MessageID is the webhook-id: the same for every retry of a message.
	MessageID string
	// Attempt numbers the attempts of a message from 1.
	Attempt int

	PrivateKey, PublicKey string
	HubID, IntegrationID  string

	// Timestamp is the webhook-timestamp; zero means the time of the attempt
	// (what retries should use: a fresh timestamp each time).
	Timestamp time.Time
}

// Attempt is the record of one delivery attempt, as the deliveries table
// keeps it.
type Attempt struct {
	At        time.Time
	Event     string
	AttemptNo int
	// StatusCode is 0 when the receiver never answered.
	StatusCode int
	Latency    time.Duration
	// Error says why the attempt failed; empty on success.
	Error string
	// ResponseExcerpt is the first ExcerptLimit bytes of the answer's body.
	ResponseExcerpt string
	Success         bool
}

// Deliverer posts signed webhooks through the SSRF-safe client.
type Deliverer struct {
	// Timeout bounds one attempt, connect to answer; zero means
	// DefaultTimeout.
	Timeout time.Duration

	client *http.Client
}

// NewDeliverer returns a Deliverer whose client refuses non-public addresses
// unless allowPrivate (--allow-private-webhooks).
func NewDeliverer(allowPrivate bool) *Deliverer {
	// The client itself has no overall timeout: Deliver bounds each attempt
	// with d.Timeout, which tests shorten.
	return &Deliverer{Timeout: DefaultTimeout, client: newClient(allowPrivate, 0)}
}

// Deliver makes one attempt and reports it; it never returns an error, since
// every failure is a recorded Attempt. Only a 2xx answer is a success.
func (d *Deliverer) Deliver(ctx context.Context, r Request) Attempt {
	at := time.Now()
	a := Attempt{At: at, Event: r.Event, AttemptNo: r.Attempt}
	if err := CheckURL(r.URL); err != nil {
		a.Error = err.Error()
		return a
	}

	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	attemptCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		a.Error = err.Error()
		return a
	}
	ts := r.Timestamp
	if ts.IsZero() {
		ts = at
	}
	req.Header = Sign(r.Body, r.PrivateKey, r.PublicKey, r.MessageID, ts)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderSourceSystem, SourceSystem)
	req.Header.Set(HeaderHubID, r.HubID)
	req.Header.Set(HeaderIntegrationID, r.IntegrationID)

	client := d.client
	if client == nil { // a zero Deliverer: fail safe, with the guard on
		client = newClient(false, 0)
		defer client.CloseIdleConnections()
	}
	resp, err := client.Do(req)
	a.Latency = time.Since(at)
	if err != nil {
		a.Error = failure(ctx, req.URL.Hostname(), err, timeout)
		return a
	}
	defer resp.Body.Close()

	a.StatusCode = resp.StatusCode
	// A read error (the receiver stalls after its status line) leaves a
	// shorter excerpt; the status decides the outcome.
	excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, ExcerptLimit))
	// Stored as TEXT and shown in the dashboard: a cut multi-byte rune or a
	// binary answer must not make it invalid UTF-8.
	a.ResponseExcerpt = strings.ToValidUTF8(string(excerpt), "\uFFFD")
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		if loc := resp.Header.Get("Location"); loc != "" {
			a.Error = fmt.Sprintf("redirect to %s not followed", loc)
		} else {
			a.Error = fmt.Sprintf("receiver answered %d; redirects are not followed", resp.StatusCode)
		}
	case resp.StatusCode < 200 || resp.StatusCode >= 300:
		a.Error = fmt.Sprintf("receiver answered %d", resp.StatusCode)
	default:
		a.Success = true
	}
	return a
}

// failure turns a transport error into the reason an operator reads.
func failure(parent context.Context, host string, err error, timeout time.Duration) string {
	var refused *AddressNotAllowedError
	if errors.As(err, &refused) {
		refused.Host = host
		return refused.Error()
	}
	if errors.Is(err, ErrAddressNotAllowed) {
		return unwrapURLError(err).Error()
	}
	if parent.Err() != nil {
		return "delivery cancelled: " + context.Cause(parent).Error()
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("could not resolve %s: %s", dnsErr.Name, dnsErr.Err)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return "could not connect: " + opErr.Error()
	}
	return unwrapURLError(err).Error()
}

// unwrapURLError drops net/http's `Post "https://…":` prefix, which repeats
// the URL the delivery log already shows.
func unwrapURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return urlErr.Err
	}
	return err
}

// TestActivity builds the sample activity of "Send test event". messageID is
// the activityId, to be used as the webhook-id.
func TestActivity(hubID, integrationID string, now time.Time) (messageID string, body []byte) {
	type message struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type activity struct {
		Type    string  `json:"type"`
		Message message `json:"message"`
	}
	id := uuid.NewString()
	body, err := json.Marshal(struct {
		ActivityID    string   `json:"activityId"`
		Event         string   `json:"event"`
		HubID         string   `json:"hubId"`
		IntegrationID string   `json:"integrationId"`
		Created       string   `json:"created"`
		Activity      activity `json:"activity"`
	}{
		ActivityID:    id,
		Event:         "test",
		HubID:         hubID,
		IntegrationID: integrationID,
		Created:       now.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Activity: activity{
			Type:    "message",
			Message: message{Type: "text", Text: "This is a test event from hubadmin."},
		},
	})
	if err != nil {
		panic(err) // only strings: cannot fail
	}
	return id, body
}
