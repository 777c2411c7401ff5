package channels

import (
	"context"
	"regexp"
	"strings"
)

// twilioSMS connects a Twilio phone number. Its credentials are checked with
// Twilio, which also tells the number and its capabilities.
var twilioSMS = register(&Channel{
	ID:       "TwilioSMS",
	Number:   102,
	Title:    "Twilio SMS",
	Summary:  "Text with customers through a Twilio phone number.",
	Icon:     "brand-twilio",
	Provider: "Twilio",
	Fields: []Field{
		{Name: "accountSid", Label: "Account SID", Kind: Text, Required: true, Placeholder: "AC…",
			Help:  "In the Twilio Console, Account Info: AC followed by 32 hexadecimal characters.",
			Check: pattern(regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`), "must be AC followed by 32 hexadecimal characters")},
		{Name: "authToken", Label: "Auth token", Kind: Secret, Required: true,
			Help:  "The account's auth token: 32 hexadecimal characters.",
			Check: pattern(regexp.MustCompile(`^[0-9a-fA-F]{32}$`), "must be 32 hexadecimal characters")},
		{Name: "numberSid", Label: "Phone number SID", Kind: Text, Required: true, Placeholder: "PN…",
			Help:  "Phone Numbers → Manage → Active numbers: PN followed by 32 hexadecimal characters.",
			Check: pattern(regexp.MustCompile(`^PN[0-9a-fA-F]{32}$`), "must be PN followed by 32 hexadecimal characters")},
	},
	Derived: []Derived{
		{Name: "phoneNumber", Label: "Phone number"},
		{Name: "capabilities", Label: "Capabilities"},
	},
	Order:   []string{"accountSid", "authToken", "numberSid", "phoneNumber", "capabilities"},
	Type:    fixed(TypeCustomer),
	Inbound: "accountSid",
	// The SID in any case is the same number: the key is in one.
	Attach: func(c Config) string { return "twilio-number:" + strings.ToLower(c.String("numberSid")) },
	Provision: func(ctx context.Context, cfg Config, env Env) (Config, error) {
		n, err := env.Providers.Twilio.PhoneNumber(ctx, cfg.String("accountSid"), cfg.String("authToken"), cfg.String("numberSid"))
		if err != nil {
			return nil, err
		}
		cfg["phoneNumber"] = n.PhoneNumber
		cfg["capabilities"] = map[string]bool{"mms": n.MMS, "sms": n.SMS, "voice": n.Voice}
		return cfg, nil
	},
})
