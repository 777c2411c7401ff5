package channels

import (
	"context"
	"net/http"
	"net/url"
)

// DefaultGraphURL is Facebook's Graph API (HUBADMIN_FACEBOOK_GRAPH_URL).
const DefaultGraphURL = "https://graph.facebook.com"

// graphVersion is the Graph API version the live client speaks.
const graphVersion = "v19.0"

// NewFacebook is the live Graph API client for the API at graphBaseURL.
// A nil client means NewHTTPClient().
func NewFacebook(graphBaseURL string, client *http.Client) Facebook {
	if client == nil {
		client = NewHTTPClient()
	}
	return &liveFacebook{baseURL: graphBaseURL, client: client}
}

type liveFacebook struct {
	baseURL string
	client  *http.Client
}

// graphNode is the id and name of a Graph node (/me is the page, /app the app).
type graphNode struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// graphError is the Graph API's error body:
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
type graphError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
		FBTraceID    string `json:"fbtrace_id"`
	} `json:"error"`
}

func (l *liveFacebook) Page(ctx context.Context, pageAccessToken string) (FacebookPage, error) {
	page, err := l.node(ctx, "me", url.Values{"fields": {"id,name"}}, pageAccessToken)
	if err != nil {
		return FacebookPage{}, err
	}
	app, err := l.node(ctx, "app", nil, pageAccessToken)
	if err != nil {
		return FacebookPage{}, err
	}
	return FacebookPage{PageID: page.ID, PageName: page.Name, AppID: app.ID}, nil
}

// node reads GET {graph}/v19.0/{path}?{query}&access_token=...
func (l *liveFacebook) node(ctx context.Context, path string, query url.Values, token string) (graphNode, error) {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("access_token", token)
	endpoint := joinURL(l.baseURL, "/"+graphVersion+"/"+path) + "?" + q.Encode()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return graphNode{}, Unreachable("Facebook", safeError(err, token))
	}
	req.Header.Set("Accept", "application/json")

	res, err := send(l.client, req, token)
	if err != nil {
		return graphNode{}, Unreachable("Facebook", err)
	}
	if !res.ok() {
		return graphNode{}, graphRefusal(res, token)
	}
	var n graphNode
	if err := res.decode(&n); err != nil {
		return graphNode{}, Failing("Facebook", err)
	}
	if n.ID == "" {
		return graphNode{}, Rejected("Facebook", "Facebook returned no id for /%s", path)
	}
	return n, nil
}

// graphTransient are the Graph error codes its error-handling guide says to
// wait and retry on (downtime, throttling): not the token's fault.
func graphTransient(code int) bool {
	switch code {
	case 1, 2, 4, 17, 32, 341, 613:
		return true
	}
	return false
}

// graphRefusal maps a non-2xx answer to a ProviderError. The token is
// redacted: Graph echoes a malformed token back in its message.
func graphRefusal(res providerResponse, token string) error {
	var e graphError
	_ = res.decode(&e)
	text := redact(e.Error.Message, token)
	if text == "" {
		text = res.statusText()
	}
	if res.unavailable() || graphTransient(e.Error.Code) {
		return Failing("Facebook", res.answered(text))
	}
	return RejectedField("Facebook", "pageAccessToken", "Facebook rejected the page access token: %s", text)
}
