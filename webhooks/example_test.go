package webhooks_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"hubadmin/webhooks"
)

// A receiver verifies a hubadmin webhook with the integration's private
// signing key and Go's standard library alone. Both signatures are
// HMAC-SHA256 keyed with the UTF-8 bytes of the key; a Standard Webhooks
// library would instead be given webhooks.StandardSecret(key), i.e.
// "whsec_" + base64(key).
func Example_receiver() {
	const privateKey = "the integration's privateSigningKey"

	receiver := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		sign := func(data string) []byte {
			mac := hmac.New(sha256.New, []byte(privateKey))
			mac.Write([]byte(data))
			return mac.Sum(nil)
		}

		// Hubster: x-hubster-signature = base64(HMAC(body)).
		got, _ := base64.StdEncoding.DecodeString(r.Header.Get("x-hubster-signature"))
		fmt.Println("hubster signature valid:", hmac.Equal(got, sign(string(body))))

		// Standard Webhooks: "v1,"+base64(HMAC(id.timestamp.body)), with a
		// timestamp no more than 5 minutes off, to refuse replays.
		id, ts := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp")
		sec, err := strconv.ParseInt(ts, 10, 64)
		fresh := err == nil && time.Since(time.Unix(sec, 0)).Abs() <= 5*time.Minute
		want := sign(id + "." + ts + "." + string(body))
		valid := false
		for _, s := range strings.Fields(r.Header.Get("webhook-signature")) {
			if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" {
				got, _ := base64.StdEncoding.DecodeString(sig)
				valid = valid || hmac.Equal(got, want)
			}
		}
		fmt.Println("standard webhooks signature valid:", valid && fresh)

		if !valid || !fresh {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
	server := httptest.NewServer(http.HandlerFunc(receiver))
	defer server.Close()

	// hubadmin's side: allowPrivate only because the receiver is on loopback.
	msgID, body := webhooks.TestActivity("hub_1", "integration_1", time.Now())
	attempt := webhooks.NewDeliverer(true).Deliver(context.Background(), webhooks.Request{
		URL:           server.URL + "/hubster",
		Event:         "test",
		Body:          body,
		MessageID:     msgID,
		Attempt:       1,
		PrivateKey:    privateKey,
		PublicKey:     "the integration's publicSigningKey",
		HubID:         "hub_1",
		IntegrationID: "integration_1",
	})
	fmt.Println("delivered:", attempt.Success, attempt.StatusCode)

	// Output:
	// hubster signature valid: true
	// standard webhooks signature valid: true
	// delivered: true 204
}
