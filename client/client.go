package client

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The deadlines a Client uses when its fields are zero.
const (
	DefaultDialTimeout      = 15 * time.Second
	DefaultHandshakeTimeout = 15 * time.Second
	DefaultHeaderTimeout    = 30 * time.Second
	DefaultIdleTimeout      = 30 * time.Second
)

// A Client makes Gemini requests. Its zero value is usable: it accepts any
// server certificate, uses the default deadlines and caps bodies at
// DefaultMaxSize. A Client is safe for concurrent use; do not copy one after
// first use.
type Client struct {
	// TrustCertificate decides whether to trust the certificate chain a
	// server presents (chain[0] is the leaf) for address ("host:port" from
	// the URL). It runs inside the TLS handshake: when it returns an error,
	// the handshake fails and neither the request line nor a client
	// certificate is sent. Do returns that error wrapped. Nil trusts every
	// certificate.
	TrustCertificate func(address string, chain []*x509.Certificate) error

	// DialContext opens the TCP connection. Nil uses net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// DialTimeout bounds connecting; HandshakeTimeout the TLS handshake;
	// HeaderTimeout the wait from the request line to the end of the
	// response header (for an upload: from the end of its body); IdleTimeout
	// the wait for each read of the body, and for each write of an upload.
	// Zero means the Default… value. The request's context bounds them all.
	DialTimeout, HandshakeTimeout, HeaderTimeout, IdleTimeout time.Duration

	// MaxSize caps the body in bytes: reading past it fails with
	// *TooLargeError. Zero means DefaultMaxSize; negative means no cap.
	// Response.SetMaxSize changes it for one response.
	MaxSize int64

	// SessionCache holds TLS sessions for resumption. Nil means a cache of
	// the client's own, unless DisableResumption is set.
	SessionCache      tls.ClientSessionCache
	DisableResumption bool

	cacheOnce sync.Once
	cache     tls.ClientSessionCache
}

// Do sends req and returns the response once its header has arrived. A
// non-2x status is not an error. The caller must close the response's
// Body. Errors wrap ErrTimeout, ErrNoResponse, a *HeaderError, a *URLError,
// a *NetError, the context's error, or the TrustCertificate hook's error.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if ctx == nil {
		panic("client: nil context")
	}
	if req.URL == nil {
		return nil, &URLError{Reason: "URL is required"}
	}
	if !isGemini(req.URL) {
		return nil, &URLError{URL: req.URL.String(), Reason: "not a gemini URL (scheme " + req.URL.Scheme + ")"}
	}
	u, err := Normalize(req.URL)
	if err != nil {
		return nil, err
	}
	return c.roundTrip(ctx, req, u, u.String()+"\r\n", nil)
}

// roundTrip makes one request to the server of the normalised gemini URL
// u on a connection of its own: it dials (req.Host, or u's address),
// does the TLS handshake with TrustCertificate inside it and
// req.Certificate as the identity, sends line (the request line with its
// CRLF) and then up, when there is an upload, and reads the response
// header.
func (c *Client) roundTrip(ctx context.Context, req *Request, u *url.URL, line string, up *upload) (*Response, error) {
	address := Address(u)
	dialAddr := req.Host
	if dialAddr == "" {
		dialAddr = address
	}

	raw, err := c.dial(ctx, dialAddr)
	if err != nil {
		return nil, err
	}
	rc := &rawConn{Conn: raw}
	conn := tls.Client(rc, c.tlsConfig(u.Hostname(), address, req.Certificate))
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	fail := func(err error) (*Response, error) {
		stop()
		if up != nil {
			rc.Close() // no close_notify: it would wait behind an upload the server stopped reading
		}
		conn.Close()
		return nil, err
	}

	d := orDefault(c.HandshakeTimeout, DefaultHandshakeTimeout)
	setDeadline(ctx, conn.SetDeadline, time.Now().Add(d))
	if err := conn.HandshakeContext(ctx); err != nil {
		return fail(c.wrap(ctx, err, fmt.Sprintf("the TLS handshake with %s did not finish within %s", address, d), StageHandshake, address, 0))
	}

	d = orDefault(c.HeaderTimeout, DefaultHeaderTimeout)
	setDeadline(ctx, conn.SetDeadline, time.Now().Add(d))
	br := bufio.NewReaderSize(conn, 16<<10)
	var status Status
	var meta string
	if up != nil {
		status, meta, err = c.sendUpload(ctx, conn, rc.Conn, br, address, line, up)
	} else if _, err = io.WriteString(conn, line); err != nil {
		err = c.wrap(ctx, err, "sending the request to "+address+" timed out", StageRequest, address, 0)
	} else if status, meta, err = ReadHeader(br); err != nil {
		err = c.wrap(ctx, err, fmt.Sprintf("no response header from %s within %s", address, d), StageHeader, address, 0)
	}
	if err != nil {
		return fail(err)
	}

	state := conn.ConnectionState()
	resp := &Response{Status: status.Canonical(), RawStatus: status, Meta: meta, TLS: state}
	if len(state.PeerCertificates) > 0 {
		resp.Certificate = state.PeerCertificates[0]
	}
	if resp.Status.Class() != StatusSuccess {
		stop()
		conn.Close()
		resp.Body = io.NopCloser(strings.NewReader(""))
		return resp, nil
	}
	max := c.MaxSize
	if max == 0 {
		max = DefaultMaxSize
	}
	resp.body = &body{ctx: ctx, conn: conn, raw: rc, r: br, address: address,
		idle: orDefault(c.IdleTimeout, DefaultIdleTimeout), max: max, stop: stop, client: c}
	resp.Body = resp.body
	return resp, nil
}

// setDeadline sets a deadline of a connection whose context's
// cancellation sets a past one (context.AfterFunc): to t, or again to the
// past when the context is done, since a cancellation that came before
// would otherwise be undone and the next read or write wait until t.
func setDeadline(ctx context.Context, set func(time.Time) error, t time.Time) {
	set(t)
	if ctx.Err() != nil {
		set(time.Unix(1, 0))
	}
}

// Get fetches rawURL with the client.
func (c *Client) Get(ctx context.Context, rawURL string) (*Response, error) {
	req, err := NewRequest(rawURL)
	if err != nil {
		return nil, err
	}
	return c.Do(ctx, req)
}

func (c *Client) dial(ctx context.Context, addr string) (net.Conn, error) {
	d := orDefault(c.DialTimeout, DefaultDialTimeout)
	dctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	dial := c.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(dctx, "tcp", addr)
	if err != nil {
		if ctx.Err() == nil && dctx.Err() != nil {
			return nil, fmt.Errorf("%w: could not connect to %s within %s", ErrTimeout, addr, d)
		}
		return nil, c.wrap(ctx, err, fmt.Sprintf("could not connect to %s within %s", addr, d), StageConnect, addr, 0)
	}
	return conn, nil
}

func (c *Client) tlsConfig(host, address string, cert *tls.Certificate) *tls.Config {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The certificate is checked by TrustCertificate in
		// VerifyConnection, which runs on full and resumed handshakes
		// alike, before a client certificate or the request is sent.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			if c.TrustCertificate == nil {
				return nil
			}
			return c.TrustCertificate(address, cs.PeerCertificates)
		},
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if cert == nil {
				return &tls.Certificate{}, nil
			}
			return cert, nil
		},
	}
	if net.ParseIP(host) == nil {
		cfg.ServerName = host // SNI for host names, none for IP literals
	}
	if cache := c.sessionCache(); cache != nil {
		cfg.ClientSessionCache = addressCache{cache, sessionKey(address, cert)}
	}
	return cfg
}

func (c *Client) sessionCache() tls.ClientSessionCache {
	if c.DisableResumption {
		return nil
	}
	if c.SessionCache != nil {
		return c.SessionCache
	}
	c.cacheOnce.Do(func() { c.cache = tls.NewLRUClientSessionCache(256) })
	return c.cache
}

// addressCache keys sessions by host:port and client certificate, not by
// server name alone: a session from one port is never offered to a server
// on another, and a session made with one identity (or none) is never
// resumed with another, since a resumed session carries the identity it
// was made with.
type addressCache struct {
	tls.ClientSessionCache
	address string
}

// sessionKey is the session cache key for a request to address with the
// client certificate cert (nil for none).
func sessionKey(address string, cert *tls.Certificate) string {
	if cert == nil || len(cert.Certificate) == 0 {
		return address + " -"
	}
	sum := sha256.Sum256(cert.Certificate[0])
	return address + " " + hex.EncodeToString(sum[:8])
}

func (a addressCache) Get(key string) (*tls.ClientSessionState, bool) {
	return a.ClientSessionCache.Get(a.address + " " + key)
}

func (a addressCache) Put(key string, s *tls.ClientSessionState) {
	a.ClientSessionCache.Put(a.address+" "+key, s)
}

// wrap turns an error of a request's stage at address into the error Do
// returns: the context's error when it is done, ErrTimeout with what timed
// out, ErrNoResponse, a *HeaderError, a *NetError for the network failures
// that it words, or else err with what was being done. received is the
// number of body bytes read so far.
func (c *Client) wrap(ctx context.Context, err error, timeout string, stage Stage, address string, received int64) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", stage.doing(address), ctx.Err())
	case isTimeout(err):
		return fmt.Errorf("%w: %s", ErrTimeout, timeout)
	case errors.Is(err, ErrNoResponse):
		return fmt.Errorf("%w (%s closed the connection)", ErrNoResponse, address)
	}
	var he *HeaderError
	if errors.As(err, &he) {
		return err
	}
	if ne := netError(err, stage, address, received); ne != nil {
		return ne
	}
	return fmt.Errorf("%s: %w", stage.doing(address), err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// rawConn records whether the TCP stream ended, which tells a TLS EOF
// caused by close_notify from a bare close.
type rawConn struct {
	net.Conn
	eof atomic.Bool
}

func (c *rawConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.eof.Store(true)
	}
	return n, err
}
