package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"hubadmin/channels"
)

// A form posted after the session ended is not saved: requireUser sends it
// to sign-in, which then leads back to the form's page. What was typed in
// it waits meanwhile in a cookie, encrypted and for 15 minutes at most, and
// the form's page, opened again at that very address, comes back filled in.
// Secrets (credentials, passwords) are never kept: they are typed again.
const (
	unsavedCookie = "hubadmin_unsaved"
	unsavedMaxAge = 15 * 60
	// unsavedMax bounds the cookie (browsers keep 4 KB a cookie); a longer
	// form is not kept, and sign-in says, as before, to fill it in again.
	unsavedMax = 3800
)

// unsavedForm is the cookie's content.
type unsavedForm struct {
	Path   string
	Values url.Values
	// Dropped: a secret was typed, and not kept.
	Dropped bool
}

// unsavedSkip are the fields never kept: the CSRF token, a confirmation,
// passwords; the channels' secret fields are added at start-up.
var unsavedSkip = func() map[string]bool {
	skip := map[string]bool{"_csrf": true, "confirmed": true, "password": true, "confirm": true, "current": true}
	for _, ch := range channels.All() {
		for _, f := range ch.Fields {
			if f.Kind == channels.Secret || f.Spent {
				skip[channels.FormField(f.Name)] = true
			}
		}
	}
	return skip
}()

// newUnsavedCodec signs and encrypts the cookie with keys derived from
// the session key.
func newUnsavedCodec(sessionKey []byte) *securecookie.SecureCookie {
	return purposeCodec(sessionKey, "hubadmin unsaved form").MaxAge(unsavedMaxAge).MaxLength(unsavedMax)
}

// keepUnsaved keeps what a form post sent, for the page it came from.
func (h *handler) keepUnsaved(c echo.Context, back string) {
	r := c.Request()
	if back == "" || r.Header.Get("HX-Request") == "true" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return
	}
	form, err := c.FormParams()
	if err != nil {
		return
	}
	kept, dropped := url.Values{}, false
	for k, v := range form {
		switch {
		case !unsavedSkip[k]:
			kept[k] = v
		case k != "_csrf" && k != "confirmed" && strings.Join(v, "") != "":
			dropped = true
		}
	}
	if len(kept) == 0 {
		return
	}
	v, err := h.unsaved.Encode(unsavedCookie, unsavedForm{Path: back, Values: kept, Dropped: dropped})
	if err != nil {
		return // too long to keep
	}
	c.SetCookie(&http.Cookie{Name: unsavedCookie, Value: v, Path: "/", MaxAge: unsavedMaxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: h.sessions.secure(r)})
}

// takeUnsaved returns what was kept for this page, once: the cookie goes
// with its first read at the address it was kept for. With a form it
// says, in a toast, what came back and what did not.
func (h *handler) takeUnsaved(c echo.Context) (url.Values, bool) {
	ck, err := c.Cookie(unsavedCookie)
	if err != nil {
		return nil, false
	}
	var f unsavedForm
	if err := h.unsaved.Decode(unsavedCookie, ck.Value, &f); err != nil || f.Path != c.Request().URL.RequestURI() {
		return nil, false
	}
	c.SetCookie(&http.Cookie{Name: unsavedCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	msg := "Not saved yet (your session had ended): here is what you typed."
	if f.Dropped {
		msg += " Secrets were not kept; enter them again."
	}
	h.flash(c, "info", msg)
	return f.Values, true
}
