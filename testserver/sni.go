package testserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"propus/tofu/hostport"
)

// SNICertificates returns a tls.Config.GetCertificate function that
// presents the certificate of the host name the client sent by SNI, as
// gmid and agate do for virtual hosts. Names match as hostport.NormalizeHost
// compares them (so case does not matter, and a Unicode key matches its
// punycode form); a key that is not a valid host name is compared in
// lower case. A client that sends no SNI (it connects by IP address) or
// an unknown name gets fallback; when fallback is nil, its handshake
// fails with an error naming the host.
//
// The map is copied: changing it later has no effect.
func SNICertificates(byHost map[string]*tls.Certificate, fallback *tls.Certificate) func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	certs := make(map[string]*tls.Certificate, len(byHost))
	for host, c := range byHost {
		key, err := hostport.NormalizeHost(host)
		if err != nil {
			key = strings.ToLower(host)
		}
		certs[key] = c
	}
	return func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
		if c := certs[name]; c != nil {
			return c, nil
		}
		switch {
		case fallback != nil:
			return fallback, nil
		case name == "":
			return nil, errors.New("testserver: the client sent no server name (SNI) and there is no fallback certificate")
		default:
			return nil, fmt.Errorf("testserver: no certificate for host %q", hello.ServerName)
		}
	}
}
