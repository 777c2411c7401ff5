package handlers

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hubadmin/db"
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

// TestLoginThrottleHoldsUnderABurst: tries sent all at once are counted
// before their passwords are checked, so no more than the limit are
// checked, and the right password after them is refused (each try used to
// be counted after its check: a burst of 80 checked 78).
func TestLoginThrottleHoldsUnderABurst(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	b := a.newBrowser()
	b.get("/login")
	const n = 3 * loginMaxAccountAt
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		form := url.Values{"email": {"admin@example.com"}, "password": {"wrong password"}, "_csrf": {b.csrf}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "203.0.113.9:4000"
		for _, c := range b.cookies {
			req.AddCookie(c)
		}
		wg.Go(func() {
			rec := httptest.NewRecorder()
			a.srv.ServeHTTP(rec, req)
			switch body := rec.Body.String(); {
			case rec.Code == http.StatusSeeOther:
				codes[i] = "signed in"
			case strings.Contains(body, "Too many failed sign-ins"):
				codes[i] = "throttled"
			case strings.Contains(body, loginFailed):
				codes[i] = "checked"
			default:
				codes[i] = fmt.Sprintf("%d", rec.Code)
			}
		})
	}
	wg.Wait()
	count := map[string]int{}
	for _, c := range codes {
		count[c]++
	}
	if count["checked"] > loginMaxAccountAt || count["throttled"] < n-loginMaxAccountAt {
		t.Errorf("a burst of %d tries: %v; want at most %d checked", n, count, loginMaxAccountAt)
	}
	b.cookies = map[string]*http.Cookie{}
	b.get("/login")
	if code := b.loginFrom("203.0.113.9:4000", "admin@example.com", "correct horse battery"); code == http.StatusSeeOther {
		t.Error("the right password after the burst signed in")
	}
}

// TestSignedInBeforeIsNotLockedOut: a guesser who fills an address's
// count (everyone behind one proxy shares it) or an account's locks out
// browsers new to the account, not one that signed in to it before (its
// device cookie): that browser's tries have a count of their own.
func TestSignedInBeforeIsNotLockedOut(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	a.signIn("editor")
	const proxy = "203.0.113.5:4000"
	const seeOther, refused = http.StatusSeeOther, http.StatusUnprocessableEntity
	owner := a.newBrowser()
	owner.get("/login")
	if code := owner.loginFrom(proxy, "Admin@Example.com", "correct horse battery"); code != seeOther {
		t.Fatalf("first sign-in: %d", code)
	}
	if _, ok := owner.cookies[deviceCookie]; !ok {
		t.Fatal("no device cookie after signing in")
	}
	owner.get("/hubs") // the signed-in page's CSRF token
	mustStatus(t, owner.post("/logout", nil, false), http.StatusSeeOther)
	owner.get("/login")
	if _, ok := owner.cookies[deviceCookie]; !ok {
		t.Fatal("signing out dropped the device cookie")
	}

	// A guesser behind the same address, and from everywhere at the account.
	guesser := fillAddress(a, proxy)
	for i := range loginMaxAccount {
		guesser.loginFrom(fmt.Sprintf("198.51.100.%d:4000", i), "admin@example.com", "wrong password")
	}
	newcomer := a.newBrowser()
	newcomer.get("/login")
	if code := newcomer.loginFrom(proxy, "editor@example.com", "correct horse battery"); code != refused {
		t.Errorf("a new browser at the full address: %d, want refused", code)
	}
	if code := newcomer.loginFrom("192.0.2.44:4000", "admin@example.com", "correct horse battery"); code != refused {
		t.Errorf("a new browser for the full account: %d, want refused", code)
	}
	// The cookie is for its account only.
	if code := owner.loginFrom(proxy, "editor@example.com", "correct horse battery"); code != refused {
		t.Errorf("the admin's device cookie let the editor's sign-in past the full address: %d", code)
	}
	if code := owner.loginFrom(proxy, "admin@example.com", "correct horse battery"); code != seeOther {
		t.Fatalf("the browser that signed in before is locked out: %d", code)
	}
	owner.get("/hubs")
	mustStatus(t, owner.post("/logout", nil, false), http.StatusSeeOther)
	owner.get("/login")

	// A cookie altered, or made with another key, counts for nothing: its
	// browser is a newcomer at the full address.
	good := *owner.cookies[deviceCookie]
	forged, err := newDeviceCodec([]byte("another key, another key, 32 b!")).Encode(deviceCookie, device{Email: "admin@example.com", Nonce: "made-up"})
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{"altered": good.Value + "x", "forged": forged} {
		owner.cookies[deviceCookie] = &http.Cookie{Name: deviceCookie, Value: value}
		if code := owner.loginFrom(proxy, "admin@example.com", "correct horse battery"); code != refused {
			t.Errorf("the %s device cookie was believed: %d", name, code)
		}
	}
	owner.cookies[deviceCookie] = &good

	// Its own tries are limited as an account's at one address are.
	for range loginMaxAccountAt {
		if code := owner.loginFrom(proxy, "admin@example.com", "wrong password"); code != refused {
			t.Fatalf("wrong password: %d", code)
		}
	}
	if code := owner.loginFrom(proxy, "admin@example.com", "correct horse battery"); code != refused {
		t.Errorf("the device's own count is not limited: %d", code)
	}
}

// TestDeviceCookieEndsWithThePassword: a device cookie counts only with
// the password it was signed in with. After a new password (set for a
// forgotten one, or to shut out someone who knew the old one), cookies
// from before are a newcomer's: however many were saved, they give no
// counts of their own. The browser that changed it on the account page
// gets a cookie for the new one.
func TestDeviceCookieEndsWithThePassword(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	a.signIn("editor")
	const proxy = "203.0.113.5:4000"
	const seeOther, refused = http.StatusSeeOther, http.StatusUnprocessableEntity
	ctx := context.Background()
	// A browser that signed in before, and one that will change the password.
	former, owner := a.newBrowser(), a.newBrowser()
	for _, b := range []*browser{former, owner} {
		b.get("/login")
		if code := b.loginFrom(proxy, "admin@example.com", "correct horse battery"); code != seeOther {
			t.Fatalf("sign-in: %d", code)
		}
	}
	// The password is set anew (as hubadmin user password does), then the
	// owner changes it again on the account page.
	u, err := a.db.UserByEmail(ctx, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := HashPassword("a brand new password")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.SetPassword(ctx, u, hash, db.Audit{Actor: "cli", Action: "user.password"}); err != nil {
		t.Fatal(err)
	}
	owner.get("/login")
	if code := owner.loginFrom(proxy, "admin@example.com", "a brand new password"); code != seeOther {
		t.Fatalf("sign-in with the new password: %d", code)
	}
	page := owner.get("/account/password")
	mustStatus(t, page, http.StatusOK)
	rec := owner.post("/account/password", url.Values{"current": {"a brand new password"}, "password": {"the newest password"}, "confirm": {"the newest password"}}, false)
	mustStatus(t, rec, http.StatusSeeOther)
	owner.get("/hubs")
	mustStatus(t, owner.post("/logout", nil, false), http.StatusSeeOther)
	owner.get("/login")

	fillAddress(a, proxy)
	former.get("/login")
	if code := former.loginFrom(proxy, "admin@example.com", "the newest password"); code != refused {
		t.Errorf("a device cookie from before the new password still has a count of its own: %d, want refused", code)
	}
	if code := owner.loginFrom(proxy, "admin@example.com", "the newest password"); code != seeOther {
		t.Errorf("the browser that changed the password is locked out: %d", code)
	}
	// A cookie of an earlier release (no password print), with this
	// server's key, counts for nothing either.
	old, err := a.srv.h.devices.Encode(deviceCookie, device{Email: "admin@example.com", Nonce: "from before"})
	if err != nil {
		t.Fatal(err)
	}
	earlier := a.newBrowser()
	earlier.get("/login")
	earlier.cookies[deviceCookie] = &http.Cookie{Name: deviceCookie, Value: old}
	if code := earlier.loginFrom(proxy, "admin@example.com", "the newest password"); code != refused {
		t.Errorf("a device cookie without a password print has a count of its own: %d, want refused", code)
	}
}

// TestProxyWithoutTrustedProxiesIsWarned: sign-ins forwarded by a proxy
// on this machine or network, with --trusted-proxies unset, are logged as
// a warning once (every client behind it shares the proxy's address); a
// client out on the internet sending the header, or a proxy that is
// trusted, is not.
func TestProxyWithoutTrustedProxiesIsWarned(t *testing.T) {
	for _, c := range []struct {
		name    string
		remote  string
		trusted bool
		warns   int
	}{
		{"proxy on loopback", "127.0.0.1:5000", false, 1},
		{"proxy on a private network", "10.0.0.7:5000", false, 1},
		{"public client", "203.0.113.8:5000", false, 0},
		{"trusted proxy", "127.0.0.1:5000", true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log bytes.Buffer
			a := newTestApp(t, func(cfg *Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(&log, nil))
				if c.trusted {
					cfg.TrustedProxies = []*net.IPNet{{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)}}
				}
			})
			a.signIn("admin")
			b := a.newBrowser()
			b.get("/login")
			for range 3 {
				b.loginFrom(c.remote, "admin@example.com", "wrong password", "X-Forwarded-For", "198.51.100.20")
			}
			if n := strings.Count(log.String(), "--trusted-proxies is not set"); n != c.warns {
				t.Errorf("%d warnings, want %d:\n%s", n, c.warns, log.String())
			}
		})
	}
}

// TestDeviceCookieOverHTTPSAndPlanted: over HTTPS the device cookie is
// __Host- (Secure, Path=/, no Domain: no sibling subdomain can set one),
// and a junk cookie of the name sent first (planted with a narrower path)
// does not hide the browser's own.
func TestDeviceCookieOverHTTPSAndPlanted(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	b := a.newBrowser()
	page := httptest.NewRequest(http.MethodGet, "/login", nil)
	page.Header.Set("X-Forwarded-Proto", "https")
	b.send(page)
	form := url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}, "_csrf": {b.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := b.send(req)
	mustStatus(t, rec, http.StatusSeeOther)
	var dev *http.Cookie
	for _, c := range rec.Result().Cookies() {
		switch c.Name {
		case deviceCookie:
			t.Error("an HTTPS sign-in set the plain device cookie")
		case deviceCookieSecure:
			dev = c
		}
	}
	if dev == nil || !dev.Secure || dev.Path != "/" || dev.Domain != "" {
		t.Fatalf("device cookie over HTTPS: %+v", dev)
	}

	// A planted junk cookie first, the browser's own after it.
	known := func(cookies ...*http.Cookie) bool {
		req := httptest.NewRequest(http.MethodGet, "/login", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		u, err := a.db.UserByEmail(context.Background(), "admin@example.com")
		if err != nil {
			t.Fatal(err)
		}
		return a.srv.h.deviceOf(a.srv.NewContext(req, httptest.NewRecorder()), u) != ""
	}
	junk := &http.Cookie{Name: deviceCookie, Value: "junk"}
	if !known(junk, dev) {
		t.Error("a junk device cookie sent first hid the browser's own")
	}
	if known(junk) {
		t.Error("a junk device cookie was believed")
	}
}

// fillAddress has a guesser use up the sign-in tries of an address (one
// wrong password for each of as many accounts), and returns the guesser.
func fillAddress(a *testApp, remote string) *browser {
	guesser := a.newBrowser()
	guesser.get("/login")
	for i := range loginMaxAddress {
		guesser.loginFrom(remote, fmt.Sprintf("user%d@example.com", i), "wrong password")
	}
	return guesser
}

// loginFrom posts the sign-in form from a client address, with extra
// headers (e.g. a forged X-Forwarded-For).
func (b *browser) loginFrom(remote, email, pw string, header ...string) int {
	form := url.Values{"email": {email}, "password": {pw}, "_csrf": {b.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.send(req).Code
}

// The throttle counts the connection's address, not what a client says
// it is: a forged X-Forwarded-For neither escapes the per-address limit
// nor, unless it comes from a trusted proxy, names the client. And a
// guesser at one address does not lock the account's owner out.
func TestLoginThrottleAddresses(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	b := a.newBrowser()
	b.get("/login")
	const blocked = http.StatusUnprocessableEntity
	// One address guessing many accounts, each try under a new forged address.
	for i := range loginMaxAddress {
		b.loginFrom("203.0.113.7:4000", fmt.Sprintf("user%d@example.com", i), "wrong password", "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i), "X-Real-Ip", fmt.Sprintf("198.51.100.%d", i))
	}
	if code := b.loginFrom("203.0.113.7:4000", "admin@example.com", "correct horse battery", "X-Forwarded-For", "198.51.100.250"); code != blocked {
		t.Errorf("a forged X-Forwarded-For escaped the per-address limit: %d", code)
	}
	// A guesser at one address blocks the account there only.
	for range loginMaxAccountAt {
		b.loginFrom("203.0.113.8:4000", "admin@example.com", "wrong password")
	}
	if code := b.loginFrom("203.0.113.8:4000", "admin@example.com", "correct horse battery"); code != blocked {
		t.Errorf("the guesser's address may try again: %d", code)
	}
	if code := b.loginFrom("192.0.2.44:5000", "admin@example.com", "correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("the owner, elsewhere, is locked out: %d", code)
	}
	b = a.newBrowser() // signed in now, with a new CSRF token to come
	b.get("/login")
	// Guessers at many addresses: the account is blocked from anywhere.
	for i := range loginMaxAccount / loginMaxAccountAt {
		for range loginMaxAccountAt {
			b.loginFrom(fmt.Sprintf("198.18.0.%d:4000", i), "admin@example.com", "wrong password")
		}
	}
	if code := b.loginFrom("192.0.2.45:5000", "admin@example.com", "correct horse battery"); code != blocked {
		t.Errorf("%d failures from many addresses did not block the account: %d", loginMaxAccount, code)
	}

	// Behind a trusted proxy, the address it forwards is the client's.
	p := newTestApp(t, func(c *Config) {
		c.TrustedProxies = []*net.IPNet{{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(32, 32)}}
	})
	p.signIn("admin")
	pb := p.newBrowser()
	pb.get("/login")
	for range loginMaxAccountAt {
		pb.loginFrom("127.0.0.1:4000", "admin@example.com", "wrong password", "X-Forwarded-For", "203.0.113.9")
	}
	if code := pb.loginFrom("127.0.0.1:4000", "admin@example.com", "correct horse battery", "X-Forwarded-For", "203.0.113.9"); code != blocked {
		t.Errorf("the forwarded guesser may try again: %d", code)
	}
	if code := pb.loginFrom("127.0.0.1:4000", "admin@example.com", "correct horse battery", "X-Forwarded-For", "203.0.113.10"); code != http.StatusSeeOther {
		t.Errorf("another client behind the proxy is blocked: %d", code)
	}
	pb = p.newBrowser()
	pb.get("/login")
	// A client that is not the proxy cannot pose as another.
	for range loginMaxAccountAt {
		pb.loginFrom("192.0.2.60:4000", "admin@example.com", "wrong password", "X-Forwarded-For", "203.0.113.11")
	}
	if code := pb.loginFrom("192.0.2.60:4000", "admin@example.com", "correct horse battery", "X-Forwarded-For", "203.0.113.12"); code != blocked {
		t.Errorf("a forged X-Forwarded-For from outside the proxies was believed: %d", code)
	}
}

// Under a flood of new keys, expired and per-address counters go before
// the per-account ones (all of them used to be dropped at once).
func TestLoginThrottleEvictsPerAddressFirst(t *testing.T) {
	l := newLoginThrottle()
	now := time.Now()
	l.now = func() time.Time { return now }
	for range loginMaxAccountAt {
		l.try("admin@example.com", "192.0.2.1", "")
	}
	for i := 0; len(l.failures) <= loginMapMaxItems; i++ {
		l.try(fmt.Sprintf("u%d@example.com", i%1000), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), "")
	}
	l.try("x@example.com", "10.255.255.255", "") // over the bound: evicts
	if len(l.failures) > loginMapMaxItems {
		t.Errorf("%d counters kept, want at most %d", len(l.failures), loginMapMaxItems)
	}
	if n := len(l.failures["a:admin@example.com"]); n != loginMaxAccountAt {
		t.Errorf("the account's count is %d after the flood, want %d", n, loginMaxAccountAt)
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
