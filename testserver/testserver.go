package testserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"propus/client"
)

// TB is the part of testing.TB that NewServer uses.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// TestServer is a Server on 127.0.0.1 for tests, with a fresh certificate,
// in the manner of net/http/httptest.
type TestServer struct {
	// URL is "gemini://127.0.0.1:PORT" (no trailing slash).
	// "gemini://localhost:PORT" reaches it too, with SNI.
	URL string
	// Addr is "127.0.0.1:PORT"; Port the port alone.
	Addr string
	Port int
	// Server is the server itself; its fields may be read, and changed
	// only between NewUnstartedServer and Start.
	Server *Server

	mu         sync.Mutex
	cert       tls.Certificate
	generation uint64 // counts the certificates
	ln         net.Listener
	started    bool
	closeOnce  sync.Once
}

// NewServer starts a server for h on a free port of 127.0.0.1 with a new
// self-signed certificate for localhost, 127.0.0.1 and ::1, and closes it
// when the test ends. Its access log is discarded; errors and panics go to
// the standard logger. Its Server has no per-client connection cap
// (MaxConnsPerIP is -1), since every client of a test is 127.0.0.1.
func NewServer(t TB, h Handler) *TestServer {
	t.Helper()
	ts := NewUnstartedServer(t, h)
	ts.Start()
	return ts
}

// NewUnstartedServer is NewServer without the start: its URL, address and
// certificate are ready, and the fields of its Server (timeouts, MaxConns,
// logs) may be changed until Start is called.
func NewUnstartedServer(t TB, h Handler) *TestServer {
	t.Helper()
	ts := &TestServer{}
	if err := ts.rotate(); err != nil {
		t.Fatalf("testserver: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	ts.ln = ln
	ts.Addr = ln.Addr().String()
	ts.Port = ln.Addr().(*net.TCPAddr).Port
	ts.URL = "gemini://" + ts.Addr
	cfg := &tls.Config{GetCertificate: ts.getCertificate}
	// A session ticket carries the certificate generation it was issued
	// under: after RotateCertificate, a client cannot resume an older
	// session and must see the new certificate.
	cfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		ss.Extra = append(ss.Extra, ts.generationTag())
		return cfg.EncryptTicket(cs, ss)
	}
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := cfg.DecryptTicket(identity, cs)
		if err != nil || ss == nil || len(ss.Extra) == 0 || !bytes.Equal(ss.Extra[len(ss.Extra)-1], ts.generationTag()) {
			return nil, nil // a full handshake instead
		}
		return ss, nil
	}
	ts.Server = &Server{
		Handler:       h,
		TLSConfig:     cfg,
		MaxConnsPerIP: -1, // every client of a test is 127.0.0.1
		AccessLog:     io.Discard,
		ErrorLog:      log.Default(),
	}
	t.Cleanup(ts.Close)
	return ts
}

// Start starts serving a server from NewUnstartedServer. It panics when
// the server was already started.
func (ts *TestServer) Start() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.started {
		panic("testserver: server already started")
	}
	ts.started = true
	go ts.Server.Serve(ts.ln)
}

// URLFor returns the URL of path on the server by host name:
// "gemini://localhost:PORT" + path.
func (ts *TestServer) URLFor(path string) string {
	return fmt.Sprintf("gemini://localhost:%d%s", ts.Port, path)
}

// Certificate returns the certificate the server presents now.
func (ts *TestServer) Certificate() *x509.Certificate {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.cert.Leaf
}

// RotateCertificate gives the server a new certificate with a new key, as
// a server that changed its certificate (or an attacker in the middle)
// would present, and returns it. TLS sessions from before the rotation
// are not resumed, so every client sees the new certificate.
func (ts *TestServer) RotateCertificate() *x509.Certificate {
	if err := ts.rotate(); err != nil {
		panic(err)
	}
	return ts.Certificate()
}

func (ts *TestServer) rotate() error {
	cert, err := GenerateCertificate([]string{"localhost", "127.0.0.1", "::1"}, 24*time.Hour)
	if err != nil {
		return err
	}
	ts.mu.Lock()
	ts.cert = cert
	ts.generation++
	ts.mu.Unlock()
	return nil
}

// generationTag names the current certificate in session tickets.
func (ts *TestServer) generationTag() []byte {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return binary.BigEndian.AppendUint64([]byte("testserver certificate "), ts.generation)
}

func (ts *TestServer) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	c := ts.cert
	return &c, nil
}

// Client returns a client that trusts exactly the certificate the server
// presents at the time of each handshake.
func (ts *TestServer) Client() *client.Client {
	return &client.Client{TrustCertificate: func(_ string, chain []*x509.Certificate) error {
		if !chain[0].Equal(ts.Certificate()) {
			return errors.New("testserver: not the test server's certificate")
		}
		return nil
	}}
}

// Close shuts the server down, waiting up to five seconds for responses
// in flight.
func (ts *TestServer) Close() {
	ts.closeOnce.Do(func() {
		ts.mu.Lock()
		started := ts.started
		ts.mu.Unlock()
		if !started {
			ts.ln.Close()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		ts.Server.Shutdown(ctx)
	})
}
