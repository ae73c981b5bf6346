package client

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"mime"
	"strings"
)

// Response is a Gemini response. Its Body streams from the connection; the
// caller must close it.
type Response struct {
	// Status is the status a client acts on: an undefined code inside a
	// defined class is its class (29 becomes 20). RawStatus is as sent.
	Status    Status
	RawStatus Status

	// Meta is the header's META: a prompt (1x), a MIME type (2x), a URL
	// (3x) or an error message (4x–6x). It is not sanitised.
	Meta string

	// Body streams the body of a 2x response; for other statuses it is
	// empty. Reading past the client's cap fails with *TooLargeError.
	Body io.ReadCloser

	// TLS is the connection's state; Certificate is the server's leaf
	// certificate (TLS.PeerCertificates[0]).
	TLS         tls.ConnectionState
	Certificate *x509.Certificate

	body *body
}

// Truncated reports whether the body ended without the server's TLS
// close_notify: the response may have been cut short. It is meaningful once
// Body has returned io.EOF.
func (r *Response) Truncated() bool { return r.body != nil && r.body.truncated }

// MediaType returns the MIME type and parameters of a 2x response. An empty
// META counts as "text/gemini"; a META that does not parse gives its first
// word and no parameters.
func (r *Response) MediaType() (string, map[string]string) {
	return ParseMediaType(r.Meta)
}

// ParseMediaType parses a 2x META. An empty one is "text/gemini"; one that
// mime.ParseMediaType rejects yields its type part, lower-cased.
func ParseMediaType(meta string) (string, map[string]string) {
	if strings.TrimSpace(meta) == "" {
		return "text/gemini", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(meta)
	if err != nil {
		mt, _, _ = strings.Cut(meta, ";")
		return strings.ToLower(strings.TrimSpace(mt)), map[string]string{}
	}
	return mt, params
}
