package channels

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// providerTimeout bounds every call to Twilio, Facebook and Slack (spec 7.1).
const providerTimeout = 10 * time.Second

// maxProviderBody caps what is read from a provider's answer; the
// resources we read are a few kilobytes.
const maxProviderBody = 1 << 20

// NewHTTPClient is the client the live providers share: a 10 s timeout on
// top of whatever deadline the request's context carries. It follows no
// redirect: the providers' APIs answer where they are asked, and a
// redirect would carry a request made with someone's credentials to an
// address nobody chose (it is answered as the provider's trouble).
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout:   providerTimeout,
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// providerResponse is a provider's answer, read whole.
type providerResponse struct {
	status int
	body   []byte
}

// ok reports a 2xx status.
func (r providerResponse) ok() bool { return r.status >= 200 && r.status < 300 }

// unavailable reports an answer that says "try later" rather than "no":
// rate limiting, server errors and redirects (not followed; see
// NewHTTPClient) are the provider's trouble, not the input's.
func (r providerResponse) unavailable() bool {
	return r.status == http.StatusTooManyRequests || r.status >= 500 || (r.status >= 300 && r.status < 400)
}

// statusText is "HTTP 503 Service Unavailable".
func (r providerResponse) statusText() string {
	return fmt.Sprintf("HTTP %d %s", r.status, http.StatusText(r.status))
}

// answered is a provider's trouble in words for Failing: its status, then
// what it said, when it said more than its status ("it answered HTTP 503
// Service Unavailable: down for maintenance", not the status twice).
func (r providerResponse) answered(text string) error {
	if text == "" || text == r.statusText() {
		return fmt.Errorf("it answered %s", r.statusText())
	}
	return fmt.Errorf("it answered %s: %s", r.statusText(), text)
}

// decode reads the JSON body into v.
func (r providerResponse) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("unreadable answer (%s): %w", r.statusText(), err)
	}
	return nil
}

// send does req and reads its answer. The error, if any, is safe to show:
// secrets are replaced by "[redacted]" and the URL's query is dropped.
func send(client *http.Client, req *http.Request, secrets ...string) (providerResponse, error) {
	res, err := client.Do(req)
	if err != nil {
		return providerResponse{}, safeError(err, secrets...)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxProviderBody))
	if err != nil {
		return providerResponse{}, safeError(fmt.Errorf("reading the answer: %w", err), secrets...)
	}
	return providerResponse{status: res.StatusCode, body: body}, nil
}

// safeError rewrites a transport error so it can be shown to an API user:
// url.Error prints the whole URL, query string (and Graph's access_token)
// included, so only its scheme, host and path are kept.
func safeError(err error, secrets ...string) error {
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		where, _, _ := strings.Cut(ue.URL, "?")
		if u, perr := url.Parse(ue.URL); perr == nil {
			where = u.Scheme + "://" + u.Host + u.EscapedPath()
		}
		reason := ue.Err.Error()
		if ue.Timeout() {
			reason = "timed out"
		}
		op := strings.ToUpper(ue.Op) // "Get" → "GET"
		if ue.Op == "parse" {
			op = "bad URL"
		}
		msg = fmt.Sprintf("%s %s: %s", op, where, reason)
	}
	return errors.New(redact(msg, secrets...))
}

// redact replaces each non-empty secret in s by "[redacted]"; providers
// sometimes echo a malformed token back in their error message.
func redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// joinURL appends path to base, tolerating a trailing slash on base.
func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + path
}
