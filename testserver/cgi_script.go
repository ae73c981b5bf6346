//go:build unix

package testserver

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// errCGIRefused means a request path under the CGI directory has a
// hidden segment or leads out of the root: it is answered 51.
var errCGIRefused = errors.New("testserver: CGI path is hidden or leaves the root")

// script is the CGI script a request runs.
type script struct {
	name     string // SCRIPT_NAME: "/cgi-bin/env.sh"
	pathInfo string // PATH_INFO: "/extra/path", or ""
	file     string // absolute file name of the script
}

// findScript splits the segments that follow the CGI directory at the
// shortest prefix that is a regular, executable file under Root. It
// returns nil without an error when there is no such prefix (the request
// is the fallback's), and errCGIRefused for a hidden segment, a NUL byte
// or a path that leaves Root, checked on the way to the script.
func (c *CGI) findScript(urlPath string, rest []string) (*script, error) {
	root, err := os.OpenRoot(c.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	rel := c.dir()
	for i, seg := range rest {
		if strings.HasPrefix(seg, ".") || strings.ContainsRune(seg, 0) {
			return nil, errCGIRefused
		}
		rel = path.Join(rel, seg)
		name, err := filepath.Localize(rel)
		if err != nil {
			return nil, errCGIRefused
		}
		info, err := root.Stat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, nil
		case err != nil:
			// The path leaves the root (escaping or absolute symbolic
			// link) or cannot be examined.
			return nil, errCGIRefused
		case info.IsDir():
			continue
		case !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0:
			return nil, nil
		}
		abs, err := filepath.Abs(c.Root)
		if err != nil {
			return nil, err
		}
		s := &script{name: "/" + rel, file: filepath.Join(abs, name)}
		if tail := rest[i+1:]; len(tail) > 0 {
			s.pathInfo = "/" + strings.Join(tail, "/")
		}
		if strings.HasSuffix(urlPath, "/") {
			s.pathInfo += "/"
		}
		return s, nil
	}
	return nil, nil
}
