package client

import (
	"crypto/tls"
	"io"
	"net/url"
)

// Request is one Gemini request.
type Request struct {
	// URL is the absolute gemini URL requested. Do normalises it and sends
	// it as the request line. Upload takes a titan URL too, and sends the
	// titan URL of the resource with its parameters.
	URL *url.URL

	// Host is the host:port to dial. Empty means the URL's host and port
	// (default 1965).
	Host string

	// Certificate is the client certificate (identity) to present, or nil.
	// It leaves the machine only after the server's certificate passed the
	// client's TrustCertificate hook.
	Certificate *tls.Certificate
}

// NewRequest returns a request for rawURL, parsed with ParseURL.
func NewRequest(rawURL string) (*Request, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return &Request{URL: u}, nil
}

// WriteTo writes the request line (the normalised URL and CRLF) to w.
func (r *Request) WriteTo(w io.Writer) (int64, error) {
	u, err := Normalize(r.URL)
	if err != nil {
		return 0, err
	}
	n, err := io.WriteString(w, u.String()+"\r\n")
	return int64(n), err
}
