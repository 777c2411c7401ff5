package channels

import "context"

// webhookNextSteps is what to do after creating an integration that
// receives signed webhooks.
var webhookNextSteps = []string{
	"Copy the private signing key into your receiver: it verifies each delivery's signature with it.",
	"Send a test event from Webhook deliveries below and check that your receiver answers 2xx.",
}

// system receives a hub's message events at a webhook, signed.
var system = register(&Channel{
	ID:      "System",
	Number:  3,
	Title:   "System",
	Summary: "Receive the hub's message events at a webhook, for analytics, archiving or bots.",
	Icon:    "radio-tower",
	Fields: []Field{
		{Name: "webhookUrl", Label: "Webhook URL", Kind: URL, Required: true, Placeholder: "https://example.com/events",
			Help: "Where events are posted, signed."},
		// "message" means the three others: given with any of them, it is
		// stored alone (Covering). The three without it are kept as given.
		// Test events are sent whatever the list holds.
		{Name: "events", Label: "Events", Kind: MultiChoice, Required: true, Covering: true,
			Choices:     []string{"message", "message:customer", "message:agent", "message:bot"},
			ChoiceNotes: []string{"every message: the three below", "messages from customers", "messages from agents", "messages from bots"},
			Help:        "Which messages to receive; \"message\" means all three."},
		regenerateKeys,
	},
	Derived: []Derived{
		{Name: "publicSigningKey", Label: "Public signing key"},
		{Name: "privateSigningKey", Label: "Private signing key", Secret: true},
	},
	Order:     []string{"events", "webhookUrl", "publicSigningKey", "privateSigningKey"},
	Updatable: true,
	NextSteps: func(Config) []string { return webhookNextSteps },
	Type:      fixed(TypeSystem),
	Provision: func(_ context.Context, cfg Config, env Env) (Config, error) {
		signingKeys(cfg, env)
		return cfg, nil
	},
})
