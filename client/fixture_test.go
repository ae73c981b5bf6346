package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// newCert makes a self-signed ECDSA P-256 certificate for localhost.
func newCert(t testing.TB, cn string, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     []string{cn, "localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// exchange is what the fixture server saw on one connection.
type exchange struct {
	ServerName   string              // SNI
	HandshakeErr error               // the server side of the handshake
	ClientCerts  []*x509.Certificate // client certificates presented
	Request      string              // the request line with its CRLF, "" if none came
	DidResume    bool
}

// fixture is a TLS server on 127.0.0.1 that misbehaves on purpose: each
// connection's handler gets the TLS connection, the raw TCP connection
// under it, and the request line.
type fixture struct {
	t       testing.TB
	ln      net.Listener
	port    int
	mu      sync.Mutex
	cert    tls.Certificate
	seen    []exchange
	handler func(tc *tls.Conn, raw net.Conn, req string)
	wg      sync.WaitGroup
	cfg     *tls.Config
	sni     sync.Map // remote address → server name sent
}

func newFixture(t testing.TB, handler func(tc *tls.Conn, raw net.Conn, req string)) *fixture {
	return newFixtureTLS(t, tls.VersionTLS13, handler)
}

// newFixtureTLS starts a fixture that speaks TLS 1.2 up to maxVersion.
func newFixtureTLS(t testing.TB, maxVersion uint16, handler func(tc *tls.Conn, raw net.Conn, req string)) *fixture {
	t.Helper()
	f := &fixture{t: t, handler: handler, cert: newCert(t, "localhost", time.Now().Add(24*time.Hour))}
	f.cfg = &tls.Config{
		MinVersion: tls.VersionTLS12,
		MaxVersion: maxVersion,
		GetConfigForClient: func(hi *tls.ClientHelloInfo) (*tls.Config, error) {
			f.sni.Store(hi.Conn.RemoteAddr().String(), hi.ServerName)
			return nil, nil
		},
		ClientAuth: tls.RequestClientCert,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			c := f.cert
			return &c, nil
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.ln = ln
	f.port = ln.Addr().(*net.TCPAddr).Port
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

func (f *fixture) url(path string) string {
	return "gemini://localhost:" + strconv.Itoa(f.port) + path
}

func (f *fixture) setCert(c tls.Certificate) {
	f.mu.Lock()
	f.cert = c
	f.mu.Unlock()
}

func (f *fixture) exchanges() []exchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]exchange(nil), f.seen...)
}

// waitExchanges waits until the server has recorded n connections and
// returns them.
func (f *fixture) waitExchanges(n int) []exchange {
	deadline := time.Now().Add(5 * time.Second)
	for {
		ex := f.exchanges()
		if len(ex) >= n || time.Now().After(deadline) {
			return ex
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (f *fixture) serve() {
	defer f.wg.Done()
	for {
		raw, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			defer raw.Close()
			f.handle(raw)
		}()
	}
}

func (f *fixture) handle(raw net.Conn) {
	var ex exchange
	tc := tls.Server(raw, f.cfg)
	raw.SetDeadline(time.Now().Add(5 * time.Second))
	ex.HandshakeErr = tc.Handshake()
	if sn, ok := f.sni.Load(raw.RemoteAddr().String()); ok {
		ex.ServerName = sn.(string)
	}
	if ex.HandshakeErr == nil {
		st := tc.ConnectionState()
		ex.ClientCerts, ex.DidResume = st.PeerCertificates, st.DidResume
		ex.Request = readRequestLine(tc)
	}
	f.mu.Lock()
	f.seen = append(f.seen, ex)
	f.mu.Unlock()
	if ex.HandshakeErr != nil {
		return
	}
	raw.SetDeadline(time.Time{})
	f.handler(tc, raw, ex.Request)
	tc.Close() // sends close_notify unless the handler closed raw already
}

// readRequestLine reads the request line byte by byte, so that what follows it
// (the body of an upload) is left for the handler.
func readRequestLine(r io.Reader) string {
	var line []byte
	var b [1]byte
	for len(line) < 2048 {
		if _, err := r.Read(b[:]); err != nil {
			break
		}
		if line = append(line, b[0]); b[0] == '\n' {
			break
		}
	}
	return string(line)
}

// reply answers every request with the bytes given.
func reply(s string) func(*tls.Conn, net.Conn, string) {
	return func(tc *tls.Conn, _ net.Conn, _ string) { tc.Write([]byte(s)) }
}
