package render

import (
	"fmt"
	"strings"
	"testing"
)

// withProgressive runs f with every line longer than n bytes wrapped
// progressively.
func withProgressive(t *testing.T, n int, f func(t *testing.T)) {
	old := progressiveMin
	progressiveMin = n
	defer func() { progressiveMin = old }()
	f(t)
}

// TestProgressive reruns the layout tests with lines wrapped in steps.
func TestProgressive(t *testing.T) {
	for _, n := range []int{0, 50} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			withProgressive(t, n, func(t *testing.T) {
				t.Run("Golden", TestGolden)
				t.Run("GoldenMarks", TestGoldenMarks)
				t.Run("ScrollDownOneRow", TestScrollDownOneRow)
				t.Run("PageRoundTrip", TestPageRoundTrip)
				t.Run("EndHome", TestEndHome)
				t.Run("ResizeKeepsAnchor", TestResizeKeepsAnchor)
				t.Run("SelectNextPrev", TestSelectNextPrev)
				t.Run("LinkAt", TestLinkAt)
				t.Run("Streaming", TestStreaming)
				t.Run("RandomWidths", TestRandomWidths)
			})
		})
	}
}

// TestLongLineLazy: a huge line is wrapped only as far as shown.
func TestLongLineLazy(t *testing.T) {
	text := strings.Repeat("lorem ipsum dolor sit amet ", 40000) // about 1 MiB
	d := parse(t, "# head\n"+text+"\n")
	v := View{Doc: d, Width: 80, Height: 20, Styles: PlainStyles()}
	v.Render()
	p := d.layouts[0].partial[1]
	if p == nil || len(p.breaks) > 1000 {
		t.Fatalf("the long line was wrapped too far for one screen")
	}
	v.ScrollDown(100)
	if v.Top != (Pos{Line: 1, Row: 99}) {
		t.Fatalf("Top = %v", v.Top)
	}
	if v.AtEnd() {
		t.Fatal("AtEnd in the middle of the long line")
	}
	v.Render()
	v.End()
	rows := strings.Split(v.Render(), "\n")
	if !v.AtEnd() || !strings.HasSuffix(rows[19], "amet") {
		t.Fatalf("End: %v, last row %q", v.Top, rows[19])
	}
	v.ScrollUp(5)
	v.Resize(100, 20)
	if v.Top.Line != 1 {
		t.Fatalf("Resize: Top = %v", v.Top)
	}
}
