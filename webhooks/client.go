package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"code.dny.dev/ssrf"
	"golang.org/x/net/idna"
)

// DefaultTimeout is how long a receiver has to answer one delivery.
const DefaultTimeout = 10 * time.Second

var (
	// ErrAddressNotAllowed is matched (errors.Is) by every refusal of the
	// SSRF guard; errors.As with *AddressNotAllowedError gives the address.
	ErrAddressNotAllowed = errors.New("webhooks: target address not allowed")
	// ErrInvalidURL is matched by every error of CheckURL.
	ErrInvalidURL = errors.New("invalid webhook URL")
)

// AddressNotAllowedError is the SSRF guard's refusal of one resolved address.
type AddressNotAllowedError struct {
	// Host is the URL's host name when it is not the address itself; Deliver
	// sets it so the reason names the host as the user wrote it.
	Host string
	// Addr is the refused address. The message does not show it for a
	// name: it is stored with the delivery and shown to anyone who may read
	// the integration, and would map the network's private names for them.
	Addr netip.Addr
	// Kind says what the address is, e.g. "a loopback address".
	Kind string
	// Always is set for a refusal that --allow-private-webhooks does not
	// lift (link-local addresses, where cloud metadata services answer).
	Always bool
}

func (e *AddressNotAllowedError) Error() string {
	what := e.Addr.String() + " is " + e.Kind
	if e.Host != "" && e.Host != e.Addr.String() {
		what = e.Host + " resolves to " + e.Kind
	}
	if e.Always {
		return fmt.Sprintf("webhook target %s, refused even with --allow-private-webhooks: "+
			"cloud metadata services answer at such addresses, not webhook receivers", what)
	}
	return fmt.Sprintf("webhook target %s and non-public targets are refused; "+
		"start hubadmin with --allow-private-webhooks to permit it", what)
}

func (e *AddressNotAllowedError) Unwrap() error { return ErrAddressNotAllowed }

// NewClient returns the HTTP client for webhook deliveries: 10 s timeout,
// redirects returned rather than followed, no proxy (never from the
// environment: a proxy would dial on our behalf, past the guard). Unless
// allowPrivate, every connection is checked on the resolved IP just before
// connect, so a name that resolves (or re-resolves, DNS rebinding) to a
// loopback, private, link-local, CGNAT, multicast, unspecified or other
// special-purpose address is refused before any byte is sent.
func NewClient(allowPrivate bool) *http.Client {
	return newClient(allowPrivate, DefaultTimeout)
}

func newClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = guard(guardian)
	} else {
		dialer.Control = refuseMetadata
	}
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   timeout,
			ExpectContinueTimeout: time.Second,
		},
	}
}

// guardian is the SSRF guard's rule: public unicast addresses only, on any
// port (operators run receivers on :8443, :3000 and the like; the risk is
// the destination address, not the port).
var guardian = ssrf.New(ssrf.WithAnyPort())

// CheckAddressLiteral refuses, when a webhook URL is saved, a host that is
// an IP address the guard would refuse (http://127.0.0.1/…,
// http://169.254.169.254/…): every delivery to it would fail, so saving it
// would only put the error off. The host is read as the delivery dials it
// (DialHost), so 127。0。0。1 and 127.0.0.1. are the address too. A host name
// is not resolved here, as the address behind it can change; it is checked
// at each delivery's connect. With allowPrivate only what stays refused
// then (metadataAddress) is.
func CheckAddressLiteral(raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return nil // CheckURL's to report
	}
	host, err := DialHost(u.Hostname())
	if err != nil {
		return nil // not a name either: the URL check reports it
	}
	if isLocalhost(host) {
		// RFC 6761: localhost and every name under it are the loopback,
		// which resolvers answer without asking DNS; refused at save as
		// 127.0.0.1 is, not at the first delivery.
		if allowPrivate {
			return nil
		}
		return &AddressNotAllowedError{Host: u.Hostname(), Addr: netip.AddrFrom4([4]byte{127, 0, 0, 1}), Kind: "a loopback address"}
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return nil
	}
	if refused := metadataAddress(addr); refused != nil {
		return refused
	}
	if !allowPrivate && guardian.SafeAddr(addr.Unmap()) != nil {
		return &AddressNotAllowedError{Addr: addr.Unmap(), Kind: addressKind(addr)}
	}
	return nil
}

// DialHost is a URL's host as a delivery reaches it: net/http turns a
// non-ASCII host into ASCII by IDNA (UTS #46), which maps the ideographic
// and full-width full stops (U+3002, U+FF0E, U+FF61) to '.' and full-width
// digits to ASCII ones, and resolvers ignore one trailing dot. Checks made
// on the host as written would miss 127。0。0。1 and 127.0.0.1., which reach
// 127.0.0.1. An error means a non-ASCII host that IDNA refuses.
func DialHost(host string) (string, error) {
	host = fullStops.Replace(host)
	if !isASCII(host) {
		var err error
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(host, "."), nil
}

// isLocalhost: host (as DialHost gives it) is localhost or a name under
// it, in any case.
func isLocalhost(host string) bool {
	h := strings.ToLower(host)
	return h == "localhost" || strings.HasSuffix(h, ".localhost")
}

var fullStops = strings.NewReplacer("\u3002", ".", "\uFF0E", ".", "\uFF61", ".")

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// refuseMetadata is the guard left when private targets are allowed:
// link-local addresses (169.254.0.0/16, fe80::/10) and the other addresses
// of metadataAddress stay refused, since the cloud metadata services
// answer there (169.254.169.254) with the machine's credentials.
func refuseMetadata(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrAddressNotAllowed, address)
	}
	if refused := metadataAddress(ap.Addr()); refused != nil {
		return refused
	}
	return nil
}

// guard wraps the ssrf Guardian so its refusals carry a reason an operator can
// act on. A metadata address is named as such first, so that its refusal
// does not suggest --allow-private-webhooks, which would not lift it.
func guard(g *ssrf.Guardian) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, c syscall.RawConn) error {
		if ap, perr := netip.ParseAddrPort(address); perr == nil {
			if refused := metadataAddress(ap.Addr()); refused != nil {
				return refused
			}
		}
		err := g.Safe(network, address, c)
		if err == nil {
			return nil
		}
		if ap, perr := netip.ParseAddrPort(address); perr == nil && errors.Is(err, ssrf.ErrProhibitedIP) {
			return &AddressNotAllowedError{Addr: ap.Addr().Unmap(), Kind: addressKind(ap.Addr())}
		}
		return fmt.Errorf("%w: %w", ErrAddressNotAllowed, err)
	}
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func addressKind(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case a.IsUnspecified():
		return "an unspecified address"
	case a.IsLoopback():
		return "a loopback address"
	case a.IsPrivate():
		return "a private address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast():
		return "a multicast address"
	case cgnat.Contains(a):
		return "a carrier-grade NAT (CGNAT) address"
	default:
		return "a special-purpose address"
	}
}

// CheckURL validates a webhook URL at save time: absolute http or https, a
// host, no user:password. It does not resolve the name: the address is
// checked at every delivery's connect time instead, where a later DNS change
// cannot slip past.
func CheckURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("%w: it is empty", ErrInvalidURL)
	}
	if len(raw) > 2048 {
		return fmt.Errorf("%w: it is longer than 2048 characters", ErrInvalidURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidURL, errors.Unwrap(err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: it must start with https:// or http://", ErrInvalidURL)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return fmt.Errorf("%w: it has no host", ErrInvalidURL)
	}
	if u.User != nil {
		return fmt.Errorf("%w: it must not contain a user name or password", ErrInvalidURL)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: port %q is not between 1 and 65535", ErrInvalidURL, p)
		}
	} else if u.Host[len(u.Host)-1] == ':' {
		return fmt.Errorf("%w: the port after ':' is missing", ErrInvalidURL)
	}
	return nil
}
