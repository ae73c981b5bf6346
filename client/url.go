package client

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"propus/tofu/hostport"
)

// MaxURLLength is the longest request URL the protocol allows, in bytes,
// not counting the CRLF.
const MaxURLLength = 1024

// URLError reports a URL that cannot be requested, and why.
type URLError struct {
	URL    string // the URL as given (cut short when very long)
	Reason string // what is wrong, as a phrase
}

func (e *URLError) Error() string {
	return "invalid URL " + strconv.Quote(shorten(e.URL, 80)) + ": " + e.Reason
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ParseURL parses what a user or a script typed and returns the URL a
// request would use. It accepts the short forms "host", "host/path",
// "host:port/path" and "//host/path" as gemini URLs. For gemini URLs it
// applies Normalize; URLs of other schemes (https:, mailto:, about:) are
// returned as parsed.
func ParseURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, &URLError{URL: raw, Reason: "URL is required"}
	}
	switch {
	case strings.HasPrefix(s, "//"):
		s = "gemini:" + s
	case !hasScheme(s):
		s = "gemini://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, &URLError{URL: raw, Reason: parseReason(err)}
	}
	if !isGemini(u) {
		return u, nil
	}
	return Normalize(u)
}

// Resolve resolves ref against base as RFC 3986 says (dot segments,
// "//host/x", "?q", "../..") and normalises the result when it is a
// gemini URL.
func Resolve(base *url.URL, ref string) (*url.URL, error) {
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return nil, &URLError{URL: ref, Reason: parseReason(err)}
	}
	u := base.ResolveReference(r)
	if !isGemini(u) {
		return u, nil
	}
	return Normalize(u)
}

// Normalize returns a normalised copy of the gemini URL u, ready to be sent
// as a request: scheme and host lower-case, an internationalised host name
// as punycode, the default port dropped and any other port kept, an empty
// path as "/", dot segments removed, the fragment stripped, and spaces and
// other characters a URL cannot hold percent-encoded. It fails with a
// *URLError for userinfo, a missing host, a bad port or a result longer
// than MaxURLLength bytes.
func Normalize(u *url.URL) (*url.URL, error) {
	raw := u.String()
	if u.User != nil {
		return nil, &URLError{URL: raw, Reason: "userinfo (user@) is not allowed in a Gemini URL"}
	}
	if u.Opaque != "" {
		return nil, &URLError{URL: raw, Reason: "no host (expected gemini://host/path)"}
	}
	host := u.Hostname()
	if host == "" {
		return nil, &URLError{URL: raw, Reason: "no host (expected gemini://host/path)"}
	}
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return nil, &URLError{URL: raw, Reason: "bad IPv6 address " + strconv.Quote(host)}
	}
	if net.ParseIP(host) == nil {
		ascii, err := hostport.ToASCII(host)
		if err != nil {
			return nil, &URLError{URL: raw, Reason: "bad host name: " + err.Error()}
		}
		host = ascii
	}
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return nil, &URLError{URL: raw, Reason: "bad port " + strconv.Quote(port)}
		}
		port = strconv.Itoa(n)
	}
	v := *u
	v.Scheme = "gemini"
	v.User = nil
	v.Host = joinHost(host, port)
	v.Fragment, v.RawFragment = "", ""
	v = *v.ResolveReference(&url.URL{}) // removes dot segments
	v.Fragment, v.RawFragment = "", ""
	if v.Path == "" {
		v.Path, v.RawPath = "/", ""
	}
	v.RawQuery = escapeQuery(v.RawQuery)
	if n := len(v.String()); n > MaxURLLength {
		return nil, &URLError{URL: raw, Reason: "longer than " + strconv.Itoa(MaxURLLength) + " bytes (" + strconv.Itoa(n) + ")"}
	}
	return &v, nil
}

// Address returns the host:port to dial for u, with the default port when u
// names none.
func Address(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = strconv.Itoa(hostport.DefaultPort)
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// InputURL returns u with its query replaced by input, percent-encoded (a
// space as %20, a newline as %0A), as the answer to a 1x status. It fails
// with a *URLError when the result exceeds MaxURLLength bytes.
func InputURL(u *url.URL, input string) (*url.URL, error) {
	v := *u
	v.Fragment, v.RawFragment = "", ""
	v.RawQuery = escapeInput(input)
	v.ForceQuery = input == ""
	if n := len(v.String()); n > MaxURLLength {
		return nil, &URLError{URL: u.String(), Reason: "the answer is too long: the URL would be " +
			strconv.Itoa(n) + " bytes, " + strconv.Itoa(n-MaxURLLength) + " over the limit of " + strconv.Itoa(MaxURLLength)}
	}
	return &v, nil
}

// InputBytesLeft returns how many bytes of URL remain before the answer
// input, sent as the query of u, would exceed MaxURLLength. It is negative
// when the input is already too long.
func InputBytesLeft(u *url.URL, input string) int {
	v := *u
	v.Fragment, v.RawFragment, v.RawQuery, v.ForceQuery = "", "", "", false
	return MaxURLLength - len(v.String()) - 1 - escapedLen(input)
}

func isGemini(u *url.URL) bool { return strings.EqualFold(u.Scheme, "gemini") }

// hasScheme reports whether s starts with a URL scheme. "host:1965/path"
// and "host:1965" are a host and a port, not a scheme.
func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	rest := s[i+1:]
	if strings.HasPrefix(rest, "//") {
		return true
	}
	digits := 0
	for digits < len(rest) && '0' <= rest[digits] && rest[digits] <= '9' {
		digits++
	}
	if rest == "" || digits > 0 && (digits == len(rest) || strings.ContainsRune("/?#", rune(rest[digits]))) {
		return false
	}
	return true
}

func joinHost(host, port string) string {
	if port == "" || port == strconv.Itoa(hostport.DefaultPort) {
		if strings.Contains(host, ":") {
			return "[" + host + "]"
		}
		return host
	}
	return net.JoinHostPort(host, port)
}

func parseReason(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

// escapeQuery percent-encodes the bytes a query cannot hold as they are
// (spaces, controls, non-ASCII and a few delimiters), keeping existing
// escapes.
func escapeQuery(q string) string {
	n := 0
	for i := 0; i < len(q); i++ {
		if queryNeedsEscape(q[i]) {
			n++
		}
	}
	if n == 0 {
		return q
	}
	b := make([]byte, 0, len(q)+2*n)
	for i := 0; i < len(q); i++ {
		if c := q[i]; queryNeedsEscape(c) {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

func queryNeedsEscape(c byte) bool {
	return c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}#", c) >= 0
}

const hexDigits = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// escapeInput percent-encodes every byte of s but the unreserved ones.
func escapeInput(s string) string {
	b := make([]byte, 0, escapedLen(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return string(b)
}

func escapedLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if unreserved(s[i]) {
			n++
		} else {
			n += 3
		}
	}
	return n
}
