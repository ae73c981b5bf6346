//go:build !unix

package testserver

// ServeGemini answers every request under the CGI directory with
// "42 CGI is not supported on this system" and hands the others to
// Fallback: running scripts needs a Unix system.
func (c *CGI) ServeGemini(w ResponseWriter, r *Request) {
	if !c.Matches(r) {
		c.fallback(w, r)
		return
	}
	cgiError(w, "CGI is not supported on this system")
}
