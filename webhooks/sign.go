// Package webhooks signs and delivers hubadmin's outbound webhooks (Direct
// integrations with a webhookUrl, System integrations) and guards the
// outbound connections against SSRF. It knows nothing of HTTP handlers or the
// database: callers record the Attempt it returns.
package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names, as the spec writes them (http.Header canonicalises the case;
// receivers match them case-insensitively).
const (
	HeaderHubsterSignature = "x-hubster-signature"
	HeaderHubsterPublicKey = "x-hubster-public-key"
	HeaderSourceSystem     = "x-source-system"
	HeaderHubID            = "x-hub-id"
	HeaderIntegrationID    = "x-integration-id"

	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// SourceSystem is the x-source-system value of every delivery.
const SourceSystem = "hubadmin"

// DefaultTolerance is how far a webhook-timestamp may be from the receiver's
// clock, in either direction, as the Standard Webhooks libraries use.
const DefaultTolerance = 5 * time.Minute

var (
	// ErrMissingSignature means a signature header (or, for Standard
	// Webhooks, the id or timestamp it covers) is absent.
	ErrMissingSignature = errors.New("webhooks: missing signature headers")
	// ErrSignatureMismatch means no signature matched the body.
	ErrSignatureMismatch = errors.New("webhooks: signature does not match")
	// ErrTimestampOutOfTolerance means the webhook-timestamp is unparsable,
	// too old (a replay) or too far in the future.
	ErrTimestampOutOfTolerance = errors.New("webhooks: timestamp out of tolerance")
)

// Sign returns the signature headers of one delivery, both sets at once:
// Hubster's (x-hubster-signature, x-hubster-public-key) and Standard Webhooks
// v1 symmetric (webhook-id, webhook-timestamp, webhook-signature). Both are
// keyed with the UTF-8 bytes of privateKey. messageID must stay the same
// across retries of one message; ts should be the time of this attempt.
func Sign(body []byte, privateKey, publicKey, messageID string, ts time.Time) http.Header {
	key := []byte(privateKey)
	h := http.Header{}
	h.Set(HeaderHubsterSignature, HubsterSignature(key, body))
	h.Set(HeaderHubsterPublicKey, publicKey)
	h.Set(HeaderWebhookID, messageID)
	h.Set(HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderWebhookSignature, StandardSignature(key, messageID, ts, body))
	return h
}

// HubsterSignature is base64(HMAC-SHA256(key, body)).
func HubsterSignature(key, body []byte) string {
	return base64.StdEncoding.EncodeToString(mac(key, body))
}

// StandardSignature is the Standard Webhooks v1 signature
// "v1,"+base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
//
// key is the raw key bytes. hubadmin uses the UTF-8 bytes of the
// integration's privateSigningKey, not a "whsec_" secret: a Standard Webhooks
// library, which base64-decodes the secret it is given, must be configured
// with StandardSecret(privateKey), i.e. "whsec_"+base64(privateKey).
func StandardSignature(key []byte, messageID string, ts time.Time, body []byte) string {
	return "v1," + base64.StdEncoding.EncodeToString(mac(key, standardContent(messageID, ts.Unix(), body)))
}

// StandardSecret is the secret to give a Standard Webhooks library so that it
// verifies hubadmin's webhook-signature for this private key.
func StandardSecret(privateKey string) string {
	return "whsec_" + base64.StdEncoding.EncodeToString([]byte(privateKey))
}

// VerifyHubster checks x-hubster-signature against body and the integration's
// private signing key.
func VerifyHubster(body []byte, header http.Header, privateKey string) error {
	got := header.Get(HeaderHubsterSignature)
	if got == "" {
		return ErrMissingSignature
	}
	sig, err := base64.StdEncoding.DecodeString(got)
	if err != nil || !hmac.Equal(sig, mac([]byte(privateKey), body)) {
		return ErrSignatureMismatch
	}
	return nil
}

// VerifyStandard checks the Standard Webhooks v1 headers against body and the
// raw key bytes (for hubadmin, []byte(privateKey)). The timestamp must lie
// within tolerance of now on either side; any one of several space-separated
// "v1,<sig>" entries may match.
func VerifyStandard(body []byte, header http.Header, key []byte, now time.Time, tolerance time.Duration) error {
	id := header.Get(HeaderWebhookID)
	rawTS := header.Get(HeaderWebhookTimestamp)
	sigs := header.Get(HeaderWebhookSignature)
	if id == "" || rawTS == "" || sigs == "" {
		return ErrMissingSignature
	}
	sec, err := strconv.ParseInt(rawTS, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q is not Unix seconds", ErrTimestampOutOfTolerance, rawTS)
	}
	ts := time.Unix(sec, 0)
	if now.Sub(ts) > tolerance {
		return fmt.Errorf("%w: %s is older than %s", ErrTimestampOutOfTolerance, ts.UTC().Format(time.RFC3339), tolerance)
	}
	if ts.Sub(now) > tolerance {
		return fmt.Errorf("%w: %s is more than %s in the future", ErrTimestampOutOfTolerance, ts.UTC().Format(time.RFC3339), tolerance)
	}

	want := mac(key, standardContent(id, sec, body))
	for _, versioned := range strings.Fields(sigs) {
		version, encoded, ok := strings.Cut(versioned, ",")
		if !ok || version != "v1" {
			continue // other schemes (v1a asymmetric, future versions) are not ours to judge
		}
		sig, err := base64.StdEncoding.DecodeString(encoded)
		if err != nil {
			continue
		}
		if hmac.Equal(sig, want) {
			return nil
		}
	}
	return ErrSignatureMismatch
}

func standardContent(messageID string, unix int64, body []byte) []byte {
	content := make([]byte, 0, len(messageID)+len(body)+22)
	content = append(content, messageID...)
	content = append(content, '.')
	content = strconv.AppendInt(content, unix, 10)
	content = append(content, '.')
	return append(content, body...)
}

func mac(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}
