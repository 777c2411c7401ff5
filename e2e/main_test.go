// Package e2e drives the real dashboard in Chromium with playwright-go.
//
// Each test gets its own database in t.TempDir(), its own server on
// 127.0.0.1:0 and its own browser context, so tests run in parallel. Run
// e2e/setup.sh and e2e/axe.sh first (the Taskfile's test task does): they
// install Debian's Chromium and the Playwright driver without downloading
// browsers, and the axe-core that TestScreens checks every page with.
package e2e

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/handlers"
)

var (
	pw      *playwright.Playwright
	browser playwright.Browser
	expect  = playwright.NewPlaywrightAssertions(10000)
)

func chromiumPath() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

func TestMain(m *testing.M) {
	var err error
	pw, err = playwright.Run(&playwright.RunOptions{SkipInstallBrowsers: true, Verbose: false})
	if err != nil {
		log.Fatalf("e2e: playwright driver missing (run: bash e2e/setup.sh): %v", err)
	}
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(chromiumPath()),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync"},
	})
	if err != nil {
		log.Fatalf("e2e: chromium did not start (run: bash e2e/setup.sh): %v", err)
	}
	code := m.Run()
	browser.Close()
	pw.Stop()
	os.Exit(code)
}

// Server is one hubadmin on a temp database.
type Server struct {
	URL string
	DB  *db.DB
	// SetupLink is the setup page's address with its token, as the log
	// prints it.
	SetupLink string
	t         *testing.T
}

// ServerOption changes the server's configuration.
type ServerOption func(*handlers.Config)

// AllowPrivateWebhooks lets deliveries reach local test receivers.
func AllowPrivateWebhooks(c *handlers.Config) { c.AllowPrivateWebhooks = true }

// newServer starts the real application (sandbox providers) on 127.0.0.1:0.
func newServer(t *testing.T, opts ...ServerOption) *Server {
	t.Helper()
	seal, err := db.NewSealer(bytes.Repeat([]byte{5}, db.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "e2e.db"), seal)
	if err != nil {
		t.Fatal(err)
	}
	cfg := handlers.Config{DB: d, Providers: channels.Sandbox(), SessionKey: seal.MACKey(), SecureCookies: "auto",
		RateLimit: 1000, SlackConfigured: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	srv := handlers.New(cfg)
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); d.Close() })
	return &Server{URL: ts.URL, DB: d, SetupLink: "/setup?token=" + srv.SetupToken(), t: t}
}

// Viewport sizes of the screenshots.
const (
	Wide   = 1280
	Narrow = 390
)

// PageOptions choose a browser context.
type PageOptions struct {
	Width int
	Dark  bool
	NoJS  bool // JavaScript off: forms post as plain HTML
}

// newPage opens a fresh browser context and page. Console errors, page
// errors and CSP violations fail the test.
func (s *Server) newPage(t *testing.T, o ...PageOptions) playwright.Page {
	t.Helper()
	opt := PageOptions{Width: Wide}
	if len(o) > 0 {
		opt = o[0]
	}
	if opt.Width == 0 {
		opt.Width = Wide
	}
	scheme := playwright.ColorSchemeLight
	if opt.Dark {
		scheme = playwright.ColorSchemeDark
	}
	ctx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		Viewport:          &playwright.Size{Width: opt.Width, Height: 900},
		ColorScheme:       scheme,
		BaseURL:           playwright.String(s.URL),
		JavaScriptEnabled: playwright.Bool(!opt.NoJS),
	})
	if err != nil {
		t.Fatal(err)
	}
	page, err := ctx.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var problems []string
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if m.Type() == "error" || strings.Contains(m.Text(), "Content Security Policy") {
			mu.Lock()
			problems = append(problems, "console: "+m.Text())
			mu.Unlock()
		}
	})
	page.OnPageError(func(err error) {
		mu.Lock()
		problems = append(problems, "page error: "+err.Error())
		mu.Unlock()
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			if isExpectedConsoleError(p) {
				continue
			}
			t.Errorf("browser reported: %s", p)
		}
		ctx.Close()
	})
	return page
}

// isExpectedConsoleError passes over the browser's own report of an HTTP
// error status that a test provoked on purpose (e.g. a 422 form answer or a
// 4xx from htmx); it is not a script error or CSP violation.
func isExpectedConsoleError(p string) bool {
	return strings.Contains(p, "Failed to load resource: the server responded with a status of 4") ||
		strings.Contains(p, "Response Status Error Code 4") // htmx's own log of the same
}

const adminPassword = "correct horse battery"

// createUser adds a user to the default tenant.
func (s *Server) createUser(t *testing.T, email, role string) {
	t.Helper()
	hash, err := handlers.HashPassword(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.CreateUser(context.Background(), db.User{TenantID: db.DefaultTenantID, Email: email, PasswordHash: hash, Role: role}); err != nil {
		t.Fatal(err)
	}
}

// signedIn returns a page signed in as a new user of the role, through the
// login form.
func (s *Server) signedIn(t *testing.T, role string, o ...PageOptions) playwright.Page {
	t.Helper()
	email := role + "@example.com"
	if _, err := s.DB.UserByEmail(context.Background(), email); err != nil {
		s.createUser(t, email, role)
	}
	page := s.newPage(t, o...)
	LoginPage{page}.Open(t).Submit(t, email, adminPassword)
	atPath(t, page, "/hubs")
	return page
}

// atPath waits until the page's URL ends with path (path and query, as the
// server wrote them).
func atPath(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	if err := expect.Page(page).ToHaveURL(regexp.MustCompile(`^https?://[^/]+` + regexp.QuoteMeta(path) + `$`)); err != nil {
		t.Fatalf("waiting for %s: %v", path, err)
	}
}

// LoginPage is the sign-in form.
type LoginPage struct{ page playwright.Page }

// Open loads /login.
func (l LoginPage) Open(t *testing.T) LoginPage {
	t.Helper()
	if _, err := l.page.Goto("/login"); err != nil {
		t.Fatal(err)
	}
	return l
}

// Submit fills and sends the form.
func (l LoginPage) Submit(t *testing.T, email, password string) {
	t.Helper()
	must(t, l.page.GetByLabel("Email").Fill(email))
	must(t, l.page.GetByLabel("Password").Fill(password))
	must(t, l.page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sign in"}).Click())
}

// hub seeds a hub in the default tenant.
func (s *Server) hub(t *testing.T, name string) db.Hub {
	t.Helper()
	h, err := s.DB.CreateHub(context.Background(), db.Hub{TenantID: db.DefaultTenantID, Name: name}, db.Audit{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// token seeds an API token.
func (s *Server) token(t *testing.T, scope string) string {
	t.Helper()
	_, plain, err := s.DB.CreateToken(context.Background(), db.Token{TenantID: db.DefaultTenantID, Name: "e2e", Scope: scope})
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// api calls the REST API with a token and returns status and body.
func (s *Server) api(t *testing.T, token, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// shot saves a full-page screenshot to $SCREENSHOT_DIR (default
// e2e/screenshots) for review.
func shot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = "screenshots"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(path), FullPage: playwright.Bool(true)}); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
}

// noOverflow fails if the page is wider than its viewport (something sticks out).
func noOverflow(t *testing.T, page playwright.Page) {
	t.Helper()
	v, err := page.Evaluate(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := v.(int); ok && n > 1 {
		t.Errorf("page %s overflows horizontally by %dpx", page.URL(), n)
	}
}

// tableFits fails if a table is wider than its .table-wrap, which then
// scrolls sideways and hides its right-hand columns (the actions), or if
// any of its buttons and links ends past the box's right edge.
func tableFits(t *testing.T, table playwright.Locator) {
	t.Helper()
	v, err := table.Evaluate(`t => {
		const w = t.closest(".table-wrap"), box = w.getBoundingClientRect(), out = [];
		if (w.scrollWidth - w.clientWidth > 1) out.push("it scrolls sideways by " + (w.scrollWidth - w.clientWidth) + " px");
		for (const c of t.querySelectorAll("button, a, th")) {
			const r = c.getBoundingClientRect();
			if (r.width && r.right > box.right + 1) out.push((c.getAttribute("aria-label") || c.textContent.trim() || c.tagName) + " ends at x=" + Math.round(r.right) + ", its box at " + Math.round(box.right));
			if (out.length >= 4) break;
		}
		return out.join("; ");
	}`, nil)
	must(t, err)
	if s, _ := v.(string); s != "" {
		where, err := table.Evaluate(`t => location.pathname + " at " + window.innerWidth + " px"`, nil)
		must(t, err)
		t.Errorf("a table of %v does not fit its box: %s", where, s)
	}
}

// number reads a number a page's script returned: Playwright gives a
// whole one as an int and any other as a float64.
func number(t *testing.T, v any) float64 {
	t.Helper()
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	t.Fatalf("not a number: %#v", v)
	return 0
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
