package webhooks

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// connRecorder is a loopback listener that tells whether anything connected
// to it before a sentinel connection the test makes itself.
type connRecorder struct {
	ln       net.Listener
	accepted chan net.Conn
}

func listenRecording(t *testing.T, address string) *connRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", address)
	if err != nil {
		t.Fatal(err)
	}
	r := &connRecorder{ln: ln, accepted: make(chan net.Conn, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(r.accepted)
				return
			}
			r.accepted <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		for c := range r.accepted {
			c.Close()
		}
	})
	return r
}

func (r *connRecorder) port() string {
	_, port, _ := net.SplitHostPort(r.ln.Addr().String())
	return port
}

// assertNoConnection connects a sentinel and checks that it is the first
// connection the listener ever accepted.
func (r *connRecorder) assertNoConnection(t *testing.T) {
	t.Helper()
	sentinel, err := net.Dial("tcp", r.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer sentinel.Close()
	first := <-r.accepted
	defer first.Close()
	if first.RemoteAddr().String() != sentinel.LocalAddr().String() {
		t.Fatalf("a connection from %s reached the receiver before the sentinel", first.RemoteAddr())
	}
}

// rawReceiver is a receiver on loopback that reads one request per
// connection and then lets answer write what it likes, HTTP or not.
func rawReceiver(t *testing.T, answer func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if req, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					io.Copy(io.Discard, req.Body)
					answer(c)
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/hook"
}

func TestDeliverRefusesNonPublicTargets(t *testing.T) {
	v4 := listenRecording(t, "127.0.0.1:0")
	v6 := listenRecording(t, "[::1]:0")
	tests := []struct {
		name     string
		url      string
		listener *connRecorder // nil: nothing listens, and nothing may be sent
		want     string
	}{
		{"IPv4 loopback", "http://127.0.0.1:" + v4.port() + "/hook", v4, "webhook target 127.0.0.1 is a loopback address"},
		{"IPv6 loopback", "http://[::1]:" + v6.port() + "/hook", v6, "webhook target ::1 is a loopback address"},
		{"name resolving to loopback", "http://localhost:" + v4.port() + "/hook", v4, "webhook target localhost resolves to a loopback address and"},
		{"private", "http://10.0.0.1/hook", nil, "webhook target 10.0.0.1 is a private address"},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/", nil, "webhook target 169.254.169.254 is a link-local address"},
	}
	d := NewDeliverer(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := d.Deliver(context.Background(), Request{
				URL: tt.url, Event: "test", Body: []byte(`{}`), MessageID: "msg_1", Attempt: 1,
				PrivateKey: "k", PublicKey: "p", HubID: "h", IntegrationID: "i",
			})
			t.Logf("refused: %s", a.Error)
			if a.Success || a.StatusCode != 0 {
				t.Fatalf("Attempt = %+v, want a refusal without status", a)
			}
			if !strings.Contains(a.Error, tt.want) || !strings.Contains(a.Error, "--allow-private-webhooks") {
				t.Fatalf("Error = %q, want it to contain %q and the flag", a.Error, tt.want)
			}
			// A name's address is not told: the error is stored and shown to
			// whoever may read the integration.
			if strings.Contains(tt.url, "localhost") && strings.Contains(a.Error, "127.0.0.1") {
				t.Errorf("Error = %q names the address localhost resolved to", a.Error)
			}
			if tt.listener != nil {
				tt.listener.assertNoConnection(t)
			}
		})
	}
}

func TestClientRefusalIsRecognisable(t *testing.T) {
	v4 := listenRecording(t, "127.0.0.1:0")
	resp, err := NewClient(false).Post("http://127.0.0.1:"+v4.port()+"/", "application/json", strings.NewReader("{}"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("NewClient(false) reached a loopback receiver")
	}
	var refused *AddressNotAllowedError
	if !errors.Is(err, ErrAddressNotAllowed) || !errors.As(err, &refused) || refused.Addr.String() != "127.0.0.1" {
		t.Fatalf("err = %v, want an AddressNotAllowedError for 127.0.0.1", err)
	}
	v4.assertNoConnection(t)
}

func TestNewClientDefaults(t *testing.T) {
	c := NewClient(false)
	if c.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %s, want %s", c.Timeout, DefaultTimeout)
	}
	tr, ok := c.Transport.(*http.Transport)
	if !ok || tr.Proxy != nil {
		t.Errorf("Transport = %#v, want an *http.Transport without Proxy", c.Transport)
	}
	if c.CheckRedirect == nil || !errors.Is(c.CheckRedirect(nil, nil), http.ErrUseLastResponse) {
		t.Error("CheckRedirect must return http.ErrUseLastResponse")
	}
}

func TestDeliverSignsBothWays(t *testing.T) {
	const (
		privateKey = "integration-private-key"
		publicKey  = "integration-public-key"
	)
	type seen struct {
		header http.Header
		body   []byte
	}
	received := make(chan seen, 2)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		received <- seen{r.Header.Clone(), body}
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(receiver.Close)

	msgID, body := TestActivity("hub_1", "int_1", time.Now())
	d := NewDeliverer(true)
	for attempt := 1; attempt <= 2; attempt++ {
		before := time.Now()
		a := d.Deliver(context.Background(), Request{
			URL: receiver.URL + "/hook", Event: "test", Body: body, MessageID: msgID, Attempt: attempt,
			PrivateKey: privateKey, PublicKey: publicKey, HubID: "hub_1", IntegrationID: "int_1",
		})
		if !a.Success || a.Error != "" || a.StatusCode != http.StatusAccepted {
			t.Fatalf("attempt %d = %+v, want a success with 202", attempt, a)
		}
		if a.Event != "test" || a.AttemptNo != attempt || a.ResponseExcerpt != `{"ok":true}` || a.Latency <= 0 || a.At.Before(before) {
			t.Errorf("attempt %d record = %+v", attempt, a)
		}

		got := <-received
		if string(got.body) != string(body) {
			t.Fatalf("body = %s, want %s", got.body, body)
		}
		for name, want := range map[string]string{
			"Content-Type":         "application/json",
			"User-Agent":           "hubadmin-webhooks/1",
			"x-source-system":      "hubadmin",
			"x-hub-id":             "hub_1",
			"x-integration-id":     "int_1",
			"x-hubster-public-key": publicKey,
			"webhook-id":           msgID, // the same on the retry
		} {
			if v := got.header.Get(name); v != want {
				t.Errorf("%s = %q, want %q", name, v, want)
			}
		}

		// What a receiver computes, from the spec alone.
		hubster := hmac.New(sha256.New, []byte(privateKey))
		hubster.Write(got.body)
		if v := got.header.Get("x-hubster-signature"); v != base64.StdEncoding.EncodeToString(hubster.Sum(nil)) {
			t.Errorf("x-hubster-signature = %q does not match the body", v)
		}
		ts := got.header.Get("webhook-timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || time.Since(time.Unix(sec, 0)) > time.Minute {
			t.Errorf("webhook-timestamp = %q, want the time of the attempt", ts)
		}
		standard := hmac.New(sha256.New, []byte(privateKey))
		standard.Write([]byte(msgID + "." + ts + "." + string(got.body)))
		if v := got.header.Get("webhook-signature"); v != "v1,"+base64.StdEncoding.EncodeToString(standard.Sum(nil)) {
			t.Errorf("webhook-signature = %q does not match the body", v)
		}
		if err := VerifyHubster(got.body, got.header, privateKey); err != nil {
			t.Errorf("VerifyHubster: %v", err)
		}
		if err := VerifyStandard(got.body, got.header, []byte(privateKey), time.Now(), DefaultTolerance); err != nil {
			t.Errorf("VerifyStandard: %v", err)
		}
	}
}

func TestDeliverFailures(t *testing.T) {
	var redirectFollowed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		redirectFollowed.Add(1)
	}))
	t.Cleanup(elsewhere.Close)

	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	tlsReceiver := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsReceiver.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	tlsReceiver.StartTLS()
	t.Cleanup(tlsReceiver.Close)

	tests := []struct {
		name        string
		handler     http.HandlerFunc
		url         string // instead of a receiver with handler
		wantStatus  int
		wantError   string
		wantExcerpt string
		waits       bool // the case is the timeout itself; every other case gets seconds, as a loaded CI machine may need
	}{
		{
			name: "500",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "boom", http.StatusInternalServerError)
			},
			wantStatus: 500, wantError: "receiver answered 500", wantExcerpt: "boom\n",
		},
		{
			name: "404",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNotFound)
			},
			wantStatus: 404, wantError: "receiver answered 404",
		},
		{
			name: "302",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+"/hook", http.StatusFound)
			},
			wantStatus: 302, wantError: "redirect to " + elsewhere.URL + "/hook not followed",
		},
		{
			name: "308 without Location",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusPermanentRedirect)
			},
			wantStatus: 308, wantError: "receiver answered 308; redirects are not followed",
		},
		{
			name: "never answers",
			handler: func(_ http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body) // the server notices the client leaving only once the body is read
				<-r.Context().Done()
			},
			wantError: "no answer within 200ms", waits: true,
		},
		{name: "nothing listening", url: closedURL, wantError: "could not connect: connection refused by " + strings.TrimPrefix(closedURL, "http://")},
		// A name is told as written, not with the address it resolved to.
		{name: "nothing listening at a name", url: strings.Replace(closedURL, "127.0.0.1", "localhost", 1), wantError: "could not connect: connection refused by " + strings.Replace(strings.TrimPrefix(closedURL, "http://"), "127.0.0.1", "localhost", 1)},
		{name: "closes without answering", url: rawReceiver(t, func(net.Conn) {}), wantError: "the receiver closed the connection without answering"},
		{name: "TLS with an unknown certificate", url: tlsReceiver.URL + "/hook", wantError: "TLS handshake failed: x509: certificate signed by unknown authority"},
		{name: "https to a plain HTTP receiver", url: "https://" + strings.TrimPrefix(elsewhere.URL, "http://") + "/hook", wantError: "TLS handshake failed: the receiver answered in plain HTTP"},
		{name: "invalid URL", url: "ftp://example.com/hook", wantError: "https://"},
	}
	d := NewDeliverer(true)
	d.Timeout = 10 * time.Second
	quick := NewDeliverer(true)
	quick.Timeout = 200 * time.Millisecond
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := d
			if tt.waits {
				d = quick
			}
			url := tt.url
			if tt.handler != nil {
				receiver := httptest.NewServer(tt.handler)
				t.Cleanup(receiver.Close)
				url = receiver.URL + "/hook"
			}
			a := d.Deliver(context.Background(), Request{
				URL: url, Event: "test", Body: []byte(`{}`), MessageID: "msg_1", Attempt: 3,
				PrivateKey: "k", PublicKey: "p", HubID: "h", IntegrationID: "i",
			})
			t.Logf("failed: %s", a.Error)
			if a.Success {
				t.Fatalf("Attempt = %+v, want a failure", a)
			}
			if a.StatusCode != tt.wantStatus || !strings.Contains(a.Error, tt.wantError) || a.ResponseExcerpt != tt.wantExcerpt {
				t.Fatalf("Attempt = %+v, want status %d, error containing %q, excerpt %q",
					a, tt.wantStatus, tt.wantError, tt.wantExcerpt)
			}
			if strings.Contains(tt.url, "localhost") && strings.Contains(a.Error, "127.0.0.1") {
				t.Errorf("Error = %q names the address localhost resolved to", a.Error)
			}
			if a.AttemptNo != 3 || a.Event != "test" || a.At.IsZero() {
				t.Errorf("Attempt = %+v, want it to keep the attempt number, event and time", a)
			}
		})
	}
	if n := redirectFollowed.Load(); n != 0 {
		t.Errorf("the redirect target was requested %d times", n)
	}
}

func TestDeliverCancelled(t *testing.T) {
	receiver := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(receiver.Close)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	a := NewDeliverer(true).Deliver(ctx, Request{URL: receiver.URL, Event: "test", Body: []byte(`{}`)})
	if a.Success || !strings.HasPrefix(a.Error, "delivery cancelled") {
		t.Fatalf("Attempt = %+v, want a cancelled delivery", a)
	}
}

func TestDeliverKeepsAnExcerpt(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		want   string
	}{
		{"short", "thanks", "thanks"},
		{"long", strings.Repeat("x", 5000), strings.Repeat("x", ExcerptLimit)},
		{"rune cut at the limit", strings.Repeat("x", ExcerptLimit-1) + "é", strings.Repeat("x", ExcerptLimit-1) + "\uFFFD"},
		{"control characters", "a\x00b\x01\x1bc\td\r\n\x7f\u0085e", "a\uFFFDb\uFFFDc\td\r\n\uFFFDe"},
		{"invalid UTF-8", "ok \xff\xfe\xc3 ok", "ok \uFFFD ok"},
		{"binary", strings.Repeat("\x00\xff", 3000), "\uFFFD"},
		{"binary with text in it", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "\uFFFDPNG\r\n\uFFFD\n\uFFFD\rIHDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				io.WriteString(w, tt.answer)
			}))
			t.Cleanup(receiver.Close)
			a := NewDeliverer(true).Deliver(context.Background(), Request{URL: receiver.URL, Event: "test", Body: []byte(`{}`)})
			if !a.Success || a.ResponseExcerpt != tt.want || !textOnly(a.ResponseExcerpt, "\t\n\r") {
				t.Fatalf("Attempt = success %v, excerpt of %d bytes %q…, want %d bytes",
					a.Success, len(a.ResponseExcerpt), a.ResponseExcerpt[:min(20, len(a.ResponseExcerpt))], len(tt.want))
			}
		})
	}
}

// textOnly says whether s is valid UTF-8 without control characters other
// than those in allowed.
func textOnly(s, allowed string) bool {
	for _, r := range s {
		if unicode.IsControl(r) && !strings.ContainsRune(allowed, r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// A receiver writes what it likes in its status line and headers; the
// reason recorded (delivery log, audit log, toast) stays one short line.
func TestDeliverBoundsTheError(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		want   string
	}{
		{"huge status line", "HTTP/1.1 200" + strings.Repeat("X", 900000) + "\r\n\r\n", `malformed HTTP status code "200XXX`},
		{"status line with control bytes", "HTTP/1.1 2\x00\x1b[31m\xff0 OK\r\n\r\n", "malformed HTTP status code"},
		{"not HTTP at all", strings.Repeat("\x00\x01\xfebinary", 50000) + "\r\n\r\n", "malformed HTTP response"},
		{"huge Location", "HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/" + strings.Repeat("é", 100000) + "\r\nContent-Length: 0\r\n\r\n",
			"redirect to https://elsewhere.example/ééé"},
		{"Location with invalid UTF-8", "HTTP/1.1 302 Found\r\nLocation: /a\xff\xfeb\r\nContent-Length: 0\r\n\r\n", "redirect to /a\uFFFDb not followed"},
	}
	d := NewDeliverer(true)
	d.Timeout = 5 * time.Second
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := rawReceiver(t, func(c net.Conn) { io.WriteString(c, tt.answer) })
			a := d.Deliver(context.Background(), Request{URL: url, Event: "test", Body: []byte(`{}`)})
			t.Logf("failed: %.400q", a.Error) // cut: a regression would log 900 KB
			if a.Success || !strings.Contains(a.Error, tt.want) {
				t.Fatalf("Attempt = success %v, error of %d bytes, want a failure containing %q", a.Success, len(a.Error), tt.want)
			}
			if len(a.Error) > errorLimit || !textOnly(a.Error, "") {
				t.Fatalf("Error = %q (%d bytes), want one line of text of at most %d bytes", a.Error, len(a.Error), errorLimit)
			}
		})
	}
}

// A receiver that sends its status line at once and then stalls or drops
// its body: the status decides, but the latency is the whole wait and the
// excerpt says it was cut short.
func TestDeliverNotesAStalledBody(t *testing.T) {
	const timeout = time.Second // seconds, not milliseconds: the non-stalling cases must finish within it on a loaded machine
	stall := func(status int, partial string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // the server notices the client leaving only once the body is read
			w.WriteHeader(status)
			io.WriteString(w, partial)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}
	}
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		answer      string // raw, instead of handler
		wantStatus  int
		wantSuccess bool
		wantError   string
		wantExcerpt string
		stalls      bool
	}{
		{
			name: "stalls before the body", handler: stall(200, ""), wantStatus: 200, wantSuccess: true, stalls: true,
			wantExcerpt: "[hubadmin: the answer's body was cut short after 0 bytes: nothing more within 1s]",
		},
		{
			name: "stalls within the body", handler: stall(202, "accep\x00"), wantStatus: 202, wantSuccess: true, stalls: true,
			wantExcerpt: "accep\uFFFD\n[hubadmin: the answer's body was cut short after 6 bytes: nothing more within 1s]",
		},
		{
			name: "stalls after a 500", handler: stall(500, "oops"), wantStatus: 500, wantError: "receiver answered 500", stalls: true,
			wantExcerpt: "oops\n[hubadmin: the answer's body was cut short after 4 bytes: nothing more within 1s]",
		},
		{
			name: "closes within the body", answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", wantStatus: 200, wantSuccess: true,
			wantExcerpt: "short\n[hubadmin: the answer's body was cut short after 5 bytes: the receiver closed the connection]",
		},
		{
			name: "a full excerpt is not waited for", handler: stall(200, strings.Repeat("x", ExcerptLimit)), wantStatus: 200, wantSuccess: true,
			wantExcerpt: strings.Repeat("x", ExcerptLimit),
		},
	}
	d := NewDeliverer(true)
	d.Timeout = timeout
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var url string
			if tt.handler != nil {
				receiver := httptest.NewServer(tt.handler)
				t.Cleanup(receiver.Close)
				url = receiver.URL + "/hook"
			} else {
				url = rawReceiver(t, func(c net.Conn) { io.WriteString(c, tt.answer) })
			}
			a := d.Deliver(context.Background(), Request{URL: url, Event: "test", Body: []byte(`{}`)})
			if a.Success != tt.wantSuccess || a.StatusCode != tt.wantStatus || a.Error != tt.wantError || a.ResponseExcerpt != tt.wantExcerpt {
				t.Fatalf("Attempt = %+v, want success %v, status %d, error %q, excerpt %q",
					a, tt.wantSuccess, tt.wantStatus, tt.wantError, tt.wantExcerpt)
			}
			if tt.stalls && a.Latency < timeout {
				t.Errorf("Latency = %s, want the whole wait (at least %s)", a.Latency, timeout)
			}
			if !tt.stalls && a.Latency >= timeout {
				t.Errorf("Latency = %s, want less than the timeout %s", a.Latency, timeout)
			}
		})
	}
}

func TestSampleActivity(t *testing.T) {
	now := time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.FixedZone("CEST", 2*60*60))
	msgID, body := TestActivity("hub_1", "int_1", now)

	var got struct {
		ActivityID    string `json:"activityId"`
		Event         string `json:"event"`
		HubID         string `json:"hubId"`
		IntegrationID string `json:"integrationId"`
		Created       string `json:"created"`
		Activity      struct {
			Type    string `json:"type"`
			Message struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"message"`
		} `json:"activity"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if _, err := uuid.Parse(got.ActivityID); err != nil || got.ActivityID != msgID {
		t.Errorf("activityId = %q, messageID = %q, want the same UUID", got.ActivityID, msgID)
	}
	if got.Event != "test" || got.HubID != "hub_1" || got.IntegrationID != "int_1" {
		t.Errorf("activity = %s", body)
	}
	if got.Created != "2025-06-07T06:09:10.123Z" {
		t.Errorf("created = %q, want UTC with milliseconds", got.Created)
	}
	if got.Activity.Type != "message" || got.Activity.Message.Type != "text" || got.Activity.Message.Text != "This is a test event from hubadmin." {
		t.Errorf("activity = %s", body)
	}
	if again, _ := TestActivity("hub_1", "int_1", now); again == msgID {
		t.Error("two test events share an activityId")
	}
}
