package testserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"propus/client"
	"propus/tofu/hostport"
)

// Request is a Gemini request as a handler sees it.
type Request struct {
	// URL is the requested URL, normalised: host lower-case and in
	// punycode, default port dropped, dot segments removed. URL.Path is
	// percent-decoded; URL.RawQuery is as sent.
	URL *url.URL
	// RawURL is the request line as received, without its CRLF.
	RawURL string

	// RemoteAddr is the client's "ip:port"; LocalAddr the server's.
	RemoteAddr, LocalAddr string
	// TLS is the connection's state; ServerName the SNI name the client
	// sent ("" when none).
	TLS        *tls.ConnectionState
	ServerName string
	// Certificate is the client certificate, or nil when none was shown.
	Certificate *x509.Certificate

	// Params holds the named groups of the Mux route that matched.
	Params map[string]string

	// Upload is the size, type, token and body of a titan:// request
	// (see Server.TitanHandler), nil for a gemini request. URL then has
	// the scheme titan and no parameters, and RawURL shows "***" for the
	// token.
	Upload *Upload

	ctx   context.Context
	watch func() // starts watching the connection for the client leaving
}

// Context returns the request's context, done when the client closes the
// connection, or when the server shuts down or closes it. (The server
// watches for the client leaving from the first call on, so that a
// handler that never asks costs no watching.)
func (r *Request) Context() context.Context {
	if r.watch != nil {
		r.watch()
	}
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// WithContext returns a shallow copy of r with its context changed to ctx.
func (r *Request) WithContext(ctx context.Context) *Request {
	r2 := *r
	r2.ctx = ctx
	return &r2
}

// Param returns the route parameter name ("" when absent).
func (r *Request) Param(name string) string { return r.Params[name] }

// RequestError is a request the server answers with Status and Meta
// before any handler runs.
type RequestError struct {
	Status client.Status
	Meta   string
}

func (e *RequestError) Error() string { return e.Status.String() + ": " + e.Meta }

// errNoRequest means the client sent no complete request line before the
// request timeout or before closing: the server closes without a reply.
var errNoRequest = errors.New("no request line")

// readRequestLine reads a request line ending in CRLF. A URL longer than
// MaxURLLength bytes is a *RequestError (59) as soon as it is known; a
// bare LF does not end the line (the request then times out).
func readRequestLine(r *bufio.Reader) (string, error) {
	var b []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return string(b), errNoRequest
		}
		b = append(b, c)
		n := len(b)
		if c == '\n' && n >= 2 && b[n-2] == '\r' {
			return string(b[:n-2]), nil
		}
		if n > client.MaxURLLength+1 || n == client.MaxURLLength+1 && c != '\r' {
			return "", &RequestError{client.StatusBadRequest, "Request too long (max 1024 bytes)"}
		}
	}
}

// ParseRequest checks a request line (without CRLF) against the
// protocol's rules and returns the normalised URL, or a *RequestError:
// 59 for a BOM, invalid UTF-8, an empty line, a URL that does not parse,
// one without a scheme, a gemini URL without a host, with userinfo or
// with a fragment, or with a dot segment ("." or "..", percent-encoded
// or not: such a URL is not in canonical form); 53 for any scheme other
// than gemini (this server is no proxy).
func ParseRequest(line string) (*url.URL, error) {
	bad := func(meta string) (*url.URL, error) {
		return nil, &RequestError{client.StatusBadRequest, meta}
	}
	switch {
	case strings.HasPrefix(line, "\uFEFF"):
		return bad("Malformed request: starts with a byte order mark")
	case !utf8.ValidString(line):
		return bad("Malformed request: not valid UTF-8")
	case line == "":
		return bad("Empty request")
	case len(line) > client.MaxURLLength:
		return bad("Request too long (max 1024 bytes)")
	case strings.ContainsAny(line, "\x00\r\n"):
		return bad("Malformed request: control character in the URL")
	}
	u, err := url.Parse(line)
	switch {
	case err != nil:
		return bad("Invalid URL")
	case u.Scheme == "":
		return bad("Invalid URL: not an absolute URL with a host")
	case !strings.EqualFold(u.Scheme, "gemini"):
		return nil, &RequestError{client.StatusProxyRequestRefused, "This server does not allow proxy requests"}
	case u.Host == "":
		return bad("Invalid URL: not an absolute URL with a host")
	case u.User != nil:
		return bad("Invalid URL: userinfo is not allowed")
	case strings.Contains(line, "#"):
		return bad("Invalid URL: a fragment is not allowed")
	}
	if slices.ContainsFunc(strings.Split(u.Path, "/"), func(seg string) bool { return seg == "." || seg == ".." }) {
		return bad("Invalid URL: dot segments are not allowed")
	}
	n, err := client.Normalize(u)
	if err != nil {
		return bad("Invalid URL")
	}
	// Keep an empty query ("?"): it is how a client answers a 1x prompt
	// with empty input.
	n.ForceQuery = u.ForceQuery && n.RawQuery == ""
	if len(n.String()) > client.MaxURLLength {
		return bad("Request too long (max 1024 bytes)")
	}
	return n, nil
}

// checkServerName answers 53 when the client named one host by SNI and
// another in its URL, so that no page is served under the certificate of
// another host. A URL whose host is an IP literal cannot be named by SNI
// and is left to the handler's host check.
func checkServerName(sni string, u *url.URL) error {
	host := u.Hostname()
	if sni == "" || net.ParseIP(host) != nil {
		return nil
	}
	if n, err := hostport.NormalizeHost(sni); err == nil && n == strings.TrimSuffix(host, ".") {
		return nil
	}
	return &RequestError{client.StatusProxyRequestRefused, "The host of the URL is not the one the TLS handshake named (SNI)"}
}
