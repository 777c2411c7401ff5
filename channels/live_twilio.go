package channels

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
)

// DefaultTwilioURL is Twilio's REST API (HUBADMIN_TWILIO_API_URL).
const DefaultTwilioURL = "https://api.twilio.com"

// NewTwilio is the live Twilio client for the API at baseURL. A nil client
// means NewHTTPClient().
func NewTwilio(baseURL string, client *http.Client) Twilio {
	if client == nil {
		client = NewHTTPClient()
	}
	return &liveTwilio{baseURL: baseURL, client: client}
}

type liveTwilio struct {
	baseURL string
	client  *http.Client
}

// twilioNumber is the part of Twilio's IncomingPhoneNumber resource we read.
// encoding/json matches keys case-insensitively, so the "SMS"/"MMS"
// spelling some Twilio resources use is read too.
type twilioNumber struct {
	PhoneNumber  string `json:"phone_number"`
	Capabilities struct {
		SMS   bool `json:"sms"`
		MMS   bool `json:"mms"`
		Voice bool `json:"voice"`
	} `json:"capabilities"`
}

// twilioError is Twilio's error body:
// {"code":20003,"detail":"...","message":"Authenticate","more_info":"...","status":401}.
type twilioError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Detail  string `json:"detail"`
	Status  int    `json:"status"`
}

// e164 is a phone number as Twilio gives it: "+", then up to 15 digits.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

func (l *liveTwilio) PhoneNumber(ctx context.Context, accountSid, authToken, numberSid string) (TwilioNumber, error) {
	endpoint := joinURL(l.baseURL, "/2010-04-01/Accounts/"+url.PathEscape(accountSid)+
		"/IncomingPhoneNumbers/"+url.PathEscape(numberSid)+".json")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return TwilioNumber{}, Unreachable("Twilio", safeError(err, authToken))
	}
	req.SetBasicAuth(accountSid, authToken)
	req.Header.Set("Accept", "application/json")

	res, err := send(l.client, req, authToken)
	if err != nil {
		return TwilioNumber{}, Unreachable("Twilio", err)
	}
	if !res.ok() {
		return TwilioNumber{}, twilioRefusal(res, accountSid, authToken, numberSid)
	}
	var n twilioNumber
	if err := res.decode(&n); err != nil {
		return TwilioNumber{}, Failing("Twilio", err)
	}
	if n.PhoneNumber == "" {
		return TwilioNumber{}, Rejected("Twilio", "Twilio returned no phone number for %s", numberSid)
	}
	if !e164.MatchString(n.PhoneNumber) {
		return TwilioNumber{}, Failing("Twilio", fmt.Errorf("the phone number it returned for %s is not in E.164 form", numberSid))
	}
	return TwilioNumber{
		PhoneNumber: n.PhoneNumber,
		SMS:         n.Capabilities.SMS,
		MMS:         n.Capabilities.MMS,
		Voice:       n.Capabilities.Voice,
	}, nil
}

// twilioRefusal maps a non-2xx answer to a ProviderError.
func twilioRefusal(res providerResponse, accountSid, authToken, numberSid string) error {
	var e twilioError
	_ = res.decode(&e) // a proxy's HTML page leaves e empty
	text := e.Message
	if e.Detail != "" {
		text = e.Detail
	}
	if text == "" {
		text = res.statusText()
	}
	text = redact(text, authToken)

	switch {
	case res.status == http.StatusUnauthorized:
		if e.Code != 0 {
			return RejectedField("Twilio", "authToken", "Twilio rejected the credentials (account SID and auth token): %s (code %d)", text, e.Code)
		}
		return RejectedField("Twilio", "authToken", "Twilio rejected the credentials (account SID and auth token): %s", text)
	case res.status == http.StatusNotFound:
		return RejectedField("Twilio", "numberSid", "Twilio has no phone number %s in account %s", numberSid, accountSid)
	case res.unavailable():
		return Failing("Twilio", res.answered(text))
	case e.Code != 0:
		return Rejected("Twilio", "Twilio refused the request: %s (%s, code %d)", text, res.statusText(), e.Code)
	default:
		return Rejected("Twilio", "Twilio refused the request: %s", text)
	}
}
