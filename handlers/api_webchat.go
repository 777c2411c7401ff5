package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

const webChatTokenTTL = time.Hour

// webChatToken is GET /api/v1/integrations/web-chat/token/{integrationId}:
// no Authorization; the browser's Origin must be one of the integration's
// allowedOrigins. The answer carries CORS headers for that origin only.
func (h *handler) webChatToken(c echo.Context) error {
	id, err := parseID(c, "id", "integrationId", "integration")
	if err != nil {
		return err
	}
	in, err := h.db.Integration(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && in.ChannelID != "WebChat") {
		return notFound(codeIntNotFound, "web chat integration", id)
	}
	if err != nil {
		return err
	}
	ch, _ := channels.ByID("WebChat")
	cfg := ch.Join(in.Config, in.Secrets)
	origin := c.Request().Header.Get("Origin")
	if origin == "" {
		return forbidden("The request has no Origin header; a browser sends one with the widget's request from a page of one of this integration's allowedOrigins.")
	}
	if !originAllowed(origin, cfg.Strings("allowedOrigins")) {
		return forbidden("The origin '" + origin + "' is not in this integration's allowedOrigins.")
	}
	cors(c, origin)
	if c.Request().Method == http.MethodOptions {
		return c.NoContent(http.StatusNoContent)
	}
	if in.StatusID != db.IntegrationActive {
		return forbidden("This web chat integration is paused.")
	}
	// A paused hub's integrations receive nothing (SPEC), its widget included.
	hub, err := h.db.Hub(c.Request().Context(), in.HubID)
	if err != nil {
		return err
	}
	if hub.StatusID == db.HubPaused {
		return forbidden("This web chat integration's hub is paused.")
	}
	return okJSON(c.Response(), map[string]any{
		"access_token": h.signWebChatToken(in.ID, origin, time.Now().Add(webChatTokenTTL)),
		"token_type":   "WebBearer", "expires_in": int(webChatTokenTTL / time.Second),
	})
}

func cors(c echo.Context, origin string) {
	hd := c.Response().Header()
	hd.Set("Access-Control-Allow-Origin", origin)
	hd.Add("Vary", "Origin")
	hd.Set("Access-Control-Allow-Methods", "GET, OPTIONS")
	hd.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
	hd.Set("Access-Control-Max-Age", "600")
}

// signWebChatToken makes a stateless token: integration, origin and expiry,
// signed with the server's key.
func (h *handler) signWebChatToken(integrationID, origin string, exp time.Time) string {
	payload := integrationID + "|" + origin + "|" + strconv.FormatInt(exp.Unix(), 10)
	m := hmac.New(sha256.New, append([]byte("webchat:"), h.cfg.SessionKey...))
	m.Write([]byte(payload))
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(m.Sum(nil))
}

// originAllowed matches an Origin against allowedOrigins entries: "host"
// allows that host on any port and scheme, "host:port" that port only, and
// an "https://" prefix additionally requires https.
func originAllowed(origin string, allowed []string) bool {
	// An Origin is scheme://host[:port] and nothing else (RFC 6454 §7);
	// anything more (a path, user info, a query) is no browser's.
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(origin, "?") || strings.HasSuffix(origin, "#") {
		return false
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	for _, a := range allowed {
		scheme := ""
		if i := strings.Index(a, "://"); i >= 0 {
			scheme, a = strings.ToLower(a[:i]), a[i+3:]
		}
		if scheme != "" && scheme != u.Scheme {
			continue
		}
		ah, ap := a, ""
		if h, p, err := net.SplitHostPort(a); err == nil {
			ah, ap = h, p
		}
		if !strings.EqualFold(strings.Trim(ah, "[]"), host) {
			continue
		}
		if ap == "" && scheme == "https" {
			ap = "443"
		}
		if ap == "" || ap == port {
			return true
		}
	}
	return false
}
