package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

const (
	sessionKey = "session"
	userKey    = "user"
)

// csrfCookie holds the dashboard's CSRF token; over HTTPS it is
// csrfCookieSecure, whose __Host- prefix makes browsers refuse it from
// anywhere but this host over HTTPS (a sibling subdomain cannot plant one).
const (
	csrfCookie       = "hubadmin_csrf"
	csrfCookieSecure = "__Host-hubadmin_csrf"
)

// csrfRefused answers a mutating dashboard request that was not sent from
// the dashboard itself.
func csrfRefused() error {
	return &apiError{Status: http.StatusForbidden, Detail: "The form was out of date or not sent from this dashboard. Reload the page and try again.",
		Errors: []ProblemError{{Code: codeForbidden, Description: "CSRF token missing or invalid."}}}
}

// csrf protects every mutating dashboard request; forms send _csrf, htmx
// the X-CSRF-Token header (static/js/app.js).
//
// A browser that says where a request comes from (Sec-Fetch-Site, every
// current one) is believed: same-origin passes, and anything else is
// refused, same-site included. echo would check a same-site request's
// token against its cookie instead, but any page of the same site (another
// port on localhost, a sibling subdomain) can set that cookie and so
// choose the token. Such a browser's pages carry echo's placeholder as
// their token (CSRFUsingSecFetchSite): no token is checked for it.
// Requests without the header (old browsers, scripts) are checked by
// token, the double-submit cookie.
//
// The cookie is Secure when the session's is (with --secure-cookies auto,
// on a request that came over HTTPS): two middlewares, one per kind of
// request.
func (h *handler) csrf() echo.MiddlewareFunc {
	build := func(secure bool) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			TokenLookup:    "header:X-CSRF-Token,form:_csrf",
			CookieName:     csrfCookieName(secure),
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSameSite: http.SameSiteLaxMode,
			CookieSecure:   secure,
			// Called for a mutating request from same-site or cross-site.
			AllowSecFetchSiteFunc: func(echo.Context) (bool, error) { return false, csrfRefused() },
			ErrorHandler:          func(error, echo.Context) error { return csrfRefused() },
		})
	}
	secure, plain := build(true), build(false)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		s, p := secure(next), plain(next)
		return func(c echo.Context) error {
			if h.sessions.secure(c.Request()) {
				return s(c)
			}
			return p(c)
		}
	}
}

// readForm reads a form's body before anything asks for a field of it,
// so that a body that cannot be read is answered for what it is (408,
// 400): once net/http has failed to parse a form it hands out an empty
// one, so the CSRF check said "session expired", and where no check read
// it first the handler's read failed with a 500.
func readForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
			return next(c)
		}
		if err := r.ParseForm(); err != nil {
			if e := bodyReadError(err); e != nil {
				if e == errBodyTimeout {
					return errFormTimeout
				}
				return e
			}
			return errFormUnreadable
		}
		return next(c)
	}
}

var (
	errFormTimeout = problem(http.StatusRequestTimeout, codeTimedOut, "",
		"The form did not arrive in time (the connection stopped sending it), so nothing was saved. Go back and send it again.")
	errFormUnreadable = problem(http.StatusBadRequest, codeBadFormat, "",
		"The form could not be read: it is not form data as a browser sends it. Nothing was saved.")
)

// newCSRFToken drops the CSRF cookie, so the next page gets a new token:
// at sign-in and sign-out, a token known before (planted by a sibling
// site, or left by the browser's previous user) is no longer good.
// (A browser that sends Sec-Fetch-Site is judged by it alone and gets no
// token to rotate, see csrf.)
func (h *handler) newCSRFToken(c echo.Context) {
	secure := h.sessions.secure(c.Request())
	// In place of the one the CSRF middleware may have set in this answer.
	setCookie(c.Response(), &http.Cookie{Name: csrfCookieName(secure), Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// csrfCookieName is the CSRF cookie's name over HTTPS (secure) or not.
func csrfCookieName(secure bool) string {
	if secure {
		return csrfCookieSecure
	}
	return csrfCookie
}

// loadSession puts the session and its user (if any, and not disabled) in
// the context.
func (h *handler) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		sess, err := h.sessions.Get(c.Request(), sessionCookie)
		if err != nil {
			return err
		}
		c.Set(sessionKey, sess)
		if uid, _ := sess.Values["_user"].(string); uid != "" && !sess.IsNew {
			u, err := h.db.User(c.Request().Context(), uid)
			if err != nil && !errors.Is(err, db.ErrNotFound) {
				return err
			}
			if err == nil && !u.Disabled {
				c.Set(userKey, &u)
				c.Set(actorKey, actor{TenantID: u.TenantID, Label: "user:" + u.Email, Write: u.Role != "viewer", User: &u})
				// Sliding idle timeout: refresh last_seen, at most once a
				// minute so page views are not each a write.
				if seen, err := time.Parse(time.RFC3339Nano, fmt.Sprint(sess.Values["_seen"])); err != nil || time.Since(seen) > time.Minute {
					if err := h.sessions.Save(c.Request(), c.Response(), sess); err != nil {
						return err
					}
				}
			}
		}
		return next(c)
	}
}

func currentUser(c echo.Context) *db.User {
	u, _ := c.Get(userKey).(*db.User)
	return u
}

func currentSession(c echo.Context) *sessions.Session {
	s, _ := c.Get(sessionKey).(*sessions.Session)
	return s
}

// requireUser sends signed-out visitors to the login page, and refuses
// mutating requests from viewers (403), whatever the route.
func (h *handler) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := currentUser(c)
		if u == nil {
			has, err := h.db.HasUsers(c.Request().Context())
			if err != nil {
				return err
			}
			target := "/login"
			q := url.Values{}
			if back := returnPath(c.Request()); back != "" {
				q.Set("next", back)
			}
			if why := signedOutReason(c); why != "" {
				q.Set("signed-out", why)
				if why == "unsaved" {
					h.keepUnsaved(c, q.Get("next"))
				}
			}
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			if !has {
				target = "/setup"
			}
			if c.Request().Header.Get("HX-Request") == "true" {
				c.Response().Header().Set("HX-Redirect", target)
				return c.NoContent(http.StatusUnauthorized)
			}
			return c.Redirect(http.StatusSeeOther, target)
		}
		if !isRead(c.Request().Method) && u.Role == "viewer" && !strings.HasPrefix(c.Path(), "/account/") { // their own account is theirs
			return &apiError{Status: http.StatusForbidden, Detail: "Your role (viewer) can look but not change anything. Ask an admin for the editor role."}
		}
		return next(c)
	}
}

// signedOutReason says why sign-in is asked for (the login page's
// ?signed-out=, see signedOutNotes), or "" for a first visit. A request
// with a session cookie had a session that ended on the server. So did a
// form post or an htmx request without one, sent from a page that was
// open while signed in: the browser dropped the cookie when it expired.
// A post's changes were not made, and the notice says so, or the operator
// would think them saved. A plain GET without a cookie is a first visit
// or a bookmark, with nothing to explain.
func signedOutReason(c echo.Context) string {
	r := c.Request()
	_, err := c.Cookie(sessionCookie)
	if err != nil {
		_, err = c.Cookie(sessionCookieSecure)
	}
	switch {
	case !isRead(r.Method):
		return "unsaved"
	case err == nil || r.Header.Get("HX-Request") == "true":
		return "ended"
	}
	return ""
}

// returnPath is where to come back to after signing in: the page asked
// for, or for a form post or an htmx request (a row's Pause, a search)
// the page it was sent from, which the browser can open again. Only a
// path of this server; "" for none.
func returnPath(r *http.Request) string {
	if isRead(r.Method) && r.Header.Get("HX-Request") != "true" {
		p, _ := localPath(r.URL.RequestURI())
		return p
	}
	for _, from := range []string{r.Header.Get("HX-Current-URL"), r.Referer()} {
		if p, ok := ownPage(r, from); ok {
			return p
		}
	}
	return ""
}

// ownPage is the path and query of from (a Referer, an HX-Current-URL)
// when it is a page of this server, safe to send a browser back to.
func ownPage(r *http.Request, from string) (string, bool) {
	u, err := url.Parse(from)
	if err != nil || u.Host != r.Host {
		return "", false
	}
	return localPath(u.RequestURI())
}

// requireAdmin refuses non-admins.
func (h *handler) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u := currentUser(c); u == nil || u.Role != "admin" {
			return &apiError{Status: http.StatusForbidden, Detail: "Only admins can open this page."}
		}
		return next(c)
	}
}

// page builds the layout's model for the current request, taking the
// session's pending flash messages.
func (h *handler) page(c echo.Context, title, nav string) views.Page {
	p := views.Page{Title: title, Nav: nav, Sandbox: h.providers.Sandbox, Version: h.cfg.Version}
	p.CSRF, _ = c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	if u := currentUser(c); u != nil {
		p.User = &views.User{Email: u.Email, Role: u.Role, IsAdmin: u.Role == "admin", CanWrite: u.Role != "viewer"}
	}
	if s := currentSession(c); s != nil && !s.IsNew {
		if f, _ := s.Values["flash"].(string); f != "" {
			kind, msg, _ := strings.Cut(f, "|")
			p.Flashes = append(p.Flashes, views.Flash{Kind: kind, Message: msg})
			delete(s.Values, "flash")
			_ = h.sessions.Save(c.Request(), c.Response(), s)
		}
	}
	return p
}

// flash stores a toast for the next page; htmx requests get it at once
// through HX-Trigger instead.
func (h *handler) flash(c echo.Context, kind, msg string) {
	msg = shortQuotes(msg)
	if c.Request().Header.Get("HX-Request") == "true" && c.Request().Header.Get("HX-Boosted") != "true" {
		b, _ := jsonString(map[string]any{"showToast": map[string]string{"message": msg, "kind": kind}})
		c.Response().Header().Set("HX-Trigger", b)
		return
	}
	if s := currentSession(c); s != nil && !s.IsNew {
		s.Values["flash"] = kind + "|" + msg
		_ = h.sessions.Save(c.Request(), c.Response(), s)
	}
}

// toastNameMax is how many characters of a quoted name a toast shows: a
// name of 100 made a toast a dozen lines tall at the foot of the sidebar.
const toastNameMax = 40

// shortQuotes cuts every name quoted “…” in a toast's message to
// toastNameMax characters, ending it with "…" (the object's own page
// names it whole).
func shortQuotes(msg string) string {
	var b strings.Builder
	for {
		open := strings.Index(msg, "“")
		if open < 0 {
			break
		}
		rest := msg[open+len("“"):]
		end := strings.Index(rest, "”")
		if end < 0 {
			break
		}
		name := []rune(rest[:end])
		b.WriteString(msg[:open+len("“")])
		if len(name) > toastNameMax {
			b.WriteString(strings.TrimRight(string(name[:toastNameMax-1]), " "))
			b.WriteString("…")
		} else {
			b.WriteString(string(name))
		}
		b.WriteString("”")
		msg = rest[end+len("”"):]
	}
	b.WriteString(msg)
	return b.String()
}

// render writes a component with a status.
func render(c echo.Context, status int, comp templ.Component) error {
	// Rendered whole into a reused buffer, then written once: templ flushes
	// its writer as it goes, and each flush through the gzip middleware was
	// a sync flush of the compressor. A failed render also leaves nothing
	// half-sent.
	buf := htmlBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			htmlBufs.Put(buf)
		}
	}()
	ctx := c.Request().Context()
	if status >= http.StatusBadRequest { // a refused form: see formPages
		if u := formPageURL(c); u != "" {
			ctx = views.WithPageURL(ctx, u)
		}
	}
	if err := comp.Render(ctx, buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

var htmlBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// formPages maps each dashboard form's POST route to the GET address of
// the page the form is on (the route's parameters filled in). A refused
// form's answer (422, or any error page) carries it (render), so that the
// browser's history holds a GET there instead of the POST. A form that
// worked redirects; the few 200 answers to a POST keep it on purpose: a
// new token's secret is shown once, and reloading it says the form was
// already sent.
var formPages = map[string]string{
	"/setup":                              "/setup",
	"/login":                              "/login",
	"/hubs":                               "/hubs/new",
	"/hubs/:id":                           "/hubs/:id/edit",
	"/hubs/:id/delete":                    "/hubs/:id/delete",
	"/hubs/:id/integrations/new/:channel": "/hubs/:id/integrations/new/:channel",
	"/hubs/:id/slack/connect":             "/hubs/:id/integrations/new/slack",
	"/integrations/:id":                   "/integrations/:id/edit",
	"/account/password":                   "/account/password",
	"/tokens":                             "/tokens",
	"/users":                              "/users",
	"/users/:id":                          "/users",
}

// formPageURL is the GET address of the page whose form a plain POST
// came from, or "" for anything else (a GET has its own address; htmx
// swaps parts of the page and keeps its history entry).
func formPageURL(c echo.Context) string {
	r := c.Request()
	if isRead(r.Method) || r.Header.Get("HX-Request") == "true" {
		return ""
	}
	u, ok := formPages[c.Path()]
	if !ok {
		return ""
	}
	for _, name := range c.ParamNames() {
		u = strings.Replace(u, ":"+name, url.PathEscape(c.Param(name)), 1)
	}
	// Where to go afterwards is kept; the note that sent a visitor to sign
	// in (signed-out=) has been read and is not shown again.
	if formPagesWithNext[c.Path()] {
		if next, ok := localPath(c.FormValue("next")); ok {
			u += "?" + url.Values{"next": {next}}.Encode()
		}
	}
	// The setup form's page needs the setup link's token to load again.
	if c.Path() == "/setup" && c.FormValue("token") != "" {
		u += "?" + url.Values{"token": {c.FormValue("token")}}.Encode()
	}
	return u
}

// formPagesWithNext are the form pages whose GET takes ?next=, where to go
// once the form is done, and whose form sends it back as a hidden field.
var formPagesWithNext = map[string]bool{"/login": true, "/hubs/:id/delete": true}

// redirect answers a form: 303 for plain posts, HX-Redirect for htmx.
func redirect(c echo.Context, to string) error {
	if c.Request().Header.Get("HX-Request") == "true" {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// renderErrorPage shows an error as a page (or a toast for htmx requests).
func (h *handler) renderErrorPage(c echo.Context, ae *apiError) {
	// The error reaches here after the timeout middleware has cancelled the
	// request's context, and templ renders nothing into a cancelled one.
	c.SetRequest(c.Request().WithContext(context.WithoutCancel(c.Request().Context())))
	title := http.StatusText(ae.Status)
	detail := ae.Detail
	switch ae.Status {
	case http.StatusNotFound:
		title, detail = "Not found", "There is nothing at this address. It may have been deleted."
	case http.StatusInternalServerError:
		title = "Something went wrong"
	}
	if c.Request().Header.Get("HX-Request") == "true" {
		b, _ := jsonString(map[string]any{"showToast": map[string]string{"message": detail, "kind": "error"}})
		c.Response().Header().Set("HX-Trigger", b)
		c.Response().Header().Set("HX-Reswap", "none")
		_ = c.NoContent(ae.Status)
		return
	}
	_ = render(c, ae.Status, views.ErrorPage(h.page(c, title, ""), ae.Status, title, detail))
}

// formOf turns a request's form and field errors into a view model; field
// paths like "configuration.webhookUrl" become form names "cfg.webhookUrl".
func formOf(values url.Values, errs channels.FieldErrors) views.Form {
	f := views.Form{Values: values, Errors: map[string]string{}, RowErrors: map[string]map[int]string{}}
	for _, fe := range errs {
		name := fe.Field
		if rest, ok := strings.CutPrefix(name, "configuration."); ok {
			key, idx, item := listItem(rest)
			name = channels.FormField(key)
			if item {
				// About one item of a list: shown under its row.
				if f.RowErrors[name] == nil {
					f.RowErrors[name] = map[int]string{}
				}
				if _, dup := f.RowErrors[name][idx]; !dup {
					f.RowErrors[name][idx] = fe.Message
				}
				continue
			}
		}
		if name == "" || name == "configuration" {
			if f.Error == "" {
				f.Error = fe.Message
			}
			continue
		}
		if _, dup := f.Errors[name]; !dup {
			f.Errors[name] = fe.Message
		}
	}
	return f
}

// listItem reads a configuration path such as "allowedOrigins[2]" or
// "start[0].text": the field, the item's index and true; a path about a
// whole field is that field, 0 and false.
func listItem(path string) (key string, idx int, item bool) {
	i := strings.IndexByte(path, '[')
	if i < 0 {
		return path, 0, false
	}
	end := strings.IndexByte(path[i:], ']')
	if end < 0 {
		return path[:i], 0, false
	}
	n, err := strconv.Atoi(path[i+1 : i+end])
	if err != nil || n < 0 {
		return path[:i], 0, false
	}
	return path[:i], n, true
}

// formErrors splits an error into field errors for a form; other errors
// are returned as they are.
func formErrors(err error) (channels.FieldErrors, error) {
	var fe channels.FieldErrors
	if errors.As(err, &fe) {
		return fe, nil
	}
	if pe, ok := channels.AsProviderError(err); ok {
		return channels.FieldErrors{{Code: codeProviderRefuse, Field: providerField(pe), Message: pe.Message}}, nil
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
		var out channels.FieldErrors
		for _, e := range ae.Errors {
			out = append(out, channels.FieldError{Code: e.Code, Field: e.Field, Message: e.Description})
		}
		return out, nil
	}
	return nil, err
}

// jsonString encodes v for a header (HX-Trigger): header values reach the
// browser as Latin-1, so every non-ASCII character is escaped (\uXXXX) for
// names like “Café” to survive JSON.parse intact.
func jsonString(v any) (string, error) {
	var b strings.Builder
	writeJSON(&b, v)
	var out strings.Builder
	for _, r := range strings.TrimSpace(b.String()) {
		switch {
		case r < 0x80:
			out.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
	}
	return out.String(), nil
}

// uiHub loads a hub of the user's tenant for a page: 404 otherwise (the
// dashboard does not reveal other tenants' ids).
func (h *handler) uiOwnHub(c echo.Context) (db.Hub, error) {
	hub, err := h.db.Hub(c.Request().Context(), c.Param("id"))
	if err != nil || hub.TenantID != currentUser(c).TenantID {
		if err == nil || errors.Is(err, db.ErrNotFound) {
			return db.Hub{}, &apiError{Status: http.StatusNotFound, Detail: "No such hub."}
		}
		return db.Hub{}, err
	}
	return hub, nil
}

// uiOwnIntegration loads an integration of the user's tenant for a page.
func (h *handler) uiOwnIntegration(c echo.Context) (db.Integration, db.Hub, error) {
	in, err := h.db.Integration(c.Request().Context(), c.Param("id"))
	if errors.Is(err, db.ErrNotFound) || (err == nil || unreadable(err)) && in.TenantID != currentUser(c).TenantID {
		return db.Integration{}, db.Hub{}, &apiError{Status: http.StatusNotFound, Detail: "No such integration."}
	}
	if err != nil && !unreadable(err) {
		return db.Integration{}, db.Hub{}, err
	}
	// One whose secrets do not open comes back with that error beside it
	// (ownIntegration): only a delete goes on.
	hub, herr := h.db.Hub(c.Request().Context(), in.HubID)
	if herr != nil {
		return in, hub, herr
	}
	return in, hub, err
}

// confirmed reports whether a destructive form was confirmed: by the
// dialog (app.js adds confirmed=1 when the operator says yes; htmx buttons
// send it with hx-vals, after hx-confirm) or by the page askConfirm shows,
// which is what a browser without JavaScript gets.
func confirmed(c echo.Context) bool { return c.FormValue("confirmed") == "1" }

// askConfirm answers an unconfirmed destructive POST with a page asking
// again; nothing has changed.
func (h *handler) askConfirm(c echo.Context, nav string, m views.ConfirmAction) error {
	m.Action, m.Next = c.Request().URL.Path, backTo(c, "")
	return render(c, http.StatusOK, views.ConfirmPage(h.page(c, m.Title, nav), m))
}
