package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"hubadmin/db"
)

// TestSetupNeedsTheLink: until the first admin exists, whoever reaches
// /setup first would be it, so setup takes the token of the link the log
// prints, from this machine too (a proxy that forwards without saying so,
// or a page whose name was rebound to 127.0.0.1, comes from here as well).
func TestSetupNeedsTheLink(t *testing.T) {
	a := newTestApp(t)
	b := a.newBrowser()
	form := func(token string) url.Values {
		return url.Values{"email": {"boss@example.com"}, "password": {"long enough pw"}, "confirm": {"long enough pw"}, "token": {token}}
	}
	from := func(remote, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = remote
		return b.send(req)
	}
	for _, c := range []struct {
		name, remote, path string
		want               int
	}{
		{"elsewhere", "192.0.2.1:1234", "/setup", http.StatusForbidden},
		{"elsewhere, a wrong token", "192.0.2.1:1234", "/setup?token=guess", http.StatusForbidden},
		{"this machine", "127.0.0.1:1234", "/setup", http.StatusForbidden},
		{"this machine with the link", "127.0.0.1:1234", "/setup?token=" + a.srv.SetupToken(), http.StatusOK},
		{"elsewhere with the link", "192.0.2.1:1234", "/setup?token=" + a.srv.SetupToken(), http.StatusOK},
	} {
		rec := from(c.remote, c.path)
		if rec.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, rec.Code, c.want)
		}
		if c.want == http.StatusForbidden && !strings.Contains(rec.Body.String(), "setup link the server printed in its log") {
			t.Errorf("%s: refused without saying what to do: %.200s", c.name, rec.Body.String())
		}
	}
	// Posting without the token does nothing.
	for _, token := range []string{"", "guess"} {
		mustStatus(t, b.post("/setup", form(token), false), http.StatusForbidden)
		if has, _ := a.db.HasUsers(context.Background()); has {
			t.Fatalf("setup with token %q created the admin", token)
		}
	}
	// A refused form keeps the token, in the form and in the page's address.
	bad := form(a.srv.SetupToken())
	bad.Set("confirm", "something else")
	rec := b.post("/setup", bad, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	// Both boxes come back empty, the error under the first (where the
	// cursor lands), not under the repeat.
	if d := doc(t, rec); !strings.Contains(d.Find("#f-password-error").Text(), "did not match") || d.Find("#f-confirm-error").Length() != 0 {
		t.Errorf("mismatch: password error %q, repeat error %q", d.Find("#f-password-error").Text(), d.Find("#f-confirm-error").Text())
	}
	if got, _ := pageURLOf(t, rec); got != "/setup?token="+a.srv.SetupToken() {
		t.Errorf("the refused setup form's address is %q, want the link's", got)
	}
	if rec := b.post("/setup", form(a.srv.SetupToken()), false); rec.Code != http.StatusSeeOther {
		t.Fatalf("setup with the link's token: %d", rec.Code)
	}
}

func TestSetupCreatesFirstAdminThenDisappears(t *testing.T) {
	a := newTestApp(t)
	b := a.newBrowser()
	if rec := b.get("/"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/setup" {
		t.Fatalf("fresh install / → %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// The link the log prints (this browser is elsewhere: 192.0.2.1).
	token := a.srv.SetupToken()
	setup := b.get("/setup?token=" + token)
	mustStatus(t, setup, http.StatusOK)
	// Password managers offer a new password, not the saved one.
	if n := doc(t, setup).Find(`input[type="password"][autocomplete="new-password"]`).Length(); n != 2 {
		t.Errorf("setup: %d new-password inputs, want 2", n)
	}
	if v, _ := doc(t, setup).Find(`form input[name="token"]`).Attr("value"); v != token {
		t.Errorf("the setup form carries token %q, want the link's", v)
	}
	rec := b.post("/setup", url.Values{"email": {"boss@example.com"}, "password": {"short"}, "confirm": {"short"}, "token": {token}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if !strings.Contains(rec.Body.String(), "at least 8 characters") || !strings.Contains(rec.Body.String(), `value="boss@example.com"`) {
		t.Fatalf("setup error page lacks the error or the typed email: %s", rec.Body.String())
	}
	if v, _ := doc(t, rec).Find(`form input[name="token"]`).Attr("value"); v != token {
		t.Errorf("the refused setup form lost its token (%q)", v)
	}
	rec = b.post("/setup", url.Values{"email": {"boss@example.com"}, "password": {"long enough pw"}, "confirm": {"long enough pw"}, "token": {token}}, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("setup: %d %s", rec.Code, rec.Body.String())
	}
	// The session is saved twice (signed in, then its welcome flash):
	// the answer sets its cookie once. The CSRF cookie is dropped (a new
	// token on the next page), once too.
	if n := cookiesNamed(rec, sessionCookie); n != 1 {
		t.Errorf("setup's answer sets the session cookie %d times: %q", n, rec.Header().Values("Set-Cookie"))
	}
	if n := cookiesNamed(rec, csrfCookie); n != 1 || !strings.Contains(strings.Join(rec.Header().Values("Set-Cookie"), "\n"), csrfCookie+"=; Path=/; Max-Age=0") {
		t.Errorf("setup's answer sets the CSRF cookie %d times, or does not drop it: %q", n, rec.Header().Values("Set-Cookie"))
	}
	if rec := b.get(rec.Header().Get("Location")); !strings.Contains(rec.Body.String(), "Welcome! Create your first hub") {
		t.Errorf("the welcome toast is missing after setup: %s", rec.Body.String())
	}
	// Setup signed the admin in: the Users page says when, not "never".
	if u, err := a.db.UserByEmail(context.Background(), "boss@example.com"); err != nil || u.LastLogin == nil {
		t.Errorf("after setup the admin's last sign-in is %v (%v)", u.LastLogin, err)
	}
	rec = b.get("/setup")
	mustStatus(t, rec, http.StatusNotFound)
	if !strings.Contains(rec.Body.String(), "Already set up") {
		t.Errorf("/setup after setup does not say why: %s", rec.Body.String())
	}
	mustStatus(t, b.post("/setup", url.Values{"email": {"x@example.com"}, "password": {"long enough pw"}, "confirm": {"long enough pw"}}, false), http.StatusNotFound)
}

func TestLoginIsGenericAndLogoutEndsSessionServerSide(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	other := a.newBrowser()
	other.get("/login")
	for _, email := range []string{"admin@example.com", "nobody@example.com"} {
		rec := other.post("/login", url.Values{"email": {email}, "password": {"wrong password"}}, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if !strings.Contains(rec.Body.String(), loginFailed) || !strings.Contains(rec.Body.String(), `value="`+email+`"`) {
			t.Fatalf("login failure for %s: %s", email, rec.Body.String())
		}
	}
	old := admin.cookies[sessionCookie]
	rec := admin.post("/logout", nil, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	replay := a.newBrowser()
	replay.cookies[sessionCookie] = old
	if rec := replay.get("/hubs"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("old cookie after logout: %d %s", rec.Code, rec.Header().Get("Location"))
	}
}

func TestPostWithoutCSRFIsRefused(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("admin")
	rec := b.post("/hubs", url.Values{"name": {"X"}, "_csrf": {"forged"}}, false)
	mustStatus(t, rec, http.StatusForbidden)
	b.csrf = ""
	rec = b.post("/logout", nil, false)
	if rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest {
		t.Fatalf("logout without CSRF: %d", rec.Code)
	}
}

// TestCSRFRefusesTheRestOfTheSite: a page of the same site (another port
// of localhost, a sibling subdomain) can set this host's cookies, so it
// could plant the CSRF cookie and send the token it chose. A browser that
// says the request came from such a page (Sec-Fetch-Site) is refused
// whatever the token; the dashboard's own requests say same-origin.
func TestCSRFRefusesTheRestOfTheSite(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	users := func() int {
		us, err := a.db.Users(context.Background(), db.DefaultTenantID)
		if err != nil {
			t.Fatal(err)
		}
		return len(us)
	}
	before := users()
	send := func(site string, form url.Values) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/users", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		return admin.send(req)
	}
	planted := url.Values{"_csrf": {"planted123"}, "email": {"attacker@example.net"}, "role": {"admin"}, "password": {"attacker-password-1"}}
	for _, site := range []string{"same-site", "cross-site"} {
		admin.cookies[csrfCookie] = &http.Cookie{Name: csrfCookie, Value: "planted123"}
		rec := send(site, planted)
		mustStatus(t, rec, http.StatusForbidden)
		if !strings.Contains(rec.Body.String(), "not sent from this dashboard") {
			t.Errorf("%s: refused without saying why: %s", site, rec.Body.String())
		}
		if n := users(); n != before {
			t.Fatalf("%s: a user was created (%d users, %d before)", site, n, before)
		}
	}
	// The dashboard's own form, as a current browser sends it.
	own := url.Values{"email": {"new@example.com"}, "role": {"viewer"}, "password": {"a-long-enough-password"}}
	if rec := send("same-origin", own); rec.Code != http.StatusSeeOther {
		t.Fatalf("same-origin form: %d %s", rec.Code, rec.Body.String())
	}
	if n := users(); n != before+1 {
		t.Fatalf("%d users after the same-origin form, want %d", n, before+1)
	}
}

func TestSignedOutVisitsRedirectToLogin(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	b := a.newBrowser()
	for _, p := range []string{"/hubs", "/hubs/new", "/tokens", "/users", "/activity", "/integrations/00000000-0000-0000-0000-000000000000"} {
		rec := b.get(p)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login?next=") {
			t.Errorf("%s signed out: %d %s", p, rec.Code, rec.Header().Get("Location"))
		}
	}
}

// TestErrorPagesHaveBodies: HTML error pages render (a cancelled request
// context once left them empty).
func TestErrorPagesHaveBodies(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	viewer := a.signIn("viewer")
	for _, c := range []struct {
		b      *browser
		path   string
		status int
		says   string
	}{
		{admin, "/no/such/page", 404, "Not found"},
		{admin, "/integrations/8b2e1f4c-0000-4000-8000-000000000000", 404, "Not found"},
		{viewer, "/tokens", 403, "Only admins"},
	} {
		rec := c.b.get(c.path)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) || !strings.Contains(rec.Body.String(), "<html") {
			t.Errorf("%s: %d %q", c.path, rec.Code, rec.Body.String())
		}
	}
}

// TestSignOutEverywhere ends every session of the user, this one included,
// and leaves other users signed in.
func TestSignOutEverywhere(t *testing.T) {
	a := newTestApp(t)
	laptop := a.signIn("editor")
	phone := a.signIn("editor")
	other := a.signIn("admin")
	if rec := phone.post("/account/sign-out-everywhere", nil, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", rec.Code)
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if rec := b.get("/hubs"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
			t.Errorf("%s still signed in: %d", name, rec.Code)
		}
	}
	mustStatus(t, other.get("/hubs"), http.StatusOK)
}

// TestRowDeleteRefreshesTheHubTable: deleting a row with htmx from the hub
// page answers the whole table (summary, paging, empty state), with the
// page's filters, and the toast.
func TestRowDeleteRefreshesTheHubTable(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	tok := a.token("write")
	hub := a.hub("Rows")
	var ids []string
	for _, n := range []string{"Alpha", "Beta"} {
		rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"`+n+`","configuration":{"allowedOrigins":["a.com"]}}`)
		ids = append(ids, decode[integrationOut](t, rec).IntegrationID)
	}
	b.get("/hubs/" + hub.ID)
	del := func(id, current string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/integrations/"+id+"/delete", strings.NewReader("confirmed=1&_csrf="+b.csrf))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", current)
		return b.send(req)
	}
	rec := del(ids[0], "http://example.com/hubs/"+hub.ID+"?q=a")
	if rec.Code != 200 || rec.Header().Get("HX-Retarget") != "#integrations" || !strings.Contains(rec.Header().Get("HX-Trigger"), "deleted") {
		t.Fatalf("delete from the hub page: %d %v", rec.Code, rec.Header())
	}
	body := rec.Body.String()
	if strings.Contains(body, "Alpha") || !strings.Contains(body, "Beta") || !strings.Contains(body, `id="integrations"`) {
		t.Fatalf("table after delete: %s", body)
	}
	rec = del(ids[1], "http://example.com/hubs/"+hub.ID)
	if !strings.Contains(rec.Body.String(), "empty-state") {
		t.Fatalf("deleting the last row should show the empty state: %s", rec.Body.String())
	}
	// Deleted already (another tab): the row goes, and a toast says why.
	rec = del(ids[0], "http://example.com/integrations/"+ids[0])
	if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "" || !strings.Contains(rec.Header().Get("HX-Trigger"), "no longer exists") {
		t.Fatalf("deleting twice: %d %q", rec.Code, rec.Header().Get("HX-Trigger"))
	}
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	inlineStyle  = regexp.MustCompile(`(?i)<style[\s>]|\sstyle="|\son[a-z]+="`)
)

// TestStrictCSPAndNoInlineCode: every page carries the strict policy, and
// no page needs it loosened (no inline script, style attribute or handler).
func TestStrictCSPAndNoInlineCode(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("CSP")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"W","configuration":{"allowedOrigins":["a.com"]}}`)
	id := decode[integrationOut](t, rec).IntegrationID
	b := a.signIn("admin")
	for _, p := range []string{"/login", "/hubs", "/hubs/new", "/hubs/" + hub.ID, "/hubs/" + hub.ID + "/integrations/new",
		"/hubs/" + hub.ID + "/integrations/new/WebChat", "/integrations/" + id, "/integrations/" + id + "/edit",
		"/tokens", "/users", "/activity", "/api-docs", "/no/such/page"} {
		rec := b.get(p)
		csp := rec.Header().Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("%s: CSP %q is loosened", p, csp)
		}
		body := rec.Body.String()
		for _, tag := range inlineScript.FindAllString(body, -1) {
			if !strings.Contains(tag, " src=") {
				t.Errorf("%s: inline script %s", p, tag)
			}
		}
		if m := inlineStyle.FindString(body); m != "" {
			t.Errorf("%s: inline style or handler %q", p, m)
		}
	}
	// The session cookie: HttpOnly, SameSite=Lax, holding only a signed id.
	c := b.cookies[sessionCookie]
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || strings.Contains(c.Value, "admin@") {
		t.Fatalf("session cookie %+v", c)
	}
}

// TestUnknownPageIs404ForEveryRole: a mistyped address is "not found" for
// every role, not "only admins" for editors and viewers; admin pages still
// refuse them.
func TestUnknownPageIs404ForEveryRole(t *testing.T) {
	a := newTestApp(t)
	for _, role := range []string{"admin", "editor", "viewer"} {
		b := a.signIn(role)
		for _, p := range []string{"/hubz", "/nonexistent", "/hubs/x/y/z/w"} {
			if rec := b.get(p); rec.Code != http.StatusNotFound {
				t.Errorf("%s GET %s: %d", role, p, rec.Code)
			}
		}
		want := http.StatusForbidden
		if role == "admin" {
			want = http.StatusOK
		}
		for _, p := range []string{"/tokens", "/users"} {
			if rec := b.get(p); rec.Code != want {
				t.Errorf("%s GET %s: %d, want %d", role, p, rec.Code, want)
			}
		}
	}
}

// TestSessionEndedComesBackToThePage: a row action or form sent after the
// session ended goes to sign-in, saying the session ended and what was sent
// was not saved, and back to the page it was sent from afterwards (not to
// the action's POST-only path).
func TestSessionEndedComesBackToThePage(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	b := a.signIn("editor")
	a.endSessions("editor@example.com")
	page := "/hubs/" + hub.ID + "?q=w&page=1"
	want := "/login?next=" + url.QueryEscape(page) + "&signed-out=unsaved"

	req := httptest.NewRequest(http.MethodPost, "/hubs/"+hub.ID+"/pause", strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", "http://example.com"+page)
	if rec := b.send(req); rec.Code != http.StatusUnauthorized || rec.Header().Get("HX-Redirect") != want {
		t.Errorf("htmx action: %d, HX-Redirect %q, want %q", rec.Code, rec.Header().Get("HX-Redirect"), want)
	}
	req = httptest.NewRequest(http.MethodPost, "/hubs/"+hub.ID+"/pause", strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "http://example.com"+page)
	if rec := b.send(req); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
		t.Errorf("form post: %d, Location %q, want %q", rec.Code, rec.Header().Get("Location"), want)
	}
	req = httptest.NewRequest(http.MethodPost, "/hubs/"+hub.ID+"/pause", strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "https://evil.example/hubs")
	if rec := b.send(req); rec.Header().Get("Location") != "/login?signed-out=unsaved" {
		t.Errorf("form post from elsewhere: Location %q", rec.Header().Get("Location"))
	}
	if rec := b.get(want); !strings.Contains(rec.Body.String(), "Your session has ended, so what you submitted was not saved") {
		t.Errorf("sign-in page does not say the session ended and nothing was saved")
	}
	if rec := b.get("/activity"); rec.Header().Get("Location") != "/login?next=%2Factivity&signed-out=ended" {
		t.Errorf("page after the session ended: %q", rec.Header().Get("Location"))
	}
	rec := b.post("/login", url.Values{"email": {"editor@example.com"}, "password": {"correct horse battery"}, "next": {page}}, false)
	if rec.Header().Get("Location") != page {
		t.Errorf("after sign-in: %q, want %q", rec.Header().Get("Location"), page)
	}
	if rec := a.newBrowser().get("/hubs"); rec.Header().Get("Location") != "/login?next=%2Fhubs" {
		t.Errorf("never signed in: %q (no 'session ended')", rec.Header().Get("Location"))
	}
}

// TestCookieGoneSaysSessionEnded: the browser drops the session cookie
// when it expires (12 hours), so a form or row action sent from a page
// left open comes without one. Sign-in says the session ended and that
// what was sent was not saved, as after "Sign out everywhere"; an htmx
// search says the session ended; a plain first visit says nothing.
func TestCookieGoneSaysSessionEnded(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	b := a.signIn("editor")
	delete(b.cookies, sessionCookie)
	page := "/hubs/" + hub.ID + "?q=w"

	rec := b.post("/hubs/"+hub.ID, url.Values{"name": {"Renamed"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?signed-out=unsaved" {
		t.Errorf("form post: %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
	req := httptest.NewRequest(http.MethodPost, "/hubs/"+hub.ID+"/pause", strings.NewReader(url.Values{"_csrf": {b.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", "http://example.com"+page)
	want := "/login?next=" + url.QueryEscape(page) + "&signed-out=unsaved"
	if rec := b.send(req); rec.Code != http.StatusUnauthorized || rec.Header().Get("HX-Redirect") != want {
		t.Errorf("htmx row action: %d, HX-Redirect %q, want %q", rec.Code, rec.Header().Get("HX-Redirect"), want)
	}
	req = httptest.NewRequest(http.MethodGet, page, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", "http://example.com"+page)
	want = "/login?next=" + url.QueryEscape(page) + "&signed-out=ended"
	if rec := b.send(req); rec.Header().Get("HX-Redirect") != want {
		t.Errorf("htmx search: HX-Redirect %q, want %q", rec.Header().Get("HX-Redirect"), want)
	}
	if got, _ := a.db.Hub(context.Background(), hub.ID); got.Name != "Support" || got.StatusID != db.HubActive {
		t.Errorf("the hub changed without a session: %+v", got)
	}

	notice := doc(t, b.get("/login?signed-out=unsaved")).Find(`[data-testid="login-notice"]`).Text()
	if notice != signedOutNotes["unsaved"] || !strings.HasPrefix(notice, "Your session has ended") {
		t.Errorf("sign-in notice %q", notice)
	}
	if rec := b.get("/hubs"); rec.Header().Get("Location") != "/login?next=%2Fhubs" {
		t.Errorf("first visit: %q (no notice)", rec.Header().Get("Location"))
	}
}

// TestChangePassword: a user (a viewer too) changes their own password
// after giving the current one; their other sessions end, this one stays.
func TestChangePassword(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("viewer")
	other := a.signIn("viewer") // the same user on another device
	mustStatus(t, b.get("/account/password"), http.StatusOK)
	for _, c := range []struct {
		form  url.Values
		field string
	}{
		{url.Values{"current": {"wrong one!"}, "password": {"a new password"}, "confirm": {"a new password"}}, "current"},
		{url.Values{"current": {"correct horse battery"}, "password": {"short"}, "confirm": {"short"}}, "password"},
		{url.Values{"current": {"correct horse battery"}, "password": {"a new password"}, "confirm": {"another one"}}, "password"},
		{url.Values{"current": {"correct horse battery"}, "password": {"correct horse battery"}, "confirm": {"correct horse battery"}}, "password"},
	} {
		rec := b.post("/account/password", c.form, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if doc(t, rec).Find(`#f-`+c.field+`[aria-invalid="true"]`).Length() != 1 {
			t.Errorf("%v: %s not marked invalid: %s", c.form, c.field, rec.Body.String())
		}
	}
	rec := b.post("/account/password", url.Values{"current": {"correct horse battery"}, "password": {"a new password"}, "confirm": {"a new password"}}, false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change: %d %s", rec.Code, rec.Body.String())
	}
	if rec := b.get("/hubs"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Password changed") {
		t.Errorf("this browser: %d, or no confirmation", rec.Code)
	}
	if rec := other.get("/hubs"); rec.Code != http.StatusSeeOther {
		t.Errorf("the other device is still signed in: %d", rec.Code)
	}
	login := func(pw string) int {
		n := a.newBrowser()
		n.get("/login")
		return n.post("/login", url.Values{"email": {"viewer@example.com"}, "password": {pw}}, false).Code
	}
	if login("correct horse battery") != http.StatusUnprocessableEntity || login("a new password") != http.StatusSeeOther {
		t.Errorf("old or new password: wrong outcome")
	}
	// Guessing the current password is throttled as sign-ins are.
	var last int
	for range loginMaxAccountAt + 1 {
		last = b.post("/account/password", url.Values{"current": {"guess guess"}, "password": {"x y z w v u"}, "confirm": {"x y z w v u"}}, false).Code
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("after %d wrong current passwords: %d, want 429", loginMaxAccountAt+1, last)
	}
}

// TestNextIsNeverAnOpenRedirect: after sign-in (and after an action's
// next=), only a path of this server is followed; tabs, line breaks and
// backslashes, which browsers drop or read as slashes, are refused.
func TestNextIsNeverAnOpenRedirect(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	for next, want := range map[string]string{
		"/hubs?q=a":              "/hubs?q=a",
		"//evil.example":         "/hubs",
		"/\\evil.example":        "/hubs",
		"/\t/evil.example":       "/hubs",
		"/\n/evil.example":       "/hubs",
		"https://evil.example/":  "/hubs",
		"/%09/evil.example":      "/%09/evil.example", // escaped: a path, not a host
		"javascript:alert(1)":    "/hubs",
		"/activity\r\nX-Evil: 1": "/hubs",
	} {
		b := a.newBrowser()
		b.get("/login")
		rec := b.post("/login", url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}, "next": {next}}, false)
		if got := rec.Header().Get("Location"); got != want {
			t.Errorf("next %q: Location %q, want %q", next, got, want)
		}
	}
	for _, p := range []string{"/\\evil", "/\t/evil", "//evil"} {
		if !strings.Contains(a.newBrowser().get("/login?next="+url.QueryEscape(p)).Body.String(), `name="next" value=""`) {
			t.Errorf("the sign-in form carries next %q", p)
		}
	}
}

// The CSRF token changes at sign-in and sign-out (one known before, say
// planted by a sibling site or left by the browser's last user, is no good
// after), and its cookie is Secure whenever the session's is, under a
// __Host- name.
func TestCSRFTokenIsNewAfterSignIn(t *testing.T) {
	a := newTestApp(t)
	a.signIn("editor") // creates the user
	b := a.newBrowser()
	b.get("/login")
	before := b.csrf
	if rec := b.post("/login", url.Values{"email": {"editor@example.com"}, "password": {"correct horse battery"}}, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	if _, ok := b.cookies[csrfCookie]; ok {
		t.Fatal("the CSRF cookie outlived the sign-in")
	}
	if rec := b.post("/hubs", url.Values{"name": {"Planted"}, "_csrf": {before}}, false); rec.Code != http.StatusForbidden {
		t.Errorf("the token from before sign-in still works: %d", rec.Code)
	}
	b.get("/hubs")
	if b.csrf == "" || b.csrf == before {
		t.Errorf("no new token after sign-in (%q, before %q)", b.csrf, before)
	}
	signedIn := b.csrf
	if rec := b.post("/logout", nil, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", rec.Code)
	}
	if b.get("/login"); b.csrf == signedIn {
		t.Error("the signed-in token survived the sign-out")
	}

	// Secure as the session cookie is: here, over HTTPS through a proxy.
	req := httptest.NewRequest(http.MethodGet, "/login", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	a.srv.ServeHTTP(rec, req)
	found := false
	for _, c := range rec.Result().Cookies() {
		switch c.Name {
		case csrfCookie:
			t.Error("an HTTPS page set the plain CSRF cookie")
		case csrfCookieSecure: // __Host-: Secure, Path=/ and no Domain, or browsers drop it
			found = true
			if !c.Secure || c.Path != "/" || c.Domain != "" {
				t.Errorf("the CSRF cookie on an HTTPS request: Secure %v, Path %q, Domain %q", c.Secure, c.Path, c.Domain)
			}
		}
	}
	if !found {
		t.Error("no CSRF cookie on an HTTPS page")
	}
}

// A form sent after the session ended comes back filled in after sign-in,
// at its page, once; its secrets are not kept.
func TestUnsavedFormComesBack(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	b := a.signIn("editor")
	for _, c := range []struct {
		form, post string
		sent       url.Values
		kept, lost []string
	}{
		{"/hubs/" + hub.ID + "/integrations/new/webchat", "/hubs/" + hub.ID + "/integrations/new/webchat",
			url.Values{"name": {"Shop chat"}, "cfg.allowedOrigins": {"shop.example.com", "help.example.com"}},
			[]string{`input[name="name"][value="Shop chat"]`, `input[name="cfg.allowedOrigins"][value="shop.example.com"]`, `input[name="cfg.allowedOrigins"][value="help.example.com"]`}, nil},
		{"/hubs/" + hub.ID + "/integrations/new/twiliosms", "/hubs/" + hub.ID + "/integrations/new/twiliosms",
			url.Values{"name": {"SMS"}, "cfg.accountSid": {"AC0123456789abcdef0123456789abcdef"}, "cfg.authToken": {"fedcba9876543210fedcba9876543210"}},
			[]string{`input[name="cfg.accountSid"][value="AC0123456789abcdef0123456789abcdef"]`}, []string{"fedcba9876543210fedcba9876543210"}},
		{"/hubs/new", "/hubs", url.Values{"name": {"Support EU"}, "description": {"Second line"}},
			[]string{`input[name="name"][value="Support EU"]`}, nil},
	} {
		b.get(c.form) // the form, open while signed in
		a.endSessions("editor@example.com")
		c.sent.Set("_csrf", b.csrf)
		req := httptest.NewRequest(http.MethodPost, c.post, strings.NewReader(c.sent.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Referer", "http://example.com"+c.form)
		if rec := b.send(req); rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "signed-out=unsaved") {
			t.Fatalf("%s after the session ended: %d %q", c.post, rec.Code, rec.Header().Get("Location"))
		}
		if ck := b.cookies[unsavedCookie]; ck == nil || strings.Contains(ck.Value, "Shop chat") {
			t.Fatalf("%s: the typed form is not kept, or kept in clear", c.post)
		}
		b.get("/login")
		if rec := b.post("/login", url.Values{"email": {"editor@example.com"}, "password": {"correct horse battery"}, "next": {c.form}}, false); rec.Header().Get("Location") != c.form {
			t.Fatalf("sign-in leads to %q", rec.Header().Get("Location"))
		}
		b.get("/hubs") // another page first: the kept form waits for its own
		rec := b.get(c.form)
		d := doc(t, rec)
		for _, sel := range c.kept {
			if d.Find(sel).Length() == 0 {
				t.Errorf("%s: %s is not filled in again", c.form, sel)
			}
		}
		for _, s := range c.lost {
			if strings.Contains(rec.Body.String(), s) {
				t.Errorf("%s: a secret came back: %s", c.form, s)
			}
		}
		toast := d.Find("#toasts").Text()
		if !strings.Contains(toast, "here is what you typed") {
			t.Errorf("%s: no word that the form came back", c.form)
		}
		if said := strings.Contains(toast, "Secrets were not kept"); said != (c.lost != nil) {
			t.Errorf("%s: the toast %q about secrets, with secrets typed: %v", c.form, toast, c.lost != nil)
		}
		if again := doc(t, b.get(c.form)); again.Find(c.kept[0]).Length() != 0 {
			t.Errorf("%s: filled in a second time", c.form)
		}
	}
}

// endSessions ends every session of the user, as idling out or signing out
// everywhere would.
func (a *testApp) endSessions(email string) {
	a.t.Helper()
	u, err := a.db.UserByEmail(context.Background(), email)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.db.DeleteUserSessions(context.Background(), u.ID); err != nil {
		a.t.Fatal(err)
	}
}

// TestSessionCookieOverHTTPS: over HTTPS the session cookie is
// __Host-hubadmin_session, which no sibling subdomain or plain-HTTP page
// can plant; a plain one is neither read there (it could have been
// planted: a session of the planter's own) nor kept; junk sent first does
// not hide the browser's own.
func TestSessionCookieOverHTTPS(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	b := a.newBrowser()
	https := func(req *http.Request) *httptest.ResponseRecorder {
		req.Header.Set("X-Forwarded-Proto", "https")
		return b.send(req)
	}
	https(httptest.NewRequest(http.MethodGet, "/login", nil))
	// A plain session cookie from before (an upgrade, or HTTP before HTTPS).
	old := &http.Cookie{Name: sessionCookie, Value: "from-before"}
	b.cookies[sessionCookie] = old
	form := url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}, "_csrf": {b.csrf}}
	req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := https(req)
	mustStatus(t, rec, http.StatusSeeOther)
	var sess *http.Cookie
	plainDeleted := false
	for _, c := range rec.Result().Cookies() {
		switch c.Name {
		case sessionCookie:
			plainDeleted = c.MaxAge < 0
		case sessionCookieSecure:
			sess = c
		}
	}
	if sess == nil || !sess.Secure || !sess.HttpOnly || sess.Path != "/" || sess.Domain != "" {
		t.Fatalf("session cookie over HTTPS: %+v", sess)
	}
	if !plainDeleted {
		t.Error("signing in over HTTPS kept the plain session cookie")
	}

	signedIn := func(cookies ...*http.Cookie) bool {
		req := httptest.NewRequest(http.MethodGet, "/hubs", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, req)
		return rec.Code == http.StatusOK
	}
	if !signedIn(sess) {
		t.Fatal("the __Host- session cookie does not sign in over HTTPS")
	}
	if signedIn(&http.Cookie{Name: sessionCookie, Value: sess.Value}) {
		t.Error("over HTTPS, a plain session cookie (which anyone on the site could plant) signed in")
	}
	if !signedIn(&http.Cookie{Name: sessionCookieSecure, Value: "junk"}, sess) {
		t.Error("a junk session cookie sent first hid the browser's own")
	}
	if signedIn(&http.Cookie{Name: sessionCookieSecure, Value: "junk"}) {
		t.Error("a junk session cookie was believed")
	}
}

// cookiesNamed counts a response's Set-Cookie headers for the cookie name.
func cookiesNamed(rec *httptest.ResponseRecorder, name string) int {
	n := 0
	for _, v := range rec.Header().Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			n++
		}
	}
	return n
}
