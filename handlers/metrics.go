package handlers

import (
	"crypto/subtle"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"hubadmin/db"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (not the global default one), so two servers in one process (tests in
// parallel) never share or collide.
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	deliveries *prometheus.CounterVec
}

func newMetrics(d *db.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests by route template, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency by route template and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "webhook_deliveries_total",
			Help: "Webhook delivery attempts by outcome (success: a 2xx answer; failure: anything else).",
		}, []string{"outcome"}),
	}
	// Both outcomes are exported from the start, at 0.
	m.deliveries.WithLabelValues("success")
	m.deliveries.WithLabelValues("failure")
	m.reg.MustRegister(m.requests, m.duration, m.deliveries,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if d != nil {
		m.reg.MustRegister(newDBCollector(d))
	}
	return m
}

// delivery counts one webhook delivery attempt.
func (m *metrics) delivery(success bool) {
	if m == nil {
		return
	}
	outcome := "failure"
	if success {
		outcome = "success"
	}
	m.deliveries.WithLabelValues(outcome).Inc()
}

// middleware counts every request by its route template (never the raw
// path, which would make a series per id) and times it. It renders a
// handler's error itself so the status counted is the one sent.
func (m *metrics) middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil && !c.Response().Committed {
				c.Error(err)
			}
			route := c.Path() // a template such as /api/v1/hubs/:id, bounded
			if route == "" {
				route = "unmatched"
			}
			method := metricMethod(c.Request().Method)
			m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
			m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// metricMethod is a request's method as a label: the standard ones by
// name, any other as OTHER. A client may send any token as its method,
// and each distinct one would be a series kept for the process's life.
func metricMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// metricsEndpoint is GET /metrics: Prometheus text format. It is off (404)
// unless the server has a metrics token, and then needs
// "Authorization: Bearer <token>".
func (h *handler) metricsEndpoint(c echo.Context) error {
	want := h.cfg.MetricsToken
	if want == "" {
		return c.String(http.StatusNotFound, "404 page not found: metrics are disabled (start the server with --metrics-token)\n")
	}
	scheme, got, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		return c.String(http.StatusUnauthorized, "401 unauthorized: send Authorization: Bearer <metrics token>\n")
	}
	promhttp.HandlerFor(h.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}

// dbCollector exports the database pools' sql.DBStats, with the names of
// client_golang's DBStatsCollector and db_name "writer" or "reader".
type dbCollector struct {
	d                                                   *db.DB
	maxOpen, open, inUse, idle, waitCount, waitDuration *prometheus.Desc
	maxIdleClosed, maxIdleTimeClosed, maxLifetimeClosed *prometheus.Desc
}

func newDBCollector(d *db.DB) *dbCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("go_sql_"+name, help, []string{"db_name"}, nil)
	}
	return &dbCollector{
		d:                 d,
		maxOpen:           desc("max_open_connections", "Maximum number of open connections to the database."),
		open:              desc("open_connections", "The number of established connections both in use and idle."),
		inUse:             desc("in_use_connections", "The number of connections currently in use."),
		idle:              desc("idle_connections", "The number of idle connections."),
		waitCount:         desc("wait_count_total", "The total number of connections waited for."),
		waitDuration:      desc("wait_duration_seconds_total", "The total time blocked waiting for a new connection."),
		maxIdleClosed:     desc("max_idle_closed_total", "The total number of connections closed due to SetMaxIdleConns."),
		maxIdleTimeClosed: desc("max_idle_time_closed_total", "The total number of connections closed due to SetConnMaxIdleTime."),
		maxLifetimeClosed: desc("max_lifetime_closed_total", "The total number of connections closed due to SetConnMaxLifetime."),
	}
}

func (dc *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{dc.maxOpen, dc.open, dc.inUse, dc.idle, dc.waitCount, dc.waitDuration, dc.maxIdleClosed, dc.maxIdleTimeClosed, dc.maxLifetimeClosed} {
		ch <- d
	}
}

func (dc *dbCollector) Collect(ch chan<- prometheus.Metric) {
	w, r := dc.d.Stats()
	for name, s := range map[string]sql.DBStats{"writer": w, "reader": r} {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, name)
		}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, name)
		}
		gauge(dc.maxOpen, float64(s.MaxOpenConnections))
		gauge(dc.open, float64(s.OpenConnections))
		gauge(dc.inUse, float64(s.InUse))
		gauge(dc.idle, float64(s.Idle))
		counter(dc.waitCount, float64(s.WaitCount))
		counter(dc.waitDuration, s.WaitDuration.Seconds())
		counter(dc.maxIdleClosed, float64(s.MaxIdleClosed))
		counter(dc.maxIdleTimeClosed, float64(s.MaxIdleTimeClosed))
		counter(dc.maxLifetimeClosed, float64(s.MaxLifetimeClosed))
	}
}
