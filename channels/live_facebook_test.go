package channels

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

const (
	testPageToken = "EAAFBmgAdBToBADCvmo5w10tmlh97uxhtorpi5Adrdo0wtwFfXfkNxxLAY29Ax"
	graphError190 = `{"error": {"message": "Error validating access token: Session has expired on Tuesday, 07-May-24 10:00:00 PDT.", "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "AhVc6Z9WcyXbVbT1d9Qa6OP"}}`
)

// graphSeen is what the fake Graph API saw of a request.
type graphSeen struct {
	method, path string
	query        url.Values
}

// fakeGraph answers /v19.0/me and /v19.0/app like the Graph API does for a
// page access token, unless refusals lists a canned error for the token
// and path; a token that does not look like Facebook's is malformed.
type fakeGraph struct {
	// refusals[token][path] is a canned error answer.
	refusals map[string]map[string]cannedAnswer

	mu   sync.Mutex
	seen []graphSeen
}

func (f *fakeGraph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, graphSeen{method: r.Method, path: r.URL.Path, query: r.URL.Query()})
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	token := r.URL.Query().Get("access_token")
	if c, ok := f.refusals[token][r.URL.Path]; ok {
		w.WriteHeader(c.status)
		w.Write([]byte(c.body))
		return
	}
	if !strings.HasPrefix(token, "EAA") { // what Facebook's tokens start with
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error": {"message": "Malformed access token %s", "type": "OAuthException", "code": 190, "fbtrace_id": "A1b2C3"}}`, token)
		return
	}
	switch r.URL.Path {
	case "/v19.0/me":
		w.Write([]byte(`{"name": "Hubster Biz", "id": "101388988312345"}`))
	case "/v19.0/app":
		w.Write([]byte(`{"link": "https://www.facebook.com/games/?app_id=353604659381234", "name": "Hubster", "id": "353604659381234"}`))
	default:
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error": {"message": "Unknown path components", "type": "OAuthException", "code": 2500, "fbtrace_id": "A1b2C3"}}`))
	}
}

func (f *fakeGraph) take() []graphSeen {
	f.mu.Lock()
	defer f.mu.Unlock()
	seen := f.seen
	f.seen = nil
	return seen
}

func TestLiveFacebookPage(t *testing.T) {
	fake := &fakeGraph{refusals: map[string]map[string]cannedAnswer{
		"EAAexpired":  {"/v19.0/me": {http.StatusBadRequest, graphError190}},
		"EAAnoapp":    {"/v19.0/app": {http.StatusBadRequest, graphError190}},
		"EAAthrottle": {"/v19.0/me": {http.StatusForbidden, `{"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4, "fbtrace_id": "A1b2C3"}}`}},
		"EAAdown":     {"/v19.0/me": {http.StatusInternalServerError, `{"error": {"message": "An unexpected error has occurred. Please retry your request later.", "type": "OAuthException", "code": 2, "fbtrace_id": "A1b2C3"}}`}},
		"EAAbare":     {"/v19.0/me": {http.StatusBadGateway, ``}},
	}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)

	tests := []struct {
		name            string
		token           string
		want            FacebookPage
		wantPaths       []string
		wantErr         string
		wantUnreachable bool
	}{
		{
			name:      "page and app",
			token:     testPageToken,
			want:      FacebookPage{PageID: "101388988312345", PageName: "Hubster Biz", AppID: "353604659381234"},
			wantPaths: []string{"/v19.0/me", "/v19.0/app"},
		},
		{
			name:      "expired token",
			token:     "EAAexpired",
			wantErr:   "Facebook rejected the page access token: Error validating access token: Session has expired",
			wantPaths: []string{"/v19.0/me"},
		},
		{
			name:      "malformed token is not echoed",
			token:     "not-a-token",
			wantErr:   "Facebook rejected the page access token: Malformed access token [redacted]",
			wantPaths: []string{"/v19.0/me"},
		},
		{
			name:      "app refused",
			token:     "EAAnoapp",
			wantErr:   "Facebook rejected the page access token: Error validating access token",
			wantPaths: []string{"/v19.0/me", "/v19.0/app"},
		},
		{
			name:            "throttled is unreachable",
			token:           "EAAthrottle",
			wantErr:         "Application request limit reached",
			wantUnreachable: true,
		},
		{
			name:            "server error is unreachable",
			token:           "EAAdown",
			wantErr:         "HTTP 500 Internal Server Error: An unexpected error",
			wantUnreachable: true,
		},
		{
			name:            "a bare server error is said once",
			token:           "EAAbare",
			wantErr:         "(it answered HTTP 502 Bad Gateway)",
			wantUnreachable: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewFacebook(srv.URL+"/", nil).Page(context.Background(), tt.token)

			seen := fake.take()
			for i, s := range seen {
				if s.method != http.MethodGet {
					t.Errorf("request %d: method = %s, want GET", i, s.method)
				}
				if s.query.Get("access_token") != tt.token {
					t.Errorf("request %d: access_token = %q, want %q", i, s.query.Get("access_token"), tt.token)
				}
				if s.path == "/v19.0/me" && s.query.Get("fields") != "id,name" {
					t.Errorf("/me fields = %q, want id,name", s.query.Get("fields"))
				}
			}
			if tt.wantPaths != nil {
				var paths []string
				for _, s := range seen {
					paths = append(paths, s.path)
				}
				if fmt.Sprint(paths) != fmt.Sprint(tt.wantPaths) {
					t.Errorf("paths = %v, want %v", paths, tt.wantPaths)
				}
			}

			if tt.wantErr != "" {
				wantProviderError(t, err, "Facebook", tt.wantUnreachable, tt.wantErr, tt.token)
				return
			}
			if err != nil {
				t.Fatalf("Page: %v", err)
			}
			if got != tt.want {
				t.Errorf("Page = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLiveFacebookUnreachable(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	srv := httptest.NewServer(&fakeGraph{})
	t.Cleanup(srv.Close)

	tests := []struct {
		name    string
		baseURL string
		ctx     context.Context
		want    string
	}{
		{"nothing listens", closedServerURL(t), context.Background(), "Facebook could not be reached: GET http"},
		{"context cancelled", srv.URL, cancelled, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewFacebook(tt.baseURL, nil).Page(tt.ctx, testPageToken)
			// url.Error would print the whole URL, access_token included.
			wantProviderError(t, err, "Facebook", true, tt.want, testPageToken, "access_token")
		})
	}
}
