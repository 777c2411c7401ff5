package channels

import "context"

// direct connects your own software as a customer or agent channel, by
// webhook (signed deliveries) or, without a webhook URL, by websocket.
var direct = register(&Channel{
	ID:      "Direct",
	Number:  1,
	Title:   "Direct",
	Summary: "Connect your own app as a customer or agent channel by webhook or websocket.",
	Icon:    "webhook",
	Fields: []Field{
		{Name: "integrationType", Label: "Integration type", Kind: Choice, Required: true, Choices: []string{TypeCustomer, TypeAgent}, Numbers: []string{"2", "3"},
			Help: "Customer: your app speaks for customers. Agent: your app speaks for agents."},
		{Name: "echo", Label: "Echo activities back", Kind: Bool, Default: false,
			Help: "Send activities received from this integration back to it."},
		{Name: "webhookUrl", Label: "Webhook URL", Kind: URL, Placeholder: "https://example.com/hubster",
			Help: "Where activities are posted, signed. Leave empty to receive them over the hub runtime's websocket instead (hubadmin posts nothing then)."},
		{Name: "start", Label: "Welcome messages", Kind: Messages, Max: 10,
			Help: "Sent when a conversation starts. Up to 10, each up to 2000 characters."},
		regenerateKeys,
	},
	Derived: []Derived{
		{Name: "publicSigningKey", Label: "Public signing key"},
		{Name: "privateSigningKey", Label: "Private signing key", Secret: true},
	},
	Order:     []string{"integrationType", "echo", "webhookUrl", "publicSigningKey", "privateSigningKey", "start"},
	Updatable: true,
	NextSteps: func(c Config) []string {
		if c.String("webhookUrl") == "" {
			return []string{
				"Copy the signing keys below into your app.",
				"Activities are not posted to your app: with no webhook URL, the hub runtime delivers them over its websocket (hubadmin does not serve it). Connect your app there with this integration's ID, or set a webhook URL to have them posted and signed.",
			}
		}
		return webhookNextSteps
	},
	Type: func(c Config) string { return c.String("integrationType") },
	Provision: func(_ context.Context, cfg Config, env Env) (Config, error) {
		signingKeys(cfg, env)
		return cfg, nil
	},
})
