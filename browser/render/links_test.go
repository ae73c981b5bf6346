package render

import (
	"fmt"
	"strings"
	"testing"
)

func TestLinkNumbering(t *testing.T) {
	d := fixture(t)
	if d.Links() != 6 {
		t.Fatalf("Links() = %d", d.Links())
	}
	line, l := d.Link(3)
	if l.URL != "https://example.com/a/very/long/path" || d.Line(line).URL != l.URL {
		t.Fatalf("Link(3) = %d, %+v", line, l)
	}
	prev := -1
	for n := 1; n <= d.Links(); n++ {
		line, _ := d.Link(n)
		if line <= prev {
			t.Fatalf("link %d on line %d, before link %d on line %d", n, line, n-1, prev)
		}
		prev = line
	}
}

// linkDoc is a document of 30 links, each after 7 lines of text, the
// labels long enough to wrap at width 30.
func linkDoc(t *testing.T) *Document {
	var b strings.Builder
	for i := 1; i <= 30; i++ {
		b.WriteString(strings.Repeat("text\n", 7))
		fmt.Fprintf(&b, "=> gemini://example.org/%d link number %d with a label that wraps onto more rows\n", i, i)
	}
	return parse(t, b.String())
}

// visible reports whether every row of link n is on screen.
func visible(v *View, n int) bool {
	line, _ := v.Doc.Link(n)
	rows := 0
	for _, r := range v.screen {
		if int(r.line) == line {
			rows++
		}
	}
	return rows == v.nrows(line)
}

func TestSelectNextPrev(t *testing.T) {
	v := View{Doc: linkDoc(t), Width: 30, Height: 10, Styles: PlainStyles()}
	v.Top = Pos{Line: 20}
	v.Render()
	v.SelectNext() // the first link on screen: link 3 on line 23
	if v.Selected != 3 {
		t.Fatalf("Tab from nothing selected %d, want 3", v.Selected)
	}
	for want := 4; want != 3; want = want%30 + 1 {
		v.SelectNext()
		v.Render()
		if v.Selected != want {
			t.Fatalf("SelectNext: %d, want %d", v.Selected, want)
		}
		if !visible(&v, want) {
			t.Fatalf("link %d not on screen after SelectNext (Top %v)", want, v.Top)
		}
		if !strings.Contains(v.Render(), fmt.Sprintf("▶[%d] link number %d", want, want)) {
			t.Fatalf("link %d not drawn selected", want)
		}
	}
	v.SelectNext()
	if v.Selected != 3 {
		t.Fatalf("after a round: %d", v.Selected)
	}
	for want := 2; want != 3; want = (want+28)%30 + 1 {
		v.SelectPrev()
		v.Render()
		if v.Selected != want {
			t.Fatalf("SelectPrev: %d, want %d", v.Selected, want)
		}
		if !visible(&v, want) {
			t.Fatalf("link %d not on screen after SelectPrev (Top %v)", want, v.Top)
		}
	}
	// Shift-Tab from nothing: the last link on screen.
	v.Selected = 0
	v.Top = Pos{Line: 20}
	v.SelectPrev()
	if v.Selected != 3 {
		t.Fatalf("Shift-Tab from nothing selected %d, want 3", v.Selected)
	}
	// Tab with the selection scrolled off screen: the first link on screen.
	v.Selected = 1
	v.Top = Pos{Line: 100}
	v.SelectNext()
	if v.Selected != 13 {
		t.Fatalf("Tab with the selection off screen selected %d, want 13", v.Selected)
	}
}

func TestLinkAt(t *testing.T) {
	v := View{Doc: linkDoc(t), Width: 30, Height: 12, Styles: PlainStyles()}
	v.Top = Pos{Line: 5}
	rows := strings.Split(v.Render(), "\n")
	line, _ := v.Doc.Link(1)
	if v.nrows(line) < 3 {
		t.Fatalf("link 1 takes %d rows, want ≥ 3", v.nrows(line))
	}
	found := 0
	for y, r := range rows {
		n, ok := v.LinkAt(2, y)
		isLink := v.screen[y].line == int32(line)
		if isLink {
			found++
			if !ok || n != 1 {
				t.Fatalf("LinkAt(2, %d) on %q = %d, %v", y, r, n, ok)
			}
			if n, ok := v.LinkAt(0, y); !ok || n != 1 {
				t.Fatal("LinkAt on the margin")
			}
			if _, ok := v.LinkAt(len(r)+5, y); ok {
				t.Fatal("LinkAt past the end of the row")
			}
		} else if ok && n == 1 {
			t.Fatalf("LinkAt(2, %d) on %q = 1", y, r)
		}
	}
	if found != v.nrows(line) {
		t.Fatalf("found %d rows of link 1", found)
	}
	if _, ok := v.LinkAt(0, 0); ok {
		t.Fatal("LinkAt on text")
	}
	if _, ok := v.LinkAt(0, 99); ok {
		t.Fatal("LinkAt below the screen")
	}
}

func TestVisitedChangesLayout(t *testing.T) {
	d := parse(t, "=> gemini://a/ abcdefgh\n")
	visited := false
	v := View{Doc: d, Width: 14, Height: 2, Styles: PlainStyles(),
		Visited: func(string) bool { return visited }}
	if got := v.Render(); got != " [1] abcdefgh\n" {
		t.Fatalf("%q", got)
	}
	visited = true
	if got := v.Render(); got != " [1] abcdefgh\n     ✓" {
		t.Fatalf("%q", got)
	}
}

func TestExternal(t *testing.T) {
	for url, want := range map[string]bool{
		"gemini://x/": false, "GEMINI://x/": false, "/rel": false, "rel:x": true, "//host/p": false,
		"https://x/": true, "mailto:a@b": true, "a b:c": false, "1http://x": false,
	} {
		v := View{}
		if got := v.external(url); got != want {
			t.Errorf("external(%q) = %v", url, got)
		}
	}
}

func TestHeadingsTitle(t *testing.T) {
	d := fixture(t)
	if got := d.Headings(); !equal(got, []int{0, 4, 5}) {
		t.Fatalf("Headings() = %v", got)
	}
	if d.Title() != "propus render fixture" {
		t.Fatalf("Title() = %q", d.Title())
	}
	if NewDocument().Title() != "" {
		t.Fatal("empty document has a title")
	}
}

func TestMaxXOffset(t *testing.T) {
	v := View{Doc: fixture(t), Width: 41, Styles: PlainStyles()}
	renderAll(&v)
	if got := v.MaxXOffset(); got != 200-40 {
		t.Fatalf("MaxXOffset() = %d", got)
	}
	v.XOffset = v.MaxXOffset()
	out := renderAll(&v)
	if !strings.Contains(out, " |col190") {
		t.Fatalf("the end of the wide line is not shown:\n%s", out)
	}
}
