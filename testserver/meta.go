package testserver

import (
	"bufio"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"propus/client"
)

// The per-directory metadata file, in Agate's format, and how much of it
// is read.
const (
	metaFile    = ".meta"
	maxMetaFile = 64 << 10
)

// preset is what a line of a .meta file says about the names its glob
// matches: parameters added to the type, a type of its own, or a whole
// reply. The zero preset means the defaults.
type preset struct {
	params string        // "lang=en": added to the type MIMEType gives
	mime   string        // replaces that type, parameters included
	status client.Status // with meta, the reply's header (0: none)
	meta   string
}

// lookupMeta returns the preset that dir/.meta in root gives the name
// base in dir: the last line whose glob (path.Match syntax) matches it.
// A missing or unreadable file, or one that is not a regular file (a
// FIFO would block the request), gives the zero preset.
//
// Lines are "<glob>: <metadata>"; blank lines, lines starting with "#"
// and lines without ":" are skipped. The metadata is one of:
//
//	;lang=en; charset=utf-8   parameters added to the type
//	text/plain; charset=latin1  a type of its own
//	51 Gone for good          a whole reply (a 2x one serves the file with its meta as type)
//	(nothing)                 the defaults again
func lookupMeta(root *os.Root, dir, base string) preset {
	f, err := openRegular(root, filepath.Join(dir, metaFile))
	if err != nil {
		return preset{}
	}
	defer f.Close()
	var found preset
	sc := bufio.NewScanner(io.LimitReader(f, maxMetaFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		glob, md, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if match, err := path.Match(strings.TrimSpace(glob), base); err != nil || !match {
			continue
		}
		if p, ok := parsePreset(strings.TrimSpace(md)); ok {
			found = p
		}
	}
	return found
}

// parsePreset reads the metadata of a .meta line; it reports false for
// a reply that is no valid Gemini header, or text with control
// characters.
func parsePreset(md string) (preset, bool) {
	switch {
	case hasControl(md):
		return preset{}, false
	case md == "":
		return preset{}, true
	case md[0] == ';':
		return preset{params: strings.TrimSpace(strings.Trim(md, "; "))}, true
	case md[0] >= '0' && md[0] <= '9':
		status, meta, err := client.ParseHeader(md)
		return preset{status: status, meta: meta}, err == nil
	default:
		return preset{mime: md}, true
	}
}

// typeOf returns the type to send for a file whose name gives mime, as p
// says.
func (p preset) typeOf(mime string) string {
	switch {
	case p.status != 0:
		return p.meta
	case p.mime != "":
		return p.mime
	case p.params != "":
		return mime + "; " + p.params
	}
	return mime
}
