package channels

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testAccountSid = "AC0123456789abcdef0123456789abcdef"
	testAuthToken  = "c0ffee00c0ffee00c0ffee00c0ffee00"
	testNumberSid  = "PN0123456789abcdef0123456789abcdef"
)

// twilioNumberJSON is an IncomingPhoneNumber as Twilio's fetch returns it.
const twilioNumberJSON = `{
  "account_sid": "AC0123456789abcdef0123456789abcdef",
  "address_requirements": "none",
  "address_sid": null,
  "api_version": "2010-04-01",
  "beta": false,
  "capabilities": {"fax": false, "mms": true, "sms": true, "voice": false},
  "date_created": "Thu, 30 Jul 2015 23:19:04 +0000",
  "date_updated": "Thu, 30 Jul 2015 23:19:04 +0000",
  "emergency_status": "Active",
  "friendly_name": "(647) 696-0000",
  "origin": "twilio",
  "phone_number": "+16476960000",
  "sid": "PN0123456789abcdef0123456789abcdef",
  "sms_method": "POST",
  "sms_url": "",
  "status": "in-use",
  "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/IncomingPhoneNumbers/PN0123456789abcdef0123456789abcdef.json",
  "voice_method": "POST",
  "voice_url": null
}`

// twilioSeen is what the fake Twilio saw of a request.
type twilioSeen struct {
	method, escapedPath, user, password, accept string
	basicAuth                                   bool
}

// fakeTwilio answers like Twilio: 401 with Twilio's error body for wrong
// credentials, 404 for numbers it does not know, else the number's JSON
// (or a canned answer for numbers listed in canned).
type fakeTwilio struct {
	numbers map[string]string // number sid → resource JSON
	canned  map[string]cannedAnswer

	mu   sync.Mutex
	seen []twilioSeen
}

type cannedAnswer struct {
	status int
	body   string
}

func (f *fakeTwilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	f.mu.Lock()
	f.seen = append(f.seen, twilioSeen{method: r.Method, escapedPath: r.URL.EscapedPath(),
		user: user, password: pass, accept: r.Header.Get("Accept"), basicAuth: ok})
	f.mu.Unlock()

	w.Header().Set("Content-Type", "application/json")
	prefix := "/2010-04-01/Accounts/" + testAccountSid + "/IncomingPhoneNumbers/"
	if !ok || user != testAccountSid || pass != testAuthToken {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"code": 20003, "detail": "", "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}`))
		return
	}
	sid, found := strings.CutPrefix(r.URL.Path, prefix)
	sid, isJSON := strings.CutSuffix(sid, ".json")
	if c, ok := f.canned[sid]; ok && found && isJSON {
		if c.status/100 == 3 {
			// Followed, a redirect reaches a number that exists.
			w.Header().Set("Location", prefix+testNumberSid+".json")
		}
		w.WriteHeader(c.status)
		w.Write([]byte(c.body))
		return
	}
	body, known := f.numbers[sid]
	if r.Method != http.MethodGet || !found || !isJSON || !known {
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"code": 20404, "message": "The requested resource ` + r.URL.Path + ` was not found", "more_info": "https://www.twilio.com/docs/errors/20404", "status": 404}`))
		return
	}
	w.Write([]byte(body))
}

func (f *fakeTwilio) lastSeen(t *testing.T) twilioSeen {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.seen) == 0 {
		t.Fatal("the fake Twilio got no request")
	}
	return f.seen[len(f.seen)-1]
}

func TestLiveTwilioPhoneNumber(t *testing.T) {
	fake := &fakeTwilio{
		numbers: map[string]string{
			testNumberSid: twilioNumberJSON,
			"PNupper":     `{"phone_number": "+15005550006", "capabilities": {"voice": true, "SMS": true, "MMS": true}}`,
		},
		canned: map[string]cannedAnswer{
			"PNforbidden": {http.StatusForbidden, `{"code": 20403, "message": "Permission denied for this resource", "more_info": "https://www.twilio.com/docs/errors/20403", "status": 403}`},
			"PNdown":      {http.StatusServiceUnavailable, `<html><body>Service Unavailable</body></html>`},
			"PNgarbage":   {http.StatusOK, `<html>not json</html>`},
			"PNodd":       {http.StatusOK, `{"phone_number": "<script>alert(1)</script>", "capabilities": {"sms": true}}`},
			"PNlong":      {http.StatusOK, `{"phone_number": "+12345678901234567890", "capabilities": {"sms": true}}`},
			"PNerror":     {http.StatusInternalServerError, ``},
			"PNredirect":  {http.StatusFound, ``},
		},
	}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)

	tests := []struct {
		name              string
		accountSid, token string
		numberSid         string
		want              TwilioNumber
		wantPath          string
		wantErr           string
		wantUnreachable   bool
	}{
		{
			name:       "number with its capabilities",
			accountSid: testAccountSid, token: testAuthToken, numberSid: testNumberSid,
			want:     TwilioNumber{PhoneNumber: "+16476960000", SMS: true, MMS: true, Voice: false},
			wantPath: "/2010-04-01/Accounts/" + testAccountSid + "/IncomingPhoneNumbers/" + testNumberSid + ".json",
		},
		{
			name:       "upper-case SMS and MMS keys",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNupper",
			want: TwilioNumber{PhoneNumber: "+15005550006", SMS: true, MMS: true, Voice: true},
		},
		{
			name:       "wrong auth token",
			accountSid: testAccountSid, token: "ffffffffffffffffffffffffffffffff", numberSid: testNumberSid,
			wantErr: "Twilio rejected the credentials (account SID and auth token): Authenticate (code 20003)",
		},
		{
			name:       "number not in the account",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNffffffffffffffffffffffffffffffff",
			wantErr: "Twilio has no phone number PNffffffffffffffffffffffffffffffff in account " + testAccountSid,
		},
		{
			name:       "path segments are escaped",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PN/../x?y",
			wantPath: "/2010-04-01/Accounts/" + testAccountSid + "/IncomingPhoneNumbers/PN%2F..%2Fx%3Fy.json",
			wantErr:  "Twilio has no phone number PN/../x?y in account",
		},
		{
			name:       "other refusal keeps Twilio's message and status",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNforbidden",
			wantErr: "Twilio refused the request: Permission denied for this resource (HTTP 403 Forbidden, code 20403)",
		},
		{
			name:       "server error is unreachable",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNdown",
			wantErr: "HTTP 503 Service Unavailable", wantUnreachable: true,
		},
		{
			name:       "a phone number not in E.164 form is not stored",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNodd",
			wantErr: "is not in E.164 form", wantUnreachable: true,
		},
		{
			name:       "nor one too long for E.164",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNlong",
			wantErr: "is not in E.164 form", wantUnreachable: true,
		},
		{
			name:       "a bare server error is said once",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNerror",
			wantErr: "(it answered HTTP 500 Internal Server Error)", wantUnreachable: true,
		},
		{
			name:       "a redirect is not followed",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNredirect",
			wantErr: "it answered HTTP 302 Found", wantUnreachable: true,
		},
		{
			name:       "unreadable answer is unreachable",
			accountSid: testAccountSid, token: testAuthToken, numberSid: "PNgarbage",
			wantErr: "unreadable answer", wantUnreachable: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewTwilio(srv.URL, nil).PhoneNumber(context.Background(), tt.accountSid, tt.token, tt.numberSid)

			seen := fake.lastSeen(t)
			if seen.method != http.MethodGet {
				t.Errorf("method = %s, want GET", seen.method)
			}
			if !seen.basicAuth || seen.user != tt.accountSid || seen.password != tt.token {
				t.Errorf("basic auth = %v %q:%q, want %q:%q", seen.basicAuth, seen.user, seen.password, tt.accountSid, tt.token)
			}
			if seen.accept != "application/json" {
				t.Errorf("Accept = %q, want application/json", seen.accept)
			}
			if tt.wantPath != "" && seen.escapedPath != tt.wantPath {
				t.Errorf("path = %s, want %s", seen.escapedPath, tt.wantPath)
			}

			if tt.wantErr != "" {
				wantProviderError(t, err, "Twilio", tt.wantUnreachable, tt.wantErr, tt.token)
				return
			}
			if err != nil {
				t.Fatalf("PhoneNumber: %v", err)
			}
			if got != tt.want {
				t.Errorf("PhoneNumber = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestLiveTwilioUnreachable(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-hang:
		}
	}))
	t.Cleanup(func() { close(hang); slow.Close() })

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		baseURL string
		client  *http.Client
		ctx     context.Context
		want    string
	}{
		{"nothing listens", closedServerURL(t), nil, context.Background(), "Twilio could not be reached"},
		{"client timeout", slow.URL, &http.Client{Timeout: 50 * time.Millisecond}, context.Background(), "timed out"},
		{"context cancelled", slow.URL, nil, cancelled, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewTwilio(tt.baseURL, tt.client).PhoneNumber(tt.ctx, testAccountSid, testAuthToken, testNumberSid)
			wantProviderError(t, err, "Twilio", true, tt.want, testAuthToken)
		})
	}
}
