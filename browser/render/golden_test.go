package render

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden (or writes it with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s: row %d differs:\n got %q\nwant %q", path, i, g, w)
			}
		}
		t.Fatalf("%s differs", path)
	}
}

// checkRows checks that out has exactly h rows, each at most w cells.
func checkRows(t testing.TB, out string, w, h int) {
	t.Helper()
	rows := strings.Split(out, "\n")
	if h == 0 {
		if out != "" {
			t.Fatalf("height 0: got %q", out)
		}
		return
	}
	if len(rows) != h {
		t.Fatalf("got %d rows, want %d", len(rows), h)
	}
	for i, r := range rows {
		if sw := ansi.StringWidth(r); sw > w {
			t.Fatalf("row %d is %d cells wide, more than %d: %q", i, sw, w, r)
		}
	}
}

func TestGolden(t *testing.T) {
	for _, w := range []int{40, 80, 120} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			v := View{Doc: fixture(t), Width: w, Styles: PlainStyles()}
			out := renderAll(&v)
			checkRows(t, out, w, v.Height)
			if ansi.Strip(out) != out {
				t.Fatal("PlainStyles output holds escape sequences")
			}
			golden(t, fmt.Sprintf("fixture-%d", w), out)
		})
	}
}

// TestGoldenMarks covers the marks: a selected link, a visited one, search
// matches with a current one, and a preformatted block scrolled sideways.
func TestGoldenMarks(t *testing.T) {
	d := fixture(t)
	v := View{
		Doc: d, Width: 60, Styles: PlainStyles(), XOffset: 25,
		Visited:  func(u string) bool { return u == "gemini://example.org/" || u == "mailto:someone@example.org" },
		Selected: 3,
		Query:    "SEARCH", Matches: d.Search("SEARCH"), CurrentMatch: 1,
	}
	out := renderAll(&v)
	checkRows(t, out, 60, v.Height)
	if ansi.Strip(out) != out {
		t.Fatal("PlainStyles output holds escape sequences")
	}
	golden(t, "marks-60", out)
}
