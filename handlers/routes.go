package handlers

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"hubadmin/static"
	"hubadmin/webhooks"
)

// Server is the HTTP application.
type Server struct {
	*echo.Echo
	h *handler
}

// Drain makes new requests get 503 while in-flight ones finish.
func (s *Server) Drain() { s.h.Drain() }

// SetupToken is the token the setup link carries (for the log): from
// anywhere but this machine, /setup needs it.
func (s *Server) SetupToken() string { return s.h.setup }

// New builds the application with every route.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HandlerTimeout == 0 {
		cfg.HandlerTimeout = 30 * time.Second
	}
	h := &handler{db: cfg.DB, providers: cfg.Providers, cfg: cfg, log: cfg.Logger, hooks: cfg.Webhooks}
	if h.hooks == nil {
		h.hooks = webhooks.NewDeliverer(cfg.AllowPrivateWebhooks)
	}
	h.sessions = newSessionStore(cfg.DB, cfg.SessionKey, secureCookies(cfg.SecureCookies))
	h.logins = newLoginThrottle()
	h.unsaved = newUnsavedCodec(cfg.SessionKey)
	h.devices = newDeviceCodec(cfg.SessionKey)
	h.setup = rand.Text()
	h.metrics = newMetrics(cfg.DB)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientAddress(cfg.TrustedProxies, cfg.Logger)
	e.HTTPErrorHandler = h.errorHandler
	e.Pre(headAsGet)
	e.Use(clientRequestID)
	e.Use(middleware.RequestID())
	e.Use(h.metrics.middleware())
	e.Use(h.requestLog())
	e.Use(middleware.Recover())
	e.Use(securityHeaders) // before drain: its 503 carries them too
	if cfg.LoopbackOnly {
		e.Use(loopbackHosts(cfg.PublicURL))
	}
	e.Use(h.drain)
	e.Use(pathParams)                   // a path parameter is one whole segment, decoded; else 404
	e.Use(middleware.BodyLimit("1MiB")) // gommon reads "1M" as 10⁶ bytes
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout: cfg.HandlerTimeout,
		ErrorHandler: func(err error, c echo.Context) error {
			if errors.Is(err, context.DeadlineExceeded) {
				return problem(http.StatusRequestTimeout, codeTimedOut, "", "The request took longer than the server's timeout and was stopped.")
			}
			return err
		},
	}))

	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	e.GET("/healthz", h.healthz)
	e.GET("/readyz", h.readyz)
	e.GET("/metrics", h.metricsEndpoint) // 404 unless Config.MetricsToken is set
	e.GET("/api/openapi.yaml", h.openapiDoc)

	// Hubster's own clients (SPEC 4.1): OAuth2 client credentials and the
	// web chat widget's token, neither behind a Bearer token.
	e.POST("/connect/token", h.connectToken)
	e.GET("/api/v1/integrations/web-chat/token/:id", h.webChatToken)
	e.OPTIONS("/api/v1/integrations/web-chat/token/:id", h.webChatToken)

	// REST API (SPEC 4). requireToken refuses writes with read tokens. The
	// token check goes route by route, not on the group: a group with a
	// middleware answers every unknown path under its prefix through it,
	// and an unknown route without a token was a 401, not a 404.
	api := e.Group("/api/v1")
	auth := []echo.MiddlewareFunc{h.requireToken, h.rateLimit(), checkParams, ifMatch}
	api.POST("/integrations/hubs/:id", h.integrationCreateOrUpdate, auth...)
	api.GET("/integrations/hubs/:id/:channel", h.integrationsByChannel, auth...)
	api.GET("/integrations/:id", h.integrationGet, auth...)
	api.PUT("/integrations/:id", h.integrationUpdate, auth...)
	api.DELETE("/integrations/:id", h.integrationDelete, auth...)
	api.GET("/integrations", h.integrationList, auth...)
	api.POST("/integrations/slack/nonce", h.slackNonce, auth...)
	api.POST("/integrations/:id/test", h.apiIntegrationTest, auth...)
	api.GET("/integrations/:id/deliveries", h.apiDeliveries, auth...)
	api.POST("/integrations/:id/deliveries/:delivery/redeliver", h.apiRedeliver, auth...)
	api.POST("/hubs", h.hubCreate, auth...)
	api.GET("/hubs", h.hubList, auth...)
	api.GET("/hubs/:id", h.hubGet, auth...)
	api.PUT("/hubs/:id", h.hubUpdate, auth...)
	api.DELETE("/hubs/:id", h.hubDelete, auth...)
	api.GET("/audit", h.apiAudit, auth...)
	// Any other path under /api is a problem+json 404, token or not; a
	// path of the API asked with a method it does not take is a 405 that
	// says which it takes (these catch-alls match before echo's own 405).
	apiNotFound := func(c echo.Context) error {
		if allow := allowedMethods(e, c.Request()); len(allow) > 0 {
			c.Response().Header().Set(echo.HeaderAllow, strings.Join(allow, ", "))
			return echo.ErrMethodNotAllowed
		}
		return echo.ErrNotFound
	}
	e.Any("/api/*", apiNotFound)
	e.Any("/connect/*", apiNotFound) // GET /connect/token is a 405, not the sign-in page
	api.RouteNotFound("/*", apiNotFound)
	e.RouteNotFound("/api/v1/integrations/web-chat/token/*", apiNotFound)

	// Dashboard (SPEC 5). Sessions, CSRF on every mutating request, roles.
	// Pages are gzipped (a hub page of 50 rows shrinks tenfold); the API's
	// JSON is not, so programs pay no compression CPU per call.
	ui := e.Group("", gzipPages(), readForm, h.csrf(), h.loadSession)
	ui.GET("/", h.home)
	ui.GET("/setup", h.setupForm)
	ui.POST("/setup", h.setupSubmit)
	ui.GET("/login", h.loginForm)
	ui.POST("/login", h.loginSubmit)
	ui.POST("/logout", h.logout)

	in := ui.Group("", h.requireUser)
	in.GET("/hubs", h.uiHubs)
	in.GET("/hubs/new", h.uiHubNew)
	in.POST("/hubs", h.uiHubCreate)
	in.GET("/hubs/:id", h.uiHub)
	in.GET("/hubs/:id/edit", h.uiHubEdit)
	in.POST("/hubs/:id", h.uiHubSave)
	in.POST("/hubs/:id/pause", h.uiHubPause)
	in.POST("/hubs/:id/resume", h.uiHubResume)
	in.GET("/hubs/:id/delete", h.uiHubDeleteConfirm)
	in.POST("/hubs/:id/delete", h.uiHubDelete)

	in.GET("/hubs/:id/integrations/new", h.uiChannelPicker)
	in.GET("/hubs/:id/integrations/new/:channel", h.uiIntegrationNew)
	in.POST("/hubs/:id/integrations/new/:channel", h.uiIntegrationCreate)
	in.POST("/hubs/:id/slack/connect", h.uiSlackConnect)
	in.GET("/oauth/slack/callback", h.uiSlackCallback)
	in.POST("/oauth/slack/callback", h.uiSlackCallback) // names a state the API issued without one

	in.GET("/integrations/:id", h.uiIntegration)
	in.GET("/integrations/:id/edit", h.uiIntegrationEdit)
	in.POST("/integrations/:id", h.uiIntegrationSave)
	in.POST("/integrations/:id/pause", h.uiIntegrationPause)
	in.POST("/integrations/:id/resume", h.uiIntegrationResume)
	in.POST("/integrations/:id/delete", h.uiIntegrationDelete)
	in.POST("/integrations/:id/regenerate", h.uiIntegrationRegenerate)
	in.POST("/integrations/:id/test", h.uiIntegrationTest)
	in.GET("/integrations/:id/deliveries", h.uiDeliveries)
	in.POST("/integrations/:id/deliveries/:delivery/redeliver", h.uiRedeliver)

	in.GET("/activity", h.uiActivity)
	in.GET("/api-docs", h.uiAPIDocs)
	in.POST("/account/sign-out-everywhere", h.uiSignOutEverywhere)
	in.GET("/account/password", h.uiPasswordForm)
	in.POST("/account/password", h.uiPasswordSave)

	// Admin pages take requireAdmin route by route: a group with a
	// middleware also answers every unknown path under its prefix (echo
	// registers a catch-all for it), and with the prefix "" that made any
	// mistyped address "Only admins can open this page" for an editor.
	admin := h.requireAdmin
	in.GET("/tokens", h.uiTokens, admin)
	in.POST("/tokens", h.uiTokenCreate, admin)
	in.POST("/tokens/:id/revoke", h.uiTokenRevoke, admin)
	in.GET("/users", h.uiUsers, admin)
	in.POST("/users", h.uiUserCreate, admin)
	in.POST("/users/:id", h.uiUserSave, admin)

	return &Server{Echo: e, h: h}
}

// healthz says the process is up.
func (h *handler) healthz(c echo.Context) error {
	return okJSON(c.Response(), map[string]string{"status": "ok"})
}

// readyz says the database answers and the server is not shutting down.
// Its 503 is JSON too (errorHandler's notReady), with Retry-After.
func (h *handler) readyz(c echo.Context) error {
	if h.draining.Load() { // drain answers before this runs; this keeps /readyz right without it
		return problem(http.StatusServiceUnavailable, codeUnavailable, "", "The server is shutting down; retry shortly.")
	}
	if err := h.db.Ping(c.Request().Context()); err != nil {
		return problem(http.StatusServiceUnavailable, codeUnavailable, "", "The database is unavailable.")
	}
	return okJSON(c.Response(), map[string]string{"status": "ready"})
}

// requestLog writes one structured line per request; never a secret.
func (h *handler) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRoutePath: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			// LogAttrs: typed attributes, no boxing of every value per request.
			h.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", slog.String("request_id", v.RequestID),
				slog.String("method", v.Method), slog.String("route", v.RoutePath), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Int64("latency_ms", v.Latency.Milliseconds()), slog.String("actor", actorOf(c).Label))
			return nil
		},
	})
}

// allowedMethods lists the methods a route of echo's own router takes
// at r's path, asking it method by method; an answer from a catch-all
// ("…/*"), or a route whose parameter took more than a segment
// (strayParam), is no route.
func allowedMethods(e *echo.Echo, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
		if m == r.Method {
			continue
		}
		c := e.NewContext(r, nil)
		e.Router().Find(m, r.URL.Path, c)
		if p := c.Path(); p != "" && !strings.HasSuffix(p, "/*") && !strayParam(c) {
			allow = append(allow, m)
		}
	}
	return allow
}
