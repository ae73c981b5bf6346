package content

import (
	"mime"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"propus/browser/sanitize"
)

// maxNameBytes is the longest file name FileName returns, in bytes: well
// under the usual 255-byte limit, leaving room for Download's " (n)" and
// its ".name.part…" temporary file.
const maxNameBytes = 200

// fallbackName is the file name when the URL gives nothing usable.
const fallbackName = "download"

// FileName returns a safe file name for a download of u with MIME type
// mimeType.
//
// The name is the last segment of u's path, percent-decoded, after the path
// is cleaned: "/docs/" gives "docs" and "/a/b/.." gives "a". It is then made
// safe: escape sequences, control characters (NUL included) and invisible
// formatting characters (bidirectional overrides that could disguise an
// extension, zero-width spaces; joiners are kept) are removed, invalid UTF-8
// becomes U+FFFD, "/" and "\" become "_", leading dots and surrounding spaces
// are dropped (so no hidden file and never "." or ".."). When nothing usable
// is left (an empty path, "/", a segment of dots or controls) the name is
// "download".
//
// When the name has no extension, one is added from the MIME type: a
// common one for common types (.gmi .txt .png .jpg .gif .pdf .zip .mp3 .ogg
// …), otherwise the first that mime.ExtensionsByType knows, otherwise none.
// The result is at most 200 bytes, cut at a rune boundary, keeping the
// extension. u may be nil.
func FileName(u *url.URL, mimeType string) string {
	name := ""
	if u != nil {
		p := u.EscapedPath()
		if p == "" && u.Opaque != "" {
			p = u.Opaque
		}
		p = path.Clean("/" + p)
		seg := p[strings.LastIndexByte(p, '/')+1:]
		if dec, err := url.PathUnescape(seg); err == nil {
			seg = dec
		}
		name = cleanName(seg)
	}
	if name == "" {
		name = fallbackName
	}
	if _, ext := splitExt(name); ext == "" {
		name += extensionFor(mimeType)
	}
	return shorten(name, maxNameBytes)
}

// cleanName makes s safe as a file name in a directory, as FileName
// describes, or returns "" when nothing is left. It does not shorten it.
func cleanName(s string) string {
	s = sanitize.Line(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\':
			return '_'
		case r == 0x200c || r == 0x200d: // ZWNJ, ZWJ: needed by some scripts and emoji
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	s = strings.TrimLeftFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
	return strings.TrimRightFunc(s, unicode.IsSpace)
}

// splitExt splits name into stem and extension. An extension is the part
// from the last dot, at most 16 bytes, without spaces, not the whole name
// and not just "."; ".tar.gz"-like double extensions count as one.
func splitExt(name string) (stem, ext string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 || len(name)-i > 16 || strings.ContainsFunc(name[i:], unicode.IsSpace) {
		return name, ""
	}
	stem, ext = name[:i], name[i:]
	if s := len(stem) - len(".tar"); s > 0 && strings.EqualFold(stem[s:], ".tar") {
		stem, ext = stem[:s], stem[s:]+ext
	}
	return stem, ext
}

// shorten cuts name to at most max bytes at a rune boundary, keeping its
// extension.
func shorten(name string, max int) string {
	if len(name) <= max {
		return name
	}
	stem, ext := splitExt(name)
	stem = truncate(stem, max-len(ext))
	stem = strings.TrimRightFunc(stem, unicode.IsSpace)
	if stem == "" {
		return truncate(name, max)
	}
	return stem + ext
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// commonExt is the extension FileName uses for common MIME types, where
// mime.ExtensionsByType would give several (or, for text/gemini, none).
var commonExt = map[string]string{
	"text/gemini":              ".gmi",
	"text/plain":               ".txt",
	"text/markdown":            ".md",
	"text/html":                ".html",
	"text/csv":                 ".csv",
	"image/png":                ".png",
	"image/jpeg":               ".jpg",
	"image/gif":                ".gif",
	"image/webp":               ".webp",
	"image/svg+xml":            ".svg",
	"application/pdf":          ".pdf",
	"application/zip":          ".zip",
	"application/gzip":         ".gz",
	"application/x-tar":        ".tar",
	"application/epub+zip":     ".epub",
	"application/json":         ".json",
	"application/octet-stream": ".bin",
	"audio/mpeg":               ".mp3",
	"audio/ogg":                ".ogg",
	"audio/flac":               ".flac",
	"audio/wav":                ".wav",
	"video/mp4":                ".mp4",
	"video/webm":               ".webm",
}

// extensionFor returns the extension for a MIME type (parameters allowed),
// or "".
func extensionFor(mimeType string) string {
	mt, _, _ := strings.Cut(mimeType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	if mt == "" {
		return ""
	}
	if ext, ok := commonExt[mt]; ok {
		return ext
	}
	exts, _ := mime.ExtensionsByType(mt)
	for _, ext := range exts {
		// The system's tables are trusted, but an extension still has to
		// look like one.
		if len(ext) > 1 && len(ext) <= 16 && ext[0] == '.' && cleanName(ext[1:]) == ext[1:] && !strings.ContainsAny(ext[1:], ". ") {
			return ext
		}
	}
	return ""
}
