package channels

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Slack's endpoints (HUBADMIN_SLACK_API_URL) and the bot scopes an agent
// integration asks for: post and read in public and private channels and
// DMs, look agents up, and pick a default channel (incoming-webhook).
const (
	DefaultSlackAPIURL       = "https://slack.com/api"
	DefaultSlackAuthorizeURL = "https://slack.com/oauth/v2/authorize"
	DefaultSlackScopes       = "chat:write,channels:read,channels:history,groups:read,groups:history," +
		"im:read,im:write,im:history,users:read,incoming-webhook"
)

// slackNotConfigured is what Exchange and AuthorizeURL say without a client id and secret.
const slackNotConfigured = "Slack is not configured: set HUBADMIN_SLACK_CLIENT_ID and HUBADMIN_SLACK_CLIENT_SECRET"

// NewSlack is the live Slack client. apiBaseURL serves oauth.v2.access and
// auth.test; authorizeURL is Slack's consent page; scopes are the bot
// scopes to ask for (empty means DefaultSlackScopes). A nil client means
// NewHTTPClient().
func NewSlack(apiBaseURL, authorizeURL, clientID, clientSecret, scopes string, client *http.Client) Slack {
	if client == nil {
		client = NewHTTPClient()
	}
	if scopes == "" {
		scopes = DefaultSlackScopes
	}
	return &liveSlack{
		apiBaseURL:   apiBaseURL,
		authorizeURL: authorizeURL,
		clientID:     strings.TrimSpace(clientID),
		clientSecret: strings.TrimSpace(clientSecret),
		scopes:       scopes,
		client:       client,
	}
}

type liveSlack struct {
	apiBaseURL   string
	authorizeURL string
	clientID     string
	clientSecret string
	scopes       string
	client       *http.Client
}

// slackAccess is the part of oauth.v2.access's answer we read.
type slackAccess struct {
	OK          bool   `json:"ok"`
	Error       string `json:"error"`
	AccessToken string `json:"access_token"` // xoxb-
	TokenType   string `json:"token_type"`
	BotUserID   string `json:"bot_user_id"`
	Team        struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"team"`
	AuthedUser struct {
		ID          string `json:"id"`
		AccessToken string `json:"access_token"` // xoxp-, only with user scopes
	} `json:"authed_user"`
	IncomingWebhook struct {
		Channel   string `json:"channel"` // "#support"
		ChannelID string `json:"channel_id"`
	} `json:"incoming_webhook"`
}

// slackAuthTest is the part of auth.test's answer we read; with a bot
// token, user is the bot user's name.
type slackAuthTest struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	User  string `json:"user"`
}

func (l *liveSlack) configured() bool { return l.clientID != "" && l.clientSecret != "" }

func (l *liveSlack) AuthorizeURL(state, redirectURI string) (string, error) {
	if !l.configured() {
		return "", Rejected("Slack", slackNotConfigured)
	}
	u, err := url.Parse(l.authorizeURL)
	if err != nil {
		return "", fmt.Errorf("slack: bad authorize URL %q: %w", l.authorizeURL, err)
	}
	// Built by hand to keep Slack's documented parameter order.
	q := "client_id=" + url.QueryEscape(l.clientID) +
		"&scope=" + url.QueryEscape(l.scopes) +
		"&state=" + url.QueryEscape(state)
	if redirectURI != "" {
		q += "&redirect_uri=" + url.QueryEscape(redirectURI)
	}
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u.String(), nil
}

func (l *liveSlack) Exchange(ctx context.Context, code, redirectURI string) (SlackInstall, error) {
	if !l.configured() {
		return SlackInstall{}, Rejected("Slack", slackNotConfigured)
	}
	form := url.Values{
		"client_id":     {l.clientID},
		"client_secret": {l.clientSecret},
		"code":          {code},
	}
	if redirectURI != "" {
		form.Set("redirect_uri", redirectURI)
	}
	var a slackAccess
	if err := l.call(ctx, "oauth.v2.access", form, "", &a); err != nil {
		return SlackInstall{}, err
	}
	if !a.OK {
		if slackCodeError(a.Error) {
			return SlackInstall{}, RejectedField("Slack", "code", "Slack refused the OAuth code (%s).%s", a.Error, slackHint(a.Error))
		}
		return SlackInstall{}, Rejected("Slack", "Slack refused the OAuth code (%s).%s", a.Error, slackHint(a.Error))
	}
	if a.AccessToken == "" {
		return SlackInstall{}, Rejected("Slack", "Slack returned no bot token: the Slack app must ask for bot scopes")
	}
	channel := strings.TrimPrefix(a.IncomingWebhook.Channel, "#")
	if channel == "" {
		channel = "general"
	}
	return SlackInstall{
		BotAccessToken:       a.AccessToken,
		AppAccessToken:       a.AuthedUser.AccessToken,
		TeamID:               a.Team.ID,
		TeamName:             a.Team.Name,
		BotName:              l.botName(ctx, a.AccessToken, a.BotUserID),
		DefaultPublicChannel: channel,
	}, nil
}

// botName asks auth.test who the bot token is; oauth.v2.access does not
// say. The code is spent by now, so a failure here must not lose the
// install: the bot user's id stands in for its name.
func (l *liveSlack) botName(ctx context.Context, botToken, botUserID string) string {
	var t slackAuthTest
	if err := l.call(ctx, "auth.test", url.Values{}, botToken, &t); err != nil || !t.OK || t.User == "" {
		return botUserID
	}
	return t.User
}

// call POSTs form to {api}/{method}, with token as a Bearer token when
// given, and decodes the answer into v. Slack says no with HTTP 200 and
// ok:false, which is left to the caller.
func (l *liveSlack) call(ctx context.Context, method string, form url.Values, token string, v any) error {
	endpoint := joinURL(l.apiBaseURL, "/"+method)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Unreachable("Slack", safeError(err, l.clientSecret, token))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := send(l.client, req, l.clientSecret, token)
	if err != nil {
		return Unreachable("Slack", err)
	}
	if !res.ok() {
		return Failing("Slack", fmt.Errorf("%s answered %s", method, res.statusText()))
	}
	if err := res.decode(v); err != nil {
		return Failing("Slack", fmt.Errorf("%s: %w", method, err))
	}
	return nil
}

// slackHint tells the operator what to fix for the errors that are about
// hubadmin's Slack app settings rather than the code.
func slackHint(code string) string {
	if slackCodeError(code) {
		return SlackCodeHint
	}
	switch code {
	case "invalid_client_id", "bad_client_secret":
		return " Check HUBADMIN_SLACK_CLIENT_ID and HUBADMIN_SLACK_CLIENT_SECRET."
	case "bad_redirect_uri":
		return " The redirect URI must be the one sent to Slack's authorize page and be listed in the Slack app's OAuth settings."
	}
	return ""
}

// slackCodeError: Slack's error is about the code itself, not the app's
// settings (the error then names configuration.code).
func slackCodeError(code string) bool {
	return code == "invalid_code" || code == "code_already_used" || code == "code_expired"
}

// SlackCodeHint follows a refused code: the nonce went with it.
const SlackCodeHint = " A code works once and for a few minutes; this attempt spent it and its nonce: go through Slack's consent again for a new one."
