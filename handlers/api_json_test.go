package handlers

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"hubadmin/channels"
	"hubadmin/db"
)

func referenceJSON(t testing.TB, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// referenceIntegration is the reference shape of an integration in the
// API (integrationOut): what encoding/json writes for it is what
// appendIntegration must write.
func referenceIntegration(in db.Integration, mask bool) integrationOut {
	cfg := json.RawMessage(`{}`)
	if ch, ok := channels.ByID(in.ChannelID); ok {
		cfg = ch.Render(ch.Join(in.Config, in.Secrets), mask)
	}
	return integrationOut{IntegrationID: in.ID, HubID: in.HubID, InboundID: in.InboundID, IntegrationTypeID: in.IntegrationType,
		ChannelID: in.ChannelID, Name: in.Name, StatusID: in.StatusID, Configuration: cfg,
		Created: in.Created.UTC().Format(time.RFC3339), Modified: in.Modified.UTC().Format(time.RFC3339)}
}

// FuzzIntegrationEncoding: the hand-written encoder writes the bytes
// encoding/json writes for the reference shape, for any name and stored
// configuration the channels accept.
func FuzzIntegrationEncoding(f *testing.F) {
	f.Add("Web chat", "WebChat", `{"allowedOrigins":["a.com"],"start":[{"type":"text","text":"hi <b>&</b>"}]}`, "")
	f.Add("SMS \"main\" \u2028 é", "TwilioSMS", `{"accountSid":"AC0123456789abcdef0123456789abcdef","authToken":"tok<&>en0123456789abcdef0123456789","numberSid":"PN0123456789abcdef0123456789abcdef"}`, "in-1")
	f.Add("bad \xff utf8\x01", "Direct", `{"integrationType":"Agent","echo":true,"webhookUrl":"https://x.io/h?a=1&b=2"}`, "")
	f.Add("hook", "System", `{"webhookUrl":"https://h.example/x","events":["message"]}`, "")
	f.Add("page", "FacebookMessenger", `{"pageAccessToken":"EAAB0123456789"}`, "")
	f.Add("x", "Unknown", `{}`, "")
	f.Fuzz(func(t *testing.T, name, channel, cfgJSON, inbound string) {
		in := db.Integration{ID: "7c9e6679-7425-40de-944b-e07fc1f90ae7", HubID: "h<1>", InboundID: inbound,
			IntegrationType: "t&1", ChannelID: channel, Name: name, StatusID: db.IntegrationPaused,
			Created:  time.Date(2026, 11, 26, 15, 4, 5, 123456000, time.UTC),
			Modified: time.Date(2026, 11, 26, 16, 4, 5, 0, time.FixedZone("x", 3600)), Config: json.RawMessage(`{}`)}
		if ch, ok := channels.ByID(channel); ok {
			cfg, errs := ch.Decode(json.RawMessage(cfgJSON), channels.Create)
			if len(errs) > 0 {
				return
			}
			delete(cfg, "regenerateKeys")
			in.Config, in.Secrets = ch.Split(cfg)
		}
		for _, mask := range []bool{false, true} {
			want := referenceJSON(t, referenceIntegration(in, mask))
			got := string(appendIntegration(nil, in, mask)) + "\n"
			if got != want {
				t.Fatalf("mask=%v:\n got %s\nwant %s", mask, got, want)
			}
		}
	})
}
