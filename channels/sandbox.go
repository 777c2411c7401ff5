package channels

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// Inputs the sandbox refuses the way the real providers would, so demos
// and tests can show the error paths.
const (
	SandboxRejectedTwilioToken = "00000000000000000000000000000000"
	SandboxRejectedPagePrefix  = "invalid" // page access tokens starting with it
	SandboxRejectedSlackCode   = "invalid"
)

// Sandbox is the offline stand-in for Twilio, Facebook and Slack
// (HUBADMIN_PROVIDERS=sandbox): it accepts well-formed input and derives
// plausible values from a hash of it, so the same input always gives the
// same answer.
func Sandbox() Providers {
	return Providers{
		Twilio:   sandboxTwilio{},
		Facebook: sandboxFacebook{},
		Slack:    sandboxSlack{},
		Sandbox:  true,
	}
}

type sandboxTwilio struct{}

func (sandboxTwilio) PhoneNumber(ctx context.Context, accountSid, authToken, numberSid string) (TwilioNumber, error) {
	if err := ctx.Err(); err != nil {
		return TwilioNumber{}, Unreachable("Twilio", err)
	}
	if authToken == SandboxRejectedTwilioToken {
		return TwilioNumber{}, RejectedField("Twilio", "authToken", "Twilio rejected the credentials (account SID and auth token): Authenticate (code 20003)")
	}
	return TwilioNumber{
		PhoneNumber: "+1555" + sandboxDigits(7, "twilio-number", numberSid),
		SMS:         true,
		MMS:         true,
		Voice:       true,
	}, nil
}

type sandboxFacebook struct{}

func (sandboxFacebook) Page(ctx context.Context, pageAccessToken string) (FacebookPage, error) {
	if err := ctx.Err(); err != nil {
		return FacebookPage{}, Unreachable("Facebook", err)
	}
	if strings.HasPrefix(pageAccessToken, SandboxRejectedPagePrefix) {
		return FacebookPage{}, RejectedField("Facebook", "pageAccessToken",
			"Facebook rejected the page access token: Invalid OAuth access token - Cannot parse access token")
	}
	return FacebookPage{
		PageID:   sandboxDigits(15, "facebook-page", pageAccessToken),
		PageName: "Sandbox Page " + sandboxHex(2, "facebook-page-name", pageAccessToken),
		AppID:    sandboxDigits(15, "facebook-app", pageAccessToken),
	}, nil
}

type sandboxSlack struct{}

func (sandboxSlack) Exchange(ctx context.Context, code, redirectURI string) (SlackInstall, error) {
	if err := ctx.Err(); err != nil {
		return SlackInstall{}, Unreachable("Slack", err)
	}
	if code == SandboxRejectedSlackCode {
		return SlackInstall{}, RejectedField("Slack", "code", "Slack refused the OAuth code (invalid_code)."+SlackCodeHint)
	}
	return SlackInstall{
		BotAccessToken:       "xoxb-sandbox-" + sandboxHex(12, "slack-bot", code),
		AppAccessToken:       "xoxp-sandbox-" + sandboxHex(12, "slack-user", code),
		TeamID:               "T" + sandboxAlnum(9, "slack-team", code),
		TeamName:             "Sandbox Workspace " + strings.ToUpper(sandboxHex(2, "slack-team-name", code)),
		BotName:              "hubadmin",
		DefaultPublicChannel: "general",
	}, nil
}

// AuthorizeURL skips Slack's consent page: it sends the browser straight
// back to redirectURI with a code, so Connect to Slack works offline.
func (sandboxSlack) AuthorizeURL(state, redirectURI string) (string, error) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return "", fmt.Errorf("sandbox slack: bad redirect URI %q: %w", redirectURI, err)
	}
	q := u.Query()
	q.Set("code", "sandbox-"+sandboxHex(8, "slack-code", state))
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// sandboxSum hashes input under a purpose, so different derived values
// of one input do not share digits.
func sandboxSum(purpose, input string) [sha256.Size]byte {
	return sha256.Sum256([]byte(purpose + "\x00" + input))
}

// sandboxDigits is n (<= 18) decimal digits with no leading zero.
func sandboxDigits(n int, purpose, input string) string {
	sum := sandboxSum(purpose, input)
	v := binary.BigEndian.Uint64(sum[:8])
	low := uint64(1)
	for range n - 1 {
		low *= 10
	}
	return fmt.Sprintf("%d", low+v%(9*low))
}

// sandboxHex is 2n lower-case hex characters.
func sandboxHex(n int, purpose, input string) string {
	sum := sandboxSum(purpose, input)
	return hex.EncodeToString(sum[:n])
}

// sandboxAlnum is n upper-case letters and digits, like Slack's ids.
func sandboxAlnum(n int, purpose, input string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	sum := sandboxSum(purpose, input)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(b)
}
