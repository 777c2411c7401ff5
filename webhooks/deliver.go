package webhooks

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
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
	// Error says why the attempt failed, in one line of at most 300 bytes;
	// empty on success.
	Error string
	// ResponseExcerpt is the first ExcerptLimit bytes of the answer's body,
	// as text (see excerptText), followed by a "[hubadmin: …]" line when
	// the body stopped before them.
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
	a := d.attempt(ctx, r)
	a.Error = reason(a.Error)
	return a
}

func (d *Deliverer) attempt(ctx context.Context, r Request) Attempt {
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
	if err != nil {
		a.Latency = time.Since(at)
		a.Error = failure(ctx, req.URL, err, timeout)
		return a
	}
	defer resp.Body.Close()

	a.StatusCode = resp.StatusCode
	// The excerpt is read within the attempt's timeout and its latency: a
	// receiver that sends its status line and then stalls took that long.
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, ExcerptLimit))
	a.Latency = time.Since(at)
	a.ResponseExcerpt = excerptText(body)
	if readErr != nil {
		// The status still decides the outcome (SPEC 7.2), and Error stays
		// empty on success: the excerpt says why it is short.
		note := fmt.Sprintf("[hubadmin: the answer's body was cut short after %d bytes: %s]",
			len(body), cutShort(ctx, readErr, timeout))
		if a.ResponseExcerpt != "" {
			note = "\n" + note
		}
		a.ResponseExcerpt += note
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		if loc := resp.Header.Get("Location"); loc != "" {
			a.Error = fmt.Sprintf("redirect to %s not followed", quoted(loc))
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
func failure(parent context.Context, u *url.URL, err error, timeout time.Duration) string {
	var refused *AddressNotAllowedError
	if errors.As(err, &refused) {
		refused.Host = quoted(u.Hostname())
		return refused.Error()
	}
	if errors.Is(err, ErrAddressNotAllowed) {
		return unwrapURLError(err).Error()
	}
	if parent.Err() != nil {
		return "delivery cancelled: " + context.Cause(parent).Error()
	}
	if timedOut(err) {
		return fmt.Sprintf("no answer within %s", timeout)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return fmt.Sprintf("could not resolve %s: %s", quoted(dnsErr.Name), dnsErr.Err)
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		// The host as written: the address a name resolved to is not told
		// (see AddressNotAllowedError.Addr).
		target := quoted(u.Host)
		if errors.Is(err, syscall.ECONNREFUSED) {
			return "could not connect: connection refused by " + target
		}
		var errno syscall.Errno
		if errors.As(err, &errno) {
			return fmt.Sprintf("could not connect to %s: %s", target, errno)
		}
		return fmt.Sprintf("could not connect to %s: %s", target, opErr.Err)
	}
	if why := tlsFailure(err); why != "" {
		return "TLS handshake failed: " + why
	}
	if closedEarly(err) {
		return "the receiver closed the connection without answering"
	}
	return unwrapURLError(err).Error()
}

// cutShort says why reading an answer's body failed after its status line.
func cutShort(parent context.Context, err error, timeout time.Duration) string {
	switch {
	case parent.Err() != nil:
		return "delivery cancelled: " + context.Cause(parent).Error()
	case timedOut(err):
		return fmt.Sprintf("nothing more within %s", timeout)
	case closedEarly(err):
		return "the receiver closed the connection"
	}
	return reason(err.Error())
}

// timedOut tells the attempt's timeout, or a socket's, running out.
func timedOut(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

// closedEarly tells a connection that the receiver closed or reset before
// its answer was complete (net/http reports a bare EOF).
func closedEarly(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE)
}

// tlsFailure says why a TLS handshake failed, or "" for another error.
func tlsFailure(err error) string {
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.Is(err, http.ErrSchemeMismatch):
		return "the receiver answered in plain HTTP (should the URL start with http://?)"
	case errors.As(err, &verify):
		return verify.Err.Error()
	case errors.As(err, &record):
		return "the receiver does not speak TLS on this port"
	case errors.As(err, &opErr) && opErr.Op == "remote error": // a TLS alert
		return "the receiver refused it: " + opErr.Err.Error()
	}
	return ""
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
