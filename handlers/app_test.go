package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"hubadmin/channels"
	"hubadmin/db"
)

// testApp is the whole application on a real SQLite file in a temp dir,
// driven through e.ServeHTTP so middleware and the error handler run.
type testApp struct {
	t    testing.TB
	srv  *Server
	db   *db.DB
	path string // the database file
	// report forwards a fuzz app's contract failures to the running iteration.
	report *iterationTB
}

// iterationTB is a testing.TB whose failures go to the fuzz iteration that
// is running (Go runs a worker's inputs one at a time).
type iterationTB struct {
	testing.TB
	mu  sync.Mutex
	cur testing.TB
}

func (r *iterationTB) target() testing.TB {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		return r.cur
	}
	return r.TB
}

func (r *iterationTB) Helper()                   {}
func (r *iterationTB) Errorf(f string, a ...any) { r.target().Errorf(f, a...) }
func (r *iterationTB) Fatalf(f string, a ...any) { r.target().Fatalf(f, a...) }
func (r *iterationTB) Error(a ...any)            { r.target().Error(a...) }
func (r *iterationTB) Fatal(a ...any)            { r.target().Fatal(a...) }

func newTestApp(t testing.TB, mod ...func(*Config)) *testApp {
	t.Helper()
	dir := t.TempDir()
	seal, err := db.NewSealer(bytes.Repeat([]byte{9}, db.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "test.db"), seal)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cfg := Config{DB: d, Providers: channels.Sandbox(), SessionKey: seal.MACKey(), SecureCookies: "auto",
		RateLimit: 1000, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), SlackConfigured: true}
	for _, m := range mod {
		m(&cfg)
	}
	srv := New(cfg)
	// Every API request and response is checked against openapi.yaml
	// (openapi_test.go): all API tests are contract tests. Benchmarks
	// measure the server alone.
	a := &testApp{t: t, srv: srv, db: cfg.DB, path: filepath.Join(dir, "test.db")}
	switch t.(type) {
	case *testing.B:
	case *testing.F:
		// A fuzz target must report through its own t: the contract
		// check reports to whichever iteration is running (see with).
		a.report = &iterationTB{TB: t}
		srv.Pre(contractCheck(a.report))
	default:
		srv.Pre(contractCheck(t))
	}
	return a
}

// token makes an API token of the default tenant (or tenantID).
func (a *testApp) token(scope string, tenantID ...string) string {
	a.t.Helper()
	tid := db.DefaultTenantID
	if len(tenantID) > 0 {
		tid = tenantID[0]
	}
	_, plain, err := a.db.CreateToken(context.Background(), db.Token{TenantID: tid, Name: "test-" + scope, Scope: scope})
	if err != nil {
		a.t.Fatal(err)
	}
	return plain
}

// api sends a JSON request with a Bearer token ("" = none).
func (a *testApp) api(method, path, token, body string) *httptest.ResponseRecorder {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	return rec
}

// decode parses a JSON response into v, failing the test on error.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return v
}

// mustStatus fails unless the response has the status.
func mustStatus(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body.String())
	}
}

// browser is a signed-in dashboard session: its cookies and CSRF token.
type browser struct {
	app     *testApp
	cookies map[string]*http.Cookie
	csrf    string
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// newBrowser is a visitor with no session yet.
func (a *testApp) newBrowser() *browser { return &browser{app: a, cookies: map[string]*http.Cookie{}} }

// signIn creates a user with the role and signs in through the login form.
func (a *testApp) signIn(role string) *browser {
	a.t.Helper()
	email := role + "@example.com"
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		a.t.Fatal(err)
	}
	if _, err := a.db.UserByEmail(context.Background(), email); err != nil {
		if _, err := a.db.CreateUser(context.Background(), db.User{TenantID: db.DefaultTenantID, Email: email, PasswordHash: hash, Role: role}); err != nil {
			a.t.Fatal(err)
		}
	}
	b := a.newBrowser()
	b.get("/login")
	rec := b.post("/login", url.Values{"email": {email}, "password": {"correct horse battery"}}, false)
	if rec.Code != http.StatusSeeOther {
		a.t.Fatalf("sign in as %s: %d %s", role, rec.Code, rec.Body.String())
	}
	b.get("/hubs") // refresh the CSRF token from a page
	return b
}

func (b *browser) send(req *http.Request) *httptest.ResponseRecorder {
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.app.srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	if m := csrfMeta.FindStringSubmatch(rec.Body.String()); m != nil {
		b.csrf = m[1]
	}
	return rec
}

// get loads a page.
func (b *browser) get(path string) *httptest.ResponseRecorder {
	return b.send(httptest.NewRequest(http.MethodGet, path, nil))
}

// post submits a form with the CSRF token; htmx marks it as an htmx request.
func (b *browser) post(path string, form url.Values, htmx bool) *httptest.ResponseRecorder {
	if form == nil {
		form = url.Values{}
	}
	if b.csrf != "" && form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return b.send(req)
}

// hub creates a hub through the store.
func (a *testApp) hub(name string, tenantID ...string) db.Hub {
	a.t.Helper()
	tid := db.DefaultTenantID
	if len(tenantID) > 0 {
		tid = tenantID[0]
	}
	h, err := a.db.CreateHub(context.Background(), db.Hub{TenantID: tid, Name: name}, db.Audit{})
	if err != nil {
		a.t.Fatal(err)
	}
	return h
}
