package channels

import (
	"context"
	"errors"
)

// ErrNonce is an OAuth state nonce that is unknown, expired, used or
// issued for another hub.
var ErrNonce = errors.New("nonce unknown, expired, already used or issued for another hub")

// slack installs the hub's agent app in a Slack workspace. The code comes
// from Slack's OAuth redirect; the nonce is the state this server issued.
var slack = register(&Channel{
	ID:       "Slack",
	Number:   1001,
	Title:    "Slack",
	Summary:  "Let agents answer conversations from a Slack workspace.",
	Icon:     "brand-slack",
	Provider: "Slack",
	OAuth:    true,
	Fields: []Field{
		{Name: "code", Label: "OAuth code", Kind: Text, Required: true, Spent: true, Help: "The code Slack gives after the user approves the app."},
		{Name: "nonce", Label: "Nonce", Kind: Text, Required: true, Spent: true, Help: "The state value issued by POST /api/v1/integrations/slack/nonce."},
	},
	Derived: []Derived{
		{Name: "botAccessToken", Label: "Bot token", Secret: true},
		{Name: "appAccessToken", Label: "User token", Secret: true},
		{Name: "defaultPublicChannel", Label: "Default channel"},
		{Name: "teamId", Label: "Team ID"},
		{Name: "botName", Label: "Bot name"},
	},
	Order: []string{"botAccessToken", "appAccessToken", "defaultPublicChannel", "teamId", "botName"},
	Type:  fixed(TypeAgent),
	Provision: func(ctx context.Context, cfg Config, env Env) (Config, error) {
		if env.ConsumeNonce == nil {
			return nil, FieldErrors{{CodeStateInvalid, "configuration.nonce", "Property 'configuration.nonce' cannot be checked here."}}
		}
		redirectURI, err := env.ConsumeNonce(ctx, cfg.String("nonce"))
		if errors.Is(err, ErrNonce) {
			return nil, FieldErrors{{CodeStateInvalid, "configuration.nonce",
				"Property 'configuration.nonce' is unknown, expired, already used or issued for another hub; ask POST /api/v1/integrations/slack/nonce for a new one."}}
		} else if err != nil {
			return nil, err
		}
		if redirectURI == "" {
			redirectURI = env.SlackRedirectURI
		}
		// Slack requires the redirect_uri the authorize URL carried.
		in, err := env.Providers.Slack.Exchange(ctx, cfg.String("code"), redirectURI)
		if err != nil {
			return nil, err
		}
		// The code and nonce are spent; what is kept is what Slack gave.
		return Config{
			"botAccessToken":       in.BotAccessToken,
			"appAccessToken":       in.AppAccessToken,
			"defaultPublicChannel": in.DefaultPublicChannel,
			"teamId":               in.TeamID,
			"botName":              in.BotName,
		}, nil
	},
})
