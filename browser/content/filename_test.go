package content

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"propus/browser/sanitize"
)

func TestFileName(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes
	tests := []struct {
		url, mime string
		want      string
	}{
		// The last path segment.
		{"gemini://h/files/report.pdf", "application/pdf", "report.pdf"},
		{"gemini://h/song.ogg", "audio/mpeg", "song.ogg"}, // an extension is kept
		{"gemini://h/src.tar.gz", "application/gzip", "src.tar.gz"},
		{"gemini://h/get?file=a.png#x", "image/png", "get.png"}, // query and fragment ignored
		{"gemini://h/a/b/../c.txt", "", "c.txt"},
		// Percent-encoded and UTF-8 names.
		{"gemini://h/My%20Song.mp3", "audio/mpeg", "My Song.mp3"},
		{"gemini://h/caf%C3%A9.txt", "text/plain", "café.txt"},
		{"gemini://h/日本語.txt", "text/plain", "日本語.txt"},
		{"gemini://h/AC%2FDC.mp3", "audio/mpeg", "AC_DC.mp3"},
		{"gemini://h/a%5Cb.txt", "", "a_b.txt"},
		{"gemini://h/%FF.txt", "", "\ufffd.txt"},
		// Trying to leave the directory.
		{"gemini://h/x/..%2F..%2Fetc%2Fpasswd", "", "_.._etc_passwd"},
		{"gemini://h/x/%2E%2E", "text/plain", "download.txt"},
		{"gemini://h/x/%2E%2E%2F", "", "_"},
		{"gemini://h/../../etc/passwd", "", "passwd"},
		// Control characters, escapes, invisible characters.
		{"gemini://h/%1B%5B31mred%1B%5B0m%07.txt", "", "red.txt"},
		{"gemini://h/%1B%5D0;title%07x.txt", "", "x.txt"},
		{"gemini://h/a%00b.txt", "", "ab.txt"},
		{"gemini://h/a%09b%0Ac%0D.txt", "", "a b c .txt"},
		{"gemini://h/%C2%9B31mx.txt", "", "x.txt"}, // C1 CSI
		{"gemini://h/evil%E2%80%AEfdp.exe", "", "evilfdp.exe"},
		{"gemini://h/zero%E2%80%8Bwidth.txt", "", "zerowidth.txt"},
		{"gemini://h/%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB.txt", "", "👩‍💻.txt"}, // ZWJ kept
		// Hidden names, dots and spaces.
		{"gemini://h/.hidden", "", "hidden"},
		{"gemini://h/.hidden", "text/plain", "hidden.txt"},
		{"gemini://h/...", "image/png", "download.png"},
		{"gemini://h/%20%20name.txt%20", "", "name.txt"},
		{"gemini://h/%20.%20.x", "", "x"},
		{"gemini://h/%1B", "image/gif", "download.gif"},
		// Nothing in the path.
		{"gemini://h", "text/gemini", "download.gmi"},
		{"gemini://h/", "image/png", "download.png"},
		{"gemini://h/", "", "download"},
		{"gemini://h/docs/", "text/gemini", "docs.gmi"},
		{"gemini://h/docs//", "text/gemini; lang=en", "docs.gmi"},
		// Extensions from the MIME type.
		{"gemini://h/picture", "image/png", "picture.png"},
		{"gemini://h/photo", "IMAGE/JPEG", "photo.jpg"},
		{"gemini://h/anim", "image/gif", "anim.gif"},
		{"gemini://h/paper", "application/pdf", "paper.pdf"},
		{"gemini://h/bundle", "application/zip", "bundle.zip"},
		{"gemini://h/track", "audio/mpeg", "track.mp3"},
		{"gemini://h/track", "audio/ogg", "track.ogg"},
		{"gemini://h/README", "text/plain; charset=utf-8", "README.txt"},
		{"gemini://h/index", "text/gemini", "index.gmi"},
		{"gemini://h/blob", "application/octet-stream", "blob.bin"},
		{"gemini://h/blob", "application/x-propus-unknown", "blob"},
		{"gemini://h/blob", "garbage", "blob"},
		{"gemini://h/name.", "text/plain", "name..txt"},
		// Very long names: at most 200 bytes, at a rune boundary, keeping
		// the extension.
		{"gemini://h/" + long + ".jpg", "image/jpeg", strings.Repeat("é", 98) + ".jpg"},
		{"gemini://h/" + strings.Repeat("a", 300), "image/png", strings.Repeat("a", 196) + ".png"},
		{"gemini://h/" + strings.Repeat("a", 300), "", strings.Repeat("a", 200)},
		{"gemini://h/x" + long, "", "x" + strings.Repeat("é", 99)},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", tt.url, err)
		}
		got := FileName(u, tt.mime)
		if got != tt.want {
			t.Errorf("FileName(%q, %q) = %q, want %q", tt.url, tt.mime, got, tt.want)
		}
		checkFileName(t, got)
	}
}

func TestFileNameOddURLs(t *testing.T) {
	tests := []struct {
		u    *url.URL
		mime string
		want string
	}{
		{nil, "image/png", "download.png"},
		{&url.URL{Scheme: "gemini", Host: "h", Path: "/100%.txt"}, "", "100%.txt"},
		{&url.URL{Scheme: "gemini", Host: "h", Path: "/a/b", RawPath: "/a%2Fb"}, "", "a_b"},
		{&url.URL{Scheme: "file", Opaque: "notes.txt"}, "", "notes.txt"},
	}
	for _, tt := range tests {
		if got := FileName(tt.u, tt.mime); got != tt.want {
			t.Errorf("FileName(%v, %q) = %q, want %q", tt.u, tt.mime, got, tt.want)
		}
	}
}

// checkFileName fails unless name is one FileName may return.
func checkFileName(t *testing.T, name string) {
	t.Helper()
	switch {
	case name == "", name == ".", name == "..":
		t.Errorf("unusable name %q", name)
	case strings.HasPrefix(name, "."):
		t.Errorf("hidden name %q", name)
	case strings.ContainsAny(name, "/\\\x00"):
		t.Errorf("name %q holds a separator or NUL", name)
	case len(name) > maxNameBytes:
		t.Errorf("name %q is %d bytes", name, len(name))
	case !utf8.ValidString(name):
		t.Errorf("name %q is not UTF-8", name)
	case sanitize.Line(name) != name:
		t.Errorf("name %q is not sanitised", name)
	case strings.TrimSpace(name) != name:
		t.Errorf("name %q has surrounding space", name)
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }):
		t.Errorf("name %q holds a control character", name)
	}
}

func FuzzFileName(f *testing.F) {
	f.Add("gemini://h/a%20b.txt", "text/plain")
	f.Add("gemini://h/..%2F%1B[31m.x", "image/png")
	f.Add("gemini://h/"+strings.Repeat("日", 80), "")
	f.Fuzz(func(t *testing.T, raw, mime string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		checkFileName(t, FileName(u, mime))
	})
}
