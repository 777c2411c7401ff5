package webhooks

import (
	"fmt"
	"net/netip"
)

// awsMetadataV6 is AWS's IPv6 instance metadata address: a unique local
// address, which --allow-private-webhooks would otherwise let through.
var awsMetadataV6 = netip.MustParseAddr("fd00:ec2::254")

// alibabaMetadata is Alibaba Cloud's instance metadata address, in the
// shared (CGNAT) range that --allow-private-webhooks lets through.
var alibabaMetadata = netip.MustParseAddr("100.100.100.200")

// An IPv6 address can carry an IPv4 address that a gateway on the way
// (NAT64, a 6to4 relay, the host's own stack) translates it to, so a
// link-local IPv4 address must be looked for inside these too.
var (
	nat64WellKnown = netip.MustParsePrefix("64:ff9b::/96")   // RFC 6052
	nat64LocalUse  = netip.MustParsePrefix("64:ff9b:1::/48") // RFC 8215
	sixToFour      = netip.MustParsePrefix("2002::/16")      // RFC 3056
	ipv4Compatible = netip.MustParsePrefix("::/96")          // RFC 4291 §2.5.5.1, deprecated
)

// nat64Positions are the byte positions of the IPv4 address in an RFC 6052
// address for the prefix lengths a network-specific prefix inside
// 64:ff9b:1::/48 can have (/48, /56, /64, /96); bits 64-71 are never used.
var nat64Positions = [][4]int{{6, 7, 9, 10}, {7, 9, 10, 11}, {9, 10, 11, 12}, {12, 13, 14, 15}}

// metadataAddress says why an address is refused even with
// --allow-private-webhooks: it is link-local, where cloud metadata services
// answer (169.254.169.254, fe80::/10), or AWS's IPv6 or Alibaba Cloud's
// metadata address, or an IPv6 form of a link-local IPv4 address or of
// Alibaba's. It returns nil for any other.
func metadataAddress(a netip.Addr) *AddressNotAllowedError {
	a = a.Unmap() // ::ffff:169.254.169.254 is 169.254.169.254
	refuse := func(kind string) *AddressNotAllowedError {
		return &AddressNotAllowedError{Addr: a, Kind: kind, Always: true}
	}
	switch {
	case a.IsLinkLocalUnicast():
		return refuse("a link-local address")
	case a.WithZone("") == awsMetadataV6:
		return refuse("AWS's IPv6 instance metadata address")
	case a == alibabaMetadata:
		return refuse("Alibaba Cloud's instance metadata address")
	}
	if v4, how, ok := embeddedLinkLocal(a); ok {
		return refuse(fmt.Sprintf("%s of the link-local address %s", how, v4))
	}
	return nil
}

// embeddedLinkLocal finds a link-local IPv4 address carried inside an
// IPv6 address, and says which form carries it.
func embeddedLinkLocal(a netip.Addr) (netip.Addr, string, bool) {
	if !a.Is6() {
		return netip.Addr{}, "", false
	}
	b := a.As16()
	at := func(i [4]int) netip.Addr { return netip.AddrFrom4([4]byte{b[i[0]], b[i[1]], b[i[2]], b[i[3]]}) }
	var candidates []netip.Addr
	var how string
	switch {
	case nat64WellKnown.Contains(a):
		candidates, how = []netip.Addr{at([4]int{12, 13, 14, 15})}, "a NAT64 address"
	case nat64LocalUse.Contains(a):
		for _, p := range nat64Positions {
			candidates = append(candidates, at(p))
		}
		how = "a local-use NAT64 address"
	case sixToFour.Contains(a):
		candidates, how = []netip.Addr{at([4]int{2, 3, 4, 5})}, "a 6to4 address"
	case ipv4Compatible.Contains(a):
		candidates, how = []netip.Addr{at([4]int{12, 13, 14, 15})}, "an IPv4-compatible address"
	}
	for _, v4 := range candidates {
		if v4.IsLinkLocalUnicast() || v4 == alibabaMetadata {
			return v4, how, true
		}
	}
	return netip.Addr{}, "", false
}
