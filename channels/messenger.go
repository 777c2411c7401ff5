package channels

import "context"

// messenger connects a Facebook page. The page access token is checked with
// the Graph API, which tells the page and the app it belongs to.
var messenger = register(&Channel{
	ID:       "Messenger",
	Number:   101,
	Title:    "Facebook Messenger",
	Summary:  "Answer messages sent to a Facebook page.",
	Icon:     "brand-messenger",
	Provider: "Facebook",
	Fields: []Field{
		{Name: "pageAccessToken", Label: "Page access token", Kind: Secret, Required: true, Placeholder: "EAA…",
			Help: "A page access token from your Meta app, with pages_messaging permission."},
	},
	Derived: []Derived{
		{Name: "appId", Label: "App ID"},
		{Name: "pageId", Label: "Page ID"},
		{Name: "pageName", Label: "Page name"},
	},
	Order:   []string{"appId", "pageId", "pageName", "pageAccessToken"},
	Type:    fixed(TypeCustomer),
	Inbound: "pageId",
	Attach:  func(c Config) string { return "facebook-page:" + c.String("pageId") },
	Provision: func(ctx context.Context, cfg Config, env Env) (Config, error) {
		p, err := env.Providers.Facebook.Page(ctx, cfg.String("pageAccessToken"))
		if err != nil {
			return nil, err
		}
		cfg["pageId"], cfg["pageName"], cfg["appId"] = p.PageID, p.PageName, p.AppID
		return cfg, nil
	},
})
