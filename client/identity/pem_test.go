package identity

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// umask returns the process umask, read from /proc where there is one.
func umask(t *testing.T) (os.FileMode, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return os.FileMode(n), err == nil
		}
	}
	return 0, false
}

// selfSigned makes a certificate for key the way other tools do, outside
// Create.
func selfSigned(t *testing.T, cn string, key crypto.Signer) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// importedRSA returns an identity parsed from an RSA certificate and a
// PKCS #1 "RSA PRIVATE KEY", as older Lagrange versions and openssl write.
func importedRSA(t *testing.T, name string) *Identity {
	t.Helper()
	key, err := rsaKey()
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	id, err := Parse(name, selfSigned(t, name, key), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSaveModes(t *testing.T) {
	dir := t.TempDir()
	id := mustCreate(t, "alice", Ed25519)
	certPath, keyPath := filepath.Join(dir, "alice.crt"), filepath.Join(dir, "alice.key")
	// An existing, too-open key file is replaced, not reused.
	if err := os.WriteFile(keyPath, []byte("old"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := id.Save(certPath, keyPath); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	mask, ok := umask(t)
	if !ok {
		mask = 0o022 // the usual one; where it cannot be read, assume it
	}
	tests := []struct {
		path string
		want os.FileMode
	}{
		{keyPath, 0o600 &^ mask},
		{certPath, 0o644 &^ mask},
	}
	for _, tt := range tests {
		fi, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != tt.want {
			t.Errorf("%s: mode %v, want %v (umask %03o)", tt.path, got, tt.want, mask)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("directory holds %d files, want 2 (temporary files left?)", len(entries))
	}
	if err := id.Save(certPath, certPath); err == nil {
		t.Error("Save to one path for both succeeded")
	}
}

func TestLoadRoundTrip(t *testing.T) {
	for _, kt := range []KeyType{ECDSAP256, Ed25519} {
		t.Run(kt.String(), func(t *testing.T) {
			dir := t.TempDir()
			id := mustCreate(t, "alice", kt)
			certPath, keyPath := filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key")
			if err := id.Save(certPath, keyPath); err != nil {
				t.Fatal(err)
			}
			got, err := Load("renamed", certPath, keyPath)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "renamed" || got.Leaf.Subject.CommonName != "alice" {
				t.Errorf("name %q, CN %q", got.Name, got.Leaf.Subject.CommonName)
			}
			if got.CertificateHash() != id.CertificateHash() || !got.Expires().Equal(id.Expires()) {
				t.Errorf("loaded %s %v, saved %s %v", got.CertificateHash(), got.Expires(), id.CertificateHash(), id.Expires())
			}
			if !keyMatches(id.Leaf, got.Certificate.PrivateKey.(crypto.Signer)) {
				t.Error("loaded key differs")
			}
			if got.Certificate.Leaf != got.Leaf {
				t.Error("Certificate.Leaf not set")
			}
			keyPEM, _ := os.ReadFile(keyPath)
			if !bytes.HasPrefix(keyPEM, []byte("-----BEGIN PRIVATE KEY-----\n")) {
				t.Errorf("key file is not PKCS #8:\n%s", keyPEM)
			}
			certPEM, _ := os.ReadFile(certPath)
			if !bytes.HasPrefix(certPEM, []byte("-----BEGIN CERTIFICATE-----\n")) {
				t.Errorf("certificate file:\n%s", certPEM)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := mustCreate(t, "a", ECDSAP256), mustCreate(t, "b", ECDSAP256)
	aCert, aKey, _ := a.MarshalPEM()
	_, bKey, _ := b.MarshalPEM()
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}, Bytes: ecDER})
	ed, _ := pem.Decode(aKey)
	twoKeys := append(append([]byte{}, aKey...), aKey...)

	tests := []struct {
		name      string
		cert, key string // file names, written from the map below
		want      []string
		mismatch  bool
	}{
		{"mismatch", "a.crt", "b.key", []string{"b.key", "a.crt", "does not match"}, true},
		{"missing cert", "none.crt", "a.key", []string{"none.crt", "no such file"}, false},
		{"missing key", "a.crt", "none.key", []string{"none.key", "no such file"}, false},
		{"cert not PEM", "garbage", "a.key", []string{"garbage", "no PEM data"}, false},
		{"key file in cert place", "a.key", "a.key", []string{"a.key", "no CERTIFICATE block", "PRIVATE KEY"}, false},
		{"cert file in key place", "a.crt", "a.crt", []string{"a.crt", "no private key block", "CERTIFICATE"}, false},
		{"encrypted key", "a.crt", "enc.key", []string{"enc.key", "encrypted"}, false},
		{"two keys", "a.crt", "two.key", []string{"two.key", "more than one private key"}, false},
		{"bad DER", "a.crt", "bad.key", []string{"bad.key", "PRIVATE KEY"}, false},
		{"unsupported key", "a.crt", "ssh.key", []string{"ssh.key", "unsupported", "OPENSSH PRIVATE KEY"}, false},
	}
	files := map[string][]byte{
		"a.crt":   aCert,
		"a.key":   aKey,
		"b.key":   bKey,
		"garbage": []byte("hello, world\n"),
		"enc.key": encrypted,
		"two.key": twoKeys,
		"bad.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ed.Bytes[:10]}),
		"ssh.key": pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte("x")}),
	}
	for name, data := range files {
		write(name, data)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("x", filepath.Join(dir, tt.cert), filepath.Join(dir, tt.key))
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if errors.Is(err, ErrKeyMismatch) != tt.mismatch {
				t.Errorf("errors.Is(%v, ErrKeyMismatch) = %v", err, !tt.mismatch)
			}
		})
	}
	if _, err := Parse("x", aCert, bKey); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("Parse of mismatched pair: %v", err)
	}
	if _, err := Load("bad/name", filepath.Join(dir, "a.crt"), filepath.Join(dir, "a.key")); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Load with a bad name: %v", err)
	}
}

func TestImport(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalECPrivateKey(ecKey)
	// openssl ecparam -genkey writes an EC PARAMETERS block first.
	params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
	ecPEM := append(params, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})...)
	ecCert := selfSigned(t, "telescope", ecKey)

	rsaKey, err := rsaKey()
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})
	rsaCert := selfSigned(t, "lagrange", rsaKey)

	created := mustCreate(t, "mine", Ed25519)
	createdCert, createdKey, _ := created.MarshalPEM()
	intermediate := mustCreate(t, "intermediate", ECDSAP256)
	interPEM, _, _ := intermediate.MarshalPEM()

	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, []byte("some text between blocks\n")) }
	tests := []struct {
		name      string
		cert, key []byte
		cn        string
		chain     int
	}{
		{"EC PRIVATE KEY", ecCert, ecPEM, "telescope", 1},
		{"RSA PRIVATE KEY", rsaCert, rsaPEM, "lagrange", 1},
		{"combined cert then key", cat(ecCert, ecPEM), cat(ecCert, ecPEM), "telescope", 1},
		{"combined key then cert", cat(createdKey, createdCert), cat(createdKey, createdCert), "mine", 1},
		{"combined RSA", cat(rsaPEM, rsaCert), cat(rsaPEM, rsaCert), "lagrange", 1},
		{"chain", cat(createdCert, interPEM), createdKey, "mine", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := Parse("imported", tt.cert, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if id.Name != "imported" || id.Leaf.Subject.CommonName != tt.cn || len(id.Certificate.Certificate) != tt.chain {
				t.Errorf("got name %q CN %q chain %d", id.Name, id.Leaf.Subject.CommonName, len(id.Certificate.Certificate))
			}
			// Imports are saved as PKCS #8 and load back the same.
			dir := t.TempDir()
			c, k := filepath.Join(dir, "i.crt"), filepath.Join(dir, "i.key")
			if err := id.Save(c, k); err != nil {
				t.Fatal(err)
			}
			back, err := Load("imported", c, k)
			if err != nil {
				t.Fatal(err)
			}
			if back.CertificateHash() != id.CertificateHash() || len(back.Certificate.Certificate) != tt.chain {
				t.Errorf("round trip changed the identity")
			}
		})
	}

	// A combined file loads when both paths name it.
	dir := t.TempDir()
	p := filepath.Join(dir, "both.pem")
	if err := os.WriteFile(p, cat(ecCert, ecPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	if id, err := Load("both", p, p); err != nil || id.Leaf.Subject.CommonName != "telescope" {
		t.Errorf("Load of a combined file: %v", err)
	}
}

func TestMarshalPEMErrors(t *testing.T) {
	if _, _, err := (&Identity{Name: "x"}).MarshalPEM(); err == nil {
		t.Error("MarshalPEM without a certificate succeeded")
	}
	id := mustCreate(t, "x", Ed25519)
	id.Certificate.PrivateKey = nil
	if _, _, err := id.MarshalPEM(); err == nil {
		t.Error("MarshalPEM without a key succeeded")
	}
}
