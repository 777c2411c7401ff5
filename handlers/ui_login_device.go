package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"hubadmin/db"
)

// Device cookies (OWASP's "device cookies" against lockouts): a browser
// where someone signed in keeps, for a year, a cookie naming that account.
// A sign-in for that account from that browser is counted against the
// cookie alone, not against its address or the account: a guesser who
// fills an address's count (many people behind one proxy) or an account's
// locks out newcomers, not the people who have signed in there before.
// The cookie is no credential: it only moves a browser's tries to a count
// of their own, with the per-account-and-address limit. It holds a print
// of the account's password hash as it was signed in with, so a new
// password (set on the account page or by `hubadmin user password`)
// makes every older cookie count for nothing: someone who signed in
// before, many times over, gets no counts of their own against the new
// password, only a newcomer's.
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
	Pass  string // passPrint of the password hash signed in with
}

// passPrint identifies a password hash (each has its own salt, so any new
// password changes it) without holding it: the cookie is encrypted, and
// this keeps even its key's holder from a hash to attack offline.
func passPrint(hash string) string {
	sum := sha256.Sum256([]byte("hubadmin device password\x00" + hash))
	return hex.EncodeToString(sum[:12])
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
// account u (zero: no such account) with its present password, or "".
// Every cookie of the name is read: one planted with a narrower path
// would come first.
func (h *handler) deviceOf(c echo.Context, u db.User) string {
	if u.Email == "" || u.PasswordHash == "" {
		return ""
	}
	for _, ck := range c.Request().Cookies() {
		if ck.Name != deviceCookie && ck.Name != deviceCookieSecure {
			continue
		}
		var d device
		if h.devices.Decode(deviceCookie, ck.Value, &d) == nil && d.Nonce != "" && d.Email == strings.ToLower(u.Email) &&
			d.Pass == passPrint(u.PasswordHash) {
			return d.Nonce
		}
	}
	return ""
}

// rememberDevice gives the browser a new device cookie for the account it
// just signed in to, or set a new password for.
func (h *handler) rememberDevice(c echo.Context, u db.User) {
	v, err := h.devices.Encode(deviceCookie, device{Email: strings.ToLower(u.Email), Nonce: rand.Text(), Pass: passPrint(u.PasswordHash)})
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
