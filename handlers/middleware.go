package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"hubadmin/db"
)

// actor is who makes a request: an API token or a signed-in user.
type actor struct {
	TenantID string
	Label    string // for the audit log
	// Write is false for read tokens and viewers.
	Write bool
	// Token is set for API requests.
	Token *db.Token
	// User is set for dashboard requests.
	User *db.User
}

func (a actor) audit(action, detail string) db.Audit {
	return db.Audit{Actor: a.Label, Action: action, Detail: detail}
}

const actorKey = "actor"

func actorOf(c echo.Context) actor {
	a, _ := c.Get(actorKey).(actor)
	return a
}

func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// requireToken authenticates API requests by Bearer token and refuses
// writes with a read token, so no write route can forget the check.
func (h *handler) requireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		unauthorized := func(msg, bearer string) error {
			e := problem(http.StatusUnauthorized, codeUnauthorized, "", msg)
			e.Header = http.Header{"Www-Authenticate": {bearer}}
			return e
		}
		// Two headers are two credentials, of which Get would read the
		// first in silence: the one a proxy added, or the one it meant to
		// replace.
		if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 1 {
			return unauthorized("The Authorization header is given more than once; send one, 'Bearer <token>'.", `Bearer realm="hubadmin", error="invalid_request"`)
		}
		auth := c.Request().Header.Get(echo.HeaderAuthorization)
		if auth == "" {
			return unauthorized("An Authorization header with a Bearer token is required.", `Bearer realm="hubadmin"`)
		}
		scheme, secret, ok := strings.Cut(auth, " ")
		secret = strings.TrimSpace(secret)
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return unauthorized("The Authorization header must be 'Bearer <token>'.", `Bearer realm="hubadmin", error="invalid_request"`)
		}
		t, err := h.db.TokenBySecret(c.Request().Context(), secret)
		if errors.Is(err, db.ErrNotFound) {
			return unauthorized("The token is unknown, revoked or expired.", `Bearer realm="hubadmin", error="invalid_token"`)
		}
		if err != nil {
			return err
		}
		if err := h.db.TouchToken(c.Request().Context(), t); err != nil {
			h.log.Warn("unable to record token use", "err", err)
		}
		label := "token:" + t.Name + " (…" + t.Hint + ")"
		if t.ClientID != "" {
			label = "client:" + t.ClientID
		}
		c.Set(actorKey, actor{TenantID: t.TenantID, Label: label, Write: t.Scope == "write", Token: &t})
		if !isRead(c.Request().Method) && t.Scope != "write" {
			return forbidden("This token has the read scope; this endpoint needs a write token.")
		}
		return next(c)
	}
}

// maxBurst bounds a token's burst (twice its rate).
const maxBurst = 1 << 30

// rateLimit limits each API token to its rate; over it, 429 with Retry-After.
func (h *handler) rateLimit() echo.MiddlewareFunc {
	r := h.cfg.RateLimit
	if r <= 0 {
		r = 20
	}
	// The burst is twice the rate, as a count: a huge rate (or +Inf, no
	// limit) must not overflow it into a negative burst that refuses all.
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(r), Burst: int(min(2*r, maxBurst)), ExpiresIn: 3 * time.Minute,
	})
	retry := strconv.Itoa(max(1, int(1/r+0.999)))
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			if a := actorOf(c); a.Token != nil {
				return a.Token.ID, nil
			}
			return c.RealIP(), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			e := problem(http.StatusTooManyRequests, codeRateLimited, "", "Too many requests with this token; wait a moment and retry.")
			e.Header = http.Header{"Retry-After": {retry}}
			return e
		},
	})
}

// drain answers 503 to new requests once shutdown has begun.
func (h *handler) drain(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if h.draining.Load() {
			e := problem(http.StatusServiceUnavailable, codeUnavailable, "", "The server is shutting down; retry shortly.")
			e.Header = http.Header{"Retry-After": {"5"}}
			c.Response().Header().Set("Connection", "close")
			return e
		}
		return next(c)
	}
}

// Drain makes the server refuse new requests with 503 (called on SIGTERM
// before http.Server.Shutdown lets in-flight requests finish).
func (h *handler) Drain() { h.draining.Store(true) }

// csp is the dashboard's Content-Security-Policy: no inline script or style.
// form-action is left open: "Connect to Slack" posts a form whose answer
// redirects to Slack's authorize page, which form-action would block.
const csp = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; img-src 'self'; style-src 'self'; script-src 'self'"

// Security headers, by what a response is (OWASP's REST Security and
// HTTP Headers cheat sheets). The dashboard's pages get the CSP above and
// a same-origin referrer; the old XSS auditors are turned off. The API's
// JSON is data, never a document: a CSP that allows nothing, no framing,
// no sniffing, and no-store, because an answer to a write token carries
// secrets in clear, which no browser or proxy cache may keep
// (/connect/token's tokens likewise). The values are shared, read-only
// slices: net/http only reads them, and Header.Add or Set on the same key
// replaces the slice (its capacity is its length), so no response can
// change another's.
var (
	pageSecurityHeaders = http.Header{
		"Content-Security-Policy": {csp},
		"Referrer-Policy":         {"same-origin"},
		"X-Content-Type-Options":  {"nosniff"},
		"X-Frame-Options":         {"DENY"},
		// Off: the old XSS auditors could be turned against a page.
		"X-Xss-Protection": {"0"},
	}
	apiSecurityHeaders = http.Header{
		"Cache-Control":           {"no-store"},
		"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
		"X-Content-Type-Options":  {"nosniff"},
		"X-Frame-Options":         {"DENY"},
	}
)

// securityHeaders sets apiSecurityHeaders on the API's paths (isAPIPath)
// and pageSecurityHeaders on every other.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		set := pageSecurityHeaders
		if isAPIPath(c.Request().URL.Path) {
			set = apiSecurityHeaders
		}
		h := c.Response().Header()
		for k, v := range set {
			h[k] = v
		}
		return next(c)
	}
}

// clientRequestID keeps the X-Request-Id a client or proxy sent only when
// it is a plain token (up to 64 letters, digits, '.', '_' or '-'); any
// other is dropped and the server makes its own. The id is echoed back,
// written to the log and returned as a problem's trackingId, so it must
// not carry markup, line breaks or kilobytes.
func clientRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		if id := h.Get(echo.HeaderXRequestID); id != "" && !plainToken(id, 64) {
			h.Del(echo.HeaderXRequestID)
		}
		return next(c)
	}
}

func plainToken(s string, maxLen int) bool {
	if len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// headAsGet answers a HEAD request as the GET of the same URL would be,
// headers only: a server answers HEAD wherever it answers GET (RFC 9110
// §9.3.2; uptime checks use it on /healthz). echo routes by the request
// net/http gave it, so the method is GET there while the handler runs;
// headWriter holds the answer's headers and counts its body, and both go
// out once the method is HEAD again.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodHead {
			return next(c)
		}
		r.Method = http.MethodGet
		res := c.Response()
		hw := &headWriter{ResponseWriter: res.Writer}
		res.Writer = hw
		err := next(c)
		if err != nil {
			c.Error(err) // rendered now, into hw, so its headers are sent below
		}
		r.Method = http.MethodHead // net/http then sends no body and keeps the connection
		hw.finish()
		return nil
	}
}

// headWriter takes a GET's answer to a HEAD request: it keeps the status
// and headers, counts the body instead of sending it, and sends the
// headers with the body's Content-Length at the end.
type headWriter struct {
	http.ResponseWriter
	status int
	n      int
}

func (w *headWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *headWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}

func (w *headWriter) finish() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if h := w.Header(); h.Get("Content-Length") == "" && w.n > 0 && h.Get("Content-Encoding") == "" {
		h.Set("Content-Length", strconv.Itoa(w.n))
	}
	w.ResponseWriter.WriteHeader(w.status)
}

// clientAddress is how a request's client address is found. By default it
// is the connection's: echo would otherwise believe any X-Forwarded-For or
// X-Real-IP a client sends, and one could then shed the sign-in throttle
// by changing a header. Behind reverse proxies (--trusted-proxies), the
// address they forward, read from the right past every trusted hop.
//
// Without --trusted-proxies, the first request whose address is asked for
// (a sign-in, an API request without a token) that comes through what
// looks like a proxy (X-Forwarded-For from a loopback or private address)
// is logged as a warning, once: every client behind that proxy then has
// its address, and so shares one sign-in count (50 failures from anyone
// there block every newcomer's sign-in) and one address in the logs.
func clientAddress(proxies []*net.IPNet, log *slog.Logger) echo.IPExtractor {
	if len(proxies) == 0 {
		direct := echo.ExtractIPDirect()
		var warned atomic.Bool
		return func(r *http.Request) string {
			ip := direct(r)
			if !warned.Load() && r.Header.Get("X-Forwarded-For") != "" {
				if a, err := netip.ParseAddr(ip); err == nil && (a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast()) && !warned.Swap(true) {
					log.Warn("requests come through a proxy but --trusted-proxies is not set: every client behind it has the proxy's address, "+
						"so they share one sign-in throttle and one address in the logs; start with --trusted-proxies naming the proxy's address",
						"proxy", ip)
				}
			}
			return ip
		}
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(p))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// loopbackHosts refuses requests whose Host is not a loopback name or
// address, nor the host of publicURL (see Config.LoopbackOnly).
func loopbackHosts(publicURL string) echo.MiddlewareFunc {
	public := ""
	if u, err := url.Parse(publicURL); err == nil && publicURL != "" {
		public = strings.ToLower(u.Hostname())
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if p := c.Request().URL.Path; p == "/healthz" || p == "/readyz" {
				return next(c) // probes: nothing to read or post there
			}
			host := strings.ToLower(c.Request().Host)
			if h, _, err := net.SplitHostPort(host); err == nil {
				host = h
			}
			host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
			ip, err := netip.ParseAddr(host)
			if host != "" && host == public || host == "localhost" || strings.HasSuffix(host, ".localhost") || err == nil && ip.IsLoopback() {
				return next(c)
			}
			return problem(http.StatusBadRequest, codeBadFormat, "Host",
				fmt.Sprintf("This server listens on a loopback address and answers only as localhost or 127.0.0.1, not as %q. "+
					"To serve it under that name (through a reverse proxy), start it with --public-url naming it.", c.Request().Host))
		}
	}
}

// preconditions evaluates, for a write to an item that exists (its last
// change at modified), the conditions a client may send beside If-Match
// (see ifMatch): If-None-Match "*" fails, as the item exists (RFC 9110
// §13.1.2), while a list of tags holds, as the API sends no ETags for one
// to match; If-Unmodified-Since fails when the item changed after that
// second (§13.1.4), and is ignored beside If-Match or when not an
// HTTP-date, as the RFC says. A failed one is a 412 and nothing is done.
// Creates are not conditioned: the item they make has no state before.
func preconditions(c echo.Context, modified time.Time) error {
	r := c.Request()
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	for _, v := range r.Header.Values("If-None-Match") {
		for _, tag := range strings.Split(v, ",") {
			if strings.TrimSpace(tag) == "*" {
				return problem(http.StatusPreconditionFailed, codeAborted, "If-None-Match",
					"Header 'If-None-Match: *' asks for the write only if the item does not exist, and it does; nothing was done.")
			}
		}
	}
	if _, has := r.Header["If-Match"]; has {
		return nil
	}
	if v := r.Header.Get("If-Unmodified-Since"); v != "" {
		if since, err := http.ParseTime(v); err == nil && modified.Truncate(time.Second).After(since) {
			return problem(http.StatusPreconditionFailed, codeAborted, "If-Unmodified-Since",
				fmt.Sprintf("The item changed at %s, after the If-Unmodified-Since date (%s); nothing was done. Read it again before writing.",
					modified.UTC().Format(http.TimeFormat), since.UTC().Format(http.TimeFormat)))
		}
	}
	return nil
}

// ifMatch answers a write conditioned on an entity tag (If-Match other
// than "*") with 412: the API sends no ETags, so no tag can match the
// current state, and RFC 9110 §13.1.1 has a server evaluate the condition
// before it acts rather than ignore it and apply the write anyway.
func ifMatch(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return next(c)
		}
		if v := r.Header.Values("If-Match"); len(v) > 0 && strings.TrimSpace(strings.Join(v, ",")) != "*" {
			return problem(http.StatusPreconditionFailed, codeNotImplemented, "If-Match",
				"Header 'If-Match' names an entity tag, but this server sends no ETags, so none can match and nothing was done. Send the request without If-Match (or with If-Match: *).")
		}
		return next(c)
	}
}
