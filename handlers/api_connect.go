package handlers

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/db"
)

// accessTokenTTL is the life of an OAuth2 access token (Hubster's 30 days).
const accessTokenTTL = 30 * 24 * time.Hour

// oauthError is RFC 6749's error body. Its Cache-Control: no-store, as
// the token's (§5.1), comes with every API answer (securityHeaders).
// It is written as every other answer is (writeJSON: no HTML escaping),
// so a description's "&" reads as "&", not "\u0026".
func oauthError(c echo.Context, code, desc string) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusBadRequest)
	writeJSON(w, map[string]string{"error": code, "error_description": desc})
	return nil
}

// connectToken is POST /connect/token: OAuth2 client credentials, as
// Hubster's own clients use it. Its official .NET client sends the form
// body without URL-encoding; issued secrets use only [A-Za-z0-9], so a
// plain split reads it either way.
func (h *handler) connectToken(c echo.Context) error {
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if e := bodyReadError(err); e != nil {
			return e
		}
		return oauthError(c, "invalid_request", "The request body could not be read.")
	}
	if kind, ok := formBody(c.Request().Header.Get(echo.HeaderContentType)); !ok {
		return oauthError(c, "invalid_request", "The request body must be application/x-www-form-urlencoded (OAuth 2.0, RFC 6749 §4.4.2): "+
			"grant_type=client_credentials&client_id=...&client_secret=...; this one is "+kind+".")
	}
	form := parseLooseForm(string(raw))
	if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 1 {
		return oauthError(c, "invalid_request", "The Authorization header is given more than once; send one.")
	}
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if bid, bsecret, ok := c.Request().BasicAuth(); ok {
		// RFC 6749 §2.3.1: one authentication method per request. Neither
		// of two may win: a wrong Basic secret beside a right body, or a
		// read client's Basic beside a write client's body, gets no
		// token. The body may repeat the Basic client_id, which proves
		// nothing on its own.
		if form.Has("client_secret") || (form.Has("client_id") && id != bid) {
			return oauthError(c, "invalid_request", "The client authenticates twice, with HTTP Basic and with client_id/client_secret in the body; use one of them.")
		}
		id, secret = bid, bsecret
	}
	for _, k := range []string{"grant_type", "client_id", "client_secret", "scope"} {
		if len(form[k]) > 1 { // RFC 6749 §3.2: no parameter more than once
			return oauthError(c, "invalid_request", k+" is given more than once.")
		}
	}
	switch grant := form.Get("grant_type"); {
	case grant == "":
		return oauthError(c, "invalid_request", "grant_type is required; use client_credentials.")
	case grant != "client_credentials":
		return oauthError(c, "unsupported_grant_type", "Only the client_credentials grant is supported.")
	case id == "" || secret == "":
		return oauthError(c, "invalid_request", "client_id and client_secret are required.")
	}
	// scope is optional (Hubster's clients send none); any scope asked for
	// must be the one this server grants (RFC 6749 §3.3, §5.2).
	for sc := range strings.FieldsSeq(form.Get("scope")) {
		if sc != portalScope {
			return oauthError(c, "invalid_scope", "The only scope is "+portalScope+"; leave scope out or ask for that one.")
		}
	}
	cl, err := h.db.ClientByCredentials(c.Request().Context(), id, secret)
	if errors.Is(err, db.ErrNotFound) {
		return oauthError(c, "invalid_client", "The client is unknown, revoked, or the secret is wrong.")
	}
	if err != nil {
		return err
	}
	exp := time.Now().Add(accessTokenTTL)
	_, plain, err := h.db.CreateToken(c.Request().Context(), db.Token{TenantID: cl.TenantID, Name: "client:" + cl.Name, Scope: cl.Scope, ClientID: cl.ID, Expires: &exp})
	if err != nil {
		return err
	}
	return okJSON(c.Response(), map[string]any{
		"access_token": plain, "expires_in": int(accessTokenTTL / time.Second), "token_type": "Bearer", "scope": portalScope,
	})
}

// formBody reports whether a token request's body is a form, as RFC 6749
// §4.4.2 requires (and IdentityServer, behind Hubster's own endpoint), and
// else what it is: read as a form, a JSON body lacks every parameter, and
// the answer would blame grant_type, not the body.
func formBody(contentType string) (kind string, ok bool) {
	if contentType == "" {
		return "sent with no Content-Type", false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "of no valid Content-Type", false
	}
	return mt, mt == echo.MIMEApplicationForm
}

// portalScope is the scope of every access token: Hubster's portal API.
const portalScope = "hubster-portal-api"

// parseLooseForm reads a=b&c=d, decoding escapes where they are valid and
// keeping the raw text where they are not.
func parseLooseForm(s string) url.Values {
	v := url.Values{}
	for _, part := range strings.Split(strings.TrimSpace(s), "&") {
		k, val, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(val); err == nil {
			val = dv
		}
		if k != "" {
			v.Add(k, val)
		}
	}
	return v
}
