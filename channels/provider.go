package channels

import (
	"context"
	"errors"
	"fmt"
)

// Providers are the outside services some channels check credentials with.
// Live clients call the real APIs; sandbox ones are deterministic fakes.
type Providers struct {
	Twilio   Twilio
	Facebook Facebook
	Slack    Slack
	// Sandbox is true when the fakes are in use (the UI shows a badge).
	Sandbox bool
}

// Twilio looks up an incoming phone number of an account.
type Twilio interface {
	// PhoneNumber reads GET /2010-04-01/Accounts/{accountSid}/IncomingPhoneNumbers/{numberSid}.json.
	PhoneNumber(ctx context.Context, accountSid, authToken, numberSid string) (TwilioNumber, error)
}

// TwilioNumber is what Twilio tells about a phone number.
type TwilioNumber struct {
	PhoneNumber string // E.164
	SMS         bool
	MMS         bool
	Voice       bool
}

// Facebook reads the page and app a page access token belongs to.
type Facebook interface {
	Page(ctx context.Context, pageAccessToken string) (FacebookPage, error)
}

// FacebookPage is what the Graph API tells about a page access token.
type FacebookPage struct {
	PageID   string
	PageName string
	AppID    string
}

// Slack exchanges an OAuth2 code for tokens (oauth.v2.access).
type Slack interface {
	Exchange(ctx context.Context, code, redirectURI string) (SlackInstall, error)
	// AuthorizeURL is Slack's authorize page for the given state and
	// redirect URI, or an error saying what the operator must configure.
	AuthorizeURL(state, redirectURI string) (string, error)
}

// SlackInstall is what oauth.v2.access returns for a workspace install.
type SlackInstall struct {
	BotAccessToken       string // xoxb-
	AppAccessToken       string // xoxp- (authed_user.access_token)
	TeamID               string
	TeamName             string
	BotName              string
	DefaultPublicChannel string
}

// ProviderError is a provider's refusal or absence, told in words an API
// user understands. Unreachable distinguishes "could not ask" (902) from
// "said no" (901). Field is the configuration property the refusal is
// about, when the provider's answer says which ("authToken"); the API
// names it as "configuration.<Field>" and a form shows the message next
// to that input. Without one the refusal is about the configuration as a
// whole.
type ProviderError struct {
	Provider    string // "Twilio", "Facebook", "Slack"
	Field       string
	Message     string
	Unreachable bool
}

func (e *ProviderError) Error() string { return e.Message }

// Rejected is a provider saying no.
func Rejected(provider, format string, args ...any) error {
	return &ProviderError{Provider: provider, Message: fmt.Sprintf(format, args...)}
}

// RejectedField is a provider saying no about one configuration property.
func RejectedField(provider, field, format string, args ...any) error {
	return &ProviderError{Provider: provider, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Unreachable is a provider that could not be asked.
func Unreachable(provider string, err error) error {
	return &ProviderError{Provider: provider, Unreachable: true,
		Message: fmt.Sprintf("%s could not be reached: %v", provider, err)}
}

// Failing is a provider that was reached but answered with its own
// trouble (a 5xx, a rate limit, a page that is not its API's JSON): like
// Unreachable, not the input's fault, but not "could not be reached".
func Failing(provider string, err error) error {
	return &ProviderError{Provider: provider, Unreachable: true,
		Message: fmt.Sprintf("%s did not give a usable answer (%v); try again later", provider, err)}
}

// AsProviderError reports whether err is a ProviderError.
func AsProviderError(err error) (*ProviderError, bool) {
	var pe *ProviderError
	ok := errors.As(err, &pe)
	return pe, ok
}
