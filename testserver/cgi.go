package testserver

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"propus/client"
)

// Software is the name the server gives of itself, as SERVER_SOFTWARE
// in a CGI script's environment. A program may add its version
// ("propus/1.2.0") before it starts serving.
var Software = "propus"

// DefaultCGITimeout is how long a CGI script may run when CGI.Timeout is
// zero.
const DefaultCGITimeout = 10 * time.Second

// CGI runs the scripts under Root/Dir as jetforce does, with its flaws
// fixed.
//
// A request path under "/<Dir>/" is split at the shortest prefix that
// names a regular, executable file: that prefix is the script
// (SCRIPT_NAME), the rest is PATH_INFO. Segments are split on "/", and
// empty ones (double slashes) are dropped; a trailing "/" is kept in
// PATH_INFO. A segment starting with "." on the way to the script, or a
// path that leaves Root (through a symbolic link that leaves Root or is
// absolute), is answered "51 Not found". Every other request — a file
// that is not executable, a directory such as Dir itself, a name that
// does not exist, a path outside Dir — is handed to Fallback, so a CGI
// whose Fallback is a *FileServer serves a whole site.
//
// The script is executed directly, with the script's path as its only
// argument, in the script's own directory (jetforce used the server's
// working directory), with stdin an empty, closed pipe, stderr going to
// Stderr, and an environment holding exactly the variables listed in
// the documentation of ServeGemini: no PATH, HOME or anything else of the
// server's.
//
// The first line the script prints (up to LF, at most 2048 bytes, a CR
// before the LF dropped) must be a Gemini header: two digits from 10 to
// 69, then nothing or a space and META. It is sent normalised as
// "NN META\r\n"; anything else (a three-digit status, no line end before
// the script ends, …) is answered "42 CGI error: …". After a 2x header
// the rest of the output is streamed to the client as the script
// produces it; after any other header it is discarded.
//
// A script that runs longer than Timeout is killed together with its
// whole process group. Before its header that is answered "42 CGI process
// timed out"; after it, the connection is closed without TLS
// close_notify, so the client can tell the body is cut short. A script is
// killed the same way when the request's context is done or the client
// goes away, and whatever it left running in its process group is killed
// when it exits. Start failures, bad headers, timeouts and non-zero exits
// are logged to Stderr; a body already sent stands.
//
// CGI needs a Unix system; elsewhere every request under Dir is
// answered "42 CGI is not supported on this system".
type CGI struct {
	// Root is the document root.
	Root string
	// Dir is the CGI directory, relative to Root (default "cgi-bin").
	Dir string
	// Timeout bounds a script's run (default DefaultCGITimeout).
	Timeout time.Duration
	// Hostname is SERVER_NAME: the server's configured host name. Empty
	// means the host of the request's URL.
	Hostname string
	// Port is SERVER_PORT; zero means the port of the request's
	// LocalAddr.
	Port int
	// ClientCAs decides TLS_CLIENT_AUTHORISED: "1" when the client's
	// certificate verifies against it for client authentication, else
	// "0". Nil means always "0".
	ClientCAs *x509.CertPool
	// Fallback serves the requests no script answers (see CGI). Nil
	// answers "51 Not found".
	Fallback Handler
	// Stderr receives the scripts' standard error and the CGI's log
	// lines. Scripts of concurrent requests write to it concurrently, so
	// it must be safe for that (as os.Stderr is). Nil discards both.
	Stderr io.Writer
}

// Matches reports whether the path of r lies under the CGI directory
// ("/<Dir>" itself included), so that a Mux or a composite handler can
// route such requests to c.
func (c *CGI) Matches(r *Request) bool {
	_, ok := c.split(r.URL.Path)
	return ok
}

// split returns the non-empty segments of the decoded URL path urlPath
// that follow the CGI directory, and whether urlPath lies under it at
// all.
func (c *CGI) split(urlPath string) ([]string, bool) {
	segs := segments(urlPath)
	dir := segments(c.dir())
	if len(segs) < len(dir) {
		return nil, false
	}
	for i, d := range dir {
		if segs[i] != d {
			return nil, false
		}
	}
	return segs[len(dir):], true
}

// dir returns the CGI directory as a clean slash-separated path.
func (c *CGI) dir() string {
	if c.Dir == "" {
		return "cgi-bin"
	}
	return path.Clean("/" + c.Dir)[1:]
}

// segments splits a slash-separated path into its non-empty segments.
func segments(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}

// fallback hands r to c.Fallback, or answers 51 without one.
func (c *CGI) fallback(w ResponseWriter, r *Request) {
	if c.Fallback == nil {
		NotFound(w, r)
		return
	}
	c.Fallback.ServeGemini(w, r)
}

// cgiError answers "42 meta".
func cgiError(w ResponseWriter, meta string) { w.WriteHeader(client.StatusCGIError, meta) }

// hasControl reports whether s holds a control character other than TAB.
func hasControl(s string) bool {
	for _, b := range []byte(s) {
		if b < 0x20 && b != '\t' || b == 0x7f {
			return true
		}
	}
	return false
}

// subjectHasControl reports whether any attribute of a certificate's
// subject holds a control character.
func subjectHasControl(n pkix.Name) bool {
	for _, a := range n.Names {
		if hasControl(fmt.Sprint(a.Value)) {
			return true
		}
	}
	return false
}
