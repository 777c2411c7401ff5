package channels

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"hubadmin/webhooks"
)

var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// asciiHost writes an allowed origin's international host name
// (https://bücher.example) in its IDNA form (https://xn--bcher-kva.example),
// the form a browser sends in Origin and the one compared with it; the
// scheme and port stay as given. An entry that is all ASCII is returned
// as it is; a name IDNA refuses is left for checkHost to refuse.
func asciiHost(s string) string {
	if isASCII(s) {
		return s
	}
	scheme, rest := "", s
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	host, port := rest, ""
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && isASCII(rest[i:]) {
		host, port = rest[:i], rest[i:]
	}
	a, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return s
	}
	return scheme + a + port
}

func isASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
}

// checkHost accepts host, host:port, https://host and https://host:port.
func checkHost(s string) string {
	if s == "" {
		return "must not be empty"
	}
	rest := s
	if i := strings.Index(s, "://"); i >= 0 {
		if !strings.EqualFold(s[:i], "https") {
			return "must be host[:port] or https://host[:port]"
		}
		rest = s[i+3:]
	}
	if strings.ContainsAny(rest, " \t,;") {
		// "a.com, b.com" pasted whole: two origins, not a host with spaces.
		parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" \t,;", r) })
		if len(parts) > 1 && !slices.ContainsFunc(parts, func(p string) bool { return checkHost(p) != "" }) {
			return "must be one origin, host[:port] or https://host[:port]; give each origin its own entry"
		}
		return "must be host[:port] or https://host[:port], without spaces, commas or semicolons"
	}
	if strings.ContainsAny(rest, "@") {
		return "must be host[:port] or https://host[:port], without a user name"
	}
	switch i := strings.IndexAny(rest, "/?#"); {
	case i < 0:
	case rest[i] == '?':
		return "must be host[:port] or https://host[:port], without a query (?…)"
	case rest[i] == '#':
		return "must be host[:port] or https://host[:port], without a fragment (#…)"
	default:
		return "must be host[:port] or https://host[:port], without a path"
	}
	host := rest
	if h, p, err := net.SplitHostPort(rest); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "has a port outside 1–65535"
		}
		host = h
	} else if strings.Contains(rest, ":") && !strings.HasPrefix(rest, "[") {
		return "has an invalid port"
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if net.ParseIP(host) != nil {
		return ""
	}
	if len(host) > 253 {
		return "is longer than 253 characters"
	}
	for _, label := range strings.Split(host, ".") {
		if !hostLabel.MatchString(label) {
			if !isASCII(label) {
				return "is not a valid host name (an international name is taken in its IDNA form, xn--…, and this one has none)"
			}
			return "is not a valid host name"
		}
	}
	return ""
}

// checkWebhookURL accepts absolute http(s) URLs with a host and no user info.
// Whether the host may be reached is decided at delivery time (SSRF guard).
func checkWebhookURL(s string) string {
	if len(s) > 2048 {
		return "is longer than 2048 characters"
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		// url.Parse takes them, and net/http would send an escaped form
		// the user never wrote.
		return "must not contain spaces (write one in the path or query as %20)"
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return "must be an absolute http or https URL"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "must use http or https"
	}
	if u.Hostname() == "" {
		return "must name a host"
	}
	if reason := checkWebhookHost(u.Hostname()); reason != "" {
		return reason
	}
	if u.User != nil {
		return "must not carry a user name or password"
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "has a port outside 1–65535"
		}
	}
	return ""
}

// webhookLabel is one label of a webhook host's domain name: letters,
// digits, hyphens and underscores, no hyphen first or last. DNS takes '_'
// (RFC 2181 §11), Go's resolver dials it, and Hubster's own examples use
// https://url_end_point.com, so it is not refused as origins refuse it.
var webhookLabel = regexp.MustCompile(`^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$`)

// checkWebhookHost accepts an IP address or a domain name, read as the
// delivery dials it (webhooks.DialHost: IDNA, full-width dots, one
// trailing dot), so that what is checked here and by the address check is
// what will be reached. An address is left to the address check.
func checkWebhookHost(host string) string {
	name, err := webhooks.DialHost(host)
	if err != nil {
		return fmt.Sprintf("has host %q, which is not a valid domain name (%v)", host, err)
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return ""
	}
	if numericHost(name) {
		return "names its host as a number in a form other than a.b.c.d (127.1, 2130706433, 0x7f000001); write the address as four decimal numbers, or use a domain name"
	}
	if len(name) > 253 {
		return "has a host name longer than 253 characters"
	}
	for _, label := range strings.Split(name, ".") {
		if len(label) > 63 {
			return fmt.Sprintf("has host %q, whose label %q is longer than 63 characters", host, label)
		}
		if !webhookLabel.MatchString(label) {
			return fmt.Sprintf("has host %q, which is not a valid domain name: each dot-separated label must hold letters, digits, hyphens or underscores, and not start or end with a hyphen", host)
		}
	}
	return ""
}

// numericHost reports a host that is no IP address as written (not
// a.b.c.d, not IPv6) and yet no domain name either: its last label is a
// number, decimal or hex, which no top-level domain is (RFC 3696 §2).
// Some resolvers read such hosts as IPv4 addresses in old shorthand
// forms, so they are refused when saved, as the addresses they stand for
// would be; the check at connect time refuses them anyway.
func numericHost(host string) bool {
	host = strings.TrimSuffix(host, ".")
	if net.ParseIP(host) != nil {
		return false // an address as written (a trailing dot aside): the address check judges it
	}
	labels := strings.Split(host, ".")
	last := strings.ToLower(labels[len(labels)-1])
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		last = hex
		if last == "" {
			return true
		}
		for _, c := range last {
			if !strings.ContainsRune("0123456789abcdef", c) {
				return false
			}
		}
		return true
	}
	if last == "" {
		return false
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func pattern(re *regexp.Regexp, reason string) func(any) string {
	return func(v any) string {
		if s, _ := v.(string); !re.MatchString(s) {
			return reason
		}
		return ""
	}
}
