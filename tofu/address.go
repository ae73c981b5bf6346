package tofu

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// DefaultPort is the Gemini port, assumed for an address without one.
const DefaultPort = 1965

// NormalizeAddress returns the canonical "host:port" form under which a
// host is pinned, so that every spelling of one address finds one pin:
//
//   - a missing (or empty) port becomes 1965; "01965" becomes "1965";
//   - a host name is lower-cased and loses one trailing dot;
//   - an IPv6 address is compressed and bracketed ("[::1]:1965"), with or
//     without brackets in the input when there is no port;
//   - an IPv4 address is kept as it is.
//
// Host names must be ASCII (letters, digits, '-', '_' and '.'): an
// internationalised name must be passed in its punycode form
// ("xn--bcher-kva.example"), as it is sent on the wire. Anything else is an
// error.
func NormalizeAddress(hostport string) (string, error) {
	addr, err := normalizeAddress(hostport)
	if err != nil {
		return "", fmt.Errorf("tofu: invalid address %q: %w", hostport, err)
	}
	return addr, nil
}

// normalizeAddress is NormalizeAddress with a bare error message.
func normalizeAddress(hostport string) (string, error) {
	host, port, err := splitAddress(hostport)
	if err != nil {
		return "", err
	}
	p := DefaultPort
	if port != "" {
		if p, err = parsePort(port); err != nil {
			return "", err
		}
	}
	return host + ":" + strconv.Itoa(p), nil
}

// splitAddress splits s into a canonical host (IPv6 in brackets) and the
// port as written ("" when absent).
func splitAddress(s string) (host, port string, err error) {
	switch {
	case s == "":
		return "", "", fmt.Errorf("empty")
	case s[0] == '[':
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", fmt.Errorf("missing ']'")
		}
		rest := s[end+1:]
		switch {
		case rest == "":
		case rest[0] == ':':
			port = rest[1:]
		default:
			return "", "", fmt.Errorf("unexpected %q after ']'", rest)
		}
		ip, err := netip.ParseAddr(s[1:end])
		if err != nil || !ip.Is6() {
			return "", "", fmt.Errorf("%q in brackets is not an IPv6 address", s[1:end])
		}
		return "[" + ip.String() + "]", port, nil
	case strings.Count(s, ":") > 1: // an IPv6 address without brackets, so without port
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return "", "", fmt.Errorf("not an IPv6 address (put it in brackets to add a port)")
		}
		return "[" + ip.String() + "]", "", nil
	}
	host = s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, port = s[:i], s[i+1:]
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.String(), port, nil
	}
	host, err = normalizeHostName(host)
	return host, port, err
}

// normalizeHostName lower-cases a DNS name and checks its characters.
func normalizeHostName(h string) (string, error) {
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return "", fmt.Errorf("empty host")
	}
	b := []byte(h)
	for i, c := range b {
		switch {
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		case c >= 0x80:
			return "", fmt.Errorf("non-ASCII host name (use its punycode form)")
		default:
			return "", fmt.Errorf("character %q not allowed in a host name", c)
		}
	}
	return string(b), nil
}

// parsePort parses a decimal port from 1 to 65535.
func parsePort(s string) (int, error) {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("port %q is not a number", s)
		}
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("port %q out of range", s)
	}
	return p, nil
}

// hostOf returns the host part of a normalised address, without brackets:
// the name a certificate must be valid for.
func hostOf(addr string) string {
	host := addr[:strings.LastIndexByte(addr, ':')]
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}
