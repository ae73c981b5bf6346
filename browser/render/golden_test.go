package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"propus/browser/internal/golden"
)

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
			golden.Check(t, fmt.Sprintf("fixture-%d", w), out)
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
	golden.Check(t, "marks-60", out)
}
