package client

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// reset closes raw with a TCP RST instead of a FIN.
func reset(raw net.Conn) {
	raw.(*net.TCPConn).SetLinger(0)
	raw.Close()
}

func TestNetErrorResetAfterBody(t *testing.T) {
	read := make(chan struct{})
	f := newFixture(t, func(tc *tls.Conn, raw net.Conn, _ string) {
		tc.Write([]byte("20 text/plain\r\n" + strings.Repeat("x", 12<<10)))
		<-read
		reset(raw)
	})
	var c Client
	resp, err := c.Get(context.Background(), f.url("/"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadFull(resp.Body, make([]byte, 12<<10)); err != nil {
		t.Fatal(err)
	}
	close(read)
	_, err = io.ReadAll(resp.Body)
	var ne *NetError
	if !errors.As(err, &ne) || !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("err = %#v, want a *NetError wrapping ECONNRESET", err)
	}
	if got, want := err.Error(), "Connection reset by the server after 12 KiB"; got != want {
		t.Errorf("err = %q, want %q", got, want)
	}
}

func TestNetErrorResetBeforeHeader(t *testing.T) {
	f := newFixture(t, func(_ *tls.Conn, raw net.Conn, _ string) { reset(raw) })
	var c Client
	_, err := c.Get(context.Background(), f.url("/"))
	addr := strings.TrimPrefix(f.url(""), "gemini://")
	if want := "Connection reset by " + addr + " before it answered"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("err = %#v does not unwrap to ECONNRESET", err)
	}
}

func TestNetErrorRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var c Client
	_, err = c.Get(context.Background(), "gemini://"+addr+"/")
	if want := "Connection refused by " + addr; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	var op *net.OpError
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.As(err, &op) {
		t.Errorf("err = %#v does not unwrap to the *net.OpError and ECONNREFUSED", err)
	}
}

func TestNetErrorNotTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		conn.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n"))
		conn.Close()
	}()
	var c Client
	_, err = c.Get(context.Background(), "gemini://"+ln.Addr().String()+"/")
	if want := ln.Addr().String() + " does not speak TLS: it is not a Gemini server"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestNetErrorNoSuchHost(t *testing.T) {
	c := Client{DialContext: func(_ context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network,
			Err: &net.DNSError{Err: "no such host", Name: "nosuch.example", IsNotFound: true}}
	}}
	_, err := c.Get(context.Background(), "gemini://nosuch.example/")
	if want := "No such host nosuch.example"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	var dns *net.DNSError
	if !errors.As(err, &dns) {
		t.Errorf("err = %#v does not unwrap to the *net.DNSError", err)
	}
}

// TestNetErrorWords: each failure NetError knows is said in words, with no
// Go error text ("read tcp …", "connect: …").
func TestNetErrorWords(t *testing.T) {
	op := func(e error) error { return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", e)} }
	tests := []struct {
		err      error
		stage    Stage
		received int64
		want     string
	}{
		{op(syscall.ECONNRESET), StageBody, 1, "Connection reset by the server after 1 byte"},
		{op(syscall.ECONNRESET), StageBody, 600, "Connection reset by the server after 600 bytes"},
		{op(syscall.ECONNRESET), StageBody, 3 << 19, "Connection reset by the server after 1.5 MiB"},
		{op(syscall.ECONNRESET), StageHandshake, 0, "Connection reset by h:1965 during the TLS handshake"},
		{op(syscall.EPIPE), StageRequest, 0, "Connection closed by h:1965 while the request was sent"},
		{op(syscall.ENETUNREACH), StageConnect, 0, "Network unreachable: no route to h:1965"},
		{op(syscall.EHOSTUNREACH), StageConnect, 0, "Host unreachable: no route to h:1965"},
		{op(syscall.EADDRNOTAVAIL), StageConnect, 0, "Connection to h:1965 failed (cannot assign requested address)"},
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", Name: "h"}}, StageConnect, 0, "Could not look up h (no answer from the name server)"},
		{io.ErrUnexpectedEOF, StageHandshake, 0, "Connection closed by h:1965 during the TLS handshake"},
		{&net.OpError{Op: "remote error", Err: errors.New("tls: handshake failure")}, StageHandshake, 0, "h:1965 refused the TLS handshake (handshake failure)"},
		{errors.New("tls: server selected unsupported protocol version 301"), StageHandshake, 0, "The TLS handshake with h:1965 failed (server selected unsupported protocol version 301)"},
	}
	for _, tt := range tests {
		ne := netError(tt.err, tt.stage, "h:1965", tt.received)
		if ne == nil {
			t.Errorf("netError(%v) = nil", tt.err)
			continue
		}
		if got := ne.Error(); got != tt.want {
			t.Errorf("netError(%v) = %q, want %q", tt.err, got, tt.want)
		}
		if !errors.Is(ne, tt.err) {
			t.Errorf("netError(%v) does not unwrap to it", tt.err)
		}
	}
	// The trust hook's error is not a network failure: it stays as it is.
	if ne := netError(errors.New("certificate changed"), StageHandshake, "h:1965", 0); ne != nil {
		t.Errorf("a hook's error became %q", ne)
	}
}
