//go:build unix

package testserver

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"net"
	"strconv"
	"strings"

	"propus/client/identity"
)

// cgiTimeFormat is how the TLS_CLIENT_NOT_BEFORE and _NOT_AFTER
// variables give a time (always UTC).
const cgiTimeFormat = "2006-01-02T15:04:05Z"

// environ returns the environment script s runs with for r: exactly the
// variables jetforce sets, without its leaked HOSTNAME.
func (c *CGI) environ(r *Request, s *script) []string {
	serverName := c.Hostname
	if serverName == "" {
		serverName = r.URL.Hostname()
	}
	port := strconv.Itoa(c.Port)
	if c.Port == 0 {
		_, port, _ = net.SplitHostPort(r.LocalAddr)
	}
	remote, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		remote = r.RemoteAddr
	}
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"SERVER_PROTOCOL=GEMINI",
		"SERVER_SOFTWARE=" + Software,
		"GEMINI_URL=" + r.RawURL,
		"SCRIPT_NAME=" + s.name,
		"PATH_INFO=" + s.pathInfo,
		"QUERY_STRING=" + r.URL.RawQuery,
		"SERVER_NAME=" + serverName,
		"SERVER_PORT=" + port,
		"REMOTE_ADDR=" + remote,
		"REMOTE_HOST=" + remote,
	}
	if r.TLS != nil {
		env = append(env,
			"TLS_CIPHER="+tls.CipherSuiteName(r.TLS.CipherSuite),
			"TLS_VERSION="+tlsVersionName(r.TLS.Version))
	}
	if cert := r.Certificate; cert != nil {
		sum := sha256.Sum256(cert.Raw) // identity.CertificateHash's, in jetforce's upper case
		env = append(env,
			"AUTH_TYPE=CERTIFICATE",
			"REMOTE_USER="+cert.Subject.CommonName,
			"TLS_CLIENT_HASH="+identity.HashPrefix+strings.ToUpper(hex.EncodeToString(sum[:])),
			"TLS_CLIENT_HASH_B64="+base64.URLEncoding.EncodeToString(sum[:]),
			"TLS_CLIENT_NOT_BEFORE="+cert.NotBefore.UTC().Format(cgiTimeFormat),
			"TLS_CLIENT_NOT_AFTER="+cert.NotAfter.UTC().Format(cgiTimeFormat),
			"TLS_CLIENT_SERIAL_NUMBER="+cert.SerialNumber.String(),
			"TLS_CLIENT_AUTHORISED="+c.authorised(r))
	}
	for i, v := range env {
		// The only bytes an environment cannot hold; a certificate's CN
		// or a percent-decoded path could bring them.
		env[i] = strings.ReplaceAll(v, "\x00", "")
	}
	return env
}

// authorised returns "1" when the client's certificate verifies against
// ClientCAs for client authentication (the intermediates it sent
// helping), else "0".
func (c *CGI) authorised(r *Request) string {
	if c.ClientCAs == nil {
		return "0"
	}
	opts := x509.VerifyOptions{
		Roots:         c.ClientCAs,
		Intermediates: x509.NewCertPool(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if r.TLS != nil && len(r.TLS.PeerCertificates) > 1 {
		for _, ic := range r.TLS.PeerCertificates[1:] {
			opts.Intermediates.AddCert(ic)
		}
	}
	if _, err := r.Certificate.Verify(opts); err != nil {
		return "0"
	}
	return "1"
}

// tlsVersionName names a TLS version as OpenSSL (and so jetforce) does:
// "TLSv1.3".
func tlsVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return tls.VersionName(v)
}
