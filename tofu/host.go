package tofu

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Host is the pin recorded for one address.
type Host struct {
	// Address is the canonical "host:port" (see hostport.NormalizeAddress): host
	// lower-case, IPv6 in brackets, port always present.
	Address string
	// Fingerprint identifies the pinned public key: its PublicKeyPin.
	Fingerprint string
	// Expires is the NotAfter of the pinned certificate. Until then, a
	// different key is refused.
	Expires time.Time
	// FirstSeen is when this pin was recorded. It is reset when the pin is
	// replaced by another key.
	FirstSeen time.Time
	// LastSeen is when the pinned key was last presented, to within
	// LastSeenInterval.
	LastSeen time.Time
}

// fingerprintPrefix names the hash of a PublicKeyPin.
const fingerprintPrefix = "SHA256:"

// PublicKeyPin returns the fingerprint of a certificate's public key: the
// SHA-256 of its DER-encoded SubjectPublicKeyInfo, written as "SHA256:"
// followed by 64 lower-case hex digits (the case of every fingerprint
// propus shows), e.g.
//
//	SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
//
// Pinning the key rather than the whole certificate lets a server renew its
// certificate with the same key without alarming anyone. It is not the
// hash of the whole certificate, identity.CertificateHash, which servers
// use to recognise a client. cert must not be nil.
func PublicKeyPin(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return fingerprintPrefix + hex.EncodeToString(sum[:])
}

// parseFingerprint checks a fingerprint read from the file and returns it
// in canonical form. The prefix and hex digits may be in either case.
func parseFingerprint(s string) (string, error) {
	if len(s) < len(fingerprintPrefix) || !strings.EqualFold(s[:len(fingerprintPrefix)], fingerprintPrefix) {
		return "", fmt.Errorf("fingerprint %q does not start with %q", s, fingerprintPrefix)
	}
	digits := s[len(fingerprintPrefix):]
	b, err := hex.DecodeString(digits)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("fingerprint %q: want %d hex digits after %q", s, 2*sha256.Size, fingerprintPrefix)
	}
	return fingerprintPrefix + hex.EncodeToString(b), nil
}

// stamp converts a time to the form the store keeps and writes: UTC, whole
// seconds, no monotonic reading.
func stamp(t time.Time) time.Time {
	return time.Unix(t.Unix(), 0).UTC()
}
