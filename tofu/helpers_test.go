package tofu

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// t0 is the fake "now" most tests start at.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// certSpec describes a test certificate. Zero fields get defaults: a fresh
// key, NotBefore a day before t0, NotAfter a year after t0, self-signed.
type certSpec struct {
	key       *ecdsa.PrivateKey
	cn        string
	dnsNames  []string
	ips       []net.IP
	notBefore time.Time
	notAfter  time.Time
	isCA      bool
	parent    *x509.Certificate // issuer; nil for self-signed
	parentKey *ecdsa.PrivateKey
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newCert creates an ECDSA P-256 certificate as spec says and returns it
// with its key.
func newCert(t testing.TB, spec certSpec) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	if spec.key == nil {
		spec.key = newKey(t)
	}
	if spec.notBefore.IsZero() {
		spec.notBefore = t0.Add(-24 * time.Hour)
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = t0.AddDate(1, 0, 0)
	}
	if spec.cn == "" {
		spec.cn = "test"
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: spec.cn},
		DNSNames:              spec.dnsNames,
		IPAddresses:           spec.ips,
		NotBefore:             spec.notBefore,
		NotAfter:              spec.notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  spec.isCA,
	}
	if spec.isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
		tmpl.ExtKeyUsage = nil
	}
	parent, parentKey := tmpl, spec.key
	if spec.parent != nil {
		parent, parentKey = spec.parent, spec.parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &spec.key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, spec.key
}

// selfSigned returns a self-signed certificate with a fresh key that
// expires at notAfter.
func selfSigned(t testing.TB, notAfter time.Time) *x509.Certificate {
	t.Helper()
	c, _ := newCert(t, certSpec{notAfter: notAfter})
	return c
}

// fakeClock is a settable clock for Store.Now.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// openStore opens a store on a file in a data directory that does not exist
// yet, with a fake clock.
func openStore(t *testing.T) (*Store, string, *fakeClock) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "known_hosts")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := newClock()
	s.Now = clock.Now
	return s, path, clock
}

// readFile returns the content of path, or nil if it does not exist.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return b
}

// fileHosts parses the file at path strictly.
func fileHosts(t *testing.T, path string) map[string]Host {
	t.Helper()
	hosts, perr := parseHosts(path, readFile(t, path))
	if perr != nil {
		t.Fatalf("the store wrote a file that does not parse: %v", perr)
	}
	return hosts
}

// mustCheck runs Check and fails the test on any error.
func mustCheck(t *testing.T, s *Store, addr string, chain ...*x509.Certificate) Result {
	t.Helper()
	r, err := s.Check(addr, chain)
	if err != nil {
		t.Fatalf("Check(%s): %v", addr, err)
	}
	return r
}

// sameHost compares hosts, times by instant.
func sameHost(a, b Host) bool {
	return a.Address == b.Address && a.Fingerprint == b.Fingerprint &&
		a.Expires.Equal(b.Expires) && a.FirstSeen.Equal(b.FirstSeen) && a.LastSeen.Equal(b.LastSeen)
}

func unchanged(t *testing.T, path string, before []byte) {
	t.Helper()
	if after := readFile(t, path); !bytes.Equal(before, after) {
		t.Errorf("file changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
