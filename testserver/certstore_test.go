package testserver

import (
	"context"
	"crypto/tls"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"propus/client"
	"propus/client/identity"
)

// saveCertificate writes cert to <dir>/<name>.crt and .key.
func saveCertificate(t *testing.T, dir, name string, cert tls.Certificate) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	id := &identity.Identity{Name: name, Certificate: cert, Leaf: cert.Leaf}
	if err := id.Save(certFile, keyFile); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func newCertificate(t *testing.T, validity time.Duration, hosts ...string) tls.Certificate {
	t.Helper()
	c, err := GenerateCertificate(hosts, validity)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLoadOrCreateCertificateCreatesAndReuses creates a certificate,
// checks its files and names, serves it, and gets the same one back.
func TestLoadOrCreateCertificateCreatesAndReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	cert, created, err := LoadOrCreateCertificate(dir, "Example.org")
	if err != nil || !created {
		t.Fatalf("first call: created %v, %v; want a new certificate", created, err)
	}
	leaf := cert.Leaf
	if !slices.Equal(leaf.DNSNames, []string{"example.org", "localhost"}) || len(leaf.IPAddresses) != 2 ||
		!leaf.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) || !leaf.IPAddresses[1].Equal(net.IPv6loopback) {
		t.Errorf("names %v %v, want example.org, localhost, 127.0.0.1, ::1", leaf.DNSNames, leaf.IPAddresses)
	}
	if leaf.Subject.CommonName != "example.org" || leaf.Issuer.CommonName != "example.org" {
		t.Errorf("subject %v issuer %v, want CN=example.org for both (self-signed)", leaf.Subject, leaf.Issuer)
	}
	if err := leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature); err != nil {
		t.Errorf("not self-signed: %v", err)
	}
	if time.Until(leaf.NotAfter) < 99*365*24*time.Hour {
		t.Errorf("valid until %v, want about a century", leaf.NotAfter)
	}
	if runtime.GOOS != "windows" {
		for name, want := range map[string]fs.FileMode{"": 0o700, "example.org.key": 0o600} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: mode %v, want %v", fi.Name(), got, want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "example.org.crt")); err != nil {
		t.Fatal(err)
	}

	again, created, err := LoadOrCreateCertificate(dir, "example.org")
	if err != nil || created {
		t.Fatalf("second call: created %v, %v; want the stored certificate", created, err)
	}
	if identity.CertificateHash(again.Leaf) != identity.CertificateHash(leaf) {
		t.Errorf("second call gave %s, want %s", identity.CertificateHash(again.Leaf), identity.CertificateHash(leaf))
	}

	// The stored certificate works: a client sees it.
	ts := NewUnstartedServer(t, Page("text/gemini", "ok"))
	ts.Server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{again}}
	ts.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := (&client.Client{}).Get(ctx, ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := identity.CertificateHash(resp.Certificate); got != identity.CertificateHash(leaf) {
		t.Errorf("server presented %s, want %s", got, identity.CertificateHash(leaf))
	}
}

// TestLoadOrCreateCertificateReplaces covers the stored files that are
// replaced by a new certificate.
func TestLoadOrCreateCertificateReplaces(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (old string)
	}{
		{"expired", func(t *testing.T, dir string) string {
			c := newCertificate(t, -time.Minute, "localhost")
			saveCertificate(t, dir, "localhost", c)
			return identity.CertificateHash(c.Leaf)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			old := tt.setup(t, dir)
			cert, created, err := LoadOrCreateCertificate(dir, "localhost")
			if err != nil || !created {
				t.Fatalf("created %v, %v; want a new certificate", created, err)
			}
			if identity.CertificateHash(cert.Leaf) == old || time.Now().After(cert.Leaf.NotAfter) {
				t.Errorf("got the old or an expired certificate")
			}
			stored, err := LoadCertificate(filepath.Join(dir, "localhost.crt"), filepath.Join(dir, "localhost.key"))
			if err != nil || identity.CertificateHash(stored.Leaf) != identity.CertificateHash(cert.Leaf) {
				t.Errorf("stored files: %v; want the new certificate", err)
			}
		})
	}
}

// TestLoadOrCreateCertificateHalfMissing checks that a certificate
// without its key, or a key without its certificate, is an error that
// says so and leaves the file alone, and that RegenerateCertificate
// replaces it on purpose; no per-host lock file is left beside them.
func TestLoadOrCreateCertificateHalfMissing(t *testing.T) {
	for _, missing := range []string{"localhost.key", "localhost.crt"} {
		t.Run(missing, func(t *testing.T) {
			dir := t.TempDir()
			c := newCertificate(t, time.Hour, "localhost")
			saveCertificate(t, dir, "localhost", c)
			os.Remove(filepath.Join(dir, missing))
			_, _, err := LoadOrCreateCertificate(dir, "localhost")
			var ie *IncompleteCertificateError
			if !errors.As(err, &ie) || ie.Missing != filepath.Join(dir, missing) || !strings.Contains(err.Error(), missing+" is missing") {
				t.Fatalf("got %v, want an IncompleteCertificateError naming %s", err, missing)
			}
			if _, err := os.Stat(filepath.Join(dir, missing)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s was made: %v", missing, err)
			}
			cert, err := RegenerateCertificate(dir, "localhost")
			if err != nil || identity.CertificateHash(cert.Leaf) == identity.CertificateHash(c.Leaf) {
				t.Fatalf("RegenerateCertificate: %v; want a new certificate", err)
			}
			again, created, err := LoadOrCreateCertificate(dir, "localhost")
			if err != nil || created || identity.CertificateHash(again.Leaf) != identity.CertificateHash(cert.Leaf) {
				t.Errorf("after regenerating: created %v, %v", created, err)
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".crt.lock") {
					t.Errorf("stray lock file %s", e.Name())
				}
			}
		})
	}
}

// TestLoadOrCreateCertificateBroken checks that stored files that cannot
// be used are an error naming the file, and are left alone.
func TestLoadOrCreateCertificateBroken(t *testing.T) {
	tests := []struct {
		name    string
		file    string // the file named in the error
		corrupt func(certFile, keyFile string) error
		is      error
	}{
		{"certificate not PEM", "localhost.crt", func(c, _ string) error { return os.WriteFile(c, []byte("garbage"), 0o644) }, nil},
		{"key not PEM", "localhost.key", func(_, k string) error { return os.WriteFile(k, []byte("garbage"), 0o600) }, nil},
		{"key of another certificate", "localhost.key", func(_, k string) error {
			other := newCertificate(t, time.Hour, "other")
			_, otherKey := saveCertificate(t, filepath.Dir(k), "other", other)
			return os.Rename(otherKey, k)
		}, identity.ErrKeyMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			certFile, keyFile := saveCertificate(t, dir, "localhost", newCertificate(t, time.Hour, "localhost"))
			if err := tt.corrupt(certFile, keyFile); err != nil {
				t.Fatal(err)
			}
			before := readFiles(t, certFile, keyFile)
			_, created, err := LoadOrCreateCertificate(dir, "localhost")
			if err == nil || created {
				t.Fatalf("created %v, %v; want an error", created, err)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, tt.file)) {
				t.Errorf("error %q does not name %s", err, tt.file)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			if after := readFiles(t, certFile, keyFile); !slices.Equal(before, after) {
				t.Errorf("the stored files were changed")
			}
		})
	}
}

func readFiles(t *testing.T, names ...string) []string {
	t.Helper()
	var out []string
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// TestLoadOrCreateCertificateBadHostname refuses host names that are no
// safe file names, before touching the disk.
func TestLoadOrCreateCertificateBadHostname(t *testing.T) {
	for _, h := range []string{"", "a/b", "../x", "..", ".hidden", "a\\b", "a\x00b", "a\nb", "host:1965"} {
		dir := filepath.Join(t.TempDir(), "certs")
		if _, _, err := LoadOrCreateCertificate(dir, h); err == nil {
			t.Errorf("%q: no error", h)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%q: the directory was created (%v)", h, err)
		}
	}
}

// TestLoadOrCreateCertificateConcurrent starts several servers at once on
// an empty directory: they must end up with one certificate.
func TestLoadOrCreateCertificateConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 4
	var wg sync.WaitGroup
	fps := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			var c tls.Certificate
			c, created[i], errs[i] = LoadOrCreateCertificate(dir, "localhost")
			fps[i] = identity.CertificateHash(c.Leaf)
		})
	}
	wg.Wait()
	news := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if created[i] {
			news++
		}
		if fps[i] != fps[0] {
			t.Errorf("call %d got %s, call 0 %s", i, fps[i], fps[0])
		}
	}
	if news != 1 {
		t.Errorf("%d calls created a certificate, want 1", news)
	}
}

func TestLoadCertificate(t *testing.T) {
	dir := t.TempDir()
	cert := newCertificate(t, time.Hour, "example.org")
	certFile, keyFile := saveCertificate(t, dir, "example.org", cert)
	_, otherKey := saveCertificate(t, dir, "other", newCertificate(t, time.Hour, "other"))
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not PEM"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")

	got, err := LoadCertificate(certFile, keyFile)
	if err != nil || identity.CertificateHash(got.Leaf) != identity.CertificateHash(cert.Leaf) || got.PrivateKey == nil {
		t.Fatalf("LoadCertificate: %v; want the saved certificate and key", err)
	}
	tests := []struct {
		name              string
		certFile, keyFile string
		named             string
		is                error
	}{
		{"certificate missing", missing, keyFile, missing, fs.ErrNotExist},
		{"key missing", certFile, missing, missing, fs.ErrNotExist},
		{"certificate not PEM", garbage, keyFile, garbage, nil},
		{"key not PEM", certFile, garbage, garbage, nil},
		{"key of another certificate", certFile, otherKey, otherKey, identity.ErrKeyMismatch},
	}
	for _, tt := range tests {
		_, err := LoadCertificate(tt.certFile, tt.keyFile)
		switch {
		case err == nil:
			t.Errorf("%s: no error", tt.name)
		case !strings.Contains(err.Error(), tt.named):
			t.Errorf("%s: error %q does not name %s", tt.name, err, tt.named)
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: error %q does not wrap %v", tt.name, err, tt.is)
		}
	}
}
