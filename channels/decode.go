package channels

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error codes, Hubster's where it has one (docs/api/6_error_codes.rst).
const (
	CodeBadFormat      = 201
	CodeOutOfRange     = 207
	CodeBodyMissing    = 300
	CodeRequired       = 301
	CodeWrongType      = 302
	CodeNotSupported   = 303
	CodeEmpty          = 306
	CodeProviderRefuse = 901
	CodeProviderDown   = 902
	CodeStateInvalid   = 903
)

// FieldError is one problem with one input property.
type FieldError struct {
	Code    int
	Field   string // "configuration.accountSid"
	Message string
}

func (e FieldError) Error() string { return e.Message }

// FieldErrors is every problem found in one input.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	var s []string
	for _, fe := range e {
		s = append(s, fe.Message)
	}
	return strings.Join(s, "; ")
}

// For returns the first message about a field, for forms.
func (e FieldErrors) For(field string) string {
	for _, fe := range e {
		if strings.EqualFold(fe.Field, field) {
			return fe.Message
		}
	}
	return ""
}

func required(path string) FieldError {
	return FieldError{CodeRequired, path, fmt.Sprintf("Property '%s' is required.", path)}
}

func wrongType(path, want string) FieldError {
	return FieldError{CodeWrongType, path, fmt.Sprintf("Property '%s' must be %s.", path, want)}
}

func invalid(path, reason string) FieldError {
	return FieldError{CodeBadFormat, path, fmt.Sprintf("Property '%s' %s.", path, reason)}
}

// Op is what the configuration is decoded for.
type Op int

const (
	Create Op = iota
	Update
)

// Decode reads a configuration object: keys any case, derived keys
// ignored, unknown keys refused, every field checked. It returns every
// problem found, not just the first, and the valid fields even then.
func (ch *Channel) Decode(raw json.RawMessage, op Op) (Config, FieldErrors) {
	const prefix = "configuration"
	var obj map[string]json.RawMessage
	if err := strictObject(raw, &obj); err != nil {
		return nil, FieldErrors{wrongType(prefix, "an object")}
	}
	if k, twice := RepeatedKey(raw); twice {
		return nil, FieldErrors{invalid(prefix+"."+k, "is given twice (keys are case-insensitive)")}
	}
	cfg := Config{}
	var errs FieldErrors
	given := map[string]json.RawMessage{}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic error order
	for _, k := range keys {
		v := obj[k]
		if f, ok := ch.Field(k); ok {
			if f.UpdateOnly && op == Create {
				continue // harmless on create: there is nothing to regenerate
			}
			if _, dup := given[f.Name]; dup {
				errs = append(errs, invalid(prefix+"."+f.Name, "is given twice (keys are case-insensitive)"))
				continue
			}
			given[f.Name] = v
			continue
		}
		if d, ok := ch.derived(k); ok {
			// Sent back, it is ignored; one that has a single value refuses
			// another (a client asking for what cannot be).
			if d.Only != "" && !isNull(v) && string(bytes.TrimSpace(v)) != d.Only {
				errs = append(errs, FieldError{CodeOutOfRange, prefix + "." + d.Name,
					fmt.Sprintf("Property '%s.%s' is always %s for %s integrations (%s); leave it out.", prefix, d.Name, d.Only, ch.ID, d.Why)})
			}
			continue
		}
		errs = append(errs, FieldError{CodeNotSupported, prefix + "." + k,
			fmt.Sprintf("Property '%s.%s' is not supported by %s integrations; supported: %s.", prefix, k, ch.ID, ch.inputNames(op))})
	}
	for _, f := range ch.Fields {
		if f.UpdateOnly && op == Create {
			continue
		}
		path := prefix + "." + f.Name
		v, ok := given[f.Name]
		if !ok || isNull(v) {
			if f.Required {
				errs = append(errs, required(path))
			} else if f.Default != nil {
				cfg[f.Name] = f.Default
			}
			continue
		}
		val, fes := decodeValue(f, path, v)
		if len(fes) > 0 {
			errs = append(errs, fes...)
			continue
		}
		if val == nil { // an empty optional value
			if f.Required {
				errs = append(errs, required(path))
			}
			continue
		}
		if f.Check != nil {
			if reason := f.Check(val); reason != "" {
				errs = append(errs, invalid(path, reason))
				continue
			}
		}
		cfg[f.Name] = val
	}
	// With errors, cfg holds the fields that were valid: checks made
	// after decoding (a webhook's address) still run on them, so one
	// answer names every problem. It must not be stored.
	return cfg, errs
}

func (ch *Channel) derived(k string) (Derived, bool) {
	for _, d := range ch.Derived {
		if strings.EqualFold(d.Name, k) {
			return d, true
		}
	}
	return Derived{}, false
}

func (ch *Channel) inputNames(op Op) string {
	var n []string
	for _, f := range ch.Fields {
		if !f.UpdateOnly || op == Update {
			n = append(n, f.Name)
		}
	}
	return strings.Join(n, ", ")
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// strictObject decodes a JSON object, refusing anything else.
func strictObject(raw json.RawMessage, obj *map[string]json.RawMessage) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("not an object")
	}
	return json.Unmarshal(t, obj)
}

// RepeatedKey returns the first member name of a JSON object that another
// member before it has too, in any case, and true; encoding/json keeps the
// last of the same name without a word, so a body saying a thing twice
// would otherwise have one of its values dropped in silence. raw must be a
// valid JSON object (decode it first).
func RepeatedKey(raw []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		k, _ := t.(string)
		if seen[strings.ToLower(k)] {
			return k, true
		}
		seen[strings.ToLower(k)] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

// decodeValue decodes one field's value; a list reports every bad item,
// not only the first, so that a form flags all its bad rows at once.
func decodeValue(f Field, path string, v json.RawMessage) (any, FieldErrors) {
	fail := func(e FieldError) (any, FieldErrors) { return nil, FieldErrors{e} }
	switch f.Kind {
	case Text, Secret, URL, Choice:
		var s string
		if json.Unmarshal(v, &s) != nil {
			// Hubster's clients send some choices as numbers (integrationType 2/3).
			var n json.Number
			if f.Kind != Choice || json.Unmarshal(v, &n) != nil {
				return fail(wrongType(path, "a string"))
			}
			s = NumberText(n)
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		if utf8.RuneCountInString(s) > 4096 {
			return fail(invalid(path, "is longer than 4096 characters"))
		}
		if f.Kind == Choice {
			for i, c := range f.Choices {
				if strings.EqualFold(c, s) || (f.Numbers != nil && s == f.Numbers[i]) {
					return c, nil
				}
			}
			return fail(FieldError{CodeOutOfRange, path, fmt.Sprintf("Property '%s' must be one of %s.", path, strings.Join(f.Choices, ", "))})
		}
		if f.Kind == URL {
			if reason := checkWebhookURL(s); reason != "" {
				return fail(invalid(path, reason))
			}
		}
		return s, nil
	case Bool:
		var b bool
		if json.Unmarshal(v, &b) != nil {
			return fail(wrongType(path, "true or false"))
		}
		return b, nil
	case Hosts, MultiChoice:
		var list []*string // a null item is not a string, nor an empty one
		if json.Unmarshal(v, &list) != nil {
			return fail(wrongType(path, "an array of strings"))
		}
		var out []string
		var bad FieldErrors
		seen := map[string]bool{}
		for i, item := range list {
			ipath := fmt.Sprintf("%s[%d]", path, i)
			if item == nil {
				bad = append(bad, wrongType(ipath, "a string"))
				continue
			}
			s := strings.TrimSpace(*item)
			if f.Kind == MultiChoice {
				c, ok := choice(f.Choices, s)
				if !ok {
					bad = append(bad, FieldError{CodeOutOfRange, ipath, fmt.Sprintf("Property '%s' is %q; supported values: %s.", ipath, s, strings.Join(f.Choices, ", "))})
					continue
				}
				s = c
			} else {
				s = asciiHost(s) // stored as browsers send it in Origin
				if reason := checkHost(s); reason != "" {
					bad = append(bad, invalid(ipath, reason))
					continue
				}
			}
			if seen[strings.ToLower(s)] {
				continue // a repeat adds nothing
			}
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
		if len(bad) > 0 {
			return nil, bad
		}
		if len(out) == 0 {
			if f.Required {
				return fail(FieldError{CodeEmpty, path, fmt.Sprintf("Property '%s' must not be empty.", path)})
			}
			return nil, nil
		}
		if f.Covering {
			out = withoutCovered(out)
		}
		if f.Max > 0 && len(out) > f.Max {
			return fail(FieldError{CodeOutOfRange, path, fmt.Sprintf("Property '%s' holds %d items; at most %d are allowed.", path, len(out), f.Max)})
		}
		return out, nil
	case Messages:
		var items []json.RawMessage
		var list []map[string]json.RawMessage
		if json.Unmarshal(v, &items) != nil || json.Unmarshal(v, &list) != nil {
			return fail(wrongType(path, `an array of messages like {"type":"text","text":"..."}`))
		}
		if f.Max > 0 && len(list) > f.Max {
			return fail(FieldError{CodeOutOfRange, path, fmt.Sprintf("Property '%s' holds %d messages; at most %d are allowed.", path, len(list), f.Max)})
		}
		out := []Message{}
		var bad FieldErrors
		for i, m := range list {
			ipath := fmt.Sprintf("%s[%d]", path, i)
			msg, fes := decodeMessage(ipath, m)
			if k, twice := RepeatedKey(items[i]); twice {
				// Said first, instead of what one of the two values would say.
				twicePath := ipath + "." + strings.ToLower(k)
				fes = slices.DeleteFunc(fes, func(e FieldError) bool { return e.Field == twicePath })
				fes = append(FieldErrors{invalid(twicePath, "is given twice (keys are case-insensitive)")}, fes...)
			}
			if len(fes) > 0 {
				bad = append(bad, fes...)
				continue
			}
			out = append(out, msg)
		}
		if len(bad) > 0 {
			return nil, bad
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
	return fail(invalid(path, "has an unknown kind"))
}

// MessageTypes are the supported message types of a message list.
var MessageTypes = []string{"text"}

// decodeMessage reads one item of a message list. It reports every problem
// of the item, not just the first, in a fixed order (unknown keys sorted,
// then type, then text), so that a client fixes them in one round.
func decodeMessage(path string, m map[string]json.RawMessage) (Message, FieldErrors) {
	var msg Message
	var typ, text json.RawMessage
	var errs FieldErrors
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the order of the errors, and which of two spellings of a key is read
	for _, k := range keys {
		switch strings.ToLower(k) {
		case "type":
			typ = m[k]
		case "text":
			text = m[k]
		default:
			errs = append(errs, FieldError{CodeNotSupported, path + "." + k,
				fmt.Sprintf("Property '%s.%s' is not supported; a message has type and text.", path, k)})
		}
	}
	var fe *FieldError
	if msg.Type, fe = messageType(path+".type", typ); fe != nil {
		errs = append(errs, *fe)
	}
	if msg.Text, fe = messageText(path+".text", text); fe != nil {
		errs = append(errs, *fe)
	}
	return msg, errs
}

// messageString reads a message's string property; absent and null are
// both missing (nil), as for configuration properties.
func messageString(path string, v json.RawMessage) (s string, missing bool, fe *FieldError) {
	if v == nil || isNull(v) {
		return "", true, nil
	}
	if json.Unmarshal(v, &s) != nil {
		e := wrongType(path, "a string")
		return "", false, &e
	}
	return strings.TrimSpace(s), false, nil
}

func messageType(path string, v json.RawMessage) (string, *FieldError) {
	s, missing, fe := messageString(path, v)
	supported := strings.Join(MessageTypes, ", ")
	switch {
	case fe != nil:
		return "", fe
	case missing:
		e := FieldError{CodeRequired, path, fmt.Sprintf("Property '%s' is required; supported message types: %s.", path, supported)}
		return "", &e
	case s == "":
		e := FieldError{CodeOutOfRange, path, fmt.Sprintf("Property '%s' must not be empty; supported message types: %s.", path, supported)}
		return "", &e
	}
	s = strings.ToLower(s)
	if !slices.Contains(MessageTypes, s) {
		e := FieldError{CodeOutOfRange, path, fmt.Sprintf("Property '%s' is %q; supported message types: %s.", path, s, supported)}
		return "", &e
	}
	return s, nil
}

func messageText(path string, v json.RawMessage) (string, *FieldError) {
	s, missing, fe := messageString(path, v)
	if fe != nil {
		return "", fe
	}
	if missing {
		e := required(path)
		return "", &e
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		e := invalid(path, "must not be empty (1–2000 characters, not only spaces)")
		return "", &e
	case n > 2000:
		e := invalid(path, fmt.Sprintf("is %d characters long; at most 2000 are allowed", n))
		return "", &e
	}
	// Line breaks and tabs are text; other control characters are not,
	// and a chat window shows them as boxes or nothing. Joiners and
	// direction marks stay: emoji sequences and right-to-left text use them.
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		e := invalid(path, fmt.Sprintf("holds the control character U+%04X at character %d; only line breaks and tabs are allowed", r, utf8.RuneCountInString(s[:i])+1))
		return "", &e
	}
	return s, nil
}

// withoutCovered drops the choices of a Covering list that another
// choice of the list already means: "x" means every "x:…" choice (System's
// "message" is message:customer, message:agent and message:bot), so with
// "message" given the others are redundant and the list is stored and
// returned as ["message"]. The converse is not done: all of the "x:…"
// choices stay as given (the seed returns the three message events as
// sent), and "x" would also mean any "x:…" choice added later. items are
// canonical choices, without repeats; their order is kept.
func withoutCovered(items []string) []string {
	covered := func(s string) bool {
		for _, c := range items {
			if strings.HasPrefix(s, c+":") {
				return true
			}
		}
		return false
	}
	return slices.DeleteFunc(slices.Clone(items), covered)
}

func choice(choices []string, s string) (string, bool) {
	for _, c := range choices {
		if strings.EqualFold(c, s) {
			return c, true
		}
	}
	return "", false
}

// LoneSurrogate finds a \u escape of half a UTF-16 surrogate pair that has
// no other half (encoding/json reads one as U+FFFD in silence), and
// returns it as written. raw is JSON text; escapes only occur in strings.
func LoneSurrogate(raw []byte) (string, bool) {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range raw[i+2 : i+6] {
			switch {
			case c >= '0' && c <= '9':
				r = r<<4 | rune(c-'0')
			case c >= 'a' && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case c >= 'A' && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // \" \\ \n …: skip the escaped character
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			if lo, ok := hex4(i + 6); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				i += 11
				continue
			}
			return string(raw[i : i+6]), true
		case r >= 0xDC00 && r <= 0xDFFF:
			return string(raw[i : i+6]), true
		}
		i += 5
	}
	return "", false
}

// NumberText is a JSON number as text, a whole one in its integer form:
// JSON has one number type, and 2.0 or 3e3 (what Python's json.dumps
// writes for a float) are the numbers 2 and 3000.
func NumberText(n json.Number) string {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return s
	}
	return strconv.FormatInt(int64(f), 10)
}
