//go:build unix

package testserver_test

import (
	"path/filepath"
	"syscall"
	"testing"

	"propus/testserver"
)

// TestFileServerFIFO checks that a FIFO, as a file, an index or a .meta,
// is refused at once instead of blocking the server on opening it, and
// is not listed.
func TestFileServerFIFO(t *testing.T) {
	root, _ := staticTree(t, map[string]string{"d/": "", "e/page.gmi": "", "f/page.gmi": "# F\n"})
	for _, name := range []string{"pipe.gmi", "d/index.gmi", "e/pipe", "f/.meta"} {
		if err := syscall.Mkfifo(filepath.Join(root, filepath.FromSlash(name)), 0o644); err != nil {
			t.Skipf("cannot make a FIFO: %v", err)
		}
	}
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	tests := []struct{ path, header, body string }{
		{"/pipe.gmi", "51 Not found", ""},
		{"/d/", "20 text/gemini", "Directory: /d/\r\n=>/\t..\r\n"},
		{"/e/", "20 text/gemini", "Directory: /e/\r\n=>/\t..\r\n=>/e/page.gmi\tpage.gmi (0 B)\r\n"},
		{"/f/page.gmi", "20 text/gemini", "# F\n"}, // a FIFO .meta is no .meta
	}
	for _, tt := range tests {
		if header, body := staticRaw(t, ts, ts.URL+tt.path); header != tt.header || body != tt.body {
			t.Errorf("%s: got %q %q, want %q %q", tt.path, header, body, tt.header, tt.body)
		}
	}
}
