package testserver

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"propus/client"
	"propus/tofu/hostport"
)

// eofConn records whether the TCP stream ended, which tells a TLS EOF
// caused by close_notify from a bare close (as client.rawConn does).
type eofConn struct {
	net.Conn
	eof atomic.Bool
}

func (c *eofConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.eof.Store(true)
	}
	return n, err
}

// wireReply is everything a raw client received on one connection.
type wireReply struct {
	Data        string        // every byte of the reply
	CloseNotify bool          // the reply ended with a TLS close_notify
	Err         error         // the error that ended it when not io.EOF
	WriteErr    error         // the error that stopped sending the request
	FirstByte   time.Duration // from dialling to the first byte (0: none)
	End         time.Duration // from dialling to the end of the stream
}

// rawExchange opens a TLS connection to addr (no certificate check, no
// session resumption) with the SNI a client sends for the request's URL,
// writes each part of request as it is, and reads the whole reply, for at
// most five seconds.
func rawExchange(t testing.TB, addr string, request ...string) wireReply {
	t.Helper()
	return rawExchangeSNI(t, addr, requestSNI(strings.Join(request, "")), request...)
}

// requestSNI returns the server name a client sends for the URL a request
// starts with: its host in punycode, or "" for an IP literal or a request
// that is no URL.
func requestSNI(request string) string {
	line, _, _ := strings.Cut(request, "\r\n")
	u, err := url.Parse(line)
	if err != nil || net.ParseIP(u.Hostname()) != nil {
		return ""
	}
	host, err := hostport.NormalizeHost(u.Hostname())
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(host, ".")
}

// rawExchangeSNI is rawExchange with the given SNI ("" for none).
func rawExchangeSNI(t testing.TB, addr, sni string, request ...string) wireReply {
	t.Helper()
	start := time.Now()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ec := &eofConn{Conn: nc}
	tc := tls.Client(ec, &tls.Config{InsecureSkipVerify: true, ServerName: sni})
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	var rep wireReply
	written := make(chan error, 1)
	go func() { // the server may answer before the request is all sent
		for _, part := range request {
			if _, err := io.WriteString(tc, part); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()
	var buf bytes.Buffer
	p := make([]byte, 32<<10)
	for {
		n, err := tc.Read(p)
		if n > 0 && buf.Len() == 0 {
			rep.FirstByte = time.Since(start)
		}
		buf.Write(p[:n])
		if err != nil {
			rep.End = time.Since(start)
			if err == io.EOF {
				rep.CloseNotify = !ec.eof.Load()
			} else {
				rep.Err = err
			}
			break
		}
	}
	rep.Data = buf.String()
	rep.WriteErr = <-written
	return rep
}

// recorder is a handler that remembers the requests it saw and answers
// "20 text/gemini" with the body "ok\r\n".
type recorder struct {
	mu   sync.Mutex
	reqs []*Request
}

func (rec *recorder) ServeGemini(w ResponseWriter, r *Request) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, r)
	rec.mu.Unlock()
	w.Write([]byte("ok\r\n"))
}

// take returns the requests seen since the last call.
func (rec *recorder) take() []*Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	r := rec.reqs
	rec.reqs = nil
	return r
}

// quietServer starts a test server for h with its error log kept in a
// buffer and a read timeout of readTimeout (0: the default).
func quietServer(t testing.TB, h Handler, readTimeout time.Duration) (*TestServer, *syncBuffer) {
	t.Helper()
	ts := NewUnstartedServer(t, h)
	errs := new(syncBuffer)
	ts.Server.ErrorLog = log.New(errs, "", 0)
	ts.Server.ReadTimeout = readTimeout
	ts.Start()
	return ts, errs
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// header returns the status line of a reply, without its CRLF.
func header(data string) string {
	line, _, _ := strings.Cut(data, "\r\n")
	return line
}

func TestServerBadRequestTable(t *testing.T) {
	const readTimeout = 300 * time.Millisecond
	rec := &recorder{}
	ts, _ := quietServer(t, rec, readTimeout)
	base := "gemini://127.0.0.1:" + strconv.Itoa(ts.Port)
	long := func(n int) string { // a URL of exactly n bytes
		u := base + "/"
		return u + strings.Repeat("a", n-len(u))
	}
	const ok = "20 text/gemini\r\nok\r\n"
	for _, tc := range []struct {
		name    string
		request string
		status  string // the reply's status; "" means no reply at all
		reached string // the URL the handler saw; "" means none
	}{
		{"root", base + "/\r\n", "20", base + "/"},
		{"empty path, no redirect", base + "\r\n", "20", base + "/"},
		{"query reaches the handler", base + "/search?hello%20world\r\n", "20", base + "/search?hello%20world"},
		{"bytes after CRLF ignored", base + "/\r\nextra bytes\r\nmore", "20", base + "/"},
		{"URL of exactly 1024 bytes", long(1024) + "\r\n", "20", long(1024)},
		{"URL of 1025 bytes", long(1025) + "\r\n", "59", ""},
		{"URL of 16385 bytes", long(16385) + "\r\n", "59", ""},
		{"relative", "/\r\n", "59", ""},
		{"no scheme", "//127.0.0.1:" + strconv.Itoa(ts.Port) + "/\r\n", "59", ""},
		{"empty line", "\r\n", "59", ""},
		{"garbage", "Hello Gemini!\r\n", "59", ""},
		{"userinfo", "gemini://u@127.0.0.1:" + strconv.Itoa(ts.Port) + "/\r\n", "59", ""},
		{"fragment", base + "/#x\r\n", "59", ""},
		{"BOM before URL", "\uFEFF" + base + "/\r\n", "59", ""},
		{"invalid UTF-8", base + "/\xff\r\n", "59", ""},
		{"https", "https://127.0.0.1:" + strconv.Itoa(ts.Port) + "/\r\n", "53", ""},
		{"http", "http://127.0.0.1:" + strconv.Itoa(ts.Port) + "/\r\n", "53", ""},
		{"bare http scheme", "http:\r\n", "53", ""},
		{"gopher", "gopher://127.0.0.1:" + strconv.Itoa(ts.Port) + "/\r\n", "53", ""},
		{"data", "data:text/plain,hello\r\n", "53", ""},
		{"bare LF terminator", base + "/\n", "", ""},
		{"no terminator", base + "/", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := rawExchange(t, ts.Addr, tc.request)
			if rep.Err != nil {
				t.Fatalf("reading the reply: %v (got %q)", rep.Err, rep.Data)
			}
			if !rep.CloseNotify {
				t.Errorf("the reply %q did not end with close_notify", rep.Data)
			}
			switch {
			case tc.status == "":
				if rep.Data != "" {
					t.Errorf("got %q, want no reply", rep.Data)
				}
				if rep.End < readTimeout {
					t.Errorf("closed after %v, before the read timeout", rep.End)
				}
			case tc.status == "20":
				if rep.Data != ok {
					t.Errorf("got %q, want %q", rep.Data, ok)
				}
			default:
				if h := header(rep.Data); !strings.HasPrefix(h, tc.status+" ") || rep.Data != h+"\r\n" {
					t.Errorf("got %q, want a %s header and no body", rep.Data, tc.status)
				}
			}
			reqs := rec.take()
			switch {
			case tc.reached == "" && len(reqs) > 0:
				t.Errorf("the handler saw %q", reqs[0].URL)
			case tc.reached != "" && len(reqs) != 1:
				t.Errorf("the handler saw %d requests, want 1", len(reqs))
			case tc.reached != "" && reqs[0].URL.String() != tc.reached:
				t.Errorf("the handler saw %q, want %q", reqs[0].URL, tc.reached)
			}
		})
	}
}

// needFiles makes sure the process may open n more files, raising its soft
// limit when it can, and skips the test when it cannot.
func needFiles(t *testing.T, n uint64) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot read the file-descriptor limit: %v", err)
	}
	if lim.Cur >= n+256 {
		return
	}
	if lim.Max < n+256 {
		t.Skipf("this test needs %d file descriptors; the hard limit is %d", n+256, lim.Max)
	}
	old := lim
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("cannot raise the file-descriptor limit to %d: %v", lim.Max, err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
}

func TestServerIdleConnectionsDoNotStarveRequests(t *testing.T) {
	const idle = 600
	needFiles(t, 2*idle+64)
	for _, maxConns := range []int{0, 50} {
		t.Run("MaxConns="+strconv.Itoa(maxConns), func(t *testing.T) {
			ts := NewUnstartedServer(t, Page("text/gemini", "# hi\r\n"))
			ts.Server.MaxConns = maxConns
			ts.Server.ReadTimeout = time.Minute // idle connections never time out here
			ts.Server.ErrorLog = log.New(io.Discard, "", 0)
			ts.Start()

			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for range idle { // handshake done, half a request line sent
				c, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
				if err != nil {
					t.Fatalf("opening a TLS connection: %v", err)
				}
				conns = append(conns, c)
				if _, err := io.WriteString(c, ts.URL+"/half-a-req"); err != nil {
					t.Fatal(err)
				}
			}

			if body, err := getRoot(t, ts); err != nil || body != "# hi\r\n" {
				t.Fatalf("a real request behind %d idle connections: %q, %v", idle, body, err)
			}

			max := cmp.Or(maxConns, DefaultMaxConns)
			ts.Server.mu.Lock()
			open := len(ts.Server.conns)
			ts.Server.mu.Unlock()
			if open > max {
				t.Errorf("%d connections open, above the cap of %d", open, max)
			}
			// The oldest idle connection made room: the server closed it.
			conns[0].SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := conns[0].Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("the oldest idle connection is still open: %v", err)
			}
		})
	}
}

// streamer is a handler that writes "first\n", flushes, signals started,
// waits for release, then writes "second\n".
type streamer struct {
	started, release chan struct{}
}

func newStreamer() *streamer {
	return &streamer{started: make(chan struct{}, 1), release: make(chan struct{})}
}

func (s *streamer) ServeGemini(w ResponseWriter, r *Request) {
	io.WriteString(w, "first\n")
	w.Flush()
	s.started <- struct{}{}
	select {
	case <-s.release:
	case <-r.Context().Done():
		return
	}
	io.WriteString(w, "second\n")
}

// idleTLS opens a TLS connection to ts that sends nothing after the
// handshake, and returns once the server's side of the handshake is done
// too.
func idleTLS(t *testing.T, ts *TestServer) (*tls.Conn, *eofConn) {
	t.Helper()
	nc, err := net.Dial("tcp", ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	ec := &eofConn{Conn: nc}
	tc := tls.Client(ec, &tls.Config{InsecureSkipVerify: true})
	t.Cleanup(func() { tc.Close() })
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	// The client's side ends before the server has read the client's
	// Finished; ConnectionState waits for the server's handshake.
	ts.Server.mu.Lock()
	var server []*conn
	for c := range ts.Server.conns {
		server = append(server, c)
	}
	ts.Server.mu.Unlock()
	for _, c := range server {
		c.tc.ConnectionState()
	}
	return tc, ec
}

func TestServerShutdown(t *testing.T) {
	st := newStreamer()
	ts, _ := quietServer(t, st, time.Minute)
	resp, err := ts.Client().Get(t.Context(), ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-st.started
	idle, idleRaw := idleTLS(t, ts)

	shut := make(chan error, 1)
	go func() { shut <- ts.Server.Shutdown(t.Context()) }()

	// The idle connection is closed at once, with close_notify.
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := idle.Read(make([]byte, 1)); err != io.EOF || idleRaw.eof.Load() {
		t.Errorf("idle connection: read %d bytes, %v (TCP EOF %v); want close_notify", n, err, idleRaw.eof.Load())
	}
	// New connections are refused.
	if c, err := net.DialTimeout("tcp", ts.Addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted during Shutdown")
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a response in flight", err)
	default:
	}
	// The response in flight finishes.
	close(st.release)
	body, err := io.ReadAll(resp.Body)
	if err != nil || string(body) != "first\nsecond\n" || resp.Truncated() {
		t.Errorf("body %q, %v (truncated %v); want it whole", body, err, resp.Truncated())
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestServerShutdownDeadline(t *testing.T) {
	st := newStreamer()
	ts, _ := quietServer(t, st, time.Minute)
	resp, err := ts.Client().Get(t.Context(), ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-st.started
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := ts.Server.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want the context's deadline", err)
	}
	body, err := io.ReadAll(resp.Body)
	if string(body) != "first\n" || err != nil && !resp.Truncated() {
		t.Errorf("body %q, %v (truncated %v); want it cut after the first part", body, err, resp.Truncated())
	}
}

func TestServerClose(t *testing.T) {
	st := newStreamer()
	ts, _ := quietServer(t, st, time.Minute)
	resp, err := ts.Client().Get(t.Context(), ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	<-st.started
	idle, _ := idleTLS(t, ts)

	if err := ts.Server.Close(); err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if string(body) != "first\n" || err == nil && !resp.Truncated() {
		t.Errorf("body %q, %v (truncated %v); want it cut short", body, err, resp.Truncated())
	}
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("idle connection still open after Close: %v", err)
	}
	if c, err := net.DialTimeout("tcp", ts.Addr, time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted after Close")
	}
}

func TestServerAccessLog(t *testing.T) {
	ts := NewUnstartedServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		switch r.URL.Path {
		case "/quote":
			w.WriteHeader(client.StatusNotFound, `Not "here"`)
		case "/control":
			w.WriteHeader(client.StatusNotFound, "tab\there\x01\\")
		default:
			io.WriteString(w, "hello world\n")
		}
	}))
	accessLog := new(syncBuffer)
	ts.Server.AccessLog = accessLog
	ts.Start()
	for _, req := range []string{
		ts.URL + "/page",
		ts.URL + "/quote",
		ts.URL + "/control",
		ts.URL + `/a"b`,
		"Hello Gemini!",
	} {
		rawExchange(t, ts.Addr, req+"\r\n")
	}
	ts.Close() // waits for the connections, which log as they end

	// IP [dd/Mon/YYYY:HH:MM:SS +zzzz] "URL" STATUS "META" BYTES
	line := regexp.MustCompile(`^127\.0\.0\.1 \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "((?:[^"\\]|\\.)*)" (\d\d) "((?:[^"\\]|\\.)*)" (\d+)$`)
	want := [][4]string{
		// BYTES: what the client was sent, header included.
		{ts.URL + "/page", "20", "text/gemini", "28"},
		{ts.URL + "/quote", "51", `Not \"here\"`, "15"},
		{ts.URL + "/control", "51", `tab\x09here\x01\\`, "15"},
		{ts.URL + `/a\"b`, "20", "text/gemini", "28"},
		{"Hello Gemini!", "59", "Invalid URL: not an absolute URL with a host", "49"},
	}
	var got [][4]string
	for _, l := range strings.Split(strings.TrimSuffix(accessLog.String(), "\n"), "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("log line %q does not have the access-log format", l)
			continue
		}
		got = append(got, [4]string{m[1], m[2], m[3], m[4]})
	}
	slices.SortFunc(got, func(a, b [4]string) int { return cmp.Compare(a[0], b[0]) })
	slices.SortFunc(want, func(a, b [4]string) int { return cmp.Compare(a[0], b[0]) })
	if !slices.Equal(got, want) {
		t.Errorf("access log:\n%s\nparsed %q\nwant %q", accessLog, got, want)
	}
}

func TestServerTLSDefaults(t *testing.T) {
	cert, err := GenerateCertificate([]string{"localhost", "127.0.0.1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	id, err := GenerateCertificate([]string{"alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  *tls.Config
	}{
		{"Certificates", &tls.Config{Certificates: []tls.Certificate{cert}}},
		{"GetCertificate", &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &cert, nil }}},
		{"GetConfigForClient", &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return &tls.Config{Certificates: []tls.Certificate{cert}}, nil
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			s := &Server{TLSConfig: tc.cfg, ErrorLog: log.New(io.Discard, "", 0),
				Handler: HandlerFunc(func(w ResponseWriter, r *Request) {
					if r.Certificate != nil {
						io.WriteString(w, r.Certificate.Subject.CommonName)
					}
				})}
			go s.Serve(ln)
			defer s.Close()
			addr := ln.Addr().String()

			// A client certificate is requested, and taken when offered.
			req, _ := client.NewRequest("gemini://" + addr + "/")
			req.Certificate = &id
			resp, err := (&client.Client{}).Do(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "alice" {
				t.Errorf("the handler saw client certificate %q, want alice", body)
			}
			// Not required: a request without one is served.
			if resp, err := (&client.Client{}).Get(t.Context(), "gemini://"+addr+"/"); err != nil {
				t.Errorf("without a client certificate: %v", err)
			} else {
				resp.Body.Close()
			}
			// TLS 1.1 is refused.
			c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
			if err == nil {
				c.Close()
				t.Error("a TLS 1.1 handshake succeeded")
			}
		})
	}
}

func TestServerNeedsACertificate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, cfg := range []*tls.Config{nil, {}} {
		if err := (&Server{TLSConfig: cfg}).Serve(ln); err == nil || errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve with TLSConfig %v: %v, want an error about the certificate", cfg, err)
		}
	}
}
