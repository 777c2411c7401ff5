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
// of their own, with the per-account-and-address limit. It outlives a
// password set by `hubadmin user password` and a disabled account: its
// holder keeps that one count of 10 tries per 15 minutes, no more.
const (
	deviceCookie = "hubadmin_device"
	// deviceCookieSecure is its name over HTTPS: the __Host- prefix keeps
	// a sibling subdomain from planting one that would be read first.
	deviceCookieSecure = "__Host-hubadmin_device"
	deviceMaxAge       = 365 * 24 * time.Hour
)

// device is the cookie's content.
type device struct {
	Email string // lower case
	Nonce string // this cookie's count
}

// newDeviceCodec signs and encrypts the cookie with keys derived from the
// session key.
func newDeviceCodec(sessionKey []byte) *securecookie.SecureCookie {
	return purposeCodec(sessionKey, "hubadmin device").MaxAge(int(deviceMaxAge / time.Second))
}

// purposeCodec signs with the session key and encrypts with a key derived
// from it for one purpose, so that one cookie cannot pass for another.
func purposeCodec(sessionKey []byte, purpose string) *securecookie.SecureCookie {
	block := sha256.Sum256(append([]byte(purpose+"\x00"), sessionKey...))
	return securecookie.New(sessionKey, block[:])
}

// deviceOf returns the key of the request's device cookie if it names the
// account email, or "". Every cookie of the name is read: one planted
// with a narrower path would come first.
func (h *handler) deviceOf(c echo.Context, email string) string {
	for _, ck := range c.Request().Cookies() {
		if ck.Name != deviceCookie && ck.Name != deviceCookieSecure {
			continue
		}
		var d device
		if h.devices.Decode(deviceCookie, ck.Value, &d) == nil && d.Nonce != "" && d.Email == strings.ToLower(strings.TrimSpace(email)) {
			return d.Nonce
		}
	}
	return ""
}

// rememberDevice gives the browser a new device cookie for the account it
// just signed in to.
func (h *handler) rememberDevice(c echo.Context, email string) {
	v, err := h.devices.Encode(deviceCookie, device{Email: strings.ToLower(email), Nonce: rand.Text()})
	if err != nil {
		return // the sign-in stands; the next one is counted as a newcomer's
	}
	name, secure := deviceCookie, h.sessions.secure(c.Request())
	if secure {
		name = deviceCookieSecure
	}
	c.SetCookie(&http.Cookie{Name: name, Value: v, Path: "/", MaxAge: int(deviceMaxAge / time.Second), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure})
}
