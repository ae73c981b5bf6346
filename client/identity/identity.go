package identity

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Identity is a named client certificate with its private key.
type Identity struct {
	// Name is the user's label for the identity and, in a Store, the stem
	// of its file names. It need not equal the certificate's common name:
	// an imported identity may carry another one, and Store.Rename changes
	// only the label.
	Name string

	// Certificate holds the certificate chain and the private key, ready
	// for tls.Config.Certificates or a Gemini request. Its Leaf field is
	// the same value as Leaf.
	Certificate tls.Certificate

	// Leaf is the parsed first certificate of the chain.
	Leaf *x509.Certificate
}

// KeyType is the kind of key Create generates.
type KeyType int

const (
	// ECDSAP256 is an ECDSA key on the NIST P-256 curve. It is the zero
	// value and the default, as every TLS library servers use accepts it.
	ECDSAP256 KeyType = iota
	// Ed25519 is an Ed25519 key: smaller and faster, but some older
	// server TLS stacks reject it.
	Ed25519
)

// String returns the key type's canonical name, "ecdsa-p256" or "ed25519",
// which ParseKeyType accepts.
func (k KeyType) String() string {
	switch k {
	case ECDSAP256:
		return "ecdsa-p256"
	case Ed25519:
		return "ed25519"
	}
	return "KeyType(" + strconv.Itoa(int(k)) + ")"
}

// ParseKeyType parses a key type name, ignoring case: "ed25519" for Ed25519;
// "ecdsa", "ecdsa-p256", "ec", "p256", "p-256", "prime256v1" or "secp256r1"
// for ECDSAP256.
func ParseKeyType(s string) (KeyType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ed25519":
		return Ed25519, nil
	case "ecdsa", "ecdsa-p256", "ecdsap256", "ec", "p256", "p-256", "prime256v1", "secp256r1":
		return ECDSAP256, nil
	}
	return 0, fmt.Errorf("unknown key type %q (want ecdsa-p256 or ed25519)", s)
}

// backdate is how far before its creation a new certificate becomes valid,
// so that a server whose clock runs a little slow accepts it at once.
const backdate = time.Hour

// Create makes a new identity with a self-signed certificate: common name
// name, valid from an hour ago (to allow for servers with slow clocks) until
// validity from now, a random 128-bit serial number, key usage "digital
// signature" and extended key usage "client authentication". The name must
// pass CheckName and validity must be positive.
func Create(name string, kt KeyType, validity time.Duration) (*Identity, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if validity <= 0 {
		return nil, fmt.Errorf("validity must be positive, got %v", validity)
	}
	var key crypto.Signer
	var err error
	switch kt {
	case ECDSAP256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case Ed25519:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("unknown key type %v", kt)
	}
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("generate serial number: %w", err)
	}
	if serial.Sign() == 0 {
		serial.SetInt64(1) // RFC 5280 wants a positive serial number
	}
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse new certificate: %w", err)
	}
	return newIdentity(name, [][]byte{der}, leaf, key), nil
}

func newIdentity(name string, chain [][]byte, leaf *x509.Certificate, key crypto.PrivateKey) *Identity {
	return &Identity{
		Name: name,
		Certificate: tls.Certificate{
			Certificate: chain,
			PrivateKey:  key,
			Leaf:        leaf,
		},
		Leaf: leaf,
	}
}

// leaf returns the parsed certificate, parsing it if Leaf is unset.
func (id *Identity) leaf() *x509.Certificate {
	if id.Leaf != nil {
		return id.Leaf
	}
	if id.Certificate.Leaf != nil {
		return id.Certificate.Leaf
	}
	if len(id.Certificate.Certificate) > 0 {
		if c, err := x509.ParseCertificate(id.Certificate.Certificate[0]); err == nil {
			return c
		}
	}
	return nil
}

// HashPrefix starts every CertificateHash: it names the hash.
const HashPrefix = "SHA256:"

// CertificateHash returns the SHA-256 hash of a certificate's DER
// encoding, written as HashPrefix followed by 64 lower-case hexadecimal
// digits: what a server that authorises client certificates by hash
// compares (jetforce's TLS_CLIENT_HASH, in upper case; compare ignoring
// case). It returns "" for nil. A server's key is pinned by another hash,
// tofu.PublicKeyPin.
func CertificateHash(cert *x509.Certificate) string {
	if cert == nil {
		return ""
	}
	return hashDER(cert.Raw)
}

// CertificateHash returns the CertificateHash of the identity's
// certificate, or "" if it has none.
func (id *Identity) CertificateHash() string {
	switch {
	case id.Leaf != nil:
		return hashDER(id.Leaf.Raw)
	case len(id.Certificate.Certificate) > 0:
		return hashDER(id.Certificate.Certificate[0])
	}
	return ""
}

// ShortHash is a certificate hash (CertificateHash) cut to its first
// digits hexadecimal digits, for lists.
func ShortHash(hash string, digits int) string {
	if len(hash) > len(HashPrefix)+digits {
		return hash[:len(HashPrefix)+digits]
	}
	return hash
}

// hashDER returns the CertificateHash of a DER certificate.
func hashDER(der []byte) string {
	sum := sha256.Sum256(der)
	return HashPrefix + hex.EncodeToString(sum[:])
}

// Expires returns the end of the certificate's validity (its NotAfter), or
// the zero time if the identity has no certificate.
func (id *Identity) Expires() time.Time {
	if c := id.leaf(); c != nil {
		return c.NotAfter
	}
	return time.Time{}
}

// ErrInvalidName is wrapped by the errors CheckName returns.
var ErrInvalidName = errors.New("invalid name")

// MaxNameLen is the longest identity name, in bytes, so that "<name>.crt"
// fits in a file name on every common file system.
const MaxNameLen = 200

// CheckName reports whether name can name an identity: it must be valid
// UTF-8 of at most MaxNameLen bytes, made of printable characters (spaces
// allowed inside, not at either end), not begin with '.', and contain no
// '/' or '\' (it becomes a file name in a Store). The error wraps
// ErrInvalidName and says what is wrong.
func CheckName(name string) error {
	if reason := nameProblem(name); reason != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidName, name, reason)
	}
	return nil
}

func nameProblem(name string) string {
	switch {
	case name == "":
		return "name is empty"
	case len(name) > MaxNameLen:
		return fmt.Sprintf("longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return "not valid UTF-8"
	case name[0] == '.':
		return "begins with '.'"
	case strings.TrimSpace(name) != name:
		return "begins or ends with white space"
	}
	for _, r := range name {
		switch {
		case r == '/' || r == '\\':
			return fmt.Sprintf("contains %q", r)
		case !unicode.IsPrint(r):
			return fmt.Sprintf("contains the non-printable character %U", r)
		}
	}
	return ""
}
