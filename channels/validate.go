package channels

import (
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

var hostLabel = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

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
	if strings.ContainsAny(rest, " \t") {
		return "must be host[:port] or https://host[:port], without spaces"
	}
	if strings.ContainsAny(rest, "@") {
		return "must be host[:port] or https://host[:port], without a user name"
	}
	if strings.ContainsAny(rest, "/?#") {
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
	if numericHost(u.Hostname()) {
		return "names its host as a number in a form other than a.b.c.d (127.1, 2130706433, 0x7f000001); write the address as four decimal numbers, or use a domain name"
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
