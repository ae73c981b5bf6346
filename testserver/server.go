package testserver

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"propus/client"
)

// The defaults a Server uses when its fields are zero.
const (
	DefaultReadTimeout   = 10 * time.Second
	DefaultWriteTimeout  = 60 * time.Second
	DefaultMaxConns      = 512
	DefaultMaxConnsPerIP = 16
	DefaultMinWriteRate  = 4 << 10 // bytes per second
)

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown
// or Close.
var ErrServerClosed = errors.New("testserver: server closed")

// A Server serves Gemini over TLS. Set its fields before calling Serve.
type Server struct {
	// Addr is the address to listen on for ListenAndServe
	// (default "127.0.0.1:1965").
	Addr string
	// Handler answers the requests that pass the protocol's checks.
	Handler Handler
	// TitanHandler, when set, answers titan:// requests (uploads; see
	// Titan), which Handler never sees. Their request line is checked
	// by ParseTitanRequest, and the handler reads the body from
	// Request.Upload.Body under the reading rule: one read may wait
	// ReadTimeout at most, and all of them together ReadTimeout plus the
	// time the bytes already read take at MinWriteRate bytes per second.
	// A body the handler leaves unread is discarded for a while before
	// the connection closes, so that the client gets the reply. The
	// access log shows "***" for the token. TitanHandler accepts every
	// host: wrap it in VirtualHosts (or SingleHost) to accept only the
	// server's own. Nil answers titan:// requests 53, as every scheme
	// other than gemini.
	TitanHandler Handler
	// TLSConfig supplies the certificates (Certificates or
	// GetCertificate, which sees the SNI name, or GetConfigForClient).
	// The server requests a client certificate but never requires one,
	// and speaks TLS 1.2 or newer, with the configurations
	// GetConfigForClient returns too.
	TLSConfig *tls.Config

	// ReadTimeout bounds the time from accepting a connection to the end
	// of its request line, handshake included; a client that has not sent
	// a request line by then is closed without a reply. Zero means
	// DefaultReadTimeout.
	ReadTimeout time.Duration
	// WriteTimeout and MinWriteRate bound how long a response may wait
	// for a client that does not read: one write may block for
	// WriteTimeout, and all of them together for WriteTimeout plus the
	// time the bytes already sent take at MinWriteRate bytes per second,
	// and no more; then the connection is closed. Time the handler spends
	// between writes does not count. Zero means DefaultWriteTimeout and
	// DefaultMinWriteRate.
	WriteTimeout time.Duration
	MinWriteRate int

	// MaxConns caps concurrent connections (default DefaultMaxConns), and
	// MaxConnsPerIP those of one client (default DefaultMaxConnsPerIP,
	// negative for no cap; IPv6 clients are counted by /64). At either
	// cap, the connection (of that client) that has waited longest for
	// its request line, after its TLS handshake, is closed to make room;
	// connections still in their handshake or answering a request are
	// never closed for room, and when none can be, the new connection is
	// closed before its handshake. The last eighth of MaxConns is kept
	// for clients that have no connection open, so that a few clients
	// holding many slow downloads cannot lock out everyone else.
	MaxConns, MaxConnsPerIP int

	// RateLimiter, when set, counts every request line a client sends
	// (malformed and over-long ones too) and every failed TLS handshake
	// against the client, answers "44 Rate limit exceeded, wait S
	// seconds." to a request over the limit, before any handler, and
	// closes new connections of a client at twice the limit before their
	// handshake. It replaces RateLimiter.Middleware on the handler.
	RateLimiter *RateLimiter

	// AccessLog receives one line per response, in jetforce's format:
	//   IP [dd/Mon/YYYY:HH:MM:SS +zzzz] "URL" STATUS "META" BYTES
	// BYTES counts what the client was sent, header included; quotes,
	// backslashes and control characters in URL and META are escaped.
	AccessLog io.Writer
	// ErrorLog receives errors and handler panics; nil means standard
	// error.
	ErrorLog *log.Logger

	mu         sync.Mutex
	listeners  map[net.Listener]struct{}
	conns      map[*conn]struct{}
	perIP      map[string]int // open connections by client key
	shutdown   atomic.Bool
	active     sync.WaitGroup
	logMu      sync.Mutex
	baseCtx    context.Context
	cancelBase context.CancelFunc
}

// ListenAndServe listens on s.Addr and serves.
func (s *Server) ListenAndServe() error {
	addr := s.Addr
	if addr == "" {
		addr = "127.0.0.1:1965"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve accepts connections on l and serves each in its own goroutine. It
// returns ErrServerClosed after Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	if s.TLSConfig == nil || len(s.TLSConfig.Certificates) == 0 && s.TLSConfig.GetCertificate == nil && s.TLSConfig.GetConfigForClient == nil {
		return errors.New("testserver: TLSConfig has no certificate")
	}
	cfg := s.TLSConfig.Clone()
	tlsDefaults(cfg)
	if get := cfg.GetConfigForClient; get != nil {
		cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			c, err := get(hello)
			if c == nil || err != nil {
				return c, err
			}
			c = c.Clone()
			tlsDefaults(c)
			return c, nil
		}
	}
	s.mu.Lock()
	if s.shutdown.Load() {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
		s.conns = map[*conn]struct{}{}
		s.perIP = map[string]int{}
		s.baseCtx, s.cancelBase = context.WithCancel(context.Background())
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()

	var delay time.Duration
	for {
		raw, err := l.Accept()
		if err != nil {
			if s.shutdown.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, os.ErrDeadlineExceeded) || isTemporary(err) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.logf("testserver: accept: %v; retrying in %v", err, delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		c := &conn{srv: s, raw: raw, tc: tls.Server(raw, cfg), remote: raw.RemoteAddr().String(), start: time.Now()}
		c.key = clientKey(c.remote)
		if s.RateLimiter != nil && s.RateLimiter.banned(c.key) {
			raw.Close()
			continue
		}
		// Set before track, so that Shutdown's deadline is never undone.
		raw.SetDeadline(c.start.Add(orDefault(s.ReadTimeout, DefaultReadTimeout)))
		if !s.track(c) {
			raw.Close()
			continue
		}
		go c.serve()
	}
}

// tlsDefaults makes cfg speak TLS 1.2 or newer and request (not require)
// a client certificate.
func tlsDefaults(cfg *tls.Config) {
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if cfg.ClientAuth == tls.NoClientCert {
		cfg.ClientAuth = tls.RequestClientCert
	}
}

func isTemporary(err error) bool {
	te, ok := err.(interface{ Temporary() bool })
	return ok && te.Temporary()
}

// track adds c to the live connections, making room at the caps (see
// MaxConns). It reports false when c must be closed: the server is
// shutting down, or there is no room.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		return false
	}
	maxConns := s.MaxConns
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	perIP := s.MaxConnsPerIP
	if perIP == 0 {
		perIP = DefaultMaxConnsPerIP
	}
	mine := s.perIP[c.key]
	if perIP > 0 && mine >= perIP && !s.evictIdle(c.key) {
		return false
	}
	// A client with connections open already may not take the reserve.
	limit := maxConns
	if mine > 0 {
		limit -= maxConns / 8
	}
	for len(s.conns) >= limit {
		if !s.evictIdle("") {
			return false
		}
	}
	s.conns[c] = struct{}{}
	s.perIP[c.key]++
	s.active.Add(1)
	c.ctx, c.cancel = context.WithCancel(s.baseCtx)
	return true
}

// evictIdle closes the connection, of the client key or ("") of any
// client, that has waited longest for its request line after its
// handshake, and reports whether there was one. The caller holds s.mu.
func (s *Server) evictIdle(key string) bool {
	var oldest *conn
	for o := range s.conns {
		if o.state == stateIdle && (key == "" || o.key == key) && (oldest == nil || o.start.Before(oldest.start)) {
			oldest = o
		}
	}
	if oldest == nil {
		return false
	}
	oldest.raw.Close()
	s.forget(oldest)
	return true
}

// forget removes c from the live connections. The caller holds s.mu.
func (s *Server) forget(c *conn) {
	if _, ok := s.conns[c]; !ok {
		return
	}
	delete(s.conns, c)
	if s.perIP[c.key]--; s.perIP[c.key] <= 0 {
		delete(s.perIP, c.key)
	}
}

// setState moves c to state st. It reports false when c was closed to
// make room meanwhile.
func (s *Server) setState(c *conn, st connState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.conns[c]; !ok {
		return false
	}
	c.state = st
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	s.forget(c)
	s.mu.Unlock()
	c.cancel()
	s.active.Done()
}

// Shutdown stops accepting, closes connections still waiting for their
// request line (with close_notify once the handshake is done), and waits
// for the responses in flight to finish, or for ctx to be done, then
// closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		if c.state != stateBusy {
			// The request line's read ends now; serve closes the
			// connection with close_notify.
			c.raw.SetReadDeadline(time.Now())
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.active.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Close()
		return ctx.Err()
	}
}

// Close stops the server at once, closing every connection.
func (s *Server) Close() error {
	s.shutdown.Store(true)
	s.mu.Lock()
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.raw.Close()
	}
	if s.cancelBase != nil {
		s.cancelBase()
	}
	s.mu.Unlock()
	return nil
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}

// connState is where a connection is in its life.
type connState int

const (
	stateHandshake connState = iota // in its TLS handshake
	stateIdle                       // waiting for its request line, or lingering
	stateBusy                       // a request line arrived: answering
)

// conn is one client connection.
type conn struct {
	srv    *Server
	raw    net.Conn
	tc     *tls.Conn
	remote string
	key    string // clientKey(remote)
	start  time.Time
	state  connState // guarded by srv.mu
	ctx    context.Context
	cancel context.CancelFunc
}

func (c *conn) serve() {
	s := c.srv
	defer s.untrack(c)
	defer c.raw.Close()

	if err := c.tc.HandshakeContext(c.ctx); err != nil {
		if s.RateLimiter != nil {
			s.RateLimiter.allow(c.key)
		}
		return
	}
	if !s.setState(c, stateIdle) {
		return
	}
	br := bufio.NewReaderSize(c.tc, 1100)
	line, lineErr := readRequestLine(br)
	err := lineErr
	if errors.Is(err, errNoRequest) {
		c.tc.Close() // no reply, but close_notify
		return
	}
	if !s.setState(c, stateBusy) {
		return
	}
	c.raw.SetDeadline(time.Time{})

	w := writerPool.Get().(*bufio.Writer)
	w.Reset(c.tc)
	defer func() {
		w.Reset(nil)
		writerPool.Put(w)
	}()
	resp := &response{c: c, w: w, progress: progress{timeout: orDefault(s.WriteTimeout, DefaultWriteTimeout),
		minRate: cmp.Or(s.MinWriteRate, DefaultMinWriteRate)}}
	if s.RateLimiter != nil {
		if wait, ok := s.RateLimiter.allow(c.key); !ok {
			err = &RequestError{client.StatusSlowDown, fmt.Sprintf("Rate limit exceeded, wait %d seconds.", wait)}
		}
	}
	var u *url.URL
	var upload *Upload
	switch {
	case err != nil:
	case s.TitanHandler != nil && isTitan(line):
		u, upload, err = ParseTitanRequest(line)
	default:
		u, err = ParseRequest(line)
	}
	logged := redactToken(line)
	var body *uploadBody
	state := c.tc.ConnectionState()
	if err == nil {
		err = checkServerName(state.ServerName, u)
	}
	var re *RequestError
	switch {
	case errors.As(err, &re):
		resp.WriteHeader(re.Status, re.Meta)
	case err != nil:
		resp.WriteHeader(client.StatusBadRequest, "Bad request")
	default:
		req := &Request{URL: u, RawURL: logged, RemoteAddr: c.remote, LocalAddr: c.raw.LocalAddr().String(),
			TLS: &state, ServerName: state.ServerName, ctx: c.ctx}
		if len(state.PeerCertificates) > 0 {
			req.Certificate = state.PeerCertificates[0]
		}
		h := s.Handler
		if upload != nil {
			// The body follows the line: nothing may watch the
			// connection meanwhile.
			body = &uploadBody{c: c, r: br, left: upload.Size, progress: progress{
				timeout: orDefault(s.ReadTimeout, DefaultReadTimeout), minRate: cmp.Or(s.MinWriteRate, DefaultMinWriteRate)}}
			upload.Body = body
			req.Upload = upload
			h = s.TitanHandler
		} else {
			req.watch = sync.OnceFunc(func() { go c.watch(br) })
		}
		c.handle(resp, req, h)
	}
	if resp.hijacked {
		s.access(c.remote, logged, 0, "(hijacked)", 0)
		return
	}
	if !resp.wroteHeader {
		resp.WriteHeader(client.StatusSuccess, "text/gemini")
	}
	resp.Flush()
	switch {
	case resp.aborted:
		// No close_notify: the client can tell the body was cut short.
	case lineErr != nil || body != nil && body.left > 0:
		// The rest of an over-long line, or of an upload, may be on
		// its way.
		c.closeLingering()
	default:
		c.tc.Close() // close_notify after every reply
	}
	s.access(c.remote, logged, resp.status, resp.meta, resp.bytes)
}

// How long and how much closeLingering reads before it closes.
const (
	lingerTimeout = 2 * time.Second
	lingerBytes   = 1 << 20
)

// closeLingering sends close_notify and a FIN, then reads and discards
// what the client still sends until it closes too (for lingerTimeout and
// lingerBytes at most). Closing with unread data would reset the
// connection, and the reset can destroy the reply before the client has
// read it. The connection counts as idle meanwhile: Shutdown closes it at
// once, and so does the MaxConns cap when it needs room.
func (c *conn) closeLingering() {
	c.tc.CloseWrite()
	if cw, ok := c.raw.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.raw.SetReadDeadline(time.Now().Add(lingerTimeout))
	c.srv.setState(c, stateIdle) // after the deadline, which Shutdown's must follow
	if c.srv.shutdown.Load() {
		c.raw.Close()
		return
	}
	io.CopyN(io.Discard, c.raw, lingerBytes)
	c.raw.Close()
}

// writerPool holds the 16 KiB response buffers, so that each request
// does not allocate (and the collector clear) one of its own.
var writerPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 16<<10) }}

// How much watch reads after the request line before it stops.
const watchBytes = 64 << 10

// watch reads what the client sends after its request line (nothing, in
// Gemini) from br and discards it, so as to cancel the request's context
// as soon as the client closes or resets the connection: a CGI script
// then stops at once. It ends with the connection, after watchBytes, or
// at a read deadline (Shutdown's), without cancelling for that.
func (c *conn) watch(br *bufio.Reader) {
	_, err := io.CopyN(io.Discard, br, watchBytes)
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		c.cancel()
	}
}

// handle runs the handler h (nil: NotFound), turning a panic
// into 42, or, when the header is out already, into an aborted response.
func (c *conn) handle(resp *response, req *Request, h Handler) {
	defer func() {
		if p := recover(); p != nil {
			c.srv.logf("testserver: panic serving %s %q: %v\n%s", c.remote, req.RawURL, p, debug.Stack())
			switch {
			case resp.hijacked:
			case resp.wroteHeader:
				resp.aborted = true
			default:
				resp.WriteHeader(client.StatusCGIError, "An unexpected error occurred")
			}
		}
	}()
	if h == nil {
		h = HandlerFunc(NotFound)
	}
	h.ServeGemini(resp, req)
}

// access writes one access-log line.
func (s *Server) access(remote, rawURL string, status client.Status, meta string, bytes int64) {
	if s.AccessLog == nil {
		return
	}
	ip, _, err := net.SplitHostPort(remote)
	if err != nil {
		ip = remote
	}
	line := fmt.Sprintf("%s [%s] \"%s\" %d \"%s\" %d\n", ip, time.Now().Format("02/Jan/2006:15:04:05 -0700"),
		logEscape(rawURL), status, logEscape(meta), bytes)
	s.logMu.Lock()
	io.WriteString(s.AccessLog, line)
	s.logMu.Unlock()
}

// logEscape escapes quotes and backslashes with a backslash, as jetforce
// does, and control characters as \xNN, so a request cannot forge log
// lines.
func logEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\x` + strconv.FormatUint(uint64(c)|0x100, 16)[1:])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
