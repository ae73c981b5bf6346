package testserver

import (
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The header shown above a listing, and how much of it and of each
// gemtext file (for its title) a listing reads.
const (
	listingHeader    = ".header.gmi"
	maxListingHeader = 16 << 10
	maxTitleScan     = 4 << 10
)

// listEntry is one line of a listing.
type listEntry struct {
	name  string
	dir   bool
	size  int64
	title string // the first heading of a gemtext file
}

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

	var b strings.Builder
	if h, err := openRegular(root, filepath.Join(dir, listingHeader)); err == nil {
		text, _ := io.ReadAll(io.LimitReader(h, maxListingHeader))
		h.Close()
		if len(text) > 0 {
			b.Write(text)
			if text[len(text)-1] != '\n' {
				b.WriteString("\r\n")
			}
		}
	}
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
	var list []listEntry
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		// Stat through the root: a link that leaves it, is absolute or
		// dangles fails and is left out.
		info, err := root.Stat(filepath.Join(dir, name))
		switch {
		case err != nil:
		case info.IsDir():
			list = append(list, listEntry{name: name, dir: true})
		case info.Mode().IsRegular():
			le := listEntry{name: name, size: info.Size()}
			if MIMEType(name) == "text/gemini" {
				le.title = gemtextTitle(root, filepath.Join(dir, name))
			}
			list = append(list, le)
		}
	}
	slices.SortFunc(list, func(a, b listEntry) int {
		if a.dir != b.dir {
			if a.dir {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for _, e := range list {
		link := "=>/" + escapePath(path.Join(urlPath, e.name))
		switch {
		case e.dir:
			b.WriteString(link + "/\t" + label(e.name) + "/\r\n")
		case e.title != "":
			b.WriteString(link + "\t" + label(e.title) + "\r\n")
		default:
			b.WriteString(link + "\t" + label(e.name) + " (" + formatSize(e.size) + ")\r\n")
		}
	}
	return b.String(), nil
}

// gemtextTitle returns the text of the first heading in the first
// maxTitleScan bytes of the gemtext file name, outside preformatted
// blocks, or "".
func gemtextTitle(root *os.Root, name string) string {
	f, err := openRegular(root, name)
	if err != nil {
		return ""
	}
	defer f.Close()
	head, _ := io.ReadAll(io.LimitReader(f, maxTitleScan))
	pre := false
	for line := range strings.Lines(string(head)) {
		switch {
		case strings.HasPrefix(line, "```"):
			pre = !pre
		case !pre && strings.HasPrefix(line, "#"):
			if t := strings.TrimSpace(strings.TrimLeft(line, "#")); t != "" {
				return t
			}
		}
	}
	return ""
}

// formatSize writes a file size for people: "512 B", "1.5 KiB", "3.0 MiB".
func formatSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	v, unit := float64(n)/1024, 0
	for v >= 1024 && unit < 3 {
		v, unit = v/1024, unit+1
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + []string{"KiB", "MiB", "GiB", "TiB"}[unit]
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
