package render

import (
	"fmt"
	"strings"
	"testing"
)

// views returns views of the fixture at a few sizes.
func views(t *testing.T) []*View {
	var vs []*View
	for _, w := range []int{20, 40, 80, 120} {
		for _, h := range []int{1, 5, 24} {
			vs = append(vs, &View{Doc: fixture(t), Width: w, Height: h, Styles: PlainStyles()})
		}
	}
	return vs
}

func TestScrollDownOneRow(t *testing.T) {
	for _, v := range views(t) {
		t.Run(fmt.Sprintf("%dx%d", v.Width, v.Height), func(t *testing.T) {
			total := totalRows(v)
			prev := strings.Split(v.Render(), "\n")
			steps := 0
			for !v.AtEnd() {
				top := v.Top
				v.ScrollDown(1)
				steps++
				if v.Top == top {
					t.Fatalf("ScrollDown(1) at %v did not move", top)
				}
				cur := strings.Split(v.Render(), "\n")
				if strings.Join(cur[:len(cur)-1], "\n") != strings.Join(prev[1:], "\n") {
					t.Fatalf("ScrollDown(1) from %v to %v did not move exactly one row:\n%s\n----\n%s",
						top, v.Top, strings.Join(prev, "\n"), strings.Join(cur, "\n"))
				}
				prev = cur
			}
			if want := max(0, total-v.Height); steps != want {
				t.Fatalf("%d steps to the end, want %d", steps, want)
			}
			// ScrollUp(1) walks back the same way.
			for v.Top != (Pos{}) {
				top := v.Top
				v.ScrollUp(1)
				steps--
				cur := strings.Split(v.Render(), "\n")
				if strings.Join(cur[1:], "\n") != strings.Join(prev[:len(prev)-1], "\n") {
					t.Fatalf("ScrollUp(1) from %v did not move exactly one row", top)
				}
				prev = cur
			}
			if steps != 0 {
				t.Fatalf("%d steps off after scrolling back up", steps)
			}
		})
	}
}

func TestPageRoundTrip(t *testing.T) {
	for _, v := range views(t) {
		v.Height = max(v.Height, 3)
		v.ScrollDown(2)
		start := v.Top
		v.PageDown()
		if v.AtEnd() {
			continue // clamped: the round trip cannot hold
		}
		if v.Top == start {
			t.Fatalf("%dx%d: PageDown did not move", v.Width, v.Height)
		}
		v.PageUp()
		if v.Top != start {
			t.Fatalf("%dx%d: PageDown, PageUp went from %v to %v", v.Width, v.Height, start, v.Top)
		}
	}
}

func TestEndHome(t *testing.T) {
	for _, v := range views(t) {
		if v.AtEnd() && totalRows(v) > v.Height {
			t.Fatalf("%dx%d: AtEnd at the top", v.Width, v.Height)
		}
		if v.Percent() != 0 {
			t.Fatalf("Percent at the top = %d", v.Percent())
		}
		v.End()
		if !v.AtEnd() || v.Percent() != 100 {
			t.Fatalf("%dx%d: after End: AtEnd %v, Percent %d", v.Width, v.Height, v.AtEnd(), v.Percent())
		}
		rows := strings.Split(v.Render(), "\n")
		if last := rows[len(rows)-1]; last != " The end." {
			t.Fatalf("%dx%d: last row after End is %q", v.Width, v.Height, last)
		}
		end := v.Top
		v.ScrollDown(5)
		if v.Top != end {
			t.Fatalf("ScrollDown past the end moved from %v to %v", end, v.Top)
		}
		v.Home()
		if v.Top != (Pos{}) {
			t.Fatalf("Home: Top = %v", v.Top)
		}
		v.ScrollUp(3)
		if v.Top != (Pos{}) {
			t.Fatalf("ScrollUp at the top: Top = %v", v.Top)
		}
	}
}

func TestShortDocument(t *testing.T) {
	v := View{Doc: parse(t, "one\ntwo\n"), Width: 20, Height: 5, Styles: PlainStyles()}
	if !v.AtEnd() {
		t.Fatal("a document shorter than the screen is not AtEnd")
	}
	v.ScrollDown(1)
	v.End()
	if v.Top != (Pos{}) {
		t.Fatalf("Top = %v", v.Top)
	}
	if got, want := v.Render(), " one\n two\n\n\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// An empty document and a zero-sized view.
	e := View{Doc: NewDocument(), Width: 10, Height: 3}
	e.ScrollDown(1)
	e.End()
	e.SelectNext()
	if got := e.Render(); got != "\n\n" || !e.AtEnd() || e.Percent() != 100 {
		t.Fatalf("empty document: %q", got)
	}
	z := View{Doc: parse(t, "x\n"), Width: 0, Height: 0}
	if got := z.Render(); got != "" {
		t.Fatalf("zero view: %q", got)
	}
}

func TestResizeKeepsAnchor(t *testing.T) {
	v := View{Doc: fixture(t), Width: 40, Height: 5, Styles: PlainStyles()}
	// Top on the 4th row of the long paragraph (line 2).
	v.Top = Pos{Line: 2, Row: 3}
	before := strings.Split(v.Render(), "\n")[0]
	v.Resize(80, 5)
	if v.Top.Line != 2 {
		t.Fatalf("Resize moved Top to line %d", v.Top.Line)
	}
	after := strings.Split(v.Render(), "\n")[0]
	// The old top row's first word is on the new top row.
	word := strings.Fields(before)[0]
	if !strings.Contains(after, word) {
		t.Fatalf("Resize lost the anchor: before %q, after %q", before, after)
	}
	v.Resize(40, 5)
	if v.Top != (Pos{Line: 2, Row: 3}) {
		t.Fatalf("Resize back: Top = %v", v.Top)
	}
	// A heading anchor stays on its line at every width.
	for _, w := range []int{20, 33, 57, 120, 200} {
		v.Top = Pos{Line: 4}
		v.Resize(w, 10)
		if v.Top != (Pos{Line: 4}) {
			t.Fatalf("width %d: Top = %v", w, v.Top)
		}
	}
}

func TestShowLine(t *testing.T) {
	d := parse(t, strings.Repeat("line\n", 200))
	v := View{Doc: d, Width: 40, Height: 10, Styles: PlainStyles()}
	v.ShowLine(5)
	if v.Top != (Pos{}) {
		t.Fatalf("a line on screen moved the view: %v", v.Top)
	}
	v.ShowLine(12) // near below: minimal scroll, line 12 on the last row
	if v.Top != (Pos{Line: 3}) {
		t.Fatalf("near below: Top = %v", v.Top)
	}
	v.ShowLine(100) // far: on the top row
	if v.Top != (Pos{Line: 100}) {
		t.Fatalf("far below: Top = %v", v.Top)
	}
	v.ShowLine(50) // above: on the top row
	if v.Top != (Pos{Line: 50}) {
		t.Fatalf("above: Top = %v", v.Top)
	}
	v.ShowLine(199) // at the end: as far as the end allows
	if v.Top != (Pos{Line: 190}) || !v.AtEnd() {
		t.Fatalf("last line: Top = %v", v.Top)
	}
}

// TestStreaming renders while the document grows.
func TestStreaming(t *testing.T) {
	d := NewDocument()
	v := View{Doc: d, Width: 30, Height: 4, Styles: PlainStyles()}
	if got := v.Render(); got != "\n\n\n" {
		t.Fatalf("empty: %q", got)
	}
	full := fixture(t)
	for i := range full.Len() {
		d.Append(full.Line(i))
		checkRows(t, v.Render(), 30, 4)
		if i%3 == 0 {
			v.End()
		}
	}
	v.End()
	rows := strings.Split(v.Render(), "\n")
	if rows[3] != " The end." {
		t.Fatalf("last row %q", rows[3])
	}
}
