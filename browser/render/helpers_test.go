package render

import (
	"os"
	"strings"
	"testing"

	"propus/gemtext"
)

// parse parses gemtext into a new Document.
func parse(t testing.TB, src string) *Document {
	t.Helper()
	lines, err := gemtext.ParseAll(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	d := NewDocument()
	d.Append(lines...)
	return d
}

// fixture returns the fixture page as a Document.
func fixture(t testing.TB) *Document {
	t.Helper()
	b, err := os.ReadFile("testdata/fixture.gmi")
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, string(b))
}

// totalRows lays out the whole document and returns its rows.
func totalRows(v *View) int {
	n := 0
	for i := range v.Doc.Len() {
		n += v.nrows(i)
	}
	return n
}

// renderAll renders every row of the document.
func renderAll(v *View) string {
	v.Top = Pos{}
	v.Height = totalRows(v)
	return v.Render()
}
