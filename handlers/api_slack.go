package handlers

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

// slackStateTTL is how long a Slack OAuth nonce may be used.
const slackStateTTL = 10 * time.Minute

// slackCallbackPath is where Slack sends the user back.
const slackCallbackPath = "/oauth/slack/callback"

// baseURL is the server's external origin: --public-url, else the request's.
func (h *handler) baseURL(c echo.Context) string {
	if h.cfg.PublicURL != "" {
		return h.cfg.PublicURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

func (h *handler) slackRedirectURI(c echo.Context) string { return h.baseURL(c) + slackCallbackPath }

// slackNonce is POST /integrations/slack/nonce {hubId, name?, redirectUri?}:
// a single-use OAuth state for one hub, valid 10 minutes, and the
// authorize URL carrying it. Slack sends the user back, with the code, to
// redirectUri when given (the program then creates the integration with
// {code, nonce}, and the code is exchanged with that same redirect_uri),
// else to this server's callback, which creates the integration under
// name in the signed-in operator's session, or asks for a name first.
func (h *handler) slackNonce(c echo.Context) error {
	b, err := readBody(c, false)
	if err != nil {
		return err
	}
	unknown := b.only([]string{"hubId", "name", "redirectUri"}, nil)
	var errs channels.FieldErrors
	s, ok, fe := b.str("hubId")
	if fe != nil {
		errs = append(errs, *fe)
	} else if !ok {
		errs = append(errs, channels.FieldError{Code: codeRequired, Field: "hubId", Message: "Property 'hubId' is required."})
	}
	name, hasName, fe := b.str("name")
	if fe != nil {
		errs = append(errs, *fe)
	} else if hasName {
		if name, fe = checkName(name); fe != nil {
			errs = append(errs, *fe)
		}
	}
	redirectURI, hasRedirect, fe := b.str("redirectUri")
	if fe != nil {
		errs = append(errs, *fe)
	} else if hasRedirect {
		if fe := checkRedirectURI(redirectURI); fe != nil {
			errs = append(errs, *fe)
		}
	}
	errs = append(errs, unknown...)
	if len(errs) > 0 {
		return fieldErrors(errs)
	}
	c.SetParamNames("hubId")
	c.SetParamValues(s)
	id, err := parseID(c, "hubId", "hubId", "hub")
	if err != nil {
		return err
	}
	hub, err := h.ownHub(c, id)
	if err != nil {
		return err
	}
	if hasName {
		// A taken name is said now, not after the user has been to Slack.
		if err := h.nameFree(c.Request().Context(), hub.ID, "", name); err != nil {
			return err
		}
	}
	nonce, st, authURL, err := h.issueSlackState(c, db.OAuthState{TenantID: hub.TenantID, HubID: hub.ID, Name: name, RedirectURI: redirectURI})
	if err != nil {
		return err
	}
	return okJSON(c.Response(), map[string]string{"nonce": nonce, "authorizeUrl": authURL, "expires": apiTime(st.Expires)})
}

// checkRedirectURI accepts an absolute http or https URL with a host and
// no user, password or fragment, as Slack's redirect URLs are; Slack
// itself refuses one its app does not list.
func checkRedirectURI(s string) *channels.FieldError {
	bad := func(why string) *channels.FieldError {
		return &channels.FieldError{Code: codeBadFormat, Field: "redirectUri", Message: "Property 'redirectUri' " + why}
	}
	if len(s) > 2000 {
		return bad(fmt.Sprintf("is %d bytes long; at most 2000 are allowed.", len(s)))
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || strings.ContainsAny(s, " \t\r\n"):
		return bad("is not a valid URL.")
	case u.Scheme != "https" && u.Scheme != "http":
		return bad("must be an http or https URL (the address Slack sends the user back to).")
	case u.Host == "" || u.Hostname() == "":
		return bad("must name a host.")
	case u.User != nil:
		return bad("must not carry a user name or password.")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return bad("must not have a fragment (#…).")
	}
	return nil
}

// issueSlackState stores a state for st's hub (and user, name, redirect)
// and builds Slack's authorize URL with it.
func (h *handler) issueSlackState(c echo.Context, st db.OAuthState) (string, db.OAuthState, string, error) {
	redirectURI := st.RedirectURI
	if redirectURI == "" {
		redirectURI = h.slackRedirectURI(c)
	}
	// The authorize URL is checked first so an unconfigured server issues no nonce.
	if _, err := h.providers.Slack.AuthorizeURL("probe", redirectURI); err != nil {
		return "", db.OAuthState{}, "", err
	}
	nonce, st, err := h.db.CreateOAuthState(c.Request().Context(), st, slackStateTTL)
	if err != nil {
		return "", db.OAuthState{}, "", err
	}
	authURL, err := h.providers.Slack.AuthorizeURL(nonce, redirectURI)
	return nonce, st, authURL, err
}
