package testserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"log"
	"net/url"
	"slices"
	"strings"

	"propus/client"
	"propus/client/identity"
)

// DefaultTitanMaxSize is the largest upload a Titan takes when its
// MaxSize is zero: 8 MiB.
const DefaultTitanMaxSize = 8 << 20

// Titan writes the files that titan:// requests upload into Dir. Set it
// as a Server's TitanHandler (in a VirtualHosts, so that only the
// server's own host names are served); Titan answers only requests that
// carry an Upload.
//
// A request needs a credential: a token from Tokens (compared in
// constant time), or a client certificate listed in Identities and valid
// now. Then:
//
//   - An upload larger than MaxSize is refused before a byte of its
//     body is read.
//   - The URL path names the file under Dir as for FileServer, and must
//     not end in "/" (a directory), hold a hidden segment (one starting
//     with "."), lie under the CGI directory (compared ignoring case), or
//     lead, once the symbolic links of its parent are resolved, out of
//     Dir, to a hidden name or into the CGI directory. A directory is
//     never replaced.
//   - The body is written to a hidden temporary file in the target's
//     directory, synced, given mode 0644 and renamed over the target, so
//     that readers see the old file or the new one, never a part. A body
//     that ends short or comes too slowly (see Server.TitanHandler)
//     leaves nothing behind. Missing parent directories are made (mode
//     0755, less the umask) and removed again when the upload fails.
//   - Size 0 deletes the file (or symbolic link) instead; a directory is
//     never deleted.
//
// Success is answered "30 gemini://host[:port]/path", the URL the file
// is now served at; a deletion "30" to its directory's URL. Every
// request, answered or refused, is logged (see Log).
//
// The refusals, by status:
//
//	59 Bad Titan request: …                 bad parameters (ParseTitanRequest)
//	50 Titan uploads are not configured     neither Tokens nor Identities
//	60 Titan upload needs a token or an authorised client certificate
//	60 Titan upload needs an authorised client certificate   (no Tokens)
//	59 Titan upload needs a token           no token, no Identities
//	59 Titan token not accepted             a token that is not in Tokens
//	61 Certificate not authorised for Titan uploads
//	62 Certificate expired / Certificate not yet valid
//	59 Upload too large: N bytes; the limit is M bytes
//	59 Cannot upload to a directory (the path ends in /)
//	50 Uploads to hidden names are not allowed
//	50 Uploads to the CGI directory are not allowed
//	50 Uploads through a link that leaves the directory are not allowed
//	50 Cannot replace or delete a directory
//	50 A parent of the path is not a directory
//	51 Not found                            deleting what does not exist
//	59 Upload incomplete: received N of M bytes
//	40 Upload failed                        an error of the file system
type Titan struct {
	// Dir is the directory uploads are written into: the served one.
	Dir string
	// CGIDir is the CGI directory, relative to Dir (default "cgi-bin"),
	// which uploads may not write into.
	CGIDir string
	// Tokens are the secrets that allow an upload (token=); empty
	// strings never match.
	Tokens []string
	// Identities are the client certificates that allow an upload, by
	// fingerprint, as ParseFingerprint reads them; one it cannot read
	// never matches.
	Identities []string
	// MaxSize is the largest upload in bytes (zero or negative:
	// DefaultTitanMaxSize).
	MaxSize int64
	// Log receives a record of every request Titan answers. Nil writes
	// the record's String to the standard logger.
	Log func(TitanRecord)
}

// TitanRecord tells what happened to one titan:// request, for
// Titan.Log. It never holds a token.
type TitanRecord struct {
	// RemoteAddr is the client's "ip:port".
	RemoteAddr string
	// Who names the credential: "token#N" for the Nth of Tokens
	// (counting from 1), "bad-token" for a token not in Tokens, the
	// client certificate's hash cut short ("SHA256:0123456789abcdef",
	// whether listed or not) when no token served, or "-" for none.
	Who string
	// Path is the URL path, MIME and Size what the request announced,
	// and Received the bytes of body read.
	Path     string
	MIME     string
	Size     int64
	Received int64
	// Status and Meta are the answer.
	Status client.Status
	Meta   string
	// Err is the cause of a failure or refusal when there is more to
	// say than Meta (a file system error, a link that leaves Dir), or
	// nil.
	Err error
}

// String formats the record as a log line:
//
//	titan: 127.0.0.1:52044 token#1 "/notes/a.gmi" 12/12 bytes text/gemini: 30 "gemini://localhost/notes/a.gmi"
func (r TitanRecord) String() string {
	s := fmt.Sprintf("titan: %s %s \"%s\" %d/%d bytes %s: %d \"%s\"", r.RemoteAddr, r.Who, logEscape(r.Path),
		r.Received, r.Size, logEscape(r.MIME), r.Status, logEscape(r.Meta))
	if r.Err != nil {
		s += ": " + logEscape(r.Err.Error())
	}
	return s
}

// ParseFingerprint reads a certificate fingerprint as
// identity.CertificateHash writes it ("SHA256:" and 64 lower-case hex
// digits) or as other tools do: upper-case hex, with or without the
// "SHA256:" prefix (in any case), bytes separated by colons. It returns
// it as CertificateHash writes it.
func ParseFingerprint(s string) (string, error) {
	h := strings.TrimSpace(s)
	if len(h) >= len(identity.HashPrefix) && strings.EqualFold(h[:len(identity.HashPrefix)], identity.HashPrefix) {
		h = h[len(identity.HashPrefix):]
	}
	h = strings.ToLower(strings.ReplaceAll(h, ":", ""))
	if len(h) != 2*sha256.Size || strings.Trim(h, "0123456789abcdef") != "" {
		return "", fmt.Errorf("testserver: %q is not a certificate fingerprint (64 hex digits of SHA-256, as propus id show prints)", s)
	}
	return identity.HashPrefix + h, nil
}

// ServeGemini answers a titan:// request (see Titan).
func (t *Titan) ServeGemini(w ResponseWriter, r *Request) {
	rec := TitanRecord{RemoteAddr: r.RemoteAddr, Who: "-", Path: r.URL.Path}
	if r.Upload == nil {
		rec.Status, rec.Meta = client.StatusBadRequest, "Not a titan:// request"
	} else {
		rec.MIME, rec.Size = r.Upload.MIME, r.Upload.Size
		rec.Status, rec.Meta = t.serve(r, &rec)
	}
	w.WriteHeader(rec.Status, rec.Meta)
	if t.Log != nil {
		t.Log(rec)
	} else {
		log.Print(rec)
	}
}

// serve checks the credential and the size, then writes or deletes.
func (t *Titan) serve(r *Request, rec *TitanRecord) (client.Status, string) {
	if status, meta := t.authorise(r, rec); status != 0 {
		return status, meta
	}
	limit := t.MaxSize
	if limit <= 0 {
		limit = DefaultTitanMaxSize
	}
	if r.Upload.Size > limit {
		return client.StatusBadRequest, fmt.Sprintf("Upload too large: %d bytes; the limit is %d bytes", r.Upload.Size, limit)
	}
	return t.store(r, rec)
}

// authorise returns the refusal of a request without a valid credential,
// or status 0, and names the credential in rec.
func (t *Titan) authorise(r *Request, rec *TitanRecord) (client.Status, string) {
	token := r.Upload.Token
	if i := t.tokenIndex(token); i >= 0 {
		rec.Who = fmt.Sprintf("token#%d", i+1)
		return 0, ""
	}
	identities := t.identities()
	if r.Certificate != nil {
		fp := identity.CertificateHash(r.Certificate)
		rec.Who = identity.ShortHash(fp, 16)
		if _, ok := identities[fp]; ok {
			if meta := certificateDates(r.Certificate); meta != "" {
				return client.StatusCertificateNotValid, meta
			}
			return 0, ""
		}
	}
	hasTokens := t.hasTokens()
	switch {
	case !hasTokens && len(identities) == 0:
		return client.StatusPermanentFailure, "Titan uploads are not configured"
	case token != "":
		if r.Certificate == nil {
			rec.Who = "bad-token"
		}
		return client.StatusBadRequest, "Titan token not accepted"
	case r.Certificate != nil && len(identities) > 0:
		return client.StatusCertificateNotAuthorised, "Certificate not authorised for Titan uploads"
	case len(identities) > 0 && hasTokens:
		return client.StatusCertificateRequired, "Titan upload needs a token or an authorised client certificate"
	case len(identities) > 0:
		return client.StatusCertificateRequired, "Titan upload needs an authorised client certificate"
	}
	return client.StatusBadRequest, "Titan upload needs a token"
}

// tokenIndex returns the index in Tokens of token, or -1 when it is not
// there. Every token is compared, by its hash, in constant time.
func (t *Titan) tokenIndex(token string) int {
	got := sha256.Sum256([]byte(token))
	found := -1
	for i, tok := range t.Tokens {
		want := sha256.Sum256([]byte(tok))
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 && tok != "" && found < 0 {
			found = i
		}
	}
	return found
}

// hasTokens reports whether Tokens holds a token.
func (t *Titan) hasTokens() bool {
	return slices.ContainsFunc(t.Tokens, func(tok string) bool { return tok != "" })
}

// identities returns the fingerprints of Identities it can read.
func (t *Titan) identities() map[string]struct{} {
	m := make(map[string]struct{}, len(t.Identities))
	for _, s := range t.Identities {
		if fp, err := ParseFingerprint(s); err == nil {
			m[fp] = struct{}{}
		}
	}
	return m
}

// geminiURL returns the gemini URL of path on the host (and port) of the
// titan URL u.
func geminiURL(u *url.URL, path string) string {
	g := url.URL{Scheme: "gemini", Host: u.Host, Path: path}
	return g.String()
}
