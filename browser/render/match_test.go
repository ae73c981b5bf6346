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
	// Plain: no SGR, margins only.
	v.Styles = PlainStyles()
	if got := v.Render(); got != "›Foo bar foo\n»baz FOO\n none\n›[1] gemini://x/foo" {
		t.Errorf("plain %q", got)
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
