package titan

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseLink(t *testing.T) {
	for _, c := range []struct{ link, target, token string }{
		{"titan://example.org/page.gmi", "gemini://example.org/page.gmi", ""},
		{"titan://example.org:1966/a%20b.gmi;mime=text/plain;size=10;token=s%3Bx", "gemini://example.org:1966/a%20b.gmi", "s;x"},
		{"titan://example.org/dir/;TOKEN=abc", "gemini://example.org/dir/", "abc"},
	} {
		target, token := ParseLink(mustURL(t, c.link))
		if target.String() != c.target || token != c.token {
			t.Errorf("ParseLink(%s) = %s, %q; want %s, %q", c.link, target, token, c.target, c.token)
		}
	}
}

func TestTarget(t *testing.T) {
	if got := Target(mustURL(t, "gemini://example.org/p.gmi?q#f")).String(); got != "gemini://example.org/p.gmi" {
		t.Errorf("Target = %s", got)
	}
}

func TestMIMEOf(t *testing.T) {
	for name, want := range map[string]string{
		"index.gmi": "text/gemini", "post.GEMINI": "text/gemini", "a.png": "image/png",
		"notes.txt": "text/plain; charset=utf-8", "blob": "application/octet-stream",
	} {
		if got := MIMEOf(name); got != want {
			t.Errorf("MIMEOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// The text to edit goes to the download directory from the start, named
// after the page, so that nothing typed is lost whatever comes after;
// Discard removes it once uploaded.
func TestPrepareInDownloads(t *testing.T) {
	t.Parallel()
	j := Job{Target: mustURL(t, "gemini://example.org/notes/../guest book.gmi")}
	dir := filepath.Join(t.TempDir(), "downloads")
	ready := Prepare(j, []byte("# Hello\n"), dir)().(ReadyMsg)
	if ready.Err != nil || !ready.Job.Edited || filepath.Dir(ready.Job.File) != dir ||
		!strings.HasPrefix(filepath.Base(ready.Job.File), "guest_book.edited-") || !strings.HasSuffix(ready.Job.File, ".gmi") {
		t.Fatalf("Prepare: %+v", ready)
	}
	if b, _ := os.ReadFile(ready.Job.File); string(b) != "# Hello\n" {
		t.Fatalf("the file to edit holds %q", b)
	}
	Discard(ready.Job)()
	if _, err := os.Stat(ready.Job.File); !os.IsNotExist(err) {
		t.Errorf("the uploaded text is still there: %v", err)
	}
}

func TestStat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "photo.png")
	os.WriteFile(file, []byte("12345"), 0o644)
	got := Stat(Job{File: file})().(StatMsg)
	if got.Err != nil || got.Job.Size != 5 || got.Job.MIME != "image/png" {
		t.Errorf("Stat(file) = %+v", got)
	}
	if got := Stat(Job{File: dir})().(StatMsg); got.Err == nil || !strings.Contains(got.Err.Error(), "is not a file") {
		t.Errorf("Stat(dir) = %+v", got)
	}
}

func TestPageFile(t *testing.T) {
	for in, want := range map[string]string{
		"gemini://example.org/":         "gemini://example.org/index.gmi",
		"gemini://example.org":          "gemini://example.org/index.gmi",
		"gemini://example.org/dir/?q":   "gemini://example.org/dir/index.gmi",
		"gemini://example.org/page.gmi": "gemini://example.org/page.gmi",
	} {
		if got := PageFile(mustURL(t, in)).String(); got != want {
			t.Errorf("PageFile(%s) = %s, want %s", in, got, want)
		}
	}
}
