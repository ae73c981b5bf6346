package render

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestHighlight(t *testing.T) {
	d := parse(t, "Foo bar foo\nbaz FOO\nnone\n=> gemini://x/foo\n")
	st := DefaultStyles(true)
	v := View{Doc: d, Width: 40, Height: 4, Styles: st, Query: "fOo", CurrentMatch: 1}
	v.Matches = d.Search(v.Query)
	if !equal(v.Matches, []int{0, 1, 3}) {
		t.Fatalf("Matches %v", v.Matches)
	}
	rows := strings.Split(v.Render(), "\n")
	match, cur := sgr(&st.Match), sgr(&st.CurrentMatch)
	if match == "" || cur == "" || match == cur {
		t.Fatal("Match and CurrentMatch styles must differ")
	}
	wrapS := func(pre, s string) string { return pre + s + ansi.ResetStyle }
	if !strings.Contains(rows[0], wrapS(match, "Foo")) || !strings.Contains(rows[0], wrapS(match, "foo")) {
		t.Errorf("row 0 %q", rows[0])
	}
	if !strings.Contains(rows[1], wrapS(cur, "FOO")) {
		t.Errorf("row 1 %q", rows[1])
	}
	if strings.Contains(rows[2], match) {
		t.Errorf("row 2 %q", rows[2])
	}
	if !strings.Contains(rows[3], wrapS(match, "foo")) {
		t.Errorf("row 3 (a link shown by its URL) %q", rows[3])
	}
	if !strings.HasPrefix(rows[0], markMatch) || !strings.HasPrefix(rows[1], markCurrentMatch) {
		t.Errorf("margins %q %q", rows[0], rows[1])
	}
	// Plain: no SGR; margins, and the matches underlined with combining
	// low lines (double on the current match's line).
	v.Styles = PlainStyles()
	want := "›F\u0332o\u0332o\u0332 bar f\u0332o\u0332o\u0332\n" +
		"»baz F\u0333O\u0333O\u0333\n" +
		" none\n" +
		"›[1] gemini://x/f\u0332o\u0332o\u0332"
	if got := v.Render(); got != want {
		t.Errorf("plain %q, want %q", got, want)
	}
}

// TestHighlightPlainLayout: under PlainStyles the marks of a match take no
// cells; wide and combined characters take their marks after the whole
// cluster, and a match cut at the right edge is cut like the text.
func TestHighlightPlainLayout(t *testing.T) {
	d := parse(t, "日本語の本 e\u0301te\u0301 été\n```\npreformatted été été été\n```\n")
	for _, w := range []int{4, 7, 12, 30} {
		v := View{Doc: d, Width: w, Height: 10, Styles: PlainStyles(), CurrentMatch: -1}
		bare := strings.Split(v.Render(), "\n")
		for _, q := range []string{"本", "été", "e\u0301te\u0301"} {
			v.Query = q
			v.Matches = d.Search(q)
			rows := strings.Split(v.Render(), "\n")
			if !strings.Contains(strings.Join(rows, ""), "\u0332") {
				t.Errorf("width %d, %q: no mark in %q", w, q, rows)
			}
			for i, row := range rows {
				if ansi.Strip(row) != row {
					t.Fatalf("escape in %q", row)
				}
				if got, want := ansi.StringWidth(row), ansi.StringWidth(bare[i]); got != want {
					t.Errorf("width %d, %q: row %d %q is %d cells, %d without the query", w, q, i, row, got, want)
				}
				if strings.Contains(row, "\u0332\u0301") {
					t.Errorf("width %d, %q: a mark inside a cluster in %q", w, q, row)
				}
			}
		}
	}
}

// TestHighlightLongLine: in a line searched only around the rows drawn,
// the occurrences on screen are still highlighted.
func TestHighlightLongLine(t *testing.T) {
	withProgressive(t, 100, func(t *testing.T) {
		text := strings.Repeat("hay needle ", 2000)
		d := parse(t, text+"\n")
		st := DefaultStyles(false)
		v := View{Doc: d, Width: 21, Height: 3, Styles: st, Query: "needle", Matches: []int{0}, CurrentMatch: -1}
		v.Top = Pos{Row: 500}
		out := v.Render()
		if n := strings.Count(out, sgr(&st.Match)); n < 4 {
			t.Fatalf("%d occurrences highlighted in %q", n, out)
		}
	})
}
