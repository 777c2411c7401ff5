package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"
)

// Device cookies (OWASP's "device cookies" against lockouts): a browser
// where someone signed in keeps, for a year, a cookie naming that account.
// A sign-in for that account from that browser is counted against the
// cookie alone, not against its address or the account: a guesser who
// fills an address's count (many people behind one proxy) or an account's
// locks out newcomers, not the people who have signed in there before.
// The cookie is no credential: it only moves a browser's tries to a count
// of their own, with the per-account-and-address limit.
const (
	deviceCookie = "hubadmin_device"
	deviceMaxAge = 365 * 24 * time.Hour
)

// device is the cookie's content.
type device struct {
	Email string // lower case
	Nonce string // this cookie's count
}

// newDeviceCodec signs and encrypts the cookie with keys derived from the
// session key.
func newDeviceCodec(sessionKey []byte) *securecookie.SecureCookie {
	block := sha256.Sum256(append([]byte("hubadmin device\x00"), sessionKey...))
	return securecookie.New(sessionKey, block[:]).MaxAge(int(deviceMaxAge / time.Second))
}

// deviceOf returns the key of the request's device cookie if it names the
// account email, or "".
func (h *handler) deviceOf(c echo.Context, email string) string {
	ck, err := c.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	var d device
	if h.devices.Decode(deviceCookie, ck.Value, &d) != nil || d.Nonce == "" || d.Email != strings.ToLower(email) {
		return ""
	}
	return d.Nonce
}

// rememberDevice gives the browser a new device cookie for the account it
// just signed in to.
func (h *handler) rememberDevice(c echo.Context, email string) {
	v, err := h.devices.Encode(deviceCookie, device{Email: strings.ToLower(email), Nonce: rand.Text()})
	if err != nil {
		return // the sign-in stands; the next one is counted as a newcomer's
	}
	c.SetCookie(&http.Cookie{Name: deviceCookie, Value: v, Path: "/", MaxAge: int(deviceMaxAge / time.Second), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: h.sessions.secure(c.Request())})
}
