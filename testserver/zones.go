package testserver

import (
	"crypto/x509"
	"path"
	"strings"
	"time"

	"propus/client"
	"propus/client/identity"
)

// Zone is a part of the site only some client certificates may enter, as
// molly-brown's CertificateZones.
type Zone struct {
	// Path is the path prefix the zone covers. "/members/" covers
	// /members and everything under it; "/secret" also covers
	// /secret.gmi and /secrets.
	Path string
	// Fingerprints are the certificates allowed in, as
	// identity.CertificateHash writes them ("SHA256:" and hex; case does
	// not matter). An empty
	// list lets no one in.
	Fingerprints []string
}

// CertificateZones guards zones of a site. A request whose path lies in
// a zone (the one with the longest Path when several match) must come
// with a client certificate that is valid now and whose fingerprint the
// zone lists:
//
//	no certificate                  60 Certificate required for <Path>
//	expired / not yet valid         62 Certificate expired / Certificate not yet valid
//	fingerprint not listed          61 Certificate not authorised
//
// Requests outside every zone pass through untouched.
//
// A path is matched after dot segments and repeated slashes are removed,
// and ignoring case, so that no spelling of a protected path that a file
// server would resolve into the zone slips past it.
type CertificateZones []Zone

// Middleware returns next guarded by the zones.
func (zs CertificateZones) Middleware(next Handler) Handler {
	return HandlerFunc(func(w ResponseWriter, r *Request) {
		z, ok := zs.zone(r.URL.Path)
		if !ok {
			next.ServeGemini(w, r)
			return
		}
		if r.Certificate == nil {
			w.WriteHeader(client.StatusCertificateRequired, "Certificate required for "+z.Path)
			return
		}
		if checkCertificateDates(w, r.Certificate) {
			return
		}
		fp := identity.CertificateHash(r.Certificate)
		for _, allowed := range z.Fingerprints {
			if strings.EqualFold(strings.TrimSpace(allowed), fp) {
				next.ServeGemini(w, r)
				return
			}
		}
		w.WriteHeader(client.StatusCertificateNotAuthorised, "Certificate not authorised")
	})
}

// zone returns the zone with the longest prefix that covers urlPath.
func (zs CertificateZones) zone(urlPath string) (Zone, bool) {
	p := strings.ToLower(path.Clean("/" + urlPath))
	if p != "/" {
		p += "/" // so that zone "/dir/" covers the directory itself
	}
	best, found := Zone{}, false
	bestLen := -1
	for _, z := range zs {
		prefix := zonePrefix(z.Path)
		if strings.HasPrefix(p, prefix) && len(prefix) > bestLen {
			best, found, bestLen = z, true, len(prefix)
		}
	}
	return best, found
}

// zonePrefix returns a zone's Path cleaned as request paths are, lower
// case, with its trailing slash kept.
func zonePrefix(p string) string {
	c := strings.ToLower(path.Clean("/" + p))
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// RequireCertificate returns next guarded so that only requests with a
// client certificate valid now reach it: no certificate gets "60
// Certificate required", one outside its dates 62. Any such certificate
// will do; use CertificateZones to name the allowed ones.
func RequireCertificate(next Handler) Handler {
	return HandlerFunc(func(w ResponseWriter, r *Request) {
		if r.Certificate == nil {
			w.WriteHeader(client.StatusCertificateRequired, "Certificate required")
			return
		}
		if checkCertificateDates(w, r.Certificate) {
			return
		}
		next.ServeGemini(w, r)
	})
}

// checkCertificateDates answers 62 and reports true when cert is not
// valid now.
func checkCertificateDates(w ResponseWriter, cert *x509.Certificate) bool {
	meta := certificateDates(cert)
	if meta != "" {
		w.WriteHeader(client.StatusCertificateNotValid, meta)
	}
	return meta != ""
}

// certificateDates returns the meta of the 62 for a certificate that is
// not valid now, or "" for one that is.
func certificateDates(cert *x509.Certificate) string {
	now := time.Now()
	switch {
	case now.After(cert.NotAfter):
		return "Certificate expired"
	case now.Before(cert.NotBefore):
		return "Certificate not yet valid"
	}
	return ""
}
