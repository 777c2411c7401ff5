package webhooks

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// errorLimit bounds an Attempt's Error: a one-line reason that the delivery
// log keeps, the audit log copies and the dashboard shows in a toast.
const errorLimit = 300

// nameLimit bounds a host name or Location quoted inside a reason, so that
// the sentence around it survives errorLimit.
const nameLimit = 100

// reason makes the one-line Error of an Attempt: parts of it come from the
// receiver (a malformed status line, a Location, certificate names), which
// can be any bytes and any length.
func reason(s string) string {
	return clip(printable(s, false), errorLimit)
}

// quoted is a receiver's or a URL's text as it goes inside a reason.
func quoted(s string) string {
	return clip(printable(s, false), nameLimit)
}

// excerptText is the stored form of the first ExcerptLimit bytes of an
// answer, kept as TEXT and shown in the dashboard. A binary answer is kept
// as text with its non-text runs marked, rather than summarised as
// "(binary, N bytes)": an error page with a stray NUL stays readable. Each
// run of invalid UTF-8, NUL and other control characters (C0 but \t, \n and
// \r; DEL; C1) becomes one U+FFFD, so a character cut in half by the limit
// becomes U+FFFD too, and the result is at most about twice the bytes read.
func excerptText(b []byte) string {
	return printable(string(b), true)
}

// printable returns s as valid UTF-8 without control characters: each run
// of invalid bytes or controls becomes one U+FFFD; \t, \n and \r are kept
// with keepLines and become spaces otherwise.
func printable(s string, keepLines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	inBad := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if keepLines {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case r == utf8.RuneError && size == 1, unicode.IsControl(r):
			if !inBad {
				b.WriteRune(utf8.RuneError)
			}
			inBad = true
			continue
		default:
			b.WriteString(s[i-size : i])
		}
		inBad = false
	}
	return b.String()
}

// clip cuts valid UTF-8 text to at most n bytes, on a character boundary,
// marking the cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
