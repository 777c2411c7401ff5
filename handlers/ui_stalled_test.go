package handlers

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestStalledFormIs408Page: a dashboard form whose body stops coming
// (a network that drops mid-request) gets a 408 page saying the form did
// not arrive and nothing was saved, as the API's 408; it was a 500
// logged as a bug, or a 403 "session expired" for a browser without
// Sec-Fetch-Site. A body that is not form data is a 400 that says so.
// Nothing is stored.
func TestStalledFormIs408Page(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	hub := a.hub("Support")
	addr := stallingServer(t, a)
	var cookies []string
	for _, c := range b.cookies {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	for _, tc := range []struct{ name, path, header, part string }{
		{"new hub, Sec-Fetch-Site", "/hubs", "Sec-Fetch-Site: same-origin", "name=Half"},
		{"hub edit, Sec-Fetch-Site", "/hubs/" + hub.ID, "Sec-Fetch-Site: same-origin", "name=Half"},
		{"new hub, token in the form", "/hubs", "X-Nothing: 1", "_csrf=" + b.csrf + "&name=Half"},
	} {
		res, body := sendPart(t, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\n%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n%s",
			tc.path, addr, strings.Join(cookies, "; "), tc.header, tc.part))
		if res.StatusCode != http.StatusRequestTimeout || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(body), "did not arrive in time") || !strings.Contains(string(body), "nothing was saved") {
			t.Errorf("%s: %d %q: %s", tc.name, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	// A body that is not form data: a 400 saying so (it was a 500).
	req := httptest.NewRequest(http.MethodPost, "/hubs", strings.NewReader("name=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := b.send(req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "The form could not be read") {
		t.Errorf("malformed form: %d %s", rec.Code, rec.Body.String())
	}
	if n := a.hubCount(); n != 1 {
		t.Errorf("%d hubs after the stalled forms", n)
	}
}

// stallingServer serves the app on loopback with a read timeout short
// enough for a test to wait out.
func stallingServer(t *testing.T, a *testApp) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(a.srv)
	ts.Config.ReadTimeout = 300 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.Listener.Addr().String()
}

// sendPart writes a raw request (its body shorter than it says) and reads
// the answer, which must come within seconds.
func sendPart(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, raw)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%.40q…: %v", raw, err)
	}
	body, _ := io.ReadAll(res.Body)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("%.40q…: answered after %v", raw, d)
	}
	return res, body
}
