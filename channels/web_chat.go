package channels

import (
	"context"
	"fmt"
)

// webChat is the chat widget embedded in a web site. allowedOrigins lists
// the sites that may open it; the web-chat token endpoint checks the
// browser's Origin against it.
var webChat = register(&Channel{
	ID:      "WebChat",
	Number:  106,
	Title:   "Web chat",
	Summary: "A chat widget for your web site.",
	Icon:    "message-square",
	Fields: []Field{
		{Name: "allowedOrigins", Label: "Allowed origins", Kind: Hosts, Required: true, Max: 50, Placeholder: "www.example.com",
			Help: "The sites that host the widget: host, host:port or https://host[:port]. Up to 50."},
		{Name: "start", Label: "Welcome messages", Kind: Messages, Max: 10,
			Help: "Sent when a conversation starts. Up to 10, each up to 2000 characters."},
	},
	Derived:   []Derived{{Name: "echo", Label: "Echo", Only: "true", Why: "a web chat echoes each message back to its widget"}},
	Order:     []string{"allowedOrigins", "echo", "start"},
	Updatable: true,
	Embed: func(id, baseURL string) string {
		// hubadmin hosts no chat widget: the snippet names the two things a
		// widget needs from it, the integration id and the token URL, which
		// answers only allowed origins.
		return fmt.Sprintf(`<!-- Your hub's web chat widget script goes here, then: -->
<script src="YOUR-WEBCHAT-WIDGET.js" defer
        data-integration-id="%s"
        data-token-url="%s/api/v1/integrations/web-chat/token/%s"></script>`, id, baseURL, id)
	},
	NextSteps: func(Config) []string {
		return []string{
			"Add your web chat widget's script to your site's pages with the two values in the snippet below: replace YOUR-WEBCHAT-WIDGET.js with the widget's own script (hubadmin does not host one).",
			"Open the site from one of the allowed origins: the token URL answers only those, so the widget can sign in there and nowhere else.",
		}
	},
	Type: fixed(TypeCustomer),
	Provision: func(_ context.Context, cfg Config, _ Env) (Config, error) {
		cfg["echo"] = true // web chat always echoes the customer's messages back to the widget
		return cfg, nil
	},
})
