package channels

import (
	"unicode/utf8"
)

// This file writes JSON by hand for the read paths that render every row of
// a list: encoding/json re-validates and re-compacts every json.RawMessage it
// is given, and decodes stored configurations into maps, which made those
// the largest costs of a list request. The output is byte-for-byte what
// encoding/json (with SetEscapeHTML(false)) writes; the tests compare the
// two.

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaped as encoding/json
// does: quotes, backslashes, control characters, U+2028 and U+2029 are
// escaped and invalid UTF-8 becomes U+FFFD; with html, so are <, > and &
// (json.Marshal's default, which stored configurations were written with).
func AppendJSONString(b []byte, s string, html bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plainByte(c, html) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainByte reports whether encoding/json writes the byte c as it is inside
// a string: printable ASCII but the quote and the backslash, and with html
// but <, > and & too.
func plainByte(c byte, html bool) bool {
	return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && (!html || (c != '<' && c != '>' && c != '&'))
}

// member is one top-level member of a JSON object: its key (without the
// quotes) and its value's bytes.
type member struct {
	key, val []byte
}

// splitMembers appends the top-level members of the JSON object obj to out.
// It reads the compact objects the store writes (json.Marshal's output),
// checking the syntax as it goes, and tolerates whitespace; it reports
// false for anything else (a key with an escape or beyond ASCII, malformed
// JSON), and the
// caller then decodes the slow way.
func splitMembers(obj []byte, out []member) ([]member, bool) {
	i := skipSpace(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, false
	}
	end, ok := objectEnd(obj, i, func(key, val []byte) bool {
		for _, c := range key {
			if c == '\\' || c >= utf8.RuneSelf {
				return false
			}
		}
		out = append(out, member{key: key, val: val})
		return true
	})
	if !ok || skipSpace(obj, end) != len(obj) {
		return nil, false
	}
	return out, true
}

// objectEnd is the index just past the object starting at b[i] == '{';
// each member goes to fn (when not nil), which may refuse it.
func objectEnd(b []byte, i int, fn func(key, val []byte) bool) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, ok := stringEnd(b, i)
		if !ok {
			return 0, false
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		start := i
		if i, ok = valueEnd(b, i); !ok {
			return 0, false
		}
		if fn != nil && !fn(key, b[start:i]) {
			return 0, false
		}
		next, more, ok := listNext(b, i, '}')
		if !ok || !more {
			return next, ok
		}
		i = next
	}
}

// arrayEnd is the index just past the array starting at b[i] == '['.
func arrayEnd(b []byte, i int) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = valueEnd(b, i); !ok {
			return 0, false
		}
		next, more, ok := listNext(b, i, ']')
		if !ok || !more {
			return next, ok
		}
		i = next
	}
}

// listNext reads what follows a member or an element: a comma, after which
// more follow from next, or the closing bracket, just before next.
func listNext(b []byte, i int, closing byte) (next int, more, ok bool) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, false
	}
	switch b[i] {
	case ',':
		return skipSpace(b, i+1), true, true
	case closing:
		return i + 1, false, true
	}
	return 0, false, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// stringEnd is the index just past the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return 0, false
		case c == '\\':
			i++
			if i >= len(b) {
				return 0, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return 0, false
				}
				i += 4
			default:
				return 0, false
			}
		}
	}
	return 0, false
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// validScalar reports whether lit is true, false, null or a JSON number.
func validScalar(lit []byte) bool {
	switch string(lit) {
	case "true", "false", "null":
		return true
	}
	i := 0
	if i < len(lit) && lit[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(lit) && '0' <= lit[i] && lit[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(lit) && lit[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(lit) && lit[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(lit)
}

// valueEnd is the index just past the value starting at b[i].
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{':
		return objectEnd(b, i, nil)
	case '[':
		return arrayEnd(b, i)
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' {
		i++
	}
	return i, validScalar(b[start:i])
}
