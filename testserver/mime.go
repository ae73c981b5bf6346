package testserver

import (
	"mime"
	"path"
	"strings"
)

// mimeTypes maps lower-case file extensions to the MIME types the static
// server sends, so that the common types do not depend on the mime.types
// files of the machine.
var mimeTypes = map[string]string{
	".gmi":      "text/gemini",
	".gemini":   "text/gemini",
	".txt":      "text/plain",
	".md":       "text/markdown",
	".markdown": "text/markdown",
	".html":     "text/html",
	".htm":      "text/html",
	".css":      "text/css",
	".csv":      "text/csv",
	".xml":      "text/xml",
	".sh":       "text/x-sh",
	".png":      "image/png",
	".jpg":      "image/jpeg",
	".jpeg":     "image/jpeg",
	".gif":      "image/gif",
	".webp":     "image/webp",
	".svg":      "image/svg+xml",
	".mp3":      "audio/mpeg",
	".ogg":      "audio/ogg",
	".flac":     "audio/flac",
	".pdf":      "application/pdf",
	".json":     "application/json",
	".zip":      "application/zip",
	".tar":      "application/x-tar",
	".gz":       "application/gzip",
	".bz2":      "application/x-bzip2",
	".xz":       "application/x-xz",
}

// MIMEType returns the MIME type the static server sends for a file
// name, judged by its extension alone: .gmi and .gemini are text/gemini,
// a compressed file is its compression's type (x.tar.gz is
// application/gzip), common types come from a fixed table, others from
// mime.TypeByExtension without any charset parameter, and an unknown
// extension is application/octet-stream. No charset is ever added:
// text/plain goes out bare.
func MIMEType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		return "application/octet-stream"
	}
	if t, ok := mimeTypes[ext]; ok {
		return t
	}
	t := mime.TypeByExtension(ext)
	if t == "" {
		return "application/octet-stream"
	}
	mt, params, err := mime.ParseMediaType(t)
	if err != nil {
		return "application/octet-stream"
	}
	delete(params, "charset")
	return mime.FormatMediaType(mt, params)
}
