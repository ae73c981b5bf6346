package identity

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func mustCreate(t *testing.T, name string, kt KeyType) *Identity {
	t.Helper()
	id, err := Create(name, kt, 24*time.Hour)
	if err != nil {
		t.Fatalf("Create(%q, %v): %v", name, kt, err)
	}
	return id
}

func TestKeyType(t *testing.T) {
	tests := []struct {
		in      string
		want    KeyType
		wantErr bool
	}{
		{"ed25519", Ed25519, false},
		{"ED25519", Ed25519, false},
		{"ecdsa", ECDSAP256, false},
		{"ecdsa-p256", ECDSAP256, false},
		{"p256", ECDSAP256, false},
		{" P-256 ", ECDSAP256, false},
		{"ec", ECDSAP256, false},
		{"rsa", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseKeyType(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ParseKeyType(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for _, kt := range []KeyType{ECDSAP256, Ed25519} {
		if got, err := ParseKeyType(kt.String()); err != nil || got != kt {
			t.Errorf("ParseKeyType(%q) = %v, %v; want %v", kt.String(), got, err, kt)
		}
	}
	if got := KeyType(7).String(); got != "KeyType(7)" {
		t.Errorf("KeyType(7).String() = %q", got)
	}
	if _, err := Create("x", KeyType(7), time.Hour); err == nil {
		t.Error("Create with an unknown key type succeeded")
	}
}

func TestCreate(t *testing.T) {
	tests := []struct {
		kt       KeyType
		validity time.Duration
		checkKey func(any) bool
	}{
		{ECDSAP256, 24 * time.Hour, func(k any) bool {
			e, ok := k.(*ecdsa.PrivateKey)
			return ok && e.Curve == elliptic.P256()
		}},
		{Ed25519, 365 * 24 * time.Hour, func(k any) bool { _, ok := k.(ed25519.PrivateKey); return ok }},
		{ECDSAP256, 100 * 365 * 24 * time.Hour, func(k any) bool { _, ok := k.(*ecdsa.PrivateKey); return ok }},
	}
	for _, tt := range tests {
		t.Run(tt.kt.String()+"/"+tt.validity.String(), func(t *testing.T) {
			before := time.Now()
			id, err := Create("alice smith", tt.kt, tt.validity)
			if err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			c := id.Leaf
			if id.Name != "alice smith" || c.Subject.CommonName != "alice smith" {
				t.Errorf("name %q, CN %q", id.Name, c.Subject.CommonName)
			}
			if id.Certificate.Leaf != c || len(id.Certificate.Certificate) != 1 {
				t.Errorf("tls.Certificate not filled in: %+v", id.Certificate)
			}
			if !tt.checkKey(id.Certificate.PrivateKey) {
				t.Errorf("private key is %T", id.Certificate.PrivateKey)
			}
			// NotAfter ≈ now+validity (certificates keep whole seconds).
			lo, hi := before.Add(tt.validity).Add(-time.Second), after.Add(tt.validity)
			if c.NotAfter.Before(lo) || c.NotAfter.After(hi) {
				t.Errorf("NotAfter %v, want between %v and %v", c.NotAfter, lo, hi)
			}
			if !id.Expires().Equal(c.NotAfter) {
				t.Errorf("Expires() = %v, want %v", id.Expires(), c.NotAfter)
			}
			if !c.NotBefore.Before(before) || before.Sub(c.NotBefore) > backdate+time.Second {
				t.Errorf("NotBefore %v, want about %v before %v", c.NotBefore, backdate, before)
			}
			if c.KeyUsage != x509.KeyUsageDigitalSignature {
				t.Errorf("KeyUsage %v", c.KeyUsage)
			}
			if len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageClientAuth {
				t.Errorf("ExtKeyUsage %v", c.ExtKeyUsage)
			}
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 {
				t.Errorf("serial %v", c.SerialNumber)
			}
			if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
				t.Errorf("not self-signed: %v", err)
			}
			if c.IsCA {
				t.Error("certificate is a CA")
			}
		})
	}
}

func TestCreateSerialsDiffer(t *testing.T) {
	a, b := mustCreate(t, "a", Ed25519), mustCreate(t, "a", Ed25519)
	if a.Leaf.SerialNumber.Cmp(b.Leaf.SerialNumber) == 0 {
		t.Error("two certificates got the same serial number")
	}
	if a.CertificateHash() == b.CertificateHash() {
		t.Error("two certificates got the same fingerprint")
	}
}

func TestCreateBadValidity(t *testing.T) {
	for _, v := range []time.Duration{0, -time.Hour} {
		if _, err := Create("alice", ECDSAP256, v); err == nil {
			t.Errorf("Create with validity %v succeeded", v)
		}
	}
}

func TestCertificateHash(t *testing.T) {
	id := mustCreate(t, "alice", ECDSAP256)
	fp := id.CertificateHash()
	if !regexp.MustCompile(`^SHA256:[0-9a-f]{64}$`).MatchString(fp) {
		t.Fatalf("CertificateHash() = %q, want SHA256: and 64 lower-case hex digits", fp)
	}
	sum := sha256.Sum256(id.Certificate.Certificate[0])
	if want := "SHA256:" + hex.EncodeToString(sum[:]); fp != want {
		t.Errorf("CertificateHash() = %s, want %s", fp, want)
	}
	if again := id.CertificateHash(); again != fp {
		t.Errorf("CertificateHash changed: %s then %s", fp, again)
	}
	if got := CertificateHash(id.Leaf); got != fp {
		t.Errorf("CertificateHash(leaf) = %s, want %s", got, fp)
	}
	if got := CertificateHash(nil); got != "" {
		t.Errorf("CertificateHash(nil) = %q, want empty", got)
	}
	// Stable across a PEM round trip, and without the parsed Leaf.
	certPEM, keyPEM, err := id.MarshalPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("alice", certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if back.CertificateHash() != fp {
		t.Errorf("after round trip %s, want %s", back.CertificateHash(), fp)
	}
	bare := &Identity{Name: "alice", Certificate: id.Certificate}
	bare.Certificate.Leaf = nil
	if bare.CertificateHash() != fp || !bare.Expires().Equal(id.Expires()) {
		t.Errorf("without Leaf: %s, %v", bare.CertificateHash(), bare.Expires())
	}
	if (&Identity{}).CertificateHash() != "" || !(&Identity{}).Expires().IsZero() {
		t.Error("empty identity has a fingerprint or expiry")
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name   string
		reason string // "" means valid
	}{
		{"alice", ""},
		{"Alice Smith", ""},
		{"work.example", ""},
		{"ünïcødé ☃", ""},
		{"a#b", ""},
		{strings.Repeat("x", MaxNameLen), ""},
		{"", "empty"},
		{"a/b", `'/'`},
		{"a\\b", `'\\'`},
		{"..", "'.'"},
		{".hidden", "'.'"},
		{"tab\there", "non-printable"},
		{"new\nline", "non-printable"},
		{"nul\x00", "non-printable"},
		{"del\x7f", "non-printable"},
		{"bidi\u202e", "non-printable"},
		{" lead", "white space"},
		{"trail ", "white space"},
		{"bad\xffutf8", "UTF-8"},
		{strings.Repeat("x", MaxNameLen+1), "longer"},
	}
	for _, tt := range tests {
		err := CheckName(tt.name)
		if tt.reason == "" {
			if err != nil {
				t.Errorf("CheckName(%q) = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckName(%q) = nil, want an error", tt.name)
			continue
		}
		if !errors.Is(err, ErrInvalidName) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("CheckName(%q) = %v, want ErrInvalidName mentioning %s", tt.name, err, tt.reason)
		}
		if _, err := Create(tt.name, Ed25519, time.Hour); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Create(%q) error = %v, want ErrInvalidName", tt.name, err)
		}
	}
}
