package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// home sends visitors where they belong.
func (h *handler) home(c echo.Context) error {
	has, err := h.db.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	switch {
	case !has:
		return c.Redirect(http.StatusSeeOther, "/setup")
	case currentUser(c) == nil:
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	return c.Redirect(http.StatusSeeOther, "/hubs")
}

// setupForm is the first-run page; 404 once any user exists.
func (h *handler) setupForm(c echo.Context) error {
	has, err := h.db.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if has {
		return h.alreadySetUp(c)
	}
	if !h.setupAllowed(c.QueryParam("token")) {
		return h.setupNeedsLink(c)
	}
	return render(c, http.StatusOK, views.Setup(h.page(c, "Set up", ""), formOf(url.Values{"token": {c.QueryParam("token")}}, nil)))
}

// setupAllowed says whether this request may set the server up: it
// carries the token of the setup link the log prints (new at every start).
// Until the first admin exists, whoever reaches /setup first would be it,
// and "from this machine" cannot be told apart from a proxy that forwards
// without saying so, or a page whose name was rebound to 127.0.0.1.
func (h *handler) setupAllowed(token string) bool {
	return subtle.ConstantTimeCompare([]byte(token), []byte(h.setup)) == 1
}

// setupNeedsLink answers /setup without the setup link's token.
func (h *handler) setupNeedsLink(c echo.Context) error {
	return render(c, http.StatusForbidden, views.SetupNeedsLink(h.page(c, "Setup needs its link", "")))
}

// alreadySetUp answers /setup once an administrator exists: 404, as SPEC
// says, with a page that says why rather than "It may have been deleted".
func (h *handler) alreadySetUp(c echo.Context) error {
	const title = "Already set up"
	detail := "This server has its administrator already, so there is nothing to set up. Sign in instead; an administrator can add users on the Users page."
	if currentUser(c) != nil { // Back to the setup page, after setting up
		detail = "This server is set up, and you are signed in; an administrator can add users on the Users page."
	}
	return render(c, http.StatusNotFound, views.ErrorPage(h.page(c, title, ""), http.StatusNotFound, title, detail))
}

func (h *handler) setupSubmit(c echo.Context) error {
	has, err := h.db.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if has {
		return h.alreadySetUp(c)
	}
	form, _ := c.FormParams()
	if !h.setupAllowed(form.Get("token")) {
		return h.setupNeedsLink(c)
	}
	email := strings.TrimSpace(form.Get("email"))
	pw := form.Get("password")
	var errs channels.FieldErrors
	if _, err := mail.ParseAddress(email); err != nil || !strings.Contains(email, "@") {
		errs = append(errs, channels.FieldError{Field: "email", Message: "Enter a valid email address."})
	}
	if err := CheckPassword(pw); err != nil {
		errs = append(errs, channels.FieldError{Field: "password", Message: "The password " + err.Error() + "."})
	} else if pw != form.Get("confirm") {
		// Both boxes come back empty: the error goes on the first, where
		// the cursor then lands, not on the repeat.
		errs = append(errs, channels.FieldError{Field: "password", Message: mismatch})
	}
	if len(errs) > 0 {
		form.Del("password")
		form.Del("confirm")
		return render(c, http.StatusUnprocessableEntity, views.Setup(h.page(c, "Set up", ""), formOf(form, errs)))
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	u, err := h.db.CreateFirstAdmin(c.Request().Context(), db.User{TenantID: db.DefaultTenantID, Email: email, PasswordHash: hash})
	if errors.Is(err, db.ErrConflict) {
		return echo.ErrNotFound // someone else finished setup first
	}
	if err != nil {
		return err
	}
	_ = h.db.RecordAudit(c.Request().Context(), u.TenantID, db.Audit{Actor: "user:" + u.Email, Action: "user.setup"}, "user", u.ID, u.Email)
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.rememberDevice(c, u)
	_ = h.db.TouchLogin(c.Request().Context(), u.ID) // setup signs in: the Users page says when
	h.flash(c, "success", "Welcome! Create your first hub to add integrations.")
	return c.Redirect(http.StatusSeeOther, "/hubs")
}

// mismatch is the error of a password and its repeat that differ.
const mismatch = "The two passwords did not match; type the password in both boxes again."

// startSession signs a user in with a new session id (never a reused one).
func (h *handler) startSession(c echo.Context, u db.User) error {
	if old := currentSession(c); old != nil && old.ID != "" {
		_ = h.db.DeleteSession(c.Request().Context(), old.ID)
	}
	sess, err := h.sessions.New(&http.Request{Header: http.Header{}}, sessionCookie)
	if err != nil {
		return err
	}
	sess.Options = h.sessions.options(c.Request())
	sess.Values["_user"] = u.ID
	if err := h.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	h.newCSRFToken(c)
	// Stored now: a flash set after sign-in (setup's welcome) goes into
	// this session, not the one it replaced.
	sess.IsNew = false
	c.Set(sessionKey, sess)
	c.Set(userKey, &u)
	return nil
}

func (h *handler) loginForm(c echo.Context) error {
	has, err := h.db.HasUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if !has {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, "/hubs")
	}
	next, _ := localPath(c.QueryParam("next"))
	f := views.Form{Values: map[string][]string{"next": {next}}}
	return render(c, http.StatusOK, views.Login(h.page(c, "Sign in", ""), f, signedOutNotes[c.QueryParam("signed-out")]))
}

// loginFailed is the one message for every failed login, so it never
// tells whether the email exists.
const loginFailed = "Email or password is incorrect."

func (h *handler) loginSubmit(c echo.Context) error {
	form, _ := c.FormParams()
	email := strings.TrimSpace(form.Get("email"))
	ip := c.RealIP()
	fail := func(msg string) error {
		form.Del("password")
		f := formOf(form, nil)
		f.Error = msg
		return render(c, http.StatusUnprocessableEntity, views.Login(h.page(c, "Sign in", ""), f, ""))
	}
	// The account first: a device cookie counts only with the password it
	// was signed in with (see deviceOf).
	u, err := h.db.UserByEmail(c.Request().Context(), email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	try, wait := h.logins.try(email, ip, h.deviceOf(c, u))
	if wait > 0 {
		return fail("Too many failed sign-ins. Try again in " + wait.Round(time.Minute).String() + ".")
	}
	hash := dummyHash()
	if err == nil {
		hash = u.PasswordHash
	}
	ok := VerifyPassword(hash, form.Get("password")) && err == nil && !u.Disabled
	if !ok {
		return fail(loginFailed) // the try stays counted
	}
	try.succeeded()
	if err := h.startSession(c, u); err != nil {
		return err
	}
	h.rememberDevice(c, u)
	_ = h.db.TouchLogin(c.Request().Context(), u.ID)
	next, ok := localPath(form.Get("next"))
	if !ok {
		next = "/hubs"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// logout ends the session server-side and clears the cookie.
func (h *handler) logout(c echo.Context) error {
	if s := currentSession(c); s != nil && !s.IsNew {
		s.Options.MaxAge = -1
		if err := h.sessions.Save(c.Request(), c.Response(), s); err != nil {
			return err
		}
	}
	h.newCSRFToken(c)
	return c.Redirect(http.StatusSeeOther, "/login?signed-out=here")
}

// signedOutNotes are what the sign-in page says after a sign-out (its
// ?signed-out=), so that signing out visibly did something.
var signedOutNotes = map[string]string{
	"here":       "You are signed out.",
	"everywhere": "You are signed out on every browser and device.",
	"ended":      "Your session has ended. Sign in again to go back to where you were.",
	"unsaved":    "Your session has ended, so what you submitted was not saved. Sign in again to go back to where you were, and submit it again.",
}

// uiSignOutEverywhere ends every session of the current user.
func (h *handler) uiSignOutEverywhere(c echo.Context) error {
	u := currentUser(c)
	if err := h.db.DeleteUserSessions(c.Request().Context(), u.ID); err != nil {
		return err
	}
	h.newCSRFToken(c)
	return c.Redirect(http.StatusSeeOther, "/login?signed-out=everywhere")
}

// loginThrottle slows password guessing. Failures within a window are
// counted three ways, each blocking further tries once over its limit:
// per account and client address (a guesser at one address, without
// locking the account's owner out from theirs), per address (one guesser
// trying many accounts), and per account from anywhere (guessers spread
// over many addresses: it takes ten addresses to reach, so no lone
// stranger can lock an account). A browser that signed in to the account
// before is counted apart, by its device cookie (ui_login_device.go), so
// none of those blocks lock its user out.
type loginThrottle struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time // a clock tests can move
}

const (
	loginWindow       = 15 * time.Minute
	loginMaxAccountAt = 10  // one account from one address
	loginMaxAddress   = 50  // one address, any accounts
	loginMaxAccount   = 100 // one account, any addresses
	loginMapMaxItems  = 100000
)

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{failures: map[string][]time.Time{}, now: time.Now}
}

// loginCounter is one count of failures and its limit.
type loginCounter struct {
	key   string
	limit int
}

// loginKeys are the counters a try counts in; the first is the account's
// at this address, or, from a browser that signed in to the account
// before (device, ui_login_device.go), that browser's alone.
func loginKeys(email, ip, device string) []loginCounter {
	if device != "" {
		return []loginCounter{{"dev:" + device, loginMaxAccountAt}}
	}
	account := strings.ToLower(email)
	return []loginCounter{{"at:" + ip + " " + account, loginMaxAccountAt}, {"ip:" + ip, loginMaxAddress}, {"a:" + account, loginMaxAccount}}
}

func (t *loginThrottle) recent(key string, now time.Time) []time.Time {
	var keep []time.Time
	for _, at := range t.failures[key] {
		if now.Sub(at) < loginWindow {
			keep = append(keep, at)
		}
	}
	if len(keep) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = keep
	}
	return keep
}

// loginTry is one password check counted in advance (see try).
type loginTry struct {
	t    *loginThrottle
	keys []loginCounter
	at   time.Time
	done bool // undone or succeeded: a second call does nothing (under t.mu)
}

// try counts a password check before it is made and returns it, or how
// long until the next one is allowed (0 = now; a try is then returned).
// Counting first, under the lock that checked the limits, is what bounds a
// burst: had each try been counted after its check, as many concurrent
// requests as a client sends would all pass the limit before any counted.
// The try stays counted as a failure unless undone or succeeded.
func (t *loginThrottle) try(email, ip, device string) (*loginTry, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	keys := loginKeys(email, ip, device)
	for _, k := range keys {
		r := t.recent(k.key, now)
		if len(r) >= k.limit {
			wait = max(wait, loginWindow-now.Sub(r[len(r)-k.limit]))
		}
	}
	if wait > 0 {
		return nil, wait
	}
	if len(t.failures) > loginMapMaxItems {
		t.evict(now)
	}
	for _, k := range keys {
		t.failures[k.key] = append(t.failures[k.key], now)
	}
	return &loginTry{t: t, keys: keys, at: now}, 0
}

// undo takes the try back: it checked nothing (an error), or the password
// was right.
func (l *loginTry) undo() {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if l.done {
		return
	}
	l.done = true
	for _, k := range l.keys {
		l.t.remove(k.key, l.at)
	}
}

// succeeded takes the try back and clears the account's count at this
// address: its owner is back. The other counts stand (a guesser elsewhere
// is not forgiven).
func (l *loginTry) succeeded() {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	if l.done {
		return
	}
	l.done = true
	for _, k := range l.keys[1:] {
		l.t.remove(k.key, l.at)
	}
	delete(l.t.failures, l.keys[0].key)
}

// remove drops one count at at from key (the lock held).
func (t *loginThrottle) remove(key string, at time.Time) {
	r := t.failures[key]
	if i := slices.IndexFunc(r, at.Equal); i >= 0 {
		r = slices.Delete(r, i, i+1)
	}
	if len(r) == 0 {
		delete(t.failures, key)
	} else {
		t.failures[key] = r
	}
}

// evict bounds the counters' memory under a flood of new addresses and
// accounts: expired counters go first, then per-address ones, and the
// per-account counters only if that was not enough. (Dropping them all at
// once, as before, let a flood wipe every account's count.)
func (t *loginThrottle) evict(now time.Time) {
	target := loginMapMaxItems * 9 / 10
	for key := range t.failures {
		t.recent(key, now)
	}
	for _, keep := range []string{"a:", ""} {
		for key := range t.failures {
			if len(t.failures) <= target {
				return
			}
			if keep == "" || !strings.HasPrefix(key, keep) {
				delete(t.failures, key)
			}
		}
	}
}

// uiPasswordForm is the signed-in user's password change.
func (h *handler) uiPasswordForm(c echo.Context) error {
	return render(c, http.StatusOK, views.AccountPassword(h.page(c, "Change password", ""), views.Form{}))
}

// uiPasswordSave changes the signed-in user's password, after checking the
// current one (throttled as sign-ins are). Every other session of the user
// ends; this one is replaced by a new one.
func (h *handler) uiPasswordSave(c echo.Context) error {
	form, _ := c.FormParams()
	u := currentUser(c)
	ctx := c.Request().Context()
	var errs channels.FieldErrors
	fail := func(status int, errs channels.FieldErrors, msg string) error {
		f := formOf(url.Values{}, errs)
		f.Error = msg
		return render(c, status, views.AccountPassword(h.page(c, "Change password", ""), f))
	}
	try, wait := h.logins.try(u.Email, c.RealIP(), h.deviceOf(c, *u))
	if wait > 0 {
		return fail(http.StatusTooManyRequests, nil, "Too many wrong passwords. Try again in "+wait.Round(time.Minute).String()+".")
	}
	fresh, err := h.db.User(ctx, u.ID)
	if err != nil {
		try.undo()
		return err
	}
	right := VerifyPassword(fresh.PasswordHash, form.Get("current"))
	if !right {
		errs = append(errs, channels.FieldError{Field: "current", Message: "This is not your current password."})
	}
	pw := form.Get("password")
	if err := CheckPassword(pw); err != nil {
		errs = append(errs, channels.FieldError{Field: "password", Message: "The password " + err.Error() + "."})
	} else if pw != form.Get("confirm") {
		// Both boxes come back empty: the error goes on the first, where
		// the cursor then lands, not on the repeat.
		errs = append(errs, channels.FieldError{Field: "password", Message: mismatch})
	} else if pw == form.Get("current") && len(errs) == 0 {
		errs = append(errs, channels.FieldError{Field: "password", Message: "The new password is the current one; choose another."})
	}
	if len(errs) > 0 {
		if right {
			try.undo() // whatever else is wrong, the current password was no guess
		}
		return fail(http.StatusUnprocessableEntity, errs, "")
	}
	try.succeeded()
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	if err := h.db.SetPassword(ctx, *u, hash, actorOf(c).audit("user.password", "changed by the user; other sessions ended")); err != nil {
		return err
	}
	if err := h.startSession(c, *u); err != nil {
		return err
	}
	// This browser keeps a count of its own; cookies from before the
	// change count for nothing now.
	changed := *u
	changed.PasswordHash = hash
	h.rememberDevice(c, changed)
	h.flash(c, "success", "Password changed. Your other browsers and devices are signed out.")
	return redirect(c, "/hubs")
}
