package testserver_test

import (
	"testing"

	"propus/testserver"
)

func TestMIMEType(t *testing.T) {
	tests := []struct{ name, want string }{
		{"index.gmi", "text/gemini"},
		{"page.gemini", "text/gemini"},
		{"LOUD.GMI", "text/gemini"},
		{"dir/sub/page.gmi", "text/gemini"},
		{"archive.tar.gz", "application/gzip"},
		{"data.gz", "application/gzip"},
		{"data.bz2", "application/x-bzip2"},
		{"notes.txt", "text/plain"},
		{"README.md", "text/markdown"},
		{"page.html", "text/html"},
		{"style.css", "text/css"},
		{"image.png", "image/png"},
		{"photo.jpg", "image/jpeg"},
		{"photo.jpeg", "image/jpeg"},
		{"anim.gif", "image/gif"},
		{"pic.webp", "image/webp"},
		{"logo.svg", "image/svg+xml"},
		{"song.mp3", "audio/mpeg"},
		{"song.ogg", "audio/ogg"},
		{"song.flac", "audio/flac"},
		{"paper.pdf", "application/pdf"},
		{"bundle.zip", "application/zip"},
		{"bundle.tar", "application/x-tar"},
		{"data.json", "application/json"},
		{"feed.xml", "text/xml"},
		{"table.csv", "text/csv"},
		{"script.sh", "text/x-sh"},
		// From mime.TypeByExtension, whose "; charset=utf-8" is dropped.
		{"module.mjs", "text/javascript"},
		{"unknown.propus-no-such-type", "application/octet-stream"},
		{"Makefile", "application/octet-stream"},
		{"trailing.", "application/octet-stream"},
		{"", "application/octet-stream"},
	}
	for _, tt := range tests {
		if got := testserver.MIMEType(tt.name); got != tt.want {
			t.Errorf("MIMEType(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
