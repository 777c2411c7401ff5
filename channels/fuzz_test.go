package channels

import (
	"encoding/json"
	"testing"
)

// FuzzDecode feeds arbitrary configurations to every channel: decoding
// never panics, and what it accepts renders to JSON that decodes again to
// the same configuration.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"accountSid":"AC0123456789abcdef0123456789abcdef","authToken":"0123456789abcdef0123456789abcdef","numberSid":"PN0123456789abcdef0123456789abcdef"}`,
		`{"pageAccessToken":"EAAx"}`,
		`{"allowedOrigins":["a.com","https://b.org:8443","localhost:3000"],"start":[{"type":"text","text":"hi"}]}`,
		`{"integrationType":"Agent","echo":true,"webhookUrl":"https://x.io/h","regenerateKeys":true}`,
		`{"webhookUrl":"http://[::1]:80/x","events":["message","MESSAGE:bot"]}`,
		`{"code":"c","nonce":"n"}`,
		`{"AllowedOrigins":[1],"Start":"x"}`, `[]`, `null`, `{"":{}}`, `{"start":[{"type":"text","text":""}]}`,
	}
	for _, s := range seeds {
		for i := range All() {
			f.Add(s, uint8(i), false)
			f.Add(s, uint8(i), true)
		}
	}
	f.Fuzz(func(t *testing.T, raw string, which uint8, update bool) {
		all := All()
		ch := all[int(which)%len(all)]
		op := Create
		if update {
			op = Update
		}
		cfg, errs := ch.Decode(json.RawMessage(raw), op)
		if len(errs) > 0 {
			if cfg != nil {
				t.Fatalf("errors and a configuration: %v", errs)
			}
			for _, e := range errs {
				if e.Code == 0 || e.Field == "" || e.Message == "" {
					t.Fatalf("incomplete field error %+v", e)
				}
			}
			return
		}
		delete(cfg, "regenerateKeys")
		out := ch.Render(cfg, false)
		if !json.Valid(out) {
			t.Fatalf("render is not JSON: %s", out)
		}
		again, errs := ch.Decode(out, op)
		if len(errs) > 0 {
			t.Fatalf("re-decoding %s: %v", out, errs)
		}
		if string(ch.Render(again, false)) != string(out) {
			t.Fatalf("round trip changed %s into %s", out, ch.Render(again, false))
		}
	})
}
