package channels

import (
	"bytes"
	"encoding/json"
	"strings"
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
			// The valid fields come back too (later checks run on them);
			// none of them has an error.
			for _, e := range errs {
				if _, kept := cfg[strings.TrimPrefix(e.Field, "configuration.")]; kept {
					t.Fatalf("%s has an error and a value: %v", e.Field, errs)
				}
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
		// Stored as the store keeps it, it renders to the same bytes, its
		// secrets decoded or as sealed.
		pub, sec := ch.Split(cfg)
		sealed, _ := json.Marshal(sec)
		for _, mask := range []bool{false, true} {
			if got, want := ch.AppendStored(nil, pub, sec, mask), ch.Render(cfg, mask); string(got) != string(want) {
				t.Fatalf("stored render mask=%v:\n got %s\nwant %s", mask, got, want)
			}
			if got, want := ch.AppendStoredJSON(nil, pub, sealed, mask), ch.Render(cfg, mask); string(got) != string(want) {
				t.Fatalf("stored render, secrets as sealed, mask=%v:\n got %s\nwant %s", mask, got, want)
			}
		}
	})
}

// TestAppendStoredMatchesRender: the fast path renders what Render does.
func TestAppendStoredMatchesRender(t *testing.T) {
	for _, raw := range []string{
		`{"accountSid":"AC0123456789abcdef0123456789abcdef","authToken":"0123456789abcdef0123456789abcdef","numberSid":"PN0123456789abcdef0123456789abcdef"}`,
		`{"allowedOrigins":["a.com","https://b.org:8443"],"start":[{"type":"text","text":"hi \u003c\u0026 \"x\""}]}`,
		`{"integrationType":"Agent","echo":true,"webhookUrl":"https://x.io/h?a=1&b=<2>"}`,
		`{"webhookUrl":"http://h.example/x","events":["message"]}`,
	} {
		for _, ch := range All() {
			cfg, errs := ch.Decode(json.RawMessage(raw), Create)
			if len(errs) > 0 {
				continue
			}
			cfg["phoneNumber"], cfg["capabilities"] = "+15550000000", map[string]bool{"mms": false, "sms": true, "voice": true}
			cfg["publicSigningKey"], cfg["privateSigningKey"] = SigningKey(), SigningKey()
			pub, sec := ch.Split(cfg)
			for _, mask := range []bool{false, true} {
				want := string(ch.Render(ch.Join(pub, sec), mask))
				var a, b any
				json.Unmarshal([]byte(want), &a)
				got := ch.AppendStored(nil, pub, sec, mask)
				json.Unmarshal(got, &b)
				if keysOrder(want) != keysOrder(string(got)) || !jsonEqual(a, b) {
					t.Errorf("%s mask=%v:\n got %s\nwant %s", ch.ID, mask, got, want)
				}
			}
		}
	}
}

// TestAppendStoredJSONMatchesAppendStored: secrets written from their
// sealed JSON, copied or decoded, come out byte for byte as written from
// the map the store decodes it into, masked or not, whatever they hold.
func TestAppendStoredJSONMatchesAppendStored(t *testing.T) {
	values := []string{"0123456789abcdef0123456789abcdef", "xoxb-1-2", "a<b>&c", "é clé ✓ 🙂", "line\u2028sep", `q"uo\te`,
		"tab\tctl\x01", "", "short", strings.Repeat("long-", 60), "bad\xffutf8"}
	for _, ch := range All() {
		for i := range values {
			cfg := Config{}
			n := 0
			for _, k := range ch.Keys() {
				if ch.IsSecret(k) {
					cfg[k] = values[(i+n)%len(values)] // each secret key a different value
					n++
				}
			}
			if n == 0 {
				continue
			}
			pub, sec := ch.Split(cfg)
			asSealed, err := json.Marshal(sec) // as db.sealSecrets seals them
			if err != nil {
				t.Fatal(err)
			}
			// Sealed by another encoder (<, > and & not escaped), they
			// must come out the same all the same.
			var other bytes.Buffer
			enc := json.NewEncoder(&other)
			enc.SetEscapeHTML(false)
			enc.Encode(sec)
			for _, sealed := range [][]byte{asSealed, bytes.TrimSpace(other.Bytes())} {
				var opened map[string]string // as the store decodes them
				if err := json.Unmarshal(sealed, &opened); err != nil {
					t.Fatal(err)
				}
				for _, mask := range []bool{false, true} {
					want := ch.AppendStored(nil, pub, opened, mask)
					if got := ch.AppendStoredJSON(nil, pub, sealed, mask); string(got) != string(want) {
						t.Errorf("%s mask=%v, sealed %s:\n got %s\nwant %s", ch.ID, mask, sealed, got, want)
					}
				}
			}
		}
	}
	// No secrets sealed: the public part alone.
	ch, _ := ByID("Slack")
	if got, want := ch.AppendStoredJSON(nil, json.RawMessage(`{"teamId":"T1"}`), json.RawMessage(`{}`), false), `{"teamId":"T1"}`; string(got) != want {
		t.Errorf("empty secrets: %s, want %s", got, want)
	}
}

func keysOrder(s string) string {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.Token()
	var keys []string
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	return strings.Join(keys, ",")
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
