package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, c *Client, rawURL string) (*Response, []byte, error) {
	t.Helper()
	resp, err := c.Get(context.Background(), rawURL)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestDoSuccess(t *testing.T) {
	f := newFixture(t, reply("20 text/gemini; lang=en\r\n# Hello\r\n=> /x link\r\n"))
	var c Client // the zero value works
	resp, body, err := get(t, &c, f.url("/page?q=1"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != StatusSuccess || resp.Meta != "text/gemini; lang=en" || string(body) != "# Hello\r\n=> /x link\r\n" {
		t.Errorf("got %d %q %q", resp.Status, resp.Meta, body)
	}
	if resp.Truncated() {
		t.Error("a body ended by close_notify is flagged truncated")
	}
	if resp.Certificate == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("certificate %v, TLS version %x", resp.Certificate, resp.TLS.Version)
	}
	ex := f.exchanges()
	if len(ex) != 1 || ex[0].Request != f.url("/page?q=1")+"\r\n" {
		t.Errorf("server received %q, want the URL with its non-default port and CRLF", ex[0].Request)
	}
	if ex[0].ServerName != "localhost" {
		t.Errorf("SNI = %q, want localhost", ex[0].ServerName)
	}
}

func TestNoSNIForIPLiteral(t *testing.T) {
	f := newFixture(t, reply("20 text/plain\r\nok"))
	var c Client
	if _, _, err := get(t, &c, fmt.Sprintf("gemini://127.0.0.1:%d/", f.port)); err != nil {
		t.Fatal(err)
	}
	if sn := f.exchanges()[0].ServerName; sn != "" {
		t.Errorf("SNI = %q for an IP literal, want none", sn)
	}
}

func TestWireReplies(t *testing.T) {
	long := strings.Repeat("m", 1025)
	binary := string([]byte{0, 1, 2, 0xff, 0xfe, '\r', '\n', 0x80, 0xc3, 0x28, 0x1b, '['})
	tests := []struct {
		name   string
		wire   string
		status Status
		meta   string
		body   string
		err    string
	}{
		{"LF-only header", "20 text/gemini\nhi\n", 20, "text/gemini", "hi\n", ""},
		{"undefined code acts as its class", "29 text/plain\r\nbody", 20, "text/plain", "body", ""},
		{"non-2x is not an error", "51 Not found\r\n", 51, "Not found", "", ""},
		{"44 slow down", "44 5\r\n", 44, "5", "", ""},
		{"60 certificate required", "60 Members only\r\n", 60, "Members only", "", ""},
		{"no body after a non-2x", "40 busy\r\nignored bytes", 40, "busy", "", ""},
		{"binary and invalid UTF-8 body", "20 application/octet-stream\r\n" + binary, 20, "application/octet-stream", binary, ""},
		{"no header end", "20 text/gemini", 0, "", "", "closed before the header's line end"},
		{"one digit", "2 text/gemini\r\n", 0, "", "", "one-digit"},
		{"three digits", "200 OK\r\n", 0, "", "", "3-digit"},
		{"letters", "OK text/gemini\r\n", 0, "", "", "not a number"},
		{"blank line", "\r\n", 0, "", "", "blank line"},
		{"status below 10", "09 x\r\n", 0, "", "", "outside 10–69"},
		{"status above 69", "70 x\r\n", 0, "", "", "outside 10–69"},
		{"meta too long", "20 " + long + "\r\n", 0, "", "", "longer than 1024"},
		{"empty reply", "", 0, "", "", "No response from server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, reply(tt.wire))
			var c Client
			resp, body, err := get(t, &c, f.url("/"))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != tt.status || resp.Meta != tt.meta || string(body) != tt.body {
				t.Errorf("got %d %q %q, want %d %q %q", resp.Status, resp.Meta, body, tt.status, tt.meta, tt.body)
			}
		})
	}
}

func TestEmptyReplyIsNoResponse(t *testing.T) {
	f := newFixture(t, func(tc *tls.Conn, raw net.Conn, _ string) { raw.Close() })
	var c Client
	_, err := c.Get(context.Background(), f.url("/"))
	if !errors.Is(err, ErrNoResponse) {
		t.Errorf("error = %v, want ErrNoResponse", err)
	}
}

func TestHangTimesOut(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFixture(t, func(*tls.Conn, net.Conn, string) { <-release })
	c := Client{HeaderTimeout: 200 * time.Millisecond}
	_, err := c.Get(context.Background(), f.url("/"))
	if !errors.Is(err, ErrTimeout) || !strings.HasPrefix(err.Error(), "Connection timeout") {
		t.Errorf("error = %v, want Connection timeout", err)
	}
}

func TestHandshakeHangTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accepts and never speaks TLS
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	c := Client{HandshakeTimeout: 200 * time.Millisecond}
	_, err = c.Get(context.Background(), "gemini://"+ln.Addr().String()+"/")
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("error = %v, want ErrTimeout", err)
	}
}

func TestSlowDripPastIdleDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		tc.Write([]byte("20 text/plain\r\n"))
		for i := 0; i < 3; i++ {
			tc.Write([]byte("x"))
			time.Sleep(20 * time.Millisecond)
		}
		<-release
	})
	c := Client{IdleTimeout: 200 * time.Millisecond}
	resp, body, err := get(t, &c, f.url("/"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error = %v, want ErrTimeout", err)
	}
	if resp != nil || body != nil {
		return
	}
}

func TestContextCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFixture(t, func(*tls.Conn, net.Conn, string) { <-release })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var c Client
	start := time.Now()
	_, err := c.Get(ctx, f.url("/"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want the context's error", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("the context did not stop the request")
	}
}

func TestBodyCap(t *testing.T) {
	payload := strings.Repeat("0123456789", 500)
	f := newFixture(t, reply("20 text/plain\r\n"+payload))
	c := Client{MaxSize: 1000}
	_, body, err := get(t, &c, f.url("/"))
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Max != 1000 || len(body) != 1000 {
		t.Errorf("err = %v, read %d bytes; want TooLargeError after 1000", err, len(body))
	}
	// A body of exactly the cap is fine.
	c.MaxSize = int64(len(payload))
	if _, body, err := get(t, &c, f.url("/")); err != nil || len(body) != len(payload) {
		t.Errorf("exact cap: %v, %d bytes", err, len(body))
	}
	// A download opts out.
	c.MaxSize = 1000
	resp, err := c.Get(context.Background(), f.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.SetMaxSize(0)
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(body) != len(payload) {
		t.Errorf("uncapped: %v, %d bytes", err, len(body))
	}
	if got := (&TooLargeError{Max: DefaultMaxSize}).Error(); got != "Response too large (max 5MB)" {
		t.Errorf("default cap message = %q", got)
	}
}

func TestDefaultCap(t *testing.T) {
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		tc.Write([]byte("20 application/octet-stream\r\n"))
		chunk := bytes.Repeat([]byte{'x'}, 64<<10)
		for i := 0; i < (DefaultMaxSize>>16)+2; i++ {
			if _, err := tc.Write(chunk); err != nil {
				return
			}
		}
	})
	var c Client
	_, body, err := get(t, &c, f.url("/"))
	if err == nil || err.Error() != "Response too large (max 5MB)" || len(body) != DefaultMaxSize {
		t.Errorf("err = %v after %d bytes", err, len(body))
	}
}

func TestMissingCloseNotify(t *testing.T) {
	f := newFixture(t, func(tc *tls.Conn, raw net.Conn, _ string) {
		tc.Write([]byte("20 text/plain\r\npartial"))
		raw.Close() // TCP close without TLS close_notify
	})
	var c Client
	resp, body, err := get(t, &c, f.url("/"))
	if err != nil || string(body) != "partial" {
		t.Fatalf("err = %v, body %q", err, body)
	}
	if !resp.Truncated() {
		t.Error("a body ended without close_notify is not flagged truncated")
	}
}

// pin is a TrustCertificate hook that trusts the first certificate seen for
// an address and refuses any other.
type pin map[string][32]byte

func (p pin) check(addr string, chain []*x509.Certificate) error {
	sum := sha256.Sum256(chain[0].RawSubjectPublicKeyInfo)
	if old, ok := p[addr]; ok && old != sum {
		return errors.New("certificate changed")
	}
	p[addr] = sum
	return nil
}

func TestTrustHookRefusesBeforeAnythingIsSent(t *testing.T) {
	id := newCert(t, "alice", time.Now().Add(time.Hour))
	p := pin{}
	// Without resumption, so that the changed certificate is presented.
	c := Client{TrustCertificate: p.check, DisableResumption: true}
	for _, version := range []uint16{tls.VersionTLS13, tls.VersionTLS12} {
		f := newFixtureTLS(t, version, reply("20 text/plain\r\nsecret"))
		// First sight: trusted; the certificate and request go out.
		f.setCert(newCert(t, "localhost", time.Now().Add(time.Hour)))
		clear(p)
		req, _ := NewRequest(f.url("/members"))
		req.Certificate = &id
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		ex := f.waitExchanges(1)
		last := ex[len(ex)-1]
		if last.Request == "" || len(last.ClientCerts) != 1 || last.ClientCerts[0].Subject.CommonName != "alice" {
			t.Fatalf("TLS %x trusted server: request %q, certs %d", version, last.Request, len(last.ClientCerts))
		}

		// The server's certificate changes: the hook refuses inside the
		// handshake, and the server sees neither the request nor the
		// client certificate.
		f.setCert(newCert(t, "localhost", time.Now().Add(time.Hour)))
		_, err = c.Do(context.Background(), req)
		if err == nil || !strings.Contains(err.Error(), "certificate changed") {
			t.Fatalf("TLS %x: err = %v, want the hook's error", version, err)
		}
		ex = f.waitExchanges(2)
		if len(ex) != 2 {
			t.Fatalf("TLS %x: the server saw %d connections, want 2", version, len(ex))
		}
		last = ex[1]
		if last.Request != "" || len(last.ClientCerts) != 0 || last.HandshakeErr == nil {
			t.Errorf("TLS %x: a refused server received request %q and %d client certificates", version, last.Request, len(last.ClientCerts))
		}
	}
}

func TestSessionResumption(t *testing.T) {
	f := newFixture(t, reply("20 text/plain\r\nok"))
	p := pin{}
	c := Client{TrustCertificate: p.check}
	for i := 0; i < 3; i++ {
		if _, _, err := get(t, &c, f.url("/")); err != nil {
			t.Fatal(err)
		}
	}
	ex := f.exchanges()
	if ex[0].DidResume || !ex[2].DidResume {
		t.Errorf("resumed: %v %v %v; want the later connections resumed", ex[0].DidResume, ex[1].DidResume, ex[2].DidResume)
	}
	// A resumed session still passes through the hook: a changed pin fails.
	p[f.url("")[len("gemini://"):]] = [32]byte{}
	if _, err := c.Get(context.Background(), f.url("/")); err == nil {
		t.Error("a resumed handshake skipped the trust hook")
	}
	noResume := Client{DisableResumption: true}
	get(t, &noResume, f.url("/"))
	get(t, &noResume, f.url("/"))
	if ex := f.exchanges(); ex[len(ex)-1].DidResume {
		t.Error("DisableResumption still resumed")
	}
}

func TestNotGemini(t *testing.T) {
	var c Client
	_, err := c.Get(context.Background(), "https://example.com/")
	var ue *URLError
	if !errors.As(err, &ue) {
		t.Errorf("err = %v, want a *URLError", err)
	}
}

// A resumed TLS session carries the client certificate it was made with,
// so a session is never resumed for a request with another identity (or
// none).
func TestResumptionKeepsIdentitiesApart(t *testing.T) {
	f := newFixture(t, reply("20 text/plain\r\nok"))
	alice := newCert(t, "alice", time.Now().Add(time.Hour))
	bob := newCert(t, "bob", time.Now().Add(time.Hour))
	var c Client
	for _, cert := range []*tls.Certificate{&alice, &alice, &bob, nil, &alice, nil} {
		req, _ := NewRequest(f.url("/"))
		req.Certificate = cert
		resp, err := c.Do(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	ex := f.waitExchanges(6)
	want := []string{"alice", "alice", "bob", "", "alice", ""}
	for i, e := range ex {
		got := ""
		if len(e.ClientCerts) > 0 {
			got = e.ClientCerts[0].Subject.CommonName
		}
		if got != want[i] {
			t.Errorf("request %d: the server saw identity %q, want %q (resumed: %v)", i, got, want[i], e.DidResume)
		}
	}
	if !ex[1].DidResume || !ex[4].DidResume {
		t.Error("sessions with the same identity were not resumed")
	}
}

// A context cancelled between two reads of the body ends the next read at
// once, even when the cancellation acted on the connection before that
// read set its idle deadline.
func TestContextCancelBetweenReads(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	f := newFixture(t, func(tc *tls.Conn, _ net.Conn, _ string) {
		tc.Write([]byte("20 text/plain\r\nfirst"))
		<-release
	})
	for range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		c := Client{IdleTimeout: 10 * time.Second}
		resp, err := c.Get(ctx, f.url("/"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAtLeast(resp.Body, make([]byte, 5), 5); err != nil {
			t.Fatal(err)
		}
		cancel()
		for range 100 {
			runtime.Gosched() // let the cancellation act on the connection first
		}
		start := time.Now()
		_, err = resp.Body.Read(make([]byte, 10))
		if !errors.Is(err, context.Canceled) || time.Since(start) > c.IdleTimeout/2 {
			t.Fatalf("read after cancel: %v after %v, want the context's error at once", err, time.Since(start))
		}
		resp.Body.Close()
	}
}
