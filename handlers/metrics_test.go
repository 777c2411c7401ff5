package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"hubadmin/channels"
)

// scrape reads /metrics with the metrics token.
func (a *testApp) scrape(token string) *httptest.ResponseRecorder {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

// sample returns a sample's value in Prometheus text, or -1 if absent.
func sample(t *testing.T, text, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetrics(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.MetricsToken = "s3cret-metrics" })
	tok := a.token("read")

	// Guarded by the token.
	if rec := a.scrape(""); rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("no token: %d %v", rec.Code, rec.Header())
	}
	mustStatus(t, a.scrape("wrong"), http.StatusUnauthorized)

	mustStatus(t, a.api("GET", "/api/v1/hubs", tok, ""), 200)
	mustStatus(t, a.api("GET", "/api/v1/hubs", tok, ""), 200)
	mustStatus(t, a.api("GET", "/api/v1/hubs/not-a-guid", tok, ""), 400)
	mustStatus(t, a.api("GET", "/api/v1/hubs", "", ""), 401)

	rec := a.scrape("s3cret-metrics")
	mustStatus(t, rec, 200)
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	text := rec.Body.String()
	ok := `http_requests_total{method="GET",route="/api/v1/hubs",status="200"}`
	if got := sample(t, text, ok); got != 2 {
		t.Fatalf("%s = %v, want 2\n%s", ok, got, text)
	}
	for _, series := range []string{
		`http_requests_total{method="GET",route="/api/v1/hubs/:id",status="400"}`,
		`http_requests_total{method="GET",route="/api/v1/hubs",status="401"}`,
		`http_request_duration_seconds_count{method="GET",route="/api/v1/hubs"}`,
		`webhook_deliveries_total{outcome="success"}`,
		`webhook_deliveries_total{outcome="failure"}`,
		`go_sql_max_open_connections{db_name="writer"}`,
		`go_sql_open_connections{db_name="reader"}`,
	} {
		if sample(t, text, series) < 0 {
			t.Errorf("missing %s", series)
		}
	}
	if sample(t, text, `go_sql_max_open_connections{db_name="writer"}`) != 1 {
		t.Errorf("writer pool should have one connection at most")
	}

	// The counter moves when requests are made.
	mustStatus(t, a.api("GET", "/api/v1/hubs", tok, ""), 200)
	if got := sample(t, a.scrape("s3cret-metrics").Body.String(), ok); got != 3 {
		t.Errorf("after one more request %s = %v, want 3", ok, got)
	}

	// Deliveries by outcome.
	a.srv.h.metrics.delivery(true)
	a.srv.h.metrics.delivery(false)
	a.srv.h.metrics.delivery(false)
	text = a.scrape("s3cret-metrics").Body.String()
	if s, f := sample(t, text, `webhook_deliveries_total{outcome="success"}`), sample(t, text, `webhook_deliveries_total{outcome="failure"}`); s != 1 || f != 2 {
		t.Errorf("deliveries success=%v failure=%v, want 1 and 2", s, f)
	}

	// Unknown paths are one series, not one per path.
	b := a.newBrowser()
	b.get("/no/such/page/1")
	b.get("/no/such/page/2")
	text = a.scrape("s3cret-metrics").Body.String()
	if strings.Contains(text, "/no/such/page") {
		t.Error("raw paths leak into route labels")
	}
}

func TestMetricsDisabledWithoutToken(t *testing.T) {
	a := newTestApp(t)
	mustStatus(t, a.scrape(""), http.StatusNotFound)
	mustStatus(t, a.scrape("anything"), http.StatusNotFound)
}

// TestMetricsRegistriesAreSeparate: two servers count on their own (a
// private registry each), so parallel tests never collide.
func TestMetricsRegistriesAreSeparate(t *testing.T) {
	t.Parallel()
	cfg := func(c *Config) { c.MetricsToken = "m" }
	a, b := newTestApp(t, cfg), newTestApp(t, cfg)
	mustStatus(t, a.api("GET", "/healthz", "", ""), 200)
	series := `http_requests_total{method="GET",route="/healthz",status="200"}`
	if got := sample(t, a.scrape("m").Body.String(), series); got != 1 {
		t.Errorf("a: %v", got)
	}
	if got := sample(t, b.scrape("m").Body.String(), series); got != -1 {
		t.Errorf("b counted a's request: %v", got)
	}
}

// Made-up methods share one label: each would otherwise add series for good.
// (A server of its own: the contract check wants 405 for them, and the
// dashboard's CSRF check answers 403 first, which is as good.)
func TestMetricsMethodsAreBounded(t *testing.T) {
	a := newTestApp(t)
	srv := New(Config{DB: a.db, Providers: channels.Sandbox(), SessionKey: make([]byte, 32), RateLimit: 1000,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MetricsToken: "s3cret-metrics"})
	for i := range 20 {
		srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("MXYZ"+strconv.Itoa(i), "/healthz", nil))
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer s3cret-metrics")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	text := rec.Body.String()
	if strings.Contains(text, "MXYZ") {
		t.Error("a made-up method became a label")
	}
	if !strings.Contains(text, `method="OTHER"`) {
		t.Errorf("made-up methods not counted as OTHER:\n%s", text)
	}
}
