package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

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

// slackNonce is POST /integrations/slack/nonce {hubId}: a single-use OAuth
// state for one hub, valid 10 minutes, and the authorize URL carrying it.
func (h *handler) slackNonce(c echo.Context) error {
	b, err := readBody(c, false)
	if err != nil {
		return err
	}
	if err := b.only([]string{"hubId"}, nil); err != nil {
		return err
	}
	s, ok, err := b.str("hubId")
	if err != nil {
		return err
	}
	if !ok {
		return badRequest(codeRequired, "hubId", "Property 'hubId' is required.")
	}
	c.SetParamNames("hubId")
	c.SetParamValues(s)
	id, err := parseID(c, "hubId", "hub")
	if err != nil {
		return err
	}
	hub, err := h.ownHub(c, id)
	if err != nil {
		return err
	}
	nonce, st, authURL, err := h.issueSlackState(c, hub, "", "")
	if err != nil {
		return err
	}
	return okJSON(c.Response(), map[string]string{"nonce": nonce, "authorizeUrl": authURL, "expires": apiTime(st.Expires)})
}

func (h *handler) issueSlackState(c echo.Context, hub db.Hub, userID, name string) (string, db.OAuthState, string, error) {
	// The authorize URL is checked first so an unconfigured server issues no nonce.
	if _, err := h.providers.Slack.AuthorizeURL("probe", h.slackRedirectURI(c)); err != nil {
		return "", db.OAuthState{}, "", err
	}
	nonce, st, err := h.db.CreateOAuthState(c.Request().Context(), db.OAuthState{TenantID: hub.TenantID, HubID: hub.ID, UserID: userID, Name: name}, slackStateTTL)
	if err != nil {
		return "", db.OAuthState{}, "", err
	}
	authURL, err := h.providers.Slack.AuthorizeURL(nonce, h.slackRedirectURI(c))
	return nonce, st, authURL, err
}
