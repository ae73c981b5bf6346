package testserver_test

import (
	"testing"

	"propus/testserver"
)

// TestFileServerMeta checks the replies a .meta file (Agate's format)
// changes.
func TestFileServerMeta(t *testing.T) {
	root, _ := staticTree(t, map[string]string{
		"docs/.meta": "# a comment\n" +
			"*.gmi: ;lang=fr\n" +
			"plain.gmi: text/plain; charset=utf-8\n" +
			"gone.gmi: 51 Gone for good\n" +
			"old: 31 /docs/new/\n" +
			"latin.txt:;charset=iso-8859-1\n" +
			"reset.gmi: ;lang=de\n" +
			"reset.gmi:\n" +
			"bad.gmi: 200 not a header\n" +
			"no colon on this line\n",
		"docs/page.gmi":   "# Page\n",
		"docs/plain.gmi":  "plain\n",
		"docs/gone.gmi":   "still here\n",
		"docs/latin.txt":  "latin\n",
		"docs/reset.gmi":  "reset\n",
		"docs/bad.gmi":    "bad\n",
		"docs/new/x.txt":  "x",
		"docs/index.gmi":  "# Docs\n",
		"other/page.gmi":  "# Other\n",
		"other/.meta":     "index.gmi: 52 Gone\n",
		"other/index.gmi": "# Other index\n",
		"docs/sub/.meta":  "",
		"docs/sub/x.gmi":  "x",
	})
	ts := testserver.NewServer(t, &testserver.FileServer{Root: root})
	for _, tt := range []struct{ path, header, body string }{
		{"/docs/page.gmi", "20 text/gemini; lang=fr", "# Page\n"},
		{"/docs/", "20 text/gemini; lang=fr", "# Docs\n"},
		{"/docs/plain.gmi", "20 text/plain; charset=utf-8", "plain\n"},
		{"/docs/gone.gmi", "51 Gone for good", ""},
		{"/docs/old", "31 /docs/new/", ""},
		{"/docs/old/", "31 /docs/new/", ""},
		{"/docs/latin.txt", "20 text/plain; charset=iso-8859-1", "latin\n"},
		{"/docs/reset.gmi", "20 text/gemini", "reset\n"},
		{"/docs/bad.gmi", "20 text/gemini; lang=fr", "bad\n"},
		{"/docs/.meta", "51 Not found", ""},
		{"/docs/sub/x.gmi", "20 text/gemini", "x"}, // no inheritance
		{"/other/page.gmi", "20 text/gemini", "# Other\n"},
		{"/other/", "52 Gone", ""},
	} {
		header, body := staticRaw(t, ts, ts.URL+tt.path)
		if header != tt.header || body != tt.body {
			t.Errorf("%s: got %q %q, want %q %q", tt.path, header, body, tt.header, tt.body)
		}
	}
}
