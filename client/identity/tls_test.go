package identity

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"
)

// seen is what the test server learnt from a handshake.
type seen struct {
	version uint16
	cn      string
	hash    string // as a server's TLS_CLIENT_HASH
	err     error
}

// serveOnce starts a TLS server on 127.0.0.1 that asks for, but does not
// verify, a client certificate, and reports what one connection presented.
func serveOnce(t *testing.T, version uint16) (addr string, result <-chan seen) {
	t.Helper()
	server := mustCreate(t, "server", ECDSAP256)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{server.Certificate},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   version,
		MaxVersion:   version,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan seen, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			ch <- seen{err: err}
			return
		}
		defer conn.Close()
		tc := conn.(*tls.Conn)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			ch <- seen{err: err}
			return
		}
		st := tc.ConnectionState()
		s := seen{version: st.Version}
		if len(st.PeerCertificates) > 0 {
			c := st.PeerCertificates[0]
			sum := sha256.Sum256(c.Raw)
			s.cn = c.Subject.CommonName
			s.hash = "SHA256:" + strings.ToUpper(hex.EncodeToString(sum[:]))
		}
		_, _ = tc.Write([]byte("20 text/gemini\r\n"))
		ch <- s
	}()
	return ln.Addr().String(), ch
}

// TestHandshake checks that a real TLS server sees a created identity as
// the client certificate, over TLS 1.3 and TLS 1.2 and for each key type.
func TestHandshake(t *testing.T) {
	versions := []struct {
		name    string
		version uint16
	}{{"TLS1.3", tls.VersionTLS13}, {"TLS1.2", tls.VersionTLS12}}
	for _, kt := range []KeyType{ECDSAP256, Ed25519} {
		for _, v := range versions {
			t.Run(kt.String()+"/"+v.name, func(t *testing.T) {
				id := mustCreate(t, "alice "+kt.String(), kt)
				addr, result := serveOnce(t, v.version)
				conn, err := tls.Dial("tcp", addr, &tls.Config{
					InsecureSkipVerify: true, // the test server's certificate is self-signed
					Certificates:       []tls.Certificate{id.Certificate},
					MinVersion:         tls.VersionTLS12,
				})
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := io.ReadAll(conn); err != nil {
					t.Fatalf("reading response: %v", err)
				}
				got := <-result
				if got.err != nil {
					t.Fatalf("server: %v", got.err)
				}
				if got.version != v.version {
					t.Errorf("negotiated version %x, want %x", got.version, v.version)
				}
				if got.cn != id.Name {
					t.Errorf("server saw CN %q, want %q", got.cn, id.Name)
				}
				if !strings.EqualFold(got.hash, id.CertificateHash()) {
					t.Errorf("server saw hash %s, want %s", got.hash, id.CertificateHash())
				}
			})
		}
	}
}

// TestHandshakeImported checks a loaded RSA identity works as well.
func TestHandshakeImported(t *testing.T) {
	id := importedRSA(t, "imported")
	addr, result := serveOnce(t, tls.VersionTLS13)
	conn, err := tls.Dial("tcp", addr, &tls.Config{
		InsecureSkipVerify: true,
		Certificates:       []tls.Certificate{id.Certificate},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.ReadAll(conn)
	if got := <-result; got.err != nil || !strings.EqualFold(got.hash, id.CertificateHash()) {
		t.Errorf("server saw %+v, want hash %s", got, id.CertificateHash())
	}
}
