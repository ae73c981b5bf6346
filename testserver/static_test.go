package testserver_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"propus/client"
	"propus/testserver"
)

// staticTree makes a directory "root" beside a directory "outside" that
// holds secret.txt, fills root from files (slash paths; a path ending in
// "/" is a directory) and returns both.
func staticTree(t *testing.T, files map[string]string) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root, outside = filepath.Join(base, "root"), filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

// staticSymlink makes a symbolic link at root/name pointing to target,
// skipping the test where symbolic links cannot be made.
func staticSymlink(t *testing.T, root, name, target string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
		t.Skipf("cannot make symbolic links here: %v", err)
	}
}

// staticRaw sends the request line rawURL to the server as it is and
// returns the header line (without CRLF) and the body.
func staticRaw(t *testing.T, ts *testserver.TestServer, rawURL string) (header, body string) {
	t.Helper()
	conn, err := tls.Dial("tcp", ts.Addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, rawURL+"\r\n"); err != nil {
		t.Fatal(err)
	}
	reply, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading the reply to %q: %v", rawURL, err)
	}
	header, body, ok := strings.Cut(string(reply), "\r\n")
	if !ok {
		t.Fatalf("reply to %q has no header line: %q", rawURL, reply)
	}
	return header, body
}

func TestFileServerPaths(t *testing.T) {
	root, outside := staticTree(t, map[string]string{
		"hello.gmi":           "# Hello\n",
		"notes.txt":           "plain notes\n",
		"a b.gmi":             "spaced\n",
		"café.gmi":            "accented\n",
		"noext":               "bytes",
		"docs/index.gmi":      "docs index\n",
		"docs/page.gmi":       "docs page\n",
		"docs/.env":           "TOKEN=1",
		"with space/x.gmi":    "x",
		"empty/":              "",
		".secret":             "hidden file",
		".hidden/x.gmi":       "in a hidden directory",
		"sub/.git/config":     "hidden deeper",
		"percent%2Fname.gmi":  "percent in name",
		"semi;colon,comma.md": "# punctuation",
		"idx/other.gmi":       "",
	})
	staticSymlink(t, root, "inlink.gmi", "hello.gmi")
	staticSymlink(t, root, "inlinkdir", "docs")
	staticSymlink(t, root, "escape.txt", filepath.Join("..", "outside", "secret.txt"))
	staticSymlink(t, root, "escapedir", filepath.Join("..", "outside"))
	staticSymlink(t, root, "absolute.gmi", filepath.Join(root, "hello.gmi"))
	staticSymlink(t, root, "abs-outside.txt", filepath.Join(outside, "secret.txt"))
	staticSymlink(t, root, "dangling.gmi", "no-such-file.gmi")
	staticSymlink(t, root, "docs/up.txt", filepath.Join("..", "..", "outside", "secret.txt"))
	staticSymlink(t, root, "idx/index.gmi", filepath.Join("..", "..", "outside", "secret.txt"))

	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	tests := []struct {
		path, header, body string
	}{
		// Regular files.
		{"/hello.gmi", "20 text/gemini", "# Hello\n"},
		{"/notes.txt", "20 text/plain", "plain notes\n"},
		{"/noext", "20 application/octet-stream", "bytes"},
		{"/hello.gmi/", "20 text/gemini", "# Hello\n"},
		{"/hello.gmi?hello%20world", "20 text/gemini", "# Hello\n"},
		{"//hello.gmi", "20 text/gemini", "# Hello\n"},
		{"/docs//page.gmi", "20 text/gemini", "docs page\n"},
		{"/a%20b.gmi", "20 text/gemini", "spaced\n"},
		{"/caf%C3%A9.gmi", "20 text/gemini", "accented\n"},
		{"/percent%252Fname.gmi", "20 text/gemini", "percent in name"},
		{"/semi%3Bcolon%2Ccomma.md", "20 text/markdown", "# punctuation"},
		{"/docs/page.gmi", "20 text/gemini", "docs page\n"},
		{"/docs/../hello.gmi", "59 Invalid URL: dot segments are not allowed", ""},
		{"/docs/%2e%2e/hello.gmi", "59 Invalid URL: dot segments are not allowed", ""},
		// Directories: redirect without the slash, index with it.
		{"/docs", "31 /docs/", ""},
		{"/docs?q=1", "31 /docs/?q=1", ""},
		{"/with%20space", "31 /with%20space/", ""},
		{"/docs/", "20 text/gemini", "docs index\n"},
		{"/docs/?hello", "20 text/gemini", "docs index\n"},
		// Missing.
		{"/missing.gmi", "51 Not found", ""},
		{"/docs/missing/", "51 Not found", ""},
		{"/a%00b.gmi", "51 Not found", ""},
		// Escapes from the root.
		{"/../outside/secret.txt", "59 Invalid URL: dot segments are not allowed", ""},
		{"/%2e%2e/outside/secret.txt", "59 Invalid URL: dot segments are not allowed", ""},
		{"/%2E%2E/%2E%2E/%2E%2E/etc/passwd", "59 Invalid URL: dot segments are not allowed", ""},
		{"/docs/%2e%2e/%2e%2e/outside/secret.txt", "59 Invalid URL: dot segments are not allowed", ""},
		{"/..%2Foutside%2Fsecret.txt", "59 Invalid URL: dot segments are not allowed", ""},
		{"/%2F" + strings.TrimPrefix(filepath.ToSlash(outside), "/") + "/secret.txt", "51 Not found", ""},
		// Hidden names.
		{"/.secret", "51 Not found", ""},
		{"/%2esecret", "51 Not found", ""},
		{"/.hidden/x.gmi", "51 Not found", ""},
		{"/.hidden/", "51 Not found", ""},
		{"/.hidden", "51 Not found", ""},
		{"/docs/.env", "51 Not found", ""},
		{"/sub/.git/config", "51 Not found", ""},
		// Symbolic links: relative and inside the root only.
		{"/inlink.gmi", "20 text/gemini", "# Hello\n"},
		{"/inlinkdir", "31 /inlinkdir/", ""},
		{"/inlinkdir/", "20 text/gemini", "docs index\n"},
		{"/inlinkdir/page.gmi", "20 text/gemini", "docs page\n"},
		{"/escape.txt", "51 Not found", ""},
		{"/escapedir", "51 Not found", ""},
		{"/escapedir/", "51 Not found", ""},
		{"/escapedir/secret.txt", "51 Not found", ""},
		{"/absolute.gmi", "51 Not found", ""},
		{"/abs-outside.txt", "51 Not found", ""},
		{"/dangling.gmi", "51 Not found", ""},
		{"/docs/up.txt", "51 Not found", ""},
		{"/idx/", "51 Not found", ""},
	}
	for _, tt := range tests {
		header, body := staticRaw(t, ts, ts.URL+tt.path)
		if header != tt.header || body != tt.body {
			t.Errorf("%s: got %q %q, want %q %q", tt.path, header, body, tt.header, tt.body)
		}
		if strings.Contains(body, "SECRET") || strings.Contains(header, "SECRET") {
			t.Errorf("%s: leaked a file outside the root", tt.path)
		}
	}
}

// TestFileServerRoot checks that the empty path and "/" serve the root
// without a redirect.
func TestFileServerRoot(t *testing.T) {
	root, _ := staticTree(t, map[string]string{"index.gmi": "# Root\n"})
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	for _, u := range []string{ts.URL, ts.URL + "/", ts.URL + "//", ts.URL + "/?q"} {
		header, body := staticRaw(t, ts, u)
		if header != "20 text/gemini" || body != "# Root\n" {
			t.Errorf("%s: got %q %q, want the root index", u, header, body)
		}
	}
}

// TestFileServerRedirectFollows checks with the client that following a
// directory's redirect reaches the directory.
func TestFileServerRedirectFollows(t *testing.T) {
	root, _ := staticTree(t, map[string]string{"dir ü/index.gmi": "found\n"})
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	req, err := client.NewRequest(ts.URL + "/dir%20%C3%BC")
	if err != nil {
		t.Fatal(err)
	}
	resp, via, err := ts.Client().Follow(context.Background(), req, client.FollowPolicy{})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.Status != client.StatusSuccess || string(body) != "found\n" || len(via) != 2 {
		t.Errorf("got %d %q %q via %v, want 20 with the index after one redirect", resp.Status, resp.Meta, body, via)
	}
}

func TestFileServerIndexFile(t *testing.T) {
	files := map[string]string{
		"index.gmi":      "default index\n",
		"home.gmi":       "custom index\n",
		"index.txt":      "text index\n",
		"d/index.gmi":    "d default\n",
		"d/home.gmi":     "d custom\n",
		"e/index.gmi/":   "", // a directory named like the index file
		"e/page.gmi":     "",
		"f/sub/home.gmi": "nested index\n",
	}
	root, _ := staticTree(t, files)
	tests := []struct {
		index, path, header, body string
	}{
		{"", "/", "20 text/gemini", "default index\n"},
		{"", "/d/", "20 text/gemini", "d default\n"},
		{"home.gmi", "/", "20 text/gemini", "custom index\n"},
		{"home.gmi", "/d/", "20 text/gemini", "d custom\n"},
		{"index.txt", "/", "20 text/plain", "text index\n"},
		{"sub/home.gmi", "/f/", "20 text/gemini", "nested index\n"},
		// Without its index file a directory is listed.
		{"index.txt", "/d/", "20 text/gemini", "Directory: /d/\r\n=>/\t..\r\n=>/d/home.gmi\thome.gmi (9 B)\r\n=>/d/index.gmi\tindex.gmi (10 B)\r\n"},
		{"", "/e/", "20 text/gemini", "Directory: /e/\r\n=>/\t..\r\n=>/e/index.gmi/\tindex.gmi/\r\n=>/e/page.gmi\tpage.gmi (0 B)\r\n"},
	}
	for _, tt := range tests {
		ts := testserver.NewServer(t, &testserver.FileServer{Root: root, IndexFile: tt.index})
		header, body := staticRaw(t, ts, ts.URL+tt.path)
		if header != tt.header || body != tt.body {
			t.Errorf("IndexFile %q, %s: got %q %q, want %q %q", tt.index, tt.path, header, body, tt.header, tt.body)
		}
	}
}

func TestFileServerDefaultLang(t *testing.T) {
	root, _ := staticTree(t, map[string]string{
		"page.gmi":        "",
		"page.gemini":     "",
		"notes.txt":       "",
		"README.md":       "",
		"docs/index.gmi":  "",
		"list/x.txt":      "",
		"plain/index.txt": "",
	})
	tests := []struct{ path, header string }{
		{"/page.gmi", "20 text/gemini; lang=de"},
		{"/page.gemini", "20 text/gemini; lang=de"},
		{"/docs/", "20 text/gemini; lang=de"},
		{"/list/", "20 text/gemini; lang=de"},
		{"/", "20 text/gemini; lang=de"},
		{"/notes.txt", "20 text/plain"},
		{"/README.md", "20 text/markdown"},
		{"/missing.gmi", "51 Not found"},
	}
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root, DefaultLang: "de"})
	for _, tt := range tests {
		if header, _ := staticRaw(t, ts, ts.URL+tt.path); header != tt.header {
			t.Errorf("%s: got %q, want %q", tt.path, header, tt.header)
		}
	}
	plain := testserver.NewServer(t, &testserver.FileServer{Root: root, IndexFile: "index.txt", DefaultLang: "de"})
	if header, _ := staticRaw(t, plain, plain.URL+"/plain/"); header != "20 text/plain" {
		t.Errorf("a text/plain index file: got %q, want %q", header, "20 text/plain")
	}
}

func TestFileServerBigFile(t *testing.T) {
	data := make([]byte, 3<<20+12345)
	rand.Read(data)
	root, _ := staticTree(t, nil)
	if err := os.WriteFile(filepath.Join(root, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	resp, err := ts.Client().Get(context.Background(), ts.URL+"/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != client.StatusSuccess || resp.Meta != "application/octet-stream" {
		t.Errorf("got %d %q, want 20 application/octet-stream", resp.Status, resp.Meta)
	}
	if !bytes.Equal(got, data) || resp.Truncated() {
		t.Errorf("got %d bytes (truncated: %v), want the %d bytes of the file", len(got), resp.Truncated(), len(data))
	}
}

// TestFileServerLongURL requests a file by a URL of exactly 1024 bytes,
// the longest a request may be.
func TestFileServerLongURL(t *testing.T) {
	root, _ := staticTree(t, nil)
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	prefix := ts.URL + "/"
	left := 1024 - len(prefix)
	var segs []string
	for left > 0 {
		n := min(left, 200)
		if left-n == 1 { // a lone "/" left over would need an empty name
			n--
		}
		segs = append(segs, strings.Repeat(string(rune('a'+len(segs))), n-1))
		left -= n
	}
	segs[len(segs)-1] += "z" // the last segment has no "/" after it
	dir := filepath.Join(append([]string{root}, segs[:len(segs)-1]...)...)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Skipf("cannot make the long path: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, segs[len(segs)-1]), []byte("long"), 0o644); err != nil {
		t.Skipf("cannot make the long file name: %v", err)
	}
	u := prefix + strings.Join(segs, "/")
	if len(u) != 1024 {
		t.Fatalf("the URL is %d bytes, want 1024", len(u))
	}
	if header, body := staticRaw(t, ts, u); header != "20 application/octet-stream" || body != "long" {
		t.Errorf("got %q %q, want the file", header, body)
	}
}

// TestFileServerUnreadable checks that a file or index the server may
// not read is 51, and that an unreadable index does not fall back to a
// listing.
func TestFileServerUnreadable(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("file modes do not stop this user from reading")
	}
	root, _ := staticTree(t, map[string]string{"locked.gmi": "locked", "d/index.gmi": "locked", "d/other.gmi": ""})
	for _, name := range []string{"locked.gmi", "d/index.gmi"} {
		if err := os.Chmod(filepath.Join(root, name), 0); err != nil {
			t.Fatal(err)
		}
	}
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	for _, p := range []string{"/locked.gmi", "/d/"} {
		if header, body := staticRaw(t, ts, ts.URL+p); header != "51 Not found" || body != "" {
			t.Errorf("%s: got %q %q, want 51 Not found", p, header, body)
		}
	}
}

func TestFileServerMissingRoot(t *testing.T) {
	ts := testserver.NewServer(t, &testserver.FileServer{Root: filepath.Join(t.TempDir(), "gone")})
	for _, p := range []string{"", "/", "/x.gmi"} {
		if header, _ := staticRaw(t, ts, ts.URL+p); header != "51 Not found" {
			t.Errorf("%q: got %q, want 51 Not found", p, header)
		}
	}
}
