package gateway

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// BlockedError reports a target the gateway refuses to reach: an address
// that is not public, a port that is not allowed, a host on the block list
// or a path the capsule's robots.txt disallows.
type BlockedError struct {
	Target string // the address, host or URL refused
	Reason string // why, as a phrase
}

// Error says "Blocked: ", the target and why.
func (e *BlockedError) Error() string {
	return "Blocked: " + e.Target + " " + e.Reason
}

// dialer opens upstream connections: only to allowed ports, and only to
// public addresses unless allowPrivate is set. The address is checked in
// net.Dialer.Control, on the address being dialled after the name was
// resolved, so a name that resolves (or re-resolves) to a private address
// cannot get round it.
type dialer struct {
	allowPrivate bool
	ports        map[int]bool
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if n, err := strconv.Atoi(port); err != nil || !d.ports[n] {
		return nil, &BlockedError{Target: addr, Reason: "is on port " + port + ", which is not allowed (see --allow-port)"}
	}
	nd := &net.Dialer{Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &BlockedError{Target: address, Reason: "is not an IP address and port"}
		}
		if reason := privateReason(ap.Addr()); reason != "" && !d.allowPrivate {
			return &BlockedError{Target: address, Reason: "is " + reason + " (see --allow-private)"}
		}
		return nil
	}}
	return nd.DialContext(ctx, network, addr)
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	reserved4 = []netip.Prefix{
		netip.MustParsePrefix("192.0.0.0/24"),
		netip.MustParsePrefix("198.18.0.0/15"),
		netip.MustParsePrefix("240.0.0.0/4"),
	}
	// IPv6 prefixes that carry an IPv4 address: mapped, compatible,
	// NAT64 (well-known and local), 6to4 and Teredo.
	embedding = []netip.Prefix{
		netip.MustParsePrefix("::ffff:0:0/96"),
		netip.MustParsePrefix("::/96"),
		netip.MustParsePrefix("64:ff9b::/96"),
		netip.MustParsePrefix("64:ff9b:1::/48"),
		netip.MustParsePrefix("2002::/16"),
		netip.MustParsePrefix("2001::/32"),
	}
)

// privateReason says why a is not a public address ("a loopback address",
// …), or returns "" for a public one.
func privateReason(a netip.Addr) string {
	if a.Is6() && !a.Is4In6() {
		for _, p := range embedding {
			if p.Contains(a) && !a.IsLoopback() && !a.IsUnspecified() {
				return "an IPv4 address embedded in IPv6"
			}
		}
	}
	if a.Is4In6() {
		return "an IPv4 address embedded in IPv6"
	}
	switch {
	case a.IsLoopback():
		return "a loopback address"
	case a.IsUnspecified(), a.Is4() && thisNet.Contains(a):
		return "an unspecified address"
	case a.IsPrivate():
		return "a private address"
	case a.IsLinkLocalUnicast():
		return "a link-local address"
	case a.IsMulticast(), a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "a multicast or broadcast address"
	case cgnat.Contains(a):
		return "a shared (CGNAT) address"
	}
	for _, p := range reserved4 {
		if p.Contains(a) {
			return "a reserved address"
		}
	}
	return ""
}
