package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"hubadmin/db"
)

// Session lifetimes (SPEC 6).
const (
	sessionIdle     = 30 * time.Minute
	sessionAbsolute = 12 * time.Hour
	sessionCookie   = "hubadmin_session"
	// sessionCookieSecure is its name over HTTPS: browsers take a __Host-
	// cookie only from this host, over HTTPS, for the whole site, so a
	// sibling subdomain or a plain-HTTP page cannot plant one (a session
	// of the planter's own, or junk that hides the real one).
	sessionCookieSecure = "__Host-hubadmin_session"
)

// sessionCookieName is the session cookie's name for a request: the
// __Host- one when cookies are Secure (--secure-cookies).
func sessionCookieName(secure bool) string {
	if secure {
		return sessionCookieSecure
	}
	return sessionCookie
}

// sessionStore is a gorilla/sessions Store whose data lives in the sessions
// table; the cookie holds only a signed random id, so logout, disabling a
// user and "sign out everywhere" end sessions at once.
type sessionStore struct {
	db     *db.DB
	codec  securecookie.Codec
	secure func(r *http.Request) bool
}

func newSessionStore(d *db.DB, key []byte, secure func(*http.Request) bool) *sessionStore {
	codec := securecookie.New(key, nil)
	codec.MaxAge(int(sessionAbsolute / time.Second))
	return &sessionStore{db: d, codec: codec, secure: secure}
}

// Get returns the request's session, cached per request by the registry.
func (s *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New loads the session named by the cookie, or returns a fresh one
// (IsNew) when there is none, it is unknown, or it has expired. Over
// HTTPS only the __Host- cookie is read (a plain one could have been
// planted); of several cookies of the name (one planted with a narrower
// path comes first), the first that is signed by this server is.
func (s *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(s, name)
	sess.IsNew = true
	sess.Options = s.options(r)
	cookieName := sessionCookieName(s.secure(r))
	var id string
	for _, c := range r.Cookies() {
		if c.Name == cookieName && s.codec.Decode(name, c.Value, &id) == nil {
			break
		}
		id = "" // a forged or stale cookie is no session
	}
	if id == "" {
		return sess, nil
	}
	row, err := s.db.Session(r.Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	now := time.Now()
	if now.Sub(row.LastSeen) > sessionIdle || now.Sub(row.Created) > sessionAbsolute {
		_ = s.db.DeleteSession(r.Context(), id)
		return sess, nil
	}
	var values map[string]string
	if err := json.Unmarshal(row.Data, &values); err != nil {
		return sess, nil
	}
	for k, v := range values {
		sess.Values[k] = v
	}
	sess.ID = id
	sess.IsNew = false
	sess.Values["_user"] = row.UserID
	sess.Values["_created"] = row.Created.Format(time.RFC3339Nano)
	sess.Values["_seen"] = row.LastSeen.Format(time.RFC3339Nano)
	return sess, nil
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
// Over HTTPS the cookie is the __Host- one, and a plain one the request
// still carries (from before an upgrade, or before HTTPS) is deleted.
func (s *sessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	secure := s.secure(r)
	cookieName := sessionCookieName(secure)
	if _, err := r.Cookie(sessionCookie); err == nil && secure {
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := s.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		setCookie(w, sessions.NewCookie(cookieName, "", sess.Options))
		return nil
	}
	user, _ := sess.Values["_user"].(string)
	if user == "" {
		return errors.New("session: no user")
	}
	created := time.Now().UTC()
	if s, ok := sess.Values["_created"].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			created = t
		}
	}
	if sess.ID == "" {
		sess.ID = db.RandomString(43)
	}
	values := map[string]string{}
	for k, v := range sess.Values {
		ks, _ := k.(string)
		vs, _ := v.(string)
		if ks != "" && ks[0] != '_' {
			values[ks] = vs
		}
	}
	data, _ := json.Marshal(values)
	if err := s.db.SaveSession(r.Context(), sess.ID, db.Session{UserID: user, Data: data, Created: created, LastSeen: time.Now().UTC()}); err != nil {
		return err
	}
	enc, err := s.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return err
	}
	setCookie(w, sessions.NewCookie(cookieName, enc, sess.Options))
	return nil
}

// setCookie sets c in place of a Set-Cookie of the same name the response
// already carries: a session saved twice in one request (signed in, then
// given its welcome flash) names its cookie once in the answer.
func setCookie(w http.ResponseWriter, c *http.Cookie) {
	h := w.Header()
	var kept []string
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, c.Name+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	http.SetCookie(w, c)
}

func (s *sessionStore) options(r *http.Request) *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r),
		MaxAge: int(sessionAbsolute / time.Second)}
}

// secureCookies decides the cookie's Secure flag per --secure-cookies.
func secureCookies(mode string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		switch mode {
		case "true", "always":
			return true
		case "false", "never":
			return false
		}
		return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
	}
}
