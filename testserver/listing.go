package testserver

import (
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

// listDirectory returns the listing of dir in root, whose clean URL path
// is urlPath ("" for the root), in the format FileServer.ServeGemini
// describes.
func listDirectory(root *os.Root, urlPath, dir string) (string, error) {
	d, err := root.Open(dir)
	if err != nil {
		return "", err
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return "", err
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })

	var b strings.Builder
	prefix := "/"
	if urlPath != "" {
		prefix = "/" + urlPath + "/"
	}
	b.WriteString("Directory: " + label(prefix) + "\r\n")
	if urlPath != "" {
		parent := "/"
		if p := path.Dir(urlPath); p != "." {
			parent = "/" + escapePath(p) + "/"
		}
		b.WriteString("=>" + parent + "\t..\r\n")
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		mode := e.Type()
		if mode&fs.ModeSymlink != 0 {
			// Stat through the root: a link that leaves it, is absolute
			// or dangles fails and is left out.
			info, err := root.Stat(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			mode = info.Mode()
		}
		slash := ""
		switch {
		case mode.IsDir():
			slash = "/"
		case !mode.IsRegular():
			continue
		}
		b.WriteString("=>/" + escapePath(path.Join(urlPath, name)) + slash + "\t" + label(name) + slash + "\r\n")
	}
	return b.String(), nil
}

// escapePath percent-encodes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// label makes a file name safe to show on a gemtext line: control
// characters (which could end the line) and invalid UTF-8 become U+FFFD.
func label(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, name)
}
