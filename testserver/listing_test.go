package testserver_test

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"propus/client"
	"propus/testserver"
)

func TestListingFormat(t *testing.T) {
	root, _ := staticTree(t, map[string]string{
		"b.gmi":                   "",
		"B.txt":                   "",
		"a b.gmi":                 "",
		"ünïcode.gmi":             "",
		"Zeta/":                   "",
		"docs/guide.gmi":          "",
		"docs/sub/deep.txt":       "",
		"docs/sub/more/":          "",
		"docs/sub/.hidden":        "",
		"100%.txt":                "",
		"q?mark#hash.gmi":         "",
		".secret":                 "",
		".git/HEAD":               "",
		"empty/":                  "",
		"docs/sub/with space/":    "",
		"docs/sub/with space/x.y": "",
	})
	staticSymlink(t, root, "link.gmi", "b.gmi")
	staticSymlink(t, root, "linkdir", "docs")
	staticSymlink(t, root, "escape.txt", filepath.Join("..", "outside", "secret.txt"))
	staticSymlink(t, root, "escapedir", filepath.Join("..", "outside"))
	staticSymlink(t, root, "absolute.gmi", filepath.Join(root, "b.gmi"))
	staticSymlink(t, root, "dangling", "nowhere")
	staticSymlink(t, root, "docs/sub/up", filepath.Join("..", "..", "..", "outside"))
	staticSymlink(t, root, "docs/sub/parent", "..")

	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	tests := []struct{ path, body string }{
		{"/", "Directory: /\r\n" +
			"=>/Zeta/\tZeta/\r\n" +
			"=>/docs/\tdocs/\r\n" +
			"=>/empty/\tempty/\r\n" +
			"=>/linkdir/\tlinkdir/\r\n" +
			"=>/100%25.txt\t100%.txt (0 B)\r\n" +
			"=>/B.txt\tB.txt (0 B)\r\n" +
			"=>/a%20b.gmi\ta b.gmi (0 B)\r\n" +
			"=>/b.gmi\tb.gmi (0 B)\r\n" +
			"=>/link.gmi\tlink.gmi (0 B)\r\n" +
			"=>/q%3Fmark%23hash.gmi\tq?mark#hash.gmi (0 B)\r\n" +
			"=>/%C3%BCn%C3%AFcode.gmi\tünïcode.gmi (0 B)\r\n"},
		{"/docs/", "Directory: /docs/\r\n" +
			"=>/\t..\r\n" +
			"=>/docs/sub/\tsub/\r\n" +
			"=>/docs/guide.gmi\tguide.gmi (0 B)\r\n"},
		{"/docs/sub/", "Directory: /docs/sub/\r\n" +
			"=>/docs/\t..\r\n" +
			"=>/docs/sub/more/\tmore/\r\n" +
			"=>/docs/sub/parent/\tparent/\r\n" +
			"=>/docs/sub/with%20space/\twith space/\r\n" +
			"=>/docs/sub/deep.txt\tdeep.txt (0 B)\r\n"},
		{"/docs/sub/with%20space/", "Directory: /docs/sub/with space/\r\n" +
			"=>/docs/sub/\t..\r\n" +
			"=>/docs/sub/with%20space/x.y\tx.y (0 B)\r\n"},
		{"/empty/", "Directory: /empty/\r\n=>/\t..\r\n"},
		{"/linkdir/", "Directory: /linkdir/\r\n" +
			"=>/\t..\r\n" +
			"=>/linkdir/sub/\tsub/\r\n" +
			"=>/linkdir/guide.gmi\tguide.gmi (0 B)\r\n"},
	}
	for _, tt := range tests {
		header, body := staticRaw(t, ts, ts.URL+tt.path)
		if header != "20 text/gemini" || body != tt.body {
			t.Errorf("%s: got %q\n%s\nwant %q\n%s", tt.path, header, body, "20 text/gemini", tt.body)
		}
	}
}

// TestListingTitlesSizesHeader checks that a listing shows a gemtext
// file's first heading, other files' sizes, and .header.gmi above it.
func TestListingTitlesSizesHeader(t *testing.T) {
	root, _ := staticTree(t, map[string]string{
		".header.gmi": "# My files\nWelcome.",
		"a.gmi":       "intro\n```\n# not a heading\n```\n## Second \x1b[31mlevel \n# First\n",
		"b.gmi":       "no heading\n",
		"c.txt":       strings.Repeat("x", 1536),
		"d.bin":       strings.Repeat("x", 3<<20),
		"z/":          "",
	})
	checkRootListing(t, testserver.NewServer(t, &testserver.FileServer{Root: root}), "# My files\nWelcome.\r\n"+
		"Directory: /\r\n"+
		"=>/z/\tz/\r\n"+
		"=>/a.gmi\tSecond \ufffd[31mlevel\r\n"+
		"=>/b.gmi\tb.gmi (11 B)\r\n"+
		"=>/c.txt\tc.txt (1.5 KiB)\r\n"+
		"=>/d.bin\td.bin (3.0 MiB)\r\n")
}

// checkRootListing checks that ts answers "/" with "20 text/gemini" and
// the body want.
func checkRootListing(t *testing.T, ts *testserver.TestServer, want string) {
	t.Helper()
	if header, body := staticRaw(t, ts, ts.URL+"/"); header != "20 text/gemini" || body != want {
		t.Errorf("got %q\n%q\nwant %q", header, body, want)
	}
}

// TestListingLinksWork follows every link of every listing with the
// client: each must reach a file or a listing, never a redirect or 51.
func TestListingLinksWork(t *testing.T) {
	root, _ := staticTree(t, map[string]string{
		"a b/c d.gmi":       "x",
		"a b/ü/ß.txt":       "x",
		"x;y,z/%41.gmi":     "x",
		"plus+and&eq=.gmi":  "x",
		"colon:at@.gmi":     "x",
		"apos'paren().gmi":  "x",
		"tilde~dash-_.gmi":  "x",
		"back\\slash.gmi":   "x",
		"brack[et]{s}.gmi":  "x",
		"dollar$star*!.gmi": "x",
	})
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	c := ts.Client()
	seen := 0
	queue := []string{ts.URL + "/"}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		resp, err := c.Get(context.Background(), u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Status != client.StatusSuccess {
			t.Errorf("%s: got %d %q, want 20", u, resp.Status, resp.Meta)
			continue
		}
		seen++
		if !strings.HasSuffix(u, "/") {
			if string(body) != "x" {
				t.Errorf("%s: got %q, want the file", u, body)
			}
			continue
		}
		for line := range strings.SplitSeq(string(body), "\r\n") {
			link, label, ok := strings.Cut(strings.TrimPrefix(line, "=>"), "\t")
			if !ok || label == ".." {
				continue
			}
			base, err := url.Parse(u)
			if err != nil {
				t.Fatal(err)
			}
			next, err := client.Resolve(base, link)
			if err != nil {
				t.Fatalf("%s: link %q: %v", u, link, err)
			}
			queue = append(queue, next.String())
		}
	}
	if seen != 14 {
		t.Errorf("reached %d pages, want 14", seen)
	}
}

// TestListingStrangeNames checks that names which could break a
// gemtext line are shown safely and still linked correctly.
func TestListingStrangeNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows file names cannot hold these characters")
	}
	root, _ := staticTree(t, nil)
	names := []string{"line\nbreak.gmi", "tab\there.gmi", "bad\xffutf8.gmi", "cr\r.gmi"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(root, n), []byte(n), 0o644); err != nil {
			t.Skipf("cannot make a file named %q: %v", n, err)
		}
	}
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	checkRootListing(t, ts, "Directory: /\r\n"+
		"=>/bad%FFutf8.gmi\tbad\uFFFDutf8.gmi (12 B)\r\n"+
		"=>/cr%0D.gmi\tcr\uFFFD.gmi (7 B)\r\n"+
		"=>/line%0Abreak.gmi\tline\uFFFDbreak.gmi (14 B)\r\n"+
		"=>/tab%09here.gmi\ttab\uFFFDhere.gmi (12 B)\r\n")
	for _, n := range names {
		link := strings.NewReplacer("\n", "%0A", "\t", "%09", "\xff", "%FF", "\r", "%0D").Replace(n)
		if header, body := staticRaw(t, ts, ts.URL+"/"+link); header != "20 text/gemini" || body != n {
			t.Errorf("/%s: got %q %q, want the file", link, header, body)
		}
	}
}
