package tofu_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"propus/tofu"
)

// selfSigned makes a throwaway server certificate valid until notAfter.
func selfSigned(notAfter time.Time) *x509.Certificate {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "capsule"},
		NotBefore:    notAfter.AddDate(-1, 0, 0),
		NotAfter:     notAfter,
	}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// A Store decides about the certificates servers present. This one is the
// zero value, kept in memory; tofu.Open gives one backed by a file.
func Example() {
	var store tofu.Store
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	original := selfSigned(now.AddDate(1, 0, 0))
	impostor := selfSigned(now.AddDate(1, 0, 0))

	r, _ := store.Check("Example.COM", []*x509.Certificate{original})
	fmt.Println(r.Outcome, r.Host.Address)

	r, _ = store.Check("example.com:1965", []*x509.Certificate{original})
	fmt.Println(r.Outcome)

	_, err := store.Check("example.com", []*x509.Certificate{impostor})
	var changed *tofu.ChangedError
	fmt.Println(errors.As(err, &changed), changed.Old.Expires.Format(time.DateOnly))

	// The user chose to trust the new certificate for this run only.
	store.TrustOnce(changed.Address, impostor)
	fmt.Println(store.TOFU("example.com", []*x509.Certificate{impostor}))

	// A year later the original certificate has expired: a new key is
	// accepted and replaces the pin.
	now = now.AddDate(1, 0, 1)
	r, _ = store.Check("example.com", []*x509.Certificate{selfSigned(now.AddDate(1, 0, 0))})
	fmt.Println(r.Outcome, r.Previous.Fingerprint == tofu.PublicKeyPin(original))
	// Output:
	// first sight example.com:1965
	// match
	// true 2026-06-01
	// <nil>
	// changed after expiry true
}
