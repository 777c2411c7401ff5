package channels

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// closedServerURL is the address of a server that has gone away: nothing
// listens there any more, so a call to it fails the way an unreachable
// provider does.
func closedServerURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// wantProviderError checks err is a ProviderError of provider with the
// given kind, that its message contains want, and that no secret shows.
func wantProviderError(t *testing.T, err error, provider string, unreachable bool, want string, secrets ...string) {
	t.Helper()
	pe, ok := AsProviderError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *ProviderError", err, err)
	}
	if pe.Provider != provider {
		t.Errorf("Provider = %q, want %q", pe.Provider, provider)
	}
	if pe.Unreachable != unreachable {
		t.Errorf("Unreachable = %v, want %v (message %q)", pe.Unreachable, unreachable, pe.Message)
	}
	if !strings.Contains(pe.Message, want) {
		t.Errorf("message = %q, want it to contain %q", pe.Message, want)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(pe.Message, s) {
			t.Errorf("message = %q leaks the secret %q", pe.Message, s)
		}
	}
}

func TestLiveSafeErrorDropsQuery(t *testing.T) {
	req, err := http.NewRequest(http.MethodGet, closedServerURL(t)+"/v19.0/me?access_token=EAAsecret&fields=id", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = send(NewHTTPClient(), req)
	if err == nil {
		t.Fatal("send to a closed server: no error")
	}
	for _, leak := range []string{"EAAsecret", "access_token", "?"} {
		if strings.Contains(err.Error(), leak) {
			t.Errorf("error %q contains %q", err, leak)
		}
	}
	if !strings.Contains(err.Error(), "/v19.0/me") {
		t.Errorf("error %q does not say which path failed", err)
	}
}

func TestLiveNewHTTPClientTimeout(t *testing.T) {
	if got := NewHTTPClient().Timeout; got != providerTimeout || got.Seconds() != 10 {
		t.Errorf("Timeout = %v, want 10s", got)
	}
}
