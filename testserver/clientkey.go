package testserver

import (
	"net"
	"net/netip"
)

// clientKey returns the key under which a client's connections and
// requests are counted: the IP address of a "host:port" remote address,
// an IPv4-mapped IPv6 address as IPv4, and an IPv6 address as its /64
// prefix ("2001:db8::/64"), because one IPv6 client usually holds a
// whole /64.
func clientKey(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}
