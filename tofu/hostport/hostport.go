// Package hostport holds the one way propus writes a host and a
// "host:port" address: the form requests carry once normalised, and the
// key the known-hosts store, identity scopes and the server's virtual
// hosts compare addresses by. It lives with the known-hosts store, whose
// keys these addresses are, and knows nothing of requests, so that the
// client and the server can share it.
package hostport

import (
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// DefaultPort is the Gemini port, used when a URL or an address names
// none.
const DefaultPort = 1965

// AddressError reports a host or a "host:port" address that
// NormalizeHost, NormalizeAddress or ParsePort cannot make sense of.
type AddressError struct {
	Address string // the address as given
	Reason  string // what is wrong, as a phrase
}

func (e *AddressError) Error() string {
	a := e.Address
	if len(a) > 80 {
		a = a[:80] + "…"
	}
	return "invalid address " + strconv.Quote(a) + ": " + e.Reason
}

// NormalizeAddress returns the canonical "host:port" form of an address,
// so that every spelling of one address compares equal (the known-hosts
// store pins keys under it):
//
//   - the host as NormalizeHost returns it, an IPv6 address in brackets
//     ("[::1]:1965"), which the input may leave out when it has no port;
//   - the port as ParsePort reads it: a missing or empty one is
//     DefaultPort, "01965" is "1965".
//
// Anything else is an *AddressError.
func NormalizeAddress(hostport string) (string, error) {
	host, port, err := splitAddress(hostport)
	if err == nil {
		host, err = NormalizeHost(host)
	}
	p := 0
	if err == nil {
		p, err = ParsePort(port)
	}
	if err != nil {
		return "", &AddressError{Address: hostport, Reason: err.(*AddressError).Reason}
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), nil
}

// NormalizeHost returns a host name or IP address (no port) as requests
// carry it once their URL is normalised: a name lower-case, an
// internationalised one in punycode ("bücher.example" becomes
// "xn--bcher-kva.example"), without one trailing dot; an IP address in its
// canonical form ("2001:db8::1"), an IPv6 one without brackets (which the
// input may have), a zone kept. A name must be made of letters, digits,
// '-', '_' and '.'; anything else, a port included, is an *AddressError.
func NormalizeHost(host string) (string, error) {
	h := host
	bracketed := strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]")
	if bracketed {
		h = h[1 : len(h)-1]
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		if bracketed && !ip.Is6() {
			return "", &AddressError{Address: host, Reason: strconv.Quote(h) + " in brackets is not an IPv6 address"}
		}
		return ip.String(), nil
	}
	switch {
	case bracketed:
		return "", &AddressError{Address: host, Reason: strconv.Quote(h) + " in brackets is not an IPv6 address"}
	case strings.Contains(h, ":"):
		return "", &AddressError{Address: host, Reason: "a host with a port or a bad IPv6 address"}
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return "", &AddressError{Address: host, Reason: "empty host"}
	}
	ascii, err := ToASCII(h)
	if err != nil {
		return "", &AddressError{Address: host, Reason: "bad host name: " + err.Error()}
	}
	return ascii, nil
}

// ParsePort parses a decimal port from 1 to 65535; "" is DefaultPort.
// Anything else, a sign included, is an *AddressError.
func ParsePort(port string) (int, error) {
	if port == "" {
		return DefaultPort, nil
	}
	for _, c := range []byte(port) {
		if c < '0' || c > '9' {
			return 0, &AddressError{Address: port, Reason: "port " + strconv.Quote(port) + " is not a number"}
		}
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return 0, &AddressError{Address: port, Reason: "port " + strconv.Quote(port) + " out of range"}
	}
	return p, nil
}

// splitAddress splits s into its host (an IPv6 address still in
// brackets) and its port as written ("" when there is none). An IPv6
// address without brackets has no port.
func splitAddress(s string) (host, port string, err error) {
	switch {
	case s == "":
		return "", "", &AddressError{Address: s, Reason: "empty"}
	case s[0] == '[':
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", &AddressError{Address: s, Reason: "missing ']'"}
		}
		switch rest := s[end+1:]; {
		case rest == "":
		case rest[0] == ':':
			port = rest[1:]
		default:
			return "", "", &AddressError{Address: s, Reason: "unexpected " + strconv.Quote(rest) + " after ']'"}
		}
		return s[:end+1], port, nil
	case strings.Count(s, ":") > 1:
		return s, "", nil
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[:i], s[i+1:], nil
	}
	return s, "", nil
}

// idnaProfile maps an internationalised host name to punycode. Underscores
// are allowed, as they appear in real host names.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.StrictDomainName(false))

// ToASCII lower-cases a host name and turns an internationalised one into
// punycode. The result must itself be a valid ASCII host name: letters,
// digits, '-', '_' and '.'.
func ToASCII(host string) (string, error) {
	if !utf8.ValidString(host) {
		return "", errors.New("not valid UTF-8")
	}
	ascii, err := idnaProfile.ToASCII(host)
	if err != nil {
		return "", err
	}
	if again, err := idnaProfile.ToASCII(ascii); err != nil || again != ascii {
		return "", errors.New("not a valid host name")
	}
	if ascii == "" {
		return "", errors.New("empty once mapped")
	}
	for i := 0; i < len(ascii); i++ {
		if c := ascii[i]; !nameByte(c) {
			return "", errors.New("not a valid host name (character " + strconv.QuoteRune(rune(c)) + ")")
		}
	}
	return ascii, nil
}

// nameByte reports whether c may be in an ASCII host name.
func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
}
