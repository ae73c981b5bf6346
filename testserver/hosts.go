package testserver

import (
	"net/url"
	"strconv"
	"strings"

	"propus/client"
	"propus/tofu/hostport"
)

// proxyRefused is the meta of the 53 answer for a host or port the server
// does not serve, jetforce's words.
const proxyRefused = "This server does not allow proxy requests"

// VirtualHosts routes requests by the host the URL names, as jetforce's
// CompositeApplication does. It is also the hostname check of a server
// with a single name (see SingleHost).
//
// A request for a host that is not a key of Hosts, an IP literal included
// unless it is a key, gets "53 This server does not allow proxy
// requests"; so does a URL that names a port other than Port, when Port
// is not zero. A URL without a port is served whatever Port is, and one
// that names the default port 1965 explicitly is served when Port is 1965.
//
// Keys are compared as hostport.NormalizeHost leaves them: case-insensitively,
// internationalised names as punycode, a trailing dot ignored. A key that
// is not a valid host name, or whose Handler is nil, never matches. Hosts
// must not be changed while the server runs.
type VirtualHosts struct {
	// Port is the port the server listens on; zero skips the port check.
	Port int
	// Hosts maps host names to their handlers.
	Hosts map[string]Handler
}

// SingleHost returns the VirtualHosts of a server that answers only for
// hostname on port, the `--hostname` case.
func SingleHost(hostname string, port int, h Handler) *VirtualHosts {
	return &VirtualHosts{Port: port, Hosts: map[string]Handler{hostname: h}}
}

// ServeGemini hands the request to the handler of its host, or answers 53.
func (v VirtualHosts) ServeGemini(w ResponseWriter, r *Request) {
	h := v.handler(r.URL.Hostname())
	if h == nil || !v.portMatches(r) {
		w.WriteHeader(client.StatusProxyRequestRefused, proxyRefused)
		return
	}
	h.ServeGemini(w, r)
}

// handler returns the handler for host, already normalised, or nil.
func (v VirtualHosts) handler(host string) Handler {
	host = strings.TrimSuffix(host, ".")
	if h := v.Hosts[host]; h != nil {
		return h
	}
	for k, h := range v.Hosts {
		if n, err := hostport.NormalizeHost(k); err == nil && n == host {
			return h
		}
	}
	return nil
}

// portMatches reports whether the port the request's URL names, if any,
// is v.Port. The port is read from the request line as sent, because the
// normalised URL has lost an explicit default port.
func (v VirtualHosts) portMatches(r *Request) bool {
	if v.Port == 0 {
		return true
	}
	port := r.URL.Port()
	if raw, err := url.Parse(r.RawURL); err == nil && raw.Port() != "" {
		port = raw.Port()
	}
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n == v.Port
}
