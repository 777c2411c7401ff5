package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoginThrottle: 20 wrong passwords for one account block further
// tries for it (with the same generic message whether or not the account
// exists), and the right password works again once the window has passed.
func TestLoginThrottle(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin") // creates admin@example.com
	var mu sync.Mutex
	clock := time.Now()
	a.srv.h.logins.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	b := a.newBrowser()
	b.get("/login")
	try := func(email, pw string) *http.Response {
		return b.post("/login", url.Values{"email": {email}, "password": {pw}}, false).Result()
	}
	for i := range 20 {
		res := try("admin@example.com", "wrong password")
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i, res.StatusCode)
		}
	}
	rec := b.post("/login", url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}}, false)
	if rec.Code == http.StatusSeeOther || !strings.Contains(rec.Body.String(), "Too many failed sign-ins") {
		t.Fatalf("right password during the block: %d", rec.Code)
	}
	// An unknown account gets the same answer shape as a known one.
	for range 20 {
		try("ghost@example.com", "wrong password")
	}
	if rec := b.post("/login", url.Values{"email": {"ghost@example.com"}, "password": {"x"}}, false); !strings.Contains(rec.Body.String(), "Too many failed sign-ins") {
		t.Fatal("unknown account is not throttled like a known one")
	}
	mu.Lock()
	clock = clock.Add(loginWindow + time.Second)
	mu.Unlock()
	if res := try("admin@example.com", "correct horse battery"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("right password after the window: %d", res.StatusCode)
	}
}

// TestHandlerTimeoutIs408: a request that outlives the handler timeout is
// answered 408 with a problem body.
func TestHandlerTimeoutIs408(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.HandlerTimeout = time.Nanosecond })
	rec := a.api("GET", "/api/v1/hubs", a.token("read"), "")
	if rec.Code != http.StatusRequestTimeout || decode[Problem](t, rec).Errors[0].Code != codeTimedOut {
		t.Fatalf("timeout: %d %s", rec.Code, rec.Body.String())
	}
}

// TestReadiness: /healthz and /readyz are 200; /readyz is 503 while
// draining and when the database is unavailable.
func TestReadiness(t *testing.T) {
	a := newTestApp(t)
	mustStatus(t, a.api("GET", "/healthz", "", ""), 200)
	mustStatus(t, a.api("GET", "/readyz", "", ""), 200)
	a.srv.Drain()
	mustStatus(t, a.api("GET", "/readyz", "", ""), 503)
	rec := a.api("GET", "/api/v1/hubs", "", "")
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("while draining: %d %v", rec.Code, rec.Header())
	}

	b := newTestApp(t)
	b.db.Close()
	mustStatus(t, b.api("GET", "/readyz", "", ""), 503)
}

// TestReadinessAnswersJSON: the probes' 503 (draining, no database) is
// JSON of the 200's shape with Retry-After, not the dashboard's HTML
// page, and carries the same security headers as their 200.
func TestReadinessAnswersJSON(t *testing.T) {
	a := newTestApp(t)
	ok := a.api("GET", "/readyz", "", "")
	mustStatus(t, ok, 200)
	check := func(name string, rec *httptest.ResponseRecorder) {
		t.Helper()
		if rec.Code != 503 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%s: %d %v %s", name, rec.Code, rec.Header(), rec.Body.String())
		}
		if b := decode[map[string]string](t, rec); b["status"] != "unavailable" || b["detail"] == "" {
			t.Errorf("%s: body %v", name, b)
		}
		for _, k := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Cache-Control"} {
			if got, want := rec.Header().Get(k), ok.Header().Get(k); got != want {
				t.Errorf("%s: %s %q, the 200 has %q", name, k, got, want)
			}
		}
	}
	b := newTestApp(t)
	b.db.Close()
	check("readyz without a database", b.api("GET", "/readyz", "", ""))
	a.srv.Drain()
	check("readyz while draining", a.api("GET", "/readyz", "", ""))
	check("healthz while draining", a.api("GET", "/healthz", "", ""))
}
