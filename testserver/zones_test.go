package testserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"propus/client"
	"propus/client/identity"
)

// clientCertificate makes a self-signed client certificate for cn valid
// from notBefore to notAfter.
func clientCertificate(t *testing.T, cn string, notBefore, notAfter time.Time) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// zoneIdentities are the client certificates the zone tests present.
type zoneIdentities struct {
	alice, bob, expired, notYet *tls.Certificate
}

func newZoneIdentities(t *testing.T) zoneIdentities {
	now := time.Now()
	return zoneIdentities{
		alice:   clientCertificate(t, "alice", now.Add(-time.Hour), now.Add(time.Hour)),
		bob:     clientCertificate(t, "bob", now.Add(-time.Hour), now.Add(time.Hour)),
		expired: clientCertificate(t, "carol", now.Add(-48*time.Hour), now.Add(-24*time.Hour)),
		notYet:  clientCertificate(t, "dave", now.Add(24*time.Hour), now.Add(48*time.Hour)),
	}
}

// fetchWith requests url from ts presenting cert (nil: none) and returns
// "STATUS META".
func fetchWith(t *testing.T, ts *TestServer, url string, cert *tls.Certificate) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := client.NewRequest(url)
	if err != nil {
		t.Fatal(err)
	}
	req.Certificate = cert
	// A fresh client each time: a resumed TLS session would carry the
	// certificate of the session's first handshake.
	resp, err := ts.Client().Do(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return fmt.Sprintf("%d %s", resp.Status, resp.Meta)
}

func TestCertificateZones(t *testing.T) {
	id := newZoneIdentities(t)
	zones := CertificateZones{
		{Path: "/members/", Fingerprints: []string{strings.ToLower(identity.CertificateHash(id.alice.Leaf)),
			identity.CertificateHash(id.expired.Leaf), identity.CertificateHash(id.notYet.Leaf)}},
		{Path: "/members/admin/", Fingerprints: []string{identity.CertificateHash(id.bob.Leaf)}},
		{Path: "/secret"},
	}
	ts := NewServer(t, zones.Middleware(Page("text/gemini", "welcome")))
	const ok = "20 text/gemini"
	tests := []struct {
		name, path string
		cert       *tls.Certificate
		want       string
	}{
		{"outside, no certificate", "/public", nil, ok},
		{"root", "/", nil, ok},
		{"sibling name", "/membership", nil, ok},
		{"no certificate", "/members/page", nil, "60 Certificate required for /members/"},
		{"zone directory itself", "/members", nil, "60 Certificate required for /members/"},
		{"zone directory with slash", "/members/", nil, "60 Certificate required for /members/"},
		{"listed (lower-case in the list)", "/members/page", id.alice, ok},
		{"not listed", "/members/page", id.bob, "61 Certificate not authorised"},
		{"longest prefix wins, not listed there", "/members/admin/x", id.alice, "61 Certificate not authorised"},
		{"longest prefix wins, listed there", "/members/admin/x", id.bob, ok},
		{"inner zone, no certificate", "/members/admin", nil, "60 Certificate required for /members/admin/"},
		{"expired, though listed", "/members/page", id.expired, "62 Certificate expired"},
		{"not yet valid, though listed", "/members/page", id.notYet, "62 Certificate not yet valid"},
		{"expired outside the zones", "/public", id.expired, ok},
		{"upper case", "/MEMBERS/page", nil, "60 Certificate required for /members/"},
		{"double slash", "//members//page", nil, "60 Certificate required for /members/"},
		{"encoded dot segments", "/public/%2e%2e/members/page", nil, "59 Invalid URL: dot segments are not allowed"},
		{"encoded dot segments out of the zone", "/members/%2e%2e/public", nil, "59 Invalid URL: dot segments are not allowed"},
		{"empty list, prefix of a file name", "/secret.gmi", id.alice, "61 Certificate not authorised"},
		{"empty list, no certificate", "/secret", nil, "60 Certificate required for /secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fetchWith(t, ts, ts.URLFor(tt.path), tt.cert); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestRequireCertificate(t *testing.T) {
	id := newZoneIdentities(t)
	ts := NewServer(t, RequireCertificate(Page("text/gemini", "members only")))
	tests := []struct {
		name string
		cert *tls.Certificate
		want string
	}{
		{"no certificate", nil, "60 Certificate required"},
		{"valid", id.alice, "20 text/gemini"},
		{"another valid one", id.bob, "20 text/gemini"},
		{"expired", id.expired, "62 Certificate expired"},
		{"not yet valid", id.notYet, "62 Certificate not yet valid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fetchWith(t, ts, ts.URLFor("/members/"), tt.cert); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
