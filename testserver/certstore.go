package testserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"propus/client/identity"
	"propus/tofu/atomicfile"
	"propus/tofu/hostport"
)

// GeneratedCertificateValidity is how long a certificate made by
// LoadOrCreateCertificate is valid: a century, because clients pin
// self-signed certificates on first use and a new one looks to them like
// an attack.
const GeneratedCertificateValidity = 100 * 365 * 24 * time.Hour

// LoadOrCreateCertificate returns the server certificate for hostname
// kept in dir as <hostname>.crt and <hostname>.key (PEM), the
// certificate a server without --tls-certfile presents.
//
// Stored files are reused when they hold a certificate and its key and
// the certificate has not expired. When both files are missing, or the
// certificate has expired, a new self-signed ECDSA P-256 certificate for
// hostname, localhost, 127.0.0.1 and ::1 is made (valid for
// GeneratedCertificateValidity), written atomically (the key with mode
// 0600, the certificate 0644; dir is created with mode 0700), and created
// is true. One file without the other is an *IncompleteCertificateError,
// and files that exist but cannot be used (not PEM, a key that does not
// match) are an error naming the file: either way the files are left as
// they are, because a new certificate would look like an attack to the
// clients that pinned the old one. RegenerateCertificate replaces them on
// purpose.
//
// hostname is normalised with hostport.NormalizeHost (so the file names are in
// punycode) and must make a safe file name. A lock (one file, .lock, for
// the whole directory) makes two servers starting at once share one new
// certificate.
func LoadOrCreateCertificate(dir, hostname string) (cert tls.Certificate, created bool, err error) {
	return loadOrCreate(dir, hostname, false)
}

// RegenerateCertificate makes a new certificate for hostname in dir as
// LoadOrCreateCertificate does, replacing the stored one, if any, whatever
// its state.
func RegenerateCertificate(dir, hostname string) (tls.Certificate, error) {
	cert, _, err := loadOrCreate(dir, hostname, true)
	return cert, err
}

// IncompleteCertificateError is a stored certificate whose certificate
// or key file is missing while the other is there.
type IncompleteCertificateError struct {
	Host, Missing, Present string // the host and the files' paths
}

func (e *IncompleteCertificateError) Error() string {
	return fmt.Sprintf("testserver: stored certificate for %s: %s is missing but %s is there; not making a new certificate, which clients that pinned the old one would take for an attack", e.Host, e.Missing, e.Present)
}

func loadOrCreate(dir, hostname string, regenerate bool) (cert tls.Certificate, created bool, err error) {
	host, err := hostport.NormalizeHost(hostname)
	if err != nil {
		return tls.Certificate{}, false, err
	}
	if err := identity.CheckName(host); err != nil {
		return tls.Certificate{}, false, fmt.Errorf("testserver: host name %q cannot name a certificate file: %w", hostname, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, false, fmt.Errorf("testserver: certificate directory: %w", err)
	}
	certFile := filepath.Join(dir, host+".crt")
	keyFile := filepath.Join(dir, host+".key")
	// Lock(dir + "/") locks dir/.lock.
	unlock, err := atomicfile.Lock(dir + string(filepath.Separator))
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("testserver: locking %s: %w", dir, err)
	}
	defer unlock()

	if !regenerate {
		_, certErr := os.Stat(certFile)
		_, keyErr := os.Stat(keyFile)
		switch {
		case certErr == nil && errors.Is(keyErr, fs.ErrNotExist):
			return tls.Certificate{}, false, &IncompleteCertificateError{host, keyFile, certFile}
		case keyErr == nil && errors.Is(certErr, fs.ErrNotExist):
			return tls.Certificate{}, false, &IncompleteCertificateError{host, certFile, keyFile}
		}
		id, err := identity.Load(host, certFile, keyFile)
		switch {
		case err == nil && time.Now().Before(id.Leaf.NotAfter):
			return id.Certificate, false, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return tls.Certificate{}, false, fmt.Errorf("testserver: stored certificate for %s: %w", host, err)
		}
	}

	hosts := []string{host}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		if h != host {
			hosts = append(hosts, h)
		}
	}
	cert, err = GenerateCertificate(hosts, GeneratedCertificateValidity)
	if err != nil {
		return tls.Certificate{}, false, fmt.Errorf("testserver: generating a certificate for %s: %w", host, err)
	}
	id := &identity.Identity{Name: host, Certificate: cert, Leaf: cert.Leaf}
	if err := id.Save(certFile, keyFile); err != nil {
		return tls.Certificate{}, false, fmt.Errorf("testserver: saving the certificate for %s: %w", host, err)
	}
	return cert, true, nil
}

// LoadCertificate reads a server certificate (chain, leaf first) and its
// private key from PEM files, as --tls-certfile and --tls-keyfile name
// them; both may be the same file. Errors name the file at fault; a key
// that does not belong to the certificate gives an error wrapping
// identity.ErrKeyMismatch.
func LoadCertificate(certFile, keyFile string) (tls.Certificate, error) {
	id, err := identity.Load("server", certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("testserver: TLS certificate: %w", err)
	}
	return id.Certificate, nil
}
