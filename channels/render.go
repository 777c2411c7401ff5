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
	return ch.appendStored(b, public, secrets, nil, mask)
}

// AppendStoredJSON is AppendStored with the secrets as the JSON object they
// were sealed as (json.Marshal of their map), not decoded: a list writes
// every row's secrets, and a map per row cost more than the rest of reading
// the row. A secret whose stored JSON string is what encoding/json writes
// for its value anyway is copied as it is; any other is decoded and
// written again, so the bytes are AppendStored's.
func (ch *Channel) AppendStoredJSON(b []byte, public, secrets json.RawMessage, mask bool) []byte {
	var buf [8]member
	sealed, ok := splitMembers(secrets, buf[:0])
	for _, m := range sealed {
		ok = ok && len(m.val) >= 2 && m.val[0] == '"'
	}
	if !ok || len(sealed) == 0 {
		// Not as sealed (it cannot be: AES-GCM authenticated it as the
		// object json.Marshal wrote), or empty: decoded the usual way.
		var m map[string]string
		_ = json.Unmarshal(secrets, &m)
		return ch.appendStored(b, public, m, nil, mask)
	}
	return ch.appendStored(b, public, nil, sealed, mask)
}

// appendStored is AppendStored with the secrets either decoded (secrets) or
// as the members of their sealed JSON object (sealed, when not nil).
func (ch *Channel) appendStored(b []byte, public json.RawMessage, secrets map[string]string, sealed []member, mask bool) []byte {
	var buf [24]member
	raw, ok := splitMembers(public, buf[:0])
	if !ok {
		if sealed != nil {
			secrets = decodeMembers(sealed)
		}
		return append(b, ch.Render(ch.Join(public, secrets), mask)...)
	}
	b = append(b, '{')
	first := true
	for _, k := range ch.keys {
		var val []byte // a public value as stored, or a secret's JSON string as sealed
		s, secret := secrets[k]
		if sealed != nil {
			if val = memberValue(sealed, k); val != nil {
				secret = true
				if mask || !plainJSONString(val) {
					s, val = decodeJSONString(val), nil
				}
			}
		}
		if !secret {
			val = memberValue(raw, k)
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
		switch {
		case val != nil:
			b = append(b, val...)
		case mask:
			b = AppendJSONString(b, Mask(s), true)
		default:
			b = AppendJSONString(b, s, true)
		}
	}
	return append(b, '}')
}

// memberValue is the value of the member named k, nil if there is none.
func memberValue(members []member, k string) []byte {
	for _, m := range members {
		if string(m.key) == k {
			return m.val
		}
	}
	return nil
}

// plainJSONString reports whether the JSON string s (quotes included) is
// what encoding/json writes for its value: printable ASCII with no escape
// and none of the characters it escapes for HTML (<, >, &).
func plainJSONString(s []byte) bool {
	for _, c := range s[1 : len(s)-1] {
		if !plainByte(c, true) {
			return false
		}
	}
	return true
}

// decodeMembers decodes sealed secrets' members into their map.
func decodeMembers(sealed []member) map[string]string {
	m := make(map[string]string, len(sealed))
	for _, mb := range sealed {
		m[string(mb.key)] = decodeJSONString(mb.val)
	}
	return m
}

// decodeJSONString decodes a JSON string that splitMembers read (a
// function of its own: the string it decodes into goes to the heap).
func decodeJSONString(v []byte) string {
	if plainJSONString(v) {
		return string(v[1 : len(v)-1])
	}
	var s string
	_ = json.Unmarshal(v, &s)
	return s
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
