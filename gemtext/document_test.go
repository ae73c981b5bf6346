package gemtext

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTitle(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"text\n=> u l\n", ""},
		{"intro\n## Second level first\n# Top\n", "Second level first"},
		{"```\n# not a heading\n```\n### Real", "Real"},
		{"#\n# later", ""},
	}
	for _, tt := range tests {
		doc, _ := ParseAll(strings.NewReader(tt.in))
		if got := doc.Title(); got != tt.want {
			t.Errorf("Title(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriteTo(t *testing.T) {
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{"empty", nil, ""},
		{"blank line", Document{text("")}, "\n"},
		{"all kinds", Document{
			heading(1, "T"), text(""), text("para"), link("u", ""), link("u", "l"),
			item("i"), quote("q"), toggle("alt"), preformatted("  x"), toggle(""), heading(2, "end"),
		}, "# T\n\npara\n=> u\n=> u l\n* i\n> q\n```alt\n  x\n```\n## end\n"},
		{"closing alt dropped", Document{toggle("a"), toggle("b")}, "```a\n```\n"},
		{"unclosed block", Document{toggle(""), preformatted("x")}, "```\nx\n"},
		{"stray preformatted opens", Document{text("a"), preformatted("b"), preformatted("c")}, "a\n```\nb\nc\n"},
		{"stray line closes", Document{toggle(""), preformatted("b"), text("c")}, "```\nb\n```\nc\n"},
		{"trailing cr", Document{text("a\r"), link("u", "l\r")}, "a\r\r\n=> u l\r\r\n"},
		{"inner cr", Document{text("a\rb")}, "a\rb\n"},
		{"leading bom", Document{text("\uFEFFx"), text("\uFEFFy")}, "\uFEFF\uFEFFx\n\uFEFFy\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		n, err := tt.doc.WriteTo(&buf)
		if err != nil || buf.String() != tt.want || n != int64(buf.Len()) {
			t.Errorf("%s: WriteTo = %d, %v, %q; want %q", tt.name, n, err, buf.String(), tt.want)
		}
	}
}

// TestRoundTrip serialises every rule case and parses it again.
func TestRoundTrip(t *testing.T) {
	for _, tc := range ruleCases {
		var buf bytes.Buffer
		if _, err := Document(tc.want).WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		got, err := ParseAll(&buf)
		if err != nil || !slices.Equal(got, Document(tc.want)) {
			t.Errorf("%s: round trip gave %+v, %v", tc.name, got, err)
		}
	}
	// And a large mixed document, which also exercises WriteTo's flushing.
	in := genDoc(1 << 20)
	doc, _ := ParseAll(bytes.NewReader(in))
	var buf bytes.Buffer
	doc.WriteTo(&buf)
	again, _ := ParseAll(&buf)
	if !slices.Equal(doc, again) {
		t.Errorf("large document round trip differs")
	}
}

type limitWriter struct {
	n   int
	err error
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteToErrors(t *testing.T) {
	doc, _ := ParseAll(bytes.NewReader(genDoc(200 << 10)))
	boom := errors.New("boom")
	n, err := doc.WriteTo(&limitWriter{n: 40000, err: boom})
	if err != boom || n != 40000 {
		t.Errorf("failing writer: %d, %v", n, err)
	}
	n, err = doc.WriteTo(&limitWriter{n: 100})
	if err == nil || n != 100 {
		t.Errorf("short writer: %d, %v", n, err)
	}
}
