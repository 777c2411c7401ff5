package webhooks

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"code.dny.dev/ssrf"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url     string
		wantErr string // substring; empty means valid
	}{
		{url: "https://example.com/hooks/hubster"},
		{url: "http://example.com"},
		{url: "HTTPS://Example.com/x?y=1"},
		{url: "https://example.com:8443/hook"},
		{url: "https://[2001:db8::1]:8443/hook"},
		// Private literals pass here: the guard refuses them at delivery
		// unless --allow-private-webhooks, which save time does not know.
		{url: "http://127.0.0.1:8080/hook"},
		{url: "", wantErr: "empty"},
		{url: "example.com/hook", wantErr: "https://"},
		{url: "/hook", wantErr: "https://"},
		{url: "ftp://example.com/hook", wantErr: "https://"},
		{url: "javascript:alert(1)", wantErr: "https://"},
		{url: "https:example.com", wantErr: "no host"},
		{url: "https:///hook", wantErr: "no host"},
		{url: "https://:443/hook", wantErr: "no host"},
		{url: "https://user:pass@example.com/hook", wantErr: "user name or password"},
		{url: "https://user@example.com/hook", wantErr: "user name or password"},
		{url: "https://example.com:99999/hook", wantErr: "port"},
		{url: "https://example.com:0/hook", wantErr: "port"},
		{url: "https://example.com:/hook", wantErr: "port"},
		{url: "https://exa mple.com/hook", wantErr: "invalid"},
		{url: "https://example.com/" + strings.Repeat("a", 2048), wantErr: "longer"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := CheckURL(tt.url)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckURL(%q) = %v, want nil", tt.url, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidURL) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckURL(%q) = %v, want ErrInvalidURL mentioning %q", tt.url, err, tt.wantErr)
			}
		})
	}
}

// The guard is called with the resolved address just before connect; calling
// it directly covers every range without any traffic.
func TestGuard(t *testing.T) {
	check := guard(ssrf.New(ssrf.WithAnyPort()))
	tests := []struct {
		network, address string
		wantKind         string // empty means allowed
	}{
		{"tcp4", "93.184.215.14:443", ""},
		{"tcp4", "1.1.1.1:8443", ""}, // any port
		{"tcp6", "[2606:4700:4700::1111]:443", ""},
		{"tcp4", "127.0.0.1:80", "a loopback address"},
		{"tcp4", "127.8.9.10:80", "a loopback address"},
		{"tcp6", "[::1]:80", "a loopback address"},
		{"tcp6", "[::ffff:127.0.0.1]:80", "a loopback address"},
		{"tcp4", "10.0.0.1:80", "a private address"},
		{"tcp4", "172.16.5.4:80", "a private address"},
		{"tcp4", "192.168.1.1:443", "a private address"},
		{"tcp6", "[fd00::2]:443", "a private address"},
		{"tcp4", "169.254.169.254:80", "a link-local address"},
		{"tcp6", "[fe80::1]:80", "a link-local address"},
		{"tcp4", "100.64.0.1:80", "a carrier-grade NAT (CGNAT) address"},
		{"tcp4", "224.0.0.1:80", "a multicast address"},
		{"tcp6", "[ff02::1]:80", "a multicast address"},
		{"tcp4", "0.0.0.0:80", "an unspecified address"},
		{"tcp6", "[::]:80", "an unspecified address"},
		{"tcp4", "192.0.2.10:80", "a special-purpose address"},
		{"tcp4", "198.18.0.1:80", "a special-purpose address"},
		{"tcp4", "255.255.255.255:80", "a special-purpose address"},
		{"tcp6", "[2001:db8::1]:80", "a special-purpose address"},
		{"tcp6", "[64:ff9b::7f00:1]:80", "a special-purpose address"}, // NAT64 of 127.0.0.1
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			err := check(tt.network, tt.address, nil)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("guard(%s) = %v, want allowed", tt.address, err)
				}
				return
			}
			var refused *AddressNotAllowedError
			if !errors.Is(err, ErrAddressNotAllowed) || !errors.As(err, &refused) {
				t.Fatalf("guard(%s) = %v, want an AddressNotAllowedError", tt.address, err)
			}
			if refused.Kind != tt.wantKind {
				t.Errorf("Kind = %q, want %q", refused.Kind, tt.wantKind)
			}
			host, _, _ := net.SplitHostPort(tt.address)
			for _, part := range []string{strings.TrimPrefix(host, "::ffff:"), tt.wantKind, "--allow-private-webhooks"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("message %q does not mention %q", err, part)
				}
			}
		})
	}
}

func TestGuardRefusesOtherNetworks(t *testing.T) {
	err := guard(ssrf.New(ssrf.WithAnyPort()))("udp4", "8.8.8.8:53", nil)
	if !errors.Is(err, ErrAddressNotAllowed) {
		t.Fatalf("guard(udp4) = %v, want ErrAddressNotAllowed", err)
	}
}

// With private targets allowed, link-local addresses (cloud metadata) stay
// refused, at connect time and for an address written in the URL.
func TestLinkLocalRefusedEvenWhenPrivateAllowed(t *testing.T) {
	for addr, refused := range map[string]bool{
		"169.254.169.254:80": true, "[fe80::1]:443": true, "[::ffff:169.254.169.254]:80": true,
		"10.0.0.5:8080": false, "127.0.0.1:9": false, "192.168.1.10:443": false, "93.184.215.14:443": false,
	} {
		err := refuseMetadata("tcp", addr, nil)
		var e *AddressNotAllowedError
		if refused != errors.As(err, &e) || (refused && (!e.Always || !strings.Contains(e.Error(), "even with --allow-private-webhooks"))) {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := CheckAddressLiteral("http://169.254.169.254/latest/meta-data/", true); err == nil {
		t.Error("metadata URL saved with private targets allowed")
	}
	if err := CheckAddressLiteral("http://10.0.0.5:8080/hook", true); err != nil {
		t.Errorf("private URL refused with private targets allowed: %v", err)
	}
	// A delivery through the allowing client is refused before connecting.
	a := NewDeliverer(true).Deliver(context.Background(), Request{URL: "http://169.254.169.254/latest", Event: "test", Body: []byte("{}"),
		MessageID: "msg_1", Attempt: 1, PrivateKey: strings.Repeat("A", 64)})
	if a.Success || !strings.Contains(a.Error, "link-local") {
		t.Fatalf("delivery to the metadata address: %+v", a)
	}
}

// A cloud metadata address written as IPv6 (NAT64, 6to4, IPv4-mapped or
// -compatible forms of 169.254.169.254; AWS's fd00:ec2::254) stays
// refused with private targets allowed, when saved and at connect; without
// the flag it is refused too, and named as what it is.
func TestMetadataAddressFormsRefusedInBothModes(t *testing.T) {
	refused := []string{
		"64:ff9b::a9fe:a9fe",       // NAT64 (RFC 6052 well-known prefix)
		"64:ff9b:1::a9fe:a9fe",     // local-use NAT64, /96
		"64:ff9b:1:a9fe:a9:fe00::", // local-use NAT64, /48
		"2002:a9fe:a9fe::",         // 6to4
		"2002:a9fe:a9fe:1::5",
		"::a9fe:a9fe",            // IPv4-compatible
		"::ffff:169.254.169.254", // IPv4-mapped
		"fd00:ec2::254",          // AWS IMDS over IPv6
		"169.254.169.254", "fe80::1",
		"100.100.100.200",    // Alibaba Cloud's, in the CGNAT range
		"64:ff9b::6464:64c8", // the same through NAT64
	}
	for _, addr := range refused {
		host := addr
		if strings.Contains(addr, ":") {
			host = "[" + addr + "]"
		}
		for _, allowPrivate := range []bool{true, false} {
			err := CheckAddressLiteral("http://"+host+"/latest/meta-data/", allowPrivate)
			var e *AddressNotAllowedError
			if !errors.As(err, &e) || !e.Always || !strings.Contains(e.Error(), "even with --allow-private-webhooks") {
				t.Errorf("saving %s (allowPrivate %v): %v, want refused even with private targets allowed", host, allowPrivate, err)
			}
		}
		address := net.JoinHostPort(addr, "80")
		if err := refuseMetadata("tcp", address, nil); !errors.Is(err, ErrAddressNotAllowed) {
			t.Errorf("connect to %s with private targets allowed: %v", address, err)
		}
		if err := guard(guardian)("tcp", address, nil); !errors.Is(err, ErrAddressNotAllowed) {
			t.Errorf("connect to %s: %v", address, err)
		}
	}
	// Private targets that embed no link-local address are still allowed
	// with the flag (and refused without it).
	for _, addr := range []string{"64:ff9b::a00:5", "64:ff9b:1::c0a8:101", "2002:a00:5::", "fd00::2", "fd00:ec2::253", "::1", "::ffff:100.100.100.201"} {
		if err := CheckAddressLiteral("http://["+addr+"]/hook", true); err != nil {
			t.Errorf("saving [%s] with private targets allowed: %v", addr, err)
		}
		if err := refuseMetadata("tcp", net.JoinHostPort(addr, "80"), nil); err != nil {
			t.Errorf("connect to [%s] with private targets allowed: %v", addr, err)
		}
		if err := CheckAddressLiteral("http://["+addr+"]/hook", false); !errors.Is(err, ErrAddressNotAllowed) {
			t.Errorf("saving [%s] without private targets allowed: %v", addr, err)
		}
	}
	// The allowing client refuses them before connecting.
	d := NewDeliverer(true)
	d.Timeout = 2 * time.Second
	for _, host := range []string{"[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::]", "[fd00:ec2::254]"} {
		a := d.Deliver(context.Background(), Request{URL: "http://" + host + "/latest/meta-data/", Event: "test", Body: []byte("{}"),
			MessageID: "msg_1", Attempt: 1, PrivateKey: strings.Repeat("A", 64)})
		if a.Success || !strings.Contains(a.Error, "even with --allow-private-webhooks") {
			t.Errorf("delivery to %s with private targets allowed: %+v", host, a)
		}
	}
}

// A host written the way a resolver still reads as an address (ideographic
// or full-width full stops, a trailing dot) is the address when saved.
func TestAddressLiteralReadAsDialled(t *testing.T) {
	for _, c := range []struct {
		url          string
		allowPrivate bool
		kind         string // "" means accepted
	}{
		{"http://127\u30020\u30020\u30021/", false, "a loopback address"},
		{"http://127\uFF0E0\uFF0E0\uFF0E1/", false, "a loopback address"},
		{"http://127\uFF610\uFF610\uFF611/", false, "a loopback address"},
		{"http://\uFF11\uFF12\uFF17.0.0.1/", false, "a loopback address"}, // full-width digits
		{"http://127.0.0.1./", false, "a loopback address"},
		{"http://10.0.0.1./hook", false, "a private address"},
		{"http://169.254.169.254./latest", true, "a link-local address"},
		{"http://169\u3002254\u3002169\u3002254/latest", true, "a link-local address"},
		{"http://127.0.0.1./", true, ""},
		{"http://93.184.216.34./hook", false, ""},
		{"https://example.com./hook", false, ""},
	} {
		err := CheckAddressLiteral(c.url, c.allowPrivate)
		var e *AddressNotAllowedError
		if c.kind == "" {
			if err != nil {
				t.Errorf("%s (allowPrivate %v): %v, want accepted", c.url, c.allowPrivate, err)
			}
			continue
		}
		if !errors.As(err, &e) || e.Kind != c.kind {
			t.Errorf("%s (allowPrivate %v): %v, want refused as %s", c.url, c.allowPrivate, err, c.kind)
		}
	}
}

func TestDialHost(t *testing.T) {
	for in, want := range map[string]string{
		"example.com": "example.com", "example.com.": "example.com", "example.com..": "example.com.",
		"127\u30020\u30020\u30021": "127.0.0.1", "B\u00fccher.example": "xn--bcher-kva.example",
		"url_end_point.com": "url_end_point.com", "::1": "::1",
	} {
		if got, err := DialHost(in); err != nil || got != want {
			t.Errorf("DialHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := DialHost("a\u200db.example"); err == nil {
		t.Error("DialHost accepted a host IDNA refuses")
	}
}

// TestLocalhostNamesAreTheLoopback: localhost and the names under it are
// refused at save as the loopback (RFC 6761), in any spelling a delivery
// would dial as such; with private targets allowed they are saved.
func TestLocalhostNamesAreTheLoopback(t *testing.T) {
	for _, host := range []string{"localhost", "LocalHost", "foo.localhost", "a.b.LOCALHOST", "localhost.", "ⓛⓞⓒⓐⓛⓗⓞⓢⓣ", "localhost:8080"} {
		err := CheckAddressLiteral("http://"+host+"/hook", false)
		var e *AddressNotAllowedError
		if !errors.As(err, &e) || e.Kind != "a loopback address" || e.Always {
			t.Errorf("%s: %v, want refused as the loopback", host, err)
		}
		if err := CheckAddressLiteral("http://"+host+"/hook", true); err != nil {
			t.Errorf("%s with private targets allowed: %v", host, err)
		}
	}
	for _, host := range []string{"localhost.example.com", "notlocalhost", "localhosts", "example.com"} {
		if err := CheckAddressLiteral("http://"+host+"/hook", false); err != nil {
			t.Errorf("%s: %v, want left to the delivery", host, err)
		}
	}
}
