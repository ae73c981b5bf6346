package testserver

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// smallBuffers is a listener whose connections have a small send buffer,
// so that a client that stops reading stalls its response after a few
// kilobytes, not megabytes.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

// endless is a handler that writes a body until the client goes away.
func endless(w ResponseWriter, r *Request) {
	chunk := make([]byte, 4<<10)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// dialFrom opens a TCP connection to addr from the loopback address
// local, with a small receive buffer; it skips the test when the system
// cannot use that address.
func dialFrom(t *testing.T, local, addr string) (net.Conn, error) {
	d := net.Dialer{
		Timeout:   5 * time.Second,
		LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)},
		Control: func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) {
				syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
			})
		},
	}
	c, err := d.Dial("tcp", addr)
	if err != nil && errors.Is(err, syscall.EADDRNOTAVAIL) {
		t.Skipf("cannot dial from %s: %v", local, err)
	}
	return c, err
}

// TestServerStalledDownloadsLeaveRoom opens 300 downloads from four
// other loopback addresses that never read, and checks that a normal
// request still gets its page: the per-client cap and the slots kept for
// new clients hold.
func TestServerStalledDownloadsLeaveRoom(t *testing.T) {
	const maxConns, perClient, stalled = 64, 16, 300
	needFiles(t, 2*stalled+64)
	ts := NewUnstartedServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		if r.URL.Path == "/big" {
			endless(w, r)
			return
		}
		io.WriteString(w, "# hi\r\n")
	}))
	ts.ln = smallBuffers{ts.ln}
	ts.Server.MaxConns = maxConns
	ts.Server.MaxConnsPerIP = 0          // the default cap, perClient
	ts.Server.WriteTimeout = time.Minute // the stalled writes outlast the test
	ts.Server.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()

	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 16)
	)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range stalled {
		local := "127.0.0." + strconv.Itoa(2+i%4)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			nc, err := dialFrom(t, local, ts.Addr)
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true})
			nc.SetDeadline(time.Now().Add(5 * time.Second))
			if tc.Handshake() != nil {
				return // refused: fine
			}
			io.WriteString(tc, ts.URL+"/big\r\n")
			// Read the header and a little, then stop reading for good.
			tc.Read(make([]byte, 64))
		}()
	}
	wg.Wait()

	if body, err := getRoot(t, ts); err != nil || body != "# hi\r\n" {
		t.Fatalf("a normal request behind %d stalled downloads: %q, %v", stalled, body, err)
	}
	ts.Server.mu.Lock()
	defer ts.Server.mu.Unlock()
	for key, n := range ts.Server.perIP {
		if n > perClient {
			t.Errorf("%s holds %d connections, above the cap of %d", key, n, perClient)
		}
	}
}

// getRoot fetches ts's "/" with five-second timeouts and returns its
// body.
func getRoot(t *testing.T, ts *TestServer) (string, error) {
	cl := ts.Client()
	cl.HandshakeTimeout, cl.HeaderTimeout = 5*time.Second, 5*time.Second
	resp, err := cl.Get(t.Context(), ts.URL+"/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

// TestServerNeverEvictsHandshakes fills the server with connections in
// their TLS handshake, each from its own address (so that none is at the
// per-client cap or kept out of the reserve), and checks that a new one is refused rather than
// one of them closed.
func TestServerNeverEvictsHandshakes(t *testing.T) {
	const maxConns = 8
	ts := NewUnstartedServer(t, Page("text/gemini", "hi"))
	ts.Server.MaxConns = maxConns
	ts.Server.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range maxConns { // TCP only: the server waits for a ClientHello
		c, err := dialFrom(t, "127.0.0."+strconv.Itoa(2+i), ts.Addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	waitFor(t, "the connections to be tracked", func() bool {
		ts.Server.mu.Lock()
		defer ts.Server.mu.Unlock()
		return len(ts.Server.conns) == maxConns
	})
	extra, err := dialFrom(t, "127.0.0.20", ts.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := extra.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the connection beyond the cap was not refused: %v", err)
	}
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("handshaking connection %d was closed: %v", i, err)
		}
	}
}

// waitFor polls cond until it holds, for five seconds at most.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pipeListener hands the server one end of a net.Pipe per Dial: a
// connection with no buffer at all, so that what the client reads is
// exactly what the server could write.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

func (l *pipeListener) Dial() net.Conn {
	server, client := net.Pipe()
	l.conns <- server
	return client
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "192.0.2.1:1965" }

// TestServerMinimumProgress reads an endless response at about 100 KiB/s,
// each write finishing well within WriteTimeout, from a server that asks
// for 1 MiB/s: the server must give up on it within seconds, where a
// deadline per write would keep it for ever.
func TestServerMinimumProgress(t *testing.T) {
	cert, err := GenerateCertificate([]string{"localhost"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{
		Handler:      HandlerFunc(endless),
		TLSConfig:    &tls.Config{Certificates: []tls.Certificate{cert}},
		WriteTimeout: 300 * time.Millisecond,
		MinWriteRate: 1 << 20,
		ErrorLog:     log.New(io.Discard, "", 0),
	}
	l := newPipeListener()
	go srv.Serve(l)
	defer srv.Close()

	tc := tls.Client(l.Dial(), &tls.Config{InsecureSkipVerify: true})
	defer tc.Close()
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(tc, "gemini://localhost/\r\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	buf := make([]byte, 16<<10)
	var got int
	for {
		n, err := io.ReadFull(tc, buf)
		got += n
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("still served after %v (%d bytes): no minimum progress", time.Since(start), got)
			}
			break // cut off: what we want
		}
		time.Sleep(150 * time.Millisecond) // a slow reader: 16 KiB per 150 ms
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("cut off only after %v", elapsed)
	}
}

// TestServerRateLimitCountsEverything checks that malformed requests and
// failed handshakes count against a client, that a request over the limit
// is answered 44 before any handler, and that a client at twice the limit
// is refused before its handshake.
func TestServerRateLimitCountsEverything(t *testing.T) {
	rec := &recorder{}
	ts := NewUnstartedServer(t, rec)
	ts.Server.RateLimiter = NewRateLimiter(RateLimit{Requests: 4, Period: time.Hour})
	ts.Server.ErrorLog = log.New(io.Discard, "", 0)
	ts.Start()
	for range 2 {
		if got := header(rawExchange(t, ts.Addr, "Hello Gemini!\r\n").Data); got[:3] != "59 " {
			t.Fatalf("garbage: got %q, want 59", got)
		}
	}
	for range 2 { // not TLS at all
		c, err := net.Dial("tcp", ts.Addr)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, "GET / HTTP/1.0\r\n\r\n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.Copy(io.Discard, c)
		c.Close()
	}
	want := "44 Rate limit exceeded, wait 3600 seconds."
	for range 4 {
		if got := header(rawExchange(t, ts.Addr, ts.URL+"/\r\n").Data); got != want {
			t.Fatalf("a request after 4 bad ones: got %q, want %q", got, want)
		}
	}
	if n := len(rec.take()); n != 0 {
		t.Errorf("the handler saw %d requests", n)
	}
	// 8 counted: twice the limit.
	c, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
	if err == nil {
		c.Close()
		t.Fatal("a client at twice the limit completed a handshake")
	}
}

// TestRateLimiterBounded checks that the table of counts stays bounded
// and that IPv6 clients are counted by /64.
func TestRateLimiterBounded(t *testing.T) {
	rl := NewRateLimiter(RateLimit{Requests: 2, Period: time.Hour})
	rl.MaxClients = 8
	for i := range 1000 {
		rl.allow(clientKey("[2001:db8:" + strconv.FormatInt(int64(i), 16) + "::1]:1965"))
	}
	if n := len(rl.counts); n > 9 {
		t.Errorf("%d counts kept, want at most 9", n)
	}
	rl = NewRateLimiter(RateLimit{Requests: 2, Period: time.Hour})
	for _, a := range []string{"[2001:db8:1:2::1]:1", "[2001:db8:1:2:ffff::9]:2", "[2001:db8:1:2::1%eth0]:3"} {
		rl.allow(clientKey(a))
	}
	if _, ok := rl.allow(clientKey("[2001:db8:1:2::77]:4")); ok {
		t.Error("four requests from one /64 passed a limit of 2")
	}
	if _, ok := rl.allow(clientKey("[2001:db8:1:3::1]:4")); !ok {
		t.Error("another /64 was refused")
	}
	if got := clientKey("[::ffff:192.0.2.1]:5"); got != "192.0.2.1" {
		t.Errorf("IPv4-mapped key %q", got)
	}
}

// TestServerSNIMustMatchURL checks that a request naming another host
// than the handshake's SNI is refused with 53.
func TestServerSNIMustMatchURL(t *testing.T) {
	rec := &recorder{}
	ts, _ := quietServer(t, rec, 0)
	p := strconv.Itoa(ts.Port)
	if got := header(rawExchangeSNI(t, ts.Addr, "third.test", "gemini://localhost:"+p+"/\r\n").Data); got[:3] != "53 " {
		t.Errorf("SNI third.test, URL localhost: got %q, want 53", got)
	}
	if got := header(rawExchangeSNI(t, ts.Addr, "LOCALHOST", "gemini://localhost:"+p+"/\r\n").Data); got != "20 text/gemini" {
		t.Errorf("same host, other case: got %q, want 20", got)
	}
	if n := len(rec.take()); n != 1 {
		t.Errorf("the handler saw %d requests, want 1", n)
	}
}
