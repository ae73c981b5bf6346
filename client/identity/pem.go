package identity

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"propus/tofu/atomicfile"
)

// PEM block types.
const (
	pemCertificate = "CERTIFICATE"
	pemPKCS8       = "PRIVATE KEY"
	pemEC          = "EC PRIVATE KEY"
	pemRSA         = "RSA PRIVATE KEY"
	pemEncrypted   = "ENCRYPTED PRIVATE KEY"
)

// ErrKeyMismatch is wrapped by the errors Load and Parse return when the
// private key does not belong to the certificate.
var ErrKeyMismatch = errors.New("the private key does not match the certificate")

// MarshalPEM encodes the identity as PEM: certPEM holds the certificate
// chain as "CERTIFICATE" blocks, leaf first, and keyPEM the private key as
// a PKCS #8 "PRIVATE KEY" block. Concatenated they form the single-file
// form Parse also accepts.
func (id *Identity) MarshalPEM() (certPEM, keyPEM []byte, err error) {
	if len(id.Certificate.Certificate) == 0 {
		return nil, nil, errors.New("the identity has no certificate")
	}
	if id.Certificate.PrivateKey == nil {
		return nil, nil, errors.New("the identity has no private key")
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(id.Certificate.PrivateKey)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	var buf bytes.Buffer
	for _, der := range id.Certificate.Certificate {
		// Encoding to a bytes.Buffer fails only on bad headers; there are none.
		_ = pem.Encode(&buf, &pem.Block{Type: pemCertificate, Bytes: der})
	}
	return buf.Bytes(), pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: keyDER}), nil
}

// Save writes the certificate chain to certPath (mode 0644) and the private
// key to keyPath (mode 0600), as MarshalPEM encodes them, the key first. Each
// file is replaced atomically: a reader sees the old file or the new one,
// never a part. The modes are those of os.WriteFile, so the umask applies.
func (id *Identity) Save(certPath, keyPath string) error {
	if certPath == keyPath {
		return fmt.Errorf("certificate and key must go to different files, both are %s", certPath)
	}
	certPEM, keyPEM, err := id.MarshalPEM()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	if err := atomicfile.WriteFile(certPath, certPEM, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", certPath, err)
	}
	return nil
}

// Load reads an identity from a certificate file and a key file, which may
// be the same file holding both. See Parse for what the files may hold.
// Errors name the file at fault; a key that does not belong to the
// certificate gives an error wrapping ErrKeyMismatch.
func Load(name, certPath, keyPath string) (*Identity, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	keyPEM := certPEM
	if keyPath != certPath {
		if keyPEM, err = os.ReadFile(keyPath); err != nil {
			return nil, err
		}
	}
	chain, leaf, err := parseCertificates(certPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", certPath, err)
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	if !keyMatches(leaf, key) {
		return nil, fmt.Errorf("%w (key %s, certificate %s)", ErrKeyMismatch, keyPath, certPath)
	}
	return newIdentity(name, chain, leaf, key), nil
}

// Parse makes an identity from PEM data. certPEM must hold at least one
// "CERTIFICATE" block; the first is the identity's certificate and any
// others are kept as its chain. keyPEM must hold exactly one unencrypted
// private key: PKCS #8 "PRIVATE KEY" (Ed25519, ECDSA or RSA), SEC 1 "EC
// PRIVATE KEY" or PKCS #1 "RSA PRIVATE KEY", the forms other clients such as
// Lagrange and Telescope and the openssl tool write. Blocks of other types,
// such as "EC PARAMETERS", and text around the blocks are ignored, so a
// single PEM blob holding both certificate and key can be passed as both
// arguments. A key that does not belong to the certificate gives an error
// wrapping ErrKeyMismatch.
func Parse(name string, certPEM, keyPEM []byte) (*Identity, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	chain, leaf, err := parseCertificates(certPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	if !keyMatches(leaf, key) {
		return nil, ErrKeyMismatch
	}
	return newIdentity(name, chain, leaf, key), nil
}

// parseCertificates returns the DER of every CERTIFICATE block in data and
// the first one parsed.
func parseCertificates(data []byte) ([][]byte, *x509.Certificate, error) {
	var chain [][]byte
	var leaf *x509.Certificate
	var others []string
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != pemCertificate {
			others = append(others, b.Type)
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("certificate %d: %w", len(chain)+1, err)
		}
		if leaf == nil {
			leaf = c
		}
		chain = append(chain, b.Bytes)
	}
	switch {
	case leaf != nil:
		return chain, leaf, nil
	case others == nil:
		return nil, nil, errors.New("no PEM data found")
	default:
		return nil, nil, fmt.Errorf("no CERTIFICATE block found (found %s)", strings.Join(others, ", "))
	}
}

// parsePrivateKey returns the one private key in data.
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	var key crypto.Signer
	var others []string
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			others = append(others, b.Type)
			continue
		}
		if key != nil {
			return nil, errors.New("more than one private key")
		}
		var err error
		if key, err = parseKeyBlock(b); err != nil {
			return nil, err
		}
	}
	switch {
	case key != nil:
		return key, nil
	case others == nil:
		return nil, errors.New("no PEM data found")
	default:
		return nil, fmt.Errorf("no private key block found (found %s)", strings.Join(others, ", "))
	}
}

func parseKeyBlock(b *pem.Block) (crypto.Signer, error) {
	if b.Type == pemEncrypted || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, errors.New("the private key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)")
	}
	var k any
	var err error
	switch b.Type {
	case pemPKCS8:
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case pemEC:
		k, err = x509.ParseECPrivateKey(b.Bytes)
	case pemRSA:
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	default:
		return nil, fmt.Errorf("unsupported private key type %q", b.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.Type, err)
	}
	switch k := k.(type) {
	case ed25519.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case *rsa.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("%s: unsupported key algorithm %T", b.Type, k)
}

// keyMatches reports whether key is the private half of leaf's public key.
func keyMatches(leaf *x509.Certificate, key crypto.Signer) bool {
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && pub.Equal(leaf.PublicKey)
}
