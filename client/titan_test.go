package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// titanSize reads the size parameter of a Titan request line.
var titanSize = regexp.MustCompile(`;size=(\d+)`)

// titanServer is a fixture that reads the body of each Titan request, as
// many bytes as its size says, and answers with reply(request line). It
// records the bodies received.
type titanServer struct {
	*fixture
	mu     sync.Mutex
	bodies []string
}

func newTitanServer(t *testing.T, reply func(req string) string) *titanServer {
	s := &titanServer{}
	s.fixture = newFixture(t, func(tc *tls.Conn, _ net.Conn, req string) {
		m := titanSize.FindStringSubmatch(req)
		if m == nil {
			io.WriteString(tc, reply(req))
			return
		}
		n, _ := strconv.Atoi(m[1])
		body := make([]byte, n)
		k, _ := io.ReadFull(tc, body)
		s.mu.Lock()
		s.bodies = append(s.bodies, string(body[:k]))
		s.mu.Unlock()
		io.WriteString(tc, reply(req))
	})
	return s
}

func (s *titanServer) received() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The request line is the titan URL with its parameters, mime and token
// percent-encoded, then CRLF and exactly the body; the 30 comes back as
// the response.
func TestUploadRequestLine(t *testing.T) {
	s := newTitanServer(t, func(string) string { return "30 gemini://localhost/done.gmi\r\n" })
	host := "localhost:" + strconv.Itoa(s.port)
	tests := []struct {
		url, mime, token, body, line string
	}{
		{"titan://" + host + "/dir/a.gmi", "text/gemini", "", "# hi\n",
			"titan://" + host + "/dir/a.gmi;mime=text/gemini;size=5"},
		{"titan://" + host + "/a b;mime=old;size=99;token=old", "text/plain; charset=utf-8", "s cret;=/é", "hello",
			"titan://" + host + "/a%20b;mime=text/plain%3B%20charset%3Dutf-8;size=5;token=s%20cret%3B%3D%2F%C3%A9"},
		{"gemini://" + host + "/x/../y.png?q=1#frag", "image/svg+xml", "t", "<svg/>",
			"titan://" + host + "/y.png;mime=image/svg%2Bxml;size=6;token=t"},
		{"GEMINI://LOCALHOST:" + strconv.Itoa(s.port) + "/y;z", "", "", "",
			"titan://" + host + "/y;size=0"},
	}
	var c Client
	for i, tt := range tests {
		req := &Request{URL: mustParse(t, tt.url)}
		resp, err := c.Upload(context.Background(), req, tt.mime, int64(len(tt.body)), tt.token, strings.NewReader(tt.body))
		if err != nil {
			t.Fatalf("%s: %v", tt.url, err)
		}
		if resp.Status != StatusRedirect || resp.Meta != "gemini://localhost/done.gmi" {
			t.Errorf("%s: response %d %q", tt.url, resp.Status, resp.Meta)
		}
		ex := s.waitExchanges(i + 1)
		if got := ex[i].Request; got != tt.line+"\r\n" {
			t.Errorf("%s: request line\n got %q\nwant %q", tt.url, got, tt.line+"\r\n")
		}
		if got := s.received(); len(got) != i+1 || got[i] != tt.body {
			t.Errorf("%s: the server received the bodies %q, want %q last", tt.url, got, tt.body)
		}
	}
}

// An upload goes to the address a gemini request to the host would use:
// the trust hook is asked about the same host:port, the default port
// included, and the identity is presented.
func TestUploadTrustAndIdentity(t *testing.T) {
	s := newTitanServer(t, func(string) string { return "30 gemini://localhost/\r\n" })
	var mu sync.Mutex
	var asked []string
	c := Client{TrustCertificate: func(addr string, _ []*x509.Certificate) error {
		mu.Lock()
		asked = append(asked, addr)
		mu.Unlock()
		return nil
	}}
	if _, _, err := get(t, &c, s.url("/")); err != nil {
		t.Fatal(err)
	}
	alice := newCert(t, "alice", time.Now().Add(time.Hour))
	req := &Request{URL: mustParse(t, "titan://localhost:"+strconv.Itoa(s.port)+"/x"), Certificate: &alice}
	if _, err := c.Upload(context.Background(), req, "", 2, "", strings.NewReader("hi")); err != nil {
		t.Fatal(err)
	}
	req = &Request{URL: mustParse(t, "titan://LocalHost/x"), Host: "127.0.0.1:" + strconv.Itoa(s.port)}
	if _, err := c.Upload(context.Background(), req, "", 2, "", strings.NewReader("hi")); err != nil {
		t.Fatal(err)
	}
	want := []string{"localhost:" + strconv.Itoa(s.port), "localhost:" + strconv.Itoa(s.port), "localhost:1965"}
	if strings.Join(asked, " ") != strings.Join(want, " ") {
		t.Errorf("the trust hook was asked about %q, want %q", asked, want)
	}
	ex := s.waitExchanges(3)
	if len(ex[1].ClientCerts) != 1 || ex[1].ClientCerts[0].Subject.CommonName != "alice" || len(ex[2].ClientCerts) != 0 {
		t.Errorf("client certificates presented: %d, %d; want alice's, then none", len(ex[1].ClientCerts), len(ex[2].ClientCerts))
	}
	if ex[2].Request != "titan://localhost/x;size=2\r\n" || ex[2].ServerName != "localhost" {
		t.Errorf("request %q with SNI %q", ex[2].Request, ex[2].ServerName)
	}
}

// A server whose certificate the hook refuses receives no byte of the
// request: not the request line, not the body, not the identity.
func TestUploadRefusedBeforeAnythingIsSent(t *testing.T) {
	s := newTitanServer(t, func(string) string { return "30 gemini://localhost/\r\n" })
	refused := errors.New("certificate changed")
	c := Client{TrustCertificate: func(string, []*x509.Certificate) error { return refused }}
	alice := newCert(t, "alice", time.Now().Add(time.Hour))
	req := &Request{URL: mustParse(t, "titan://localhost:"+strconv.Itoa(s.port)+"/x"), Certificate: &alice}
	_, err := c.Upload(context.Background(), req, "text/plain", 6, "secret", strings.NewReader("secret"))
	if !errors.Is(err, refused) {
		t.Fatalf("err = %v, want the hook's error", err)
	}
	ex := s.waitExchanges(1)
	if len(ex) != 1 || ex[0].HandshakeErr == nil || ex[0].Request != "" || len(ex[0].ClientCerts) != 0 || len(s.received()) != 0 {
		t.Errorf("a refused server saw %+v and the bodies %q", ex, s.received())
	}
}

// A body shorter than its size ends the upload when it ends, without a
// response; a longer one stops before the last byte of its size.
func TestUploadWrongSize(t *testing.T) {
	got := make(chan string, 2)
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		b, _ := io.ReadAll(tc)
		got <- string(b)
		io.WriteString(tc, "30 gemini://localhost/\r\n")
	})
	var c Client
	tests := []struct {
		body string
		size int64
		sent string
		want SizeError
		msg  string
	}{
		{"short", 10, "short", SizeError{Size: 10, Sent: 5}, "sent 5 of 10 bytes: the file is shorter than its size"},
		{"0123456789AB", 10, "012345678", SizeError{Size: 10, Sent: 9, Longer: true}, "sent 9 of 10 bytes and stopped: the file is longer than its size"},
		{"0123456789", 10 + 1, "0123456789", SizeError{Size: 11, Sent: 10}, "sent 10 of 11 bytes: the file is shorter than its size"},
		{"", 1, "", SizeError{Size: 1}, "sent 0 of 1 bytes: the file is shorter than its size"},
	}
	for _, tt := range tests {
		req, _ := NewRequest(f.url("/x"))
		resp, err := c.Upload(context.Background(), req, "", tt.size, "", strings.NewReader(tt.body))
		var se *SizeError
		if !errors.As(err, &se) || *se != tt.want || err.Error() != tt.msg || resp != nil {
			t.Errorf("%q as %d bytes: %v, %v; want %+v %q", tt.body, tt.size, resp, err, tt.want, tt.msg)
			continue
		}
		if b := <-got; b != tt.sent {
			t.Errorf("%q as %d bytes: the server received %q, want %q", tt.body, tt.size, b, tt.sent)
		}
	}

	// Size 0 sends no body: one that has bytes fails before connecting.
	req, _ := NewRequest(f.url("/x"))
	_, err := c.Upload(context.Background(), req, "", 0, "", strings.NewReader("x"))
	var se *SizeError
	if !errors.As(err, &se) || *se != (SizeError{Longer: true}) {
		t.Errorf("a body for size 0: %v", err)
	}
	if n := len(f.exchanges()); n != len(tests) {
		t.Errorf("the server saw %d connections, want %d", n, len(tests))
	}
}

// smallBuffers is a DialContext whose connections have a small send
// buffer, so that an upload that the server does not read blocks soon.
func smallBuffers(ctx context.Context, network, addr string) (net.Conn, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err == nil {
		conn.(*net.TCPConn).SetWriteBuffer(16 << 10)
	}
	return conn, err
}

// bigBody is more than the socket buffers of both ends hold.
var bigBody = bytes.Repeat([]byte("titan "), 16<<20/6)

// A server that stops reading the body is cut off by the idle deadline,
// long before the header deadline.
func TestUploadStalled(t *testing.T) {
	done := make(chan struct{})
	f := newFixture(t, func(*tls.Conn, net.Conn, string) { <-done })
	t.Cleanup(func() { close(done) })
	c := Client{DialContext: smallBuffers, IdleTimeout: 200 * time.Millisecond, HeaderTimeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := NewRequest(f.url("/big"))
	_, err := c.Upload(ctx, req, "", int64(len(bigBody)), "", bytes.NewReader(bigBody))
	// The idle deadline's error, not the context's (10 s) nor the header's.
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "made no progress for 200ms") {
		t.Errorf("err = %v, want ErrTimeout for the stalled upload", err)
	}
}

// An upload that takes longer than the header deadline, with progress all
// along, succeeds: the header deadline starts when the body is sent.
func TestUploadOutlastsHeaderTimeout(t *testing.T) {
	const wait = 300 * time.Millisecond
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		head := make([]byte, 256<<10)
		io.ReadFull(tc, head)
		time.Sleep(3 * wait) // a slow disk
		n, _ := io.Copy(io.Discard, io.LimitReader(tc, int64(len(bigBody)-len(head))))
		if int(n)+len(head) == len(bigBody) {
			io.WriteString(tc, "30 gemini://localhost/big\r\n")
		}
	})
	c := Client{DialContext: smallBuffers, HeaderTimeout: wait, IdleTimeout: 10 * wait}
	req, _ := NewRequest(f.url("/big"))
	resp, err := c.Upload(context.Background(), req, "", int64(len(bigBody)), "", bytes.NewReader(bigBody))
	if err != nil || resp.Status != StatusRedirect {
		t.Fatalf("resp %v, err %v", resp, err)
	}
}

// A server that answers before reading the body (a wrong token, a file
// too large) stops the upload, and its answer is the response.
func TestUploadEarlyAnswer(t *testing.T) {
	done := make(chan struct{})
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		io.WriteString(tc, "59 Too large\r\n")
		<-done
	})
	t.Cleanup(func() { close(done) })
	c := Client{DialContext: smallBuffers, IdleTimeout: time.Minute}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := NewRequest(f.url("/big"))
	// The server never reads the body: an upload that went on after the
	// answer would block until the context ends, and fail.
	resp, err := c.Upload(ctx, req, "", int64(len(bigBody)), "", bytes.NewReader(bigBody))
	if err != nil || resp.Status != StatusBadRequest || resp.Meta != "Too large" {
		t.Fatalf("resp %v, err %v; want the server's 59", resp, err)
	}
}

// Cancelling the context stops an upload in progress.
func TestUploadCancel(t *testing.T) {
	done := make(chan struct{})
	started := make(chan struct{})
	f := newFixture(t, func(*tls.Conn, net.Conn, string) { close(started); <-done })
	t.Cleanup(func() { close(done) })
	c := Client{DialContext: smallBuffers, IdleTimeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	req, _ := NewRequest(f.url("/big"))
	_, err := c.Upload(ctx, req, "", int64(len(bigBody)), "", bytes.NewReader(bigBody))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestUploadNotTitan(t *testing.T) {
	var c Client
	_, err := c.Upload(context.Background(), &Request{URL: mustParse(t, "https://example.com/x")}, "", 0, "", nil)
	var ue *URLError
	if !errors.As(err, &ue) {
		t.Errorf("err = %v, want a *URLError", err)
	}
	long := &Request{URL: mustParse(t, "titan://example.com/"+strings.Repeat("x", 1000))}
	if _, err := c.Upload(context.Background(), long, "", 0, strings.Repeat("t", 30), nil); !errors.As(err, &ue) || !strings.Contains(ue.Reason, "Titan parameters") {
		t.Errorf("a request line over the limit: %v", err)
	}
}

func TestTitanAndGeminiURL(t *testing.T) {
	tests := []struct{ in, titan, gemini string }{
		{"gemini://example.org/a/b.gmi", "titan://example.org/a/b.gmi", "gemini://example.org/a/b.gmi"},
		{"gemini://example.org:1966/a?q=1#f", "titan://example.org:1966/a", "gemini://example.org:1966/a?q=1#f"},
		{"titan://example.org/a%20b.txt;mime=text/plain;size=3;token=x%2Fy", "titan://example.org/a%20b.txt", "gemini://example.org/a%20b.txt"},
		{"titan://[::1]:1966/x;size=0", "titan://[::1]:1966/x", "gemini://[::1]:1966/x"},
		{"titan://example.org", "titan://example.org", "gemini://example.org"},
	}
	for _, tt := range tests {
		u := mustParse(t, tt.in)
		if got := TitanURL(u).String(); got != tt.titan {
			t.Errorf("TitanURL(%s) = %s, want %s", tt.in, got, tt.titan)
		}
		if got := GeminiURL(u).String(); got != tt.gemini {
			t.Errorf("GeminiURL(%s) = %s, want %s", tt.in, got, tt.gemini)
		}
		if u.String() != tt.in {
			t.Errorf("%s was changed to %s", tt.in, u)
		}
	}
}
