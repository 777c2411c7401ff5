// Package handlers is hubadmin's HTTP surface: the REST API (api_*.go) and
// the dashboard (ui_*.go). routes.go lists every route.
package handlers

import (
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/securecookie"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/webhooks"
)

// Config is what the server needs; main builds it from flags.
type Config struct {
	DB        *db.DB
	Providers channels.Providers
	// SessionKey signs session cookies and CSRF tokens (derived from the
	// secret key file).
	SessionKey []byte
	// SecureCookies is "auto", "true" or "false".
	SecureCookies string
	// RateLimit is requests per second per API token (burst twice that).
	RateLimit float64
	// AllowPrivateWebhooks lets deliveries reach private addresses.
	AllowPrivateWebhooks bool
	// PublicURL, if set, is the server's external base URL (for the Slack
	// redirect URI); otherwise it is taken from each request.
	PublicURL string
	// SlackConfigured is false when the Slack client id or secret is missing.
	SlackConfigured bool
	Version         string
	Logger          *slog.Logger
	// HandlerTimeout bounds each request (default 30 s).
	HandlerTimeout time.Duration
	// Webhooks delivers signed test events; nil builds one from AllowPrivateWebhooks.
	Webhooks *webhooks.Deliverer
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client (sign-in throttling, rate limits and logs use that address).
	// Empty: the connection's own address, whatever headers say.
	TrustedProxies []*net.IPNet
	// LoopbackOnly: the server listens on a loopback address, so a request
	// naming any other host (other than PublicURL's) in Host came through
	// a name that was made to resolve to this machine (DNS rebinding: a
	// web page's script then reads and posts to the dashboard, /setup
	// included, as its own site) and is refused.
	LoopbackOnly bool
	// MetricsToken enables GET /metrics (Prometheus text format) behind
	// "Authorization: Bearer <MetricsToken>"; empty disables it (404).
	MetricsToken string
}

type handler struct {
	db        *db.DB
	providers channels.Providers
	cfg       Config
	log       *slog.Logger
	sessions  *sessionStore
	hooks     *webhooks.Deliverer
	logins    *loginThrottle
	unsaved   *securecookie.SecureCookie // forms sent after the session ended (ui_unsaved.go)
	devices   *securecookie.SecureCookie // browsers signed in before (ui_login_device.go)
	setup     string                     // the setup link's token (setupAllowed)
	metrics   *metrics
	// draining is set when the server shuts down: new requests get 503.
	draining atomic.Bool
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// okJSON writes a 200 JSON response (Hubster's clients treat any other 2xx
// as a failure).
func okJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	writeJSON(w, v)
	return nil
}
