package channels

import (
	"encoding/json"
	"testing"
)

var benchConfigs = map[string]string{
	"WebChat":   `{"allowedOrigins":["www.example.com","https://shop.example.com:8443"],"start":[{"type":"text","text":"Hi! How can we help?"}]}`,
	"Direct":    `{"integrationType":"Customer","echo":true,"webhookUrl":"https://hooks.example.com/hubster","start":[{"type":"text","text":"Hello"}]}`,
	"System":    `{"events":["message:customer","message:agent"],"webhookUrl":"https://events.example.com/in"}`,
	"TwilioSMS": `{"accountSid":"AC0123456789abcdef0123456789abcdef","authToken":"0123456789abcdef0123456789abcdef","numberSid":"PN0123456789abcdef0123456789abcdef"}`,
}

// BenchmarkDecode is channel validation: a create request's configuration
// decoded and checked against the channel's fields.
func BenchmarkDecode(b *testing.B) {
	for id, raw := range benchConfigs {
		ch, _ := ByID(id)
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, errs := ch.Decode(json.RawMessage(raw), Create); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}

// BenchmarkRender is a stored configuration joined and rendered for the API
// (what every integration in a list response costs).
func BenchmarkRender(b *testing.B) {
	ch, _ := ByID("Direct")
	cfg, _ := ch.Decode(json.RawMessage(benchConfigs["Direct"]), Create)
	cfg["publicSigningKey"], cfg["privateSigningKey"] = SigningKey(), SigningKey()
	public, secrets := ch.Split(cfg)
	b.ReportAllocs()
	for b.Loop() {
		_ = ch.Render(ch.Join(public, secrets), true)
	}
}
