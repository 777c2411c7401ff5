package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/go/webhook_test.go,
// TestWebhookSign; the same in the Python and JavaScript tests). Reproducing
// it is what says a receiver's library accepts what we send.
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorPayload   = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func vectorKey(t *testing.T) []byte {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(vectorSecret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestStandardSignatureMatchesReferenceVector(t *testing.T) {
	got := StandardSignature(vectorKey(t), vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload))
	if got != vectorSignature {
		t.Fatalf("StandardSignature = %s, want %s", got, vectorSignature)
	}
}

func TestVerifyStandard(t *testing.T) {
	signedAt := time.Unix(vectorTimestamp, 0)
	header := func(edit func(http.Header)) http.Header {
		h := http.Header{}
		h.Set(HeaderWebhookID, vectorMsgID)
		h.Set(HeaderWebhookTimestamp, strconv.FormatInt(vectorTimestamp, 10))
		h.Set(HeaderWebhookSignature, vectorSignature)
		if edit != nil {
			edit(h)
		}
		return h
	}
	tests := []struct {
		name    string
		body    string
		header  http.Header
		key     []byte
		now     time.Time
		wantErr error
	}{
		{name: "reference vector", now: signedAt},
		{name: "4 minutes later", now: signedAt.Add(4 * time.Minute)},
		{name: "exactly at tolerance", now: signedAt.Add(DefaultTolerance)},
		{name: "received 4 minutes before signing (clock skew)", now: signedAt.Add(-4 * time.Minute)},
		{
			name: "one of several signatures matches",
			header: header(func(h http.Header) {
				h.Set(HeaderWebhookSignature, "v1,bm9wZQ== v1a,abc v2,"+vectorSignature[3:]+" "+vectorSignature)
			}),
			now: signedAt,
		},
		{name: "tampered body", body: `{"test": 2432232315}`, now: signedAt, wantErr: ErrSignatureMismatch},
		{name: "wrong key", key: []byte("another key"), now: signedAt, wantErr: ErrSignatureMismatch},
		{
			name:    "other id",
			header:  header(func(h http.Header) { h.Set(HeaderWebhookID, "msg_other") }),
			now:     signedAt,
			wantErr: ErrSignatureMismatch,
		},
		{
			name:    "right signature under another version",
			header:  header(func(h http.Header) { h.Set(HeaderWebhookSignature, "v2,"+vectorSignature[3:]) }),
			now:     signedAt,
			wantErr: ErrSignatureMismatch,
		},
		{
			name:    "signature not base64",
			header:  header(func(h http.Header) { h.Set(HeaderWebhookSignature, "v1,***") }),
			now:     signedAt,
			wantErr: ErrSignatureMismatch,
		},
		{name: "older than 5 minutes", now: signedAt.Add(5*time.Minute + time.Second), wantErr: ErrTimestampOutOfTolerance},
		{name: "an hour old", now: signedAt.Add(time.Hour), wantErr: ErrTimestampOutOfTolerance},
		{name: "more than 5 minutes in the future", now: signedAt.Add(-5*time.Minute - time.Second), wantErr: ErrTimestampOutOfTolerance},
		{
			name:    "timestamp not a number",
			header:  header(func(h http.Header) { h.Set(HeaderWebhookTimestamp, "2021-02-25T15:02:10Z") }),
			now:     signedAt,
			wantErr: ErrTimestampOutOfTolerance,
		},
		{
			name:    "no id",
			header:  header(func(h http.Header) { h.Del(HeaderWebhookID) }),
			now:     signedAt,
			wantErr: ErrMissingSignature,
		},
		{
			name:    "no timestamp",
			header:  header(func(h http.Header) { h.Del(HeaderWebhookTimestamp) }),
			now:     signedAt,
			wantErr: ErrMissingSignature,
		},
		{
			name:    "no signature",
			header:  header(func(h http.Header) { h.Del(HeaderWebhookSignature) }),
			now:     signedAt,
			wantErr: ErrMissingSignature,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, h, key := tt.body, tt.header, tt.key
			if body == "" {
				body = vectorPayload
			}
			if h == nil {
				h = header(nil)
			}
			if key == nil {
				key = vectorKey(t)
			}
			err := VerifyStandard([]byte(body), h, key, tt.now, DefaultTolerance)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("VerifyStandard = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestSign(t *testing.T) {
	const (
		privateKey = "pk_private_ünïcode-key" // non-ASCII: the key is its UTF-8 bytes
		publicKey  = "pub_1234"
		msgID      = "5f1c2a0e-0d4e-4a57-9c59-1f0e0c7b7c11"
	)
	body := []byte(`{"activityId":"5f1c2a0e","event":"test"}`)
	ts := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

	h := Sign(body, privateKey, publicKey, msgID, ts)

	// Independent computations, straight from the spec's formulas.
	hubster := hmac.New(sha256.New, []byte(privateKey))
	hubster.Write(body)
	standard := hmac.New(sha256.New, []byte(privateKey))
	standard.Write([]byte(msgID + "." + strconv.FormatInt(ts.Unix(), 10) + "." + string(body)))
	want := map[string]string{
		"x-hubster-signature":  base64.StdEncoding.EncodeToString(hubster.Sum(nil)),
		"x-hubster-public-key": publicKey,
		"webhook-id":           msgID,
		"webhook-timestamp":    "1741064767",
		"webhook-signature":    "v1," + base64.StdEncoding.EncodeToString(standard.Sum(nil)),
	}
	for name, value := range want {
		if got := h.Get(name); got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	if len(h) != len(want) {
		t.Errorf("Sign set %d headers, want %d: %v", len(h), len(want), h)
	}

	if err := VerifyHubster(body, h, privateKey); err != nil {
		t.Errorf("VerifyHubster: %v", err)
	}
	if err := VerifyStandard(body, h, []byte(privateKey), ts.Add(time.Minute), DefaultTolerance); err != nil {
		t.Errorf("VerifyStandard: %v", err)
	}
}

func TestVerifyHubster(t *testing.T) {
	const privateKey = "integration-private-key"
	body := []byte(`{"event":"test"}`)
	signed := Sign(body, privateKey, "pub", "msg_1", time.Now())

	tests := []struct {
		name    string
		body    string
		header  http.Header
		key     string
		wantErr error
	}{
		{name: "round trip", body: string(body), header: signed, key: privateKey},
		{name: "tampered body", body: `{"event":"test2"}`, header: signed, key: privateKey, wantErr: ErrSignatureMismatch},
		{name: "wrong key", body: string(body), header: signed, key: "other", wantErr: ErrSignatureMismatch},
		{
			name:    "not base64",
			body:    string(body),
			header:  http.Header{"X-Hubster-Signature": {"%%%"}},
			key:     privateKey,
			wantErr: ErrSignatureMismatch,
		},
		{name: "missing", body: string(body), header: http.Header{}, key: privateKey, wantErr: ErrMissingSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VerifyHubster([]byte(tt.body), tt.header, tt.key)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("VerifyHubster = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// A receiver configuring a Standard Webhooks library with StandardSecret gets
// back exactly the key bytes hubadmin signs with.
func TestStandardSecret(t *testing.T) {
	const privateKey = "integration-private-key"
	secret := StandardSecret(privateKey)
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("StandardSecret = %q, want the whsec_ prefix", secret)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	body := []byte(`{}`)
	if err := VerifyStandard(body, Sign(body, privateKey, "", "msg_1", now), key, now, DefaultTolerance); err != nil {
		t.Fatalf("VerifyStandard with the decoded whsec_ secret: %v", err)
	}
}
