package channels

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Mask hides a secret but its last four characters: "••••1234".
func Mask(s string) string {
	if s == "" {
		return ""
	}
	r := []rune(s)
	if len(r) <= 8 {
		return "••••"
	}
	return "••••" + string(r[len(r)-4:])
}

// Render writes a configuration as a JSON object with camelCase keys in the
// channel's output order; absent values are left out. With mask, secrets
// show only their last four characters.
func (ch *Channel) Render(cfg Config, mask bool) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, k := range ch.Keys() {
		v, ok := cfg[k]
		if !ok || v == nil {
			continue
		}
		if mask && ch.IsSecret(k) {
			if s, ok := v.(string); ok {
				v = Mask(s)
			}
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		if caps, ok := v.(map[string]bool); ok {
			// Capabilities in the seed's order.
			b.WriteString(`{"mms":` + boolStr(caps["mms"]) + `,"sms":` + boolStr(caps["sms"]) + `,"voice":` + boolStr(caps["voice"]) + `}`)
			continue
		}
		vb, err := json.Marshal(v)
		if err != nil {
			vb = []byte("null")
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// AppendStored appends a configuration rendered straight from its stored
// parts to b, as Render(Join(public, secrets), mask) would, without
// decoding the values: lists render every row, so this is their hot path.
func (ch *Channel) AppendStored(b []byte, public json.RawMessage, secrets map[string]string, mask bool) []byte {
	var buf [24]member
	raw, ok := splitMembers(public, buf[:0])
	if !ok {
		return append(b, ch.Render(ch.Join(public, secrets), mask)...)
	}
	b = append(b, '{')
	first := true
	for _, k := range ch.keys {
		var val []byte
		s, secret := secrets[k]
		if !secret {
			for _, m := range raw {
				if string(m.key) == k {
					val = m.val
					break
				}
			}
			if val == nil || string(val) == "null" {
				continue
			}
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, k...) // keys are fixed camelCase identifiers
		b = append(b, '"', ':')
		if secret {
			if mask {
				s = Mask(s)
			}
			b = AppendJSONString(b, s, true)
		} else {
			b = append(b, val...)
		}
	}
	return append(b, '}')
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Split separates the secret values (stored encrypted) from the rest.
func (ch *Channel) Split(cfg Config) (public json.RawMessage, secrets map[string]string) {
	pub := Config{}
	secrets = map[string]string{}
	for k, v := range cfg {
		if s, ok := v.(string); ok && ch.IsSecret(k) {
			secrets[k] = s
			continue
		}
		pub[k] = v
	}
	public, _ = json.Marshal(pub)
	return public, secrets
}

// Join rebuilds a configuration from its stored parts: one pass of the
// JSON decoder, then the values are given their channel's Go types.
func (ch *Channel) Join(public json.RawMessage, secrets map[string]string) Config {
	var raw map[string]any
	_ = json.Unmarshal(public, &raw)
	cfg := make(Config, len(raw)+len(secrets))
	for k, v := range raw {
		cfg[k] = storedValue(ch, k, v)
	}
	for k, v := range secrets {
		cfg[k] = v
	}
	return cfg
}

// storedValue converts a decoded JSON value to the type Decode gives it.
func storedValue(ch *Channel, k string, v any) any {
	kind := Text
	if f, ok := ch.Field(k); ok {
		kind = f.Kind
	}
	switch x := v.(type) {
	case []any:
		if kind == Messages {
			out := make([]Message, 0, len(x))
			for _, m := range x {
				if mm, ok := m.(map[string]any); ok {
					t, _ := mm["type"].(string)
					txt, _ := mm["text"].(string)
					out = append(out, Message{Type: t, Text: txt})
				}
			}
			return out
		}
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case map[string]any:
		caps := make(map[string]bool, len(x))
		for ck, cv := range x {
			b, _ := cv.(bool)
			caps[ck] = b
		}
		return caps
	}
	return v // string or bool
}

// FormField is the form input name of a configuration field.
func FormField(name string) string { return "cfg." + name }

// FromForm turns a dashboard form into the JSON the API takes, so both go
// through Decode. Empty text and empty list rows are left out; lists are
// repeated inputs of the same name.
func (ch *Channel) FromForm(form url.Values, op Op) json.RawMessage {
	obj := map[string]any{}
	for _, f := range ch.Fields {
		if f.UpdateOnly && op == Create {
			continue
		}
		key := FormField(f.Name)
		switch f.Kind {
		case Bool:
			v := form.Get(key)
			if f.UpdateOnly && v == "" {
				continue
			}
			obj[f.Name] = v == "true" || v == "on" || v == "1"
		case Hosts, MultiChoice:
			var list []string
			for _, s := range form[key] {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			obj[f.Name] = list
		case Messages:
			var list []Message
			for _, s := range form[key] {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, Message{Type: "text", Text: s})
				}
			}
			if len(list) > 0 {
				obj[f.Name] = list
			}
		default:
			if s := strings.TrimSpace(form.Get(key)); s != "" && utf8.ValidString(s) {
				obj[f.Name] = s
			}
		}
	}
	b, _ := json.Marshal(obj)
	return b
}
