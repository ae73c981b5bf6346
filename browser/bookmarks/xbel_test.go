package bookmarks

import (
	"bytes"
	"encoding/xml"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// amforaSample is a bookmarks.xml as Amfora writes it.
const amforaSample = `<?xml version="1.0" encoding="UTF-8"?>
<xbel version="1.0">
 <bookmark href="gemini://a.example/">
  <title>A</title>
 </bookmark>
 <bookmark href="gemini://b.example/x?q=1&amp;r=2">
  <title>B &amp; co</title>
 </bookmark>
</xbel>
`

func TestReadAmfora(t *testing.T) {
	got, err := ReadXBEL(strings.NewReader(amforaSample))
	if err != nil {
		t.Fatal(err)
	}
	want := []Bookmark{
		{Title: "A", URL: "gemini://a.example/"},
		{Title: "B & co", URL: "gemini://b.example/x?q=1&r=2"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	in := []Bookmark{
		{Title: "Top", URL: "gemini://top.example/", Added: t0},
		{Title: "Tech post", URL: "gemini://tech.example/", Folder: "Gemlogs/Tech", Tags: []string{"go", "xml"}, Added: t0.Add(time.Hour)},
		{Title: "Gemlog", URL: "gemini://log.example/", Folder: "Gemlogs", Tags: []string{"blog"}},
		{Title: `Quotes "double" 'single' & <angle> >`, URL: `gemini://q.example/?a=1&b=<2>&c="3"`, Folder: `R&D <x>`, Tags: []string{`a&b`, `<c>`}},
		{Title: "日本語 — emoji 🎉, עברית", URL: "gemini://unicode.example/%E6%97%A5", Folder: "Ünïcödé/日本"},
		{Title: "", URL: "gemini://untitled.example/"},
		{Title: "Another tech", URL: "gemini://tech2.example/", Folder: "Gemlogs/Tech"},
	}
	var buf bytes.Buffer
	if err := WriteXBEL(&buf, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadXBEL(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	want := fileOrder(in)
	if len(got) != len(want) {
		t.Fatalf("read %d bookmarks, want %d\n%s", len(got), len(want), buf.Bytes())
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Title != w.Title || g.URL != w.URL || g.Folder != w.Folder || !sameTags(g.Tags, w.Tags) || !g.Added.Equal(w.Added) {
			t.Errorf("bookmark %d: got %+v\nwant %+v", i, g, w)
		}
	}
	// Folders are grouped: the second tech bookmark follows the first.
	if got[1].URL != "gemini://tech.example/" || got[2].URL != "gemini://tech2.example/" || got[3].URL != "gemini://log.example/" {
		t.Errorf("order: %v", urls(got))
	}
	// Written twice, the same bytes.
	var again bytes.Buffer
	if err := WriteXBEL(&again, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Errorf("second write differs:\n%s\n---\n%s", buf.Bytes(), again.Bytes())
	}
}

func TestWriteXBELIsAmforaReadable(t *testing.T) {
	// Amfora decodes <xbel><bookmark href><title> with encoding/xml into
	// a struct like this one.
	type amforaBookmark struct {
		URL  string `xml:"href,attr"`
		Name string `xml:"title"`
	}
	type amforaXBEL struct {
		Version   string            `xml:"version,attr"`
		Bookmarks []*amforaBookmark `xml:"bookmark"`
	}
	var buf bytes.Buffer
	bs := []Bookmark{{Title: "A & B", URL: "gemini://a.example/?x&y", Tags: []string{"t"}, Added: t0}}
	if err := WriteXBEL(&buf, bs); err != nil {
		t.Fatal(err)
	}
	var x amforaXBEL
	if err := xml.Unmarshal(buf.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if x.Version != "1.0" || len(x.Bookmarks) != 1 || x.Bookmarks[0].URL != "gemini://a.example/?x&y" || x.Bookmarks[0].Name != "A & B" {
		t.Errorf("Amfora would read %+v %+v", x, x.Bookmarks)
	}
}

func TestReadNestedFolders(t *testing.T) {
	const doc = `<?xml version="1.0"?>
<xbel version="1.0">
  <title>My bookmarks</title>
  <info><metadata owner="someone-else"><tags>ignored</tags></metadata></info>
  <bookmark href="gemini://top/"><title>Top</title></bookmark>
  <folder added="2020-01-01T00:00:00Z">
    <title>Gemlogs</title>
    <desc>logs</desc>
    <bookmark href="gemini://g1/" added="2024-03-04T05:06:07+02:00">
      <title>G1</title>
      <info>
        <metadata owner="other"><tags>nope</tags></metadata>
        <metadata owner="propus"><tags> a , b,,a </tags></metadata>
      </info>
    </bookmark>
    <separator/>
    <folder>
      <title>Tech</title>
      <bookmark href="gemini://t1/"><title>T1</title></bookmark>
      <folder><title>Deep</title><bookmark href="gemini://d1/"><title>D1</title></bookmark></folder>
    </folder>
    <bookmark href="gemini://g2/"><title>G2</title></bookmark>
    <alias ref="x"/>
  </folder>
  <folder>
    <bookmark href="gemini://untitled-folder/"><title>U</title></bookmark>
  </folder>
  <bookmark><title>no href</title></bookmark>
</xbel>`
	got, err := ReadXBEL(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ url, folder string }{
		{"gemini://top/", ""},
		{"gemini://g1/", "Gemlogs"},
		{"gemini://t1/", "Gemlogs/Tech"},
		{"gemini://d1/", "Gemlogs/Tech/Deep"},
		{"gemini://g2/", "Gemlogs"},
		{"gemini://untitled-folder/", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, w := range want {
		if got[i].URL != w.url || got[i].Folder != w.folder {
			t.Errorf("%d: got %s in %q, want %s in %q", i, got[i].URL, got[i].Folder, w.url, w.folder)
		}
	}
	if !sameTags(got[1].Tags, []string{"a", "b"}) {
		t.Errorf("tags %q", got[1].Tags)
	}
	if !got[1].Added.Equal(time.Date(2024, 3, 4, 3, 6, 7, 0, time.UTC)) {
		t.Errorf("added %v", got[1].Added)
	}
	if len(got[0].Tags) != 0 {
		t.Errorf("foreign metadata read as tags: %q", got[0].Tags)
	}
}

func TestReadSanitizes(t *testing.T) {
	const doc = "<xbel version=\"1.0\"><bookmark href=\"gemini://x/\"><title>evil\u009b2J \u009d0;title\u009c red\nline</title></bookmark></xbel>"
	got, err := ReadXBEL(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || strings.ContainsAny(got[0].Title, "\u009b\u009d\n") {
		t.Errorf("got %q", got)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
	}{
		{"unclosed tag", "<xbel version=\"1.0\">\n <bookmark href=\"x\">\n  <title>A</title>\n </bookmrk>\n</xbel>\n", 4},
		{"bad entity", "<xbel>\n\n <bookmark href=\"gemini://x/?a&b\"><title>A</title></bookmark>\n</xbel>", 3},
		{"not xbel", "<?xml version=\"1.0\"?>\n<html>\n</html>", 2},
		{"truncated", "<xbel version=\"1.0\">\n <bookmark href=\"gemini://x/\">\n  <title>A</ti", 3},
		{"truncated after a bookmark", "<xbel version=\"1.0\">\n <bookmark href=\"gemini://x/\"><title>A</title></bookmark>\n", 3},
		{"garbage", "hello\n", 1},
		{"second root", "<xbel></xbel>\n<xbel></xbel>", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadXBEL(strings.NewReader(tc.doc))
			pe, ok := errors.AsType[*ParseError](err)
			if !ok {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if pe.Line != tc.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, tc.line, err)
			}
		})
	}
	if bs, err := ReadXBEL(strings.NewReader(" \n")); err != nil || len(bs) != 0 {
		t.Errorf("empty document: %v, %v", bs, err)
	}
}

func TestWriteGemtext(t *testing.T) {
	bs := []Bookmark{
		{Title: "Tech", URL: "gemini://t/", Folder: "Gemlogs/Tech"},
		{Title: "Top", URL: "gemini://top/", Tags: []string{"news", "daily"}},
		{Title: "Log", URL: "gemini://log/", Folder: "Gemlogs"},
		{URL: "gemini://notitle/"},
		{URL: "gemini://tagged/", Tags: []string{"x"}},
		{Title: "Tech 2", URL: "gemini://t2/", Folder: "Gemlogs/Tech"},
	}
	var buf bytes.Buffer
	if err := WriteGemtext(&buf, bs); err != nil {
		t.Fatal(err)
	}
	want := `# Bookmarks

=> gemini://top/ Top [news, daily]
=> gemini://notitle/
=> gemini://tagged/ gemini://tagged/ [x]

## Gemlogs/Tech

=> gemini://t/ Tech
=> gemini://t2/ Tech 2

## Gemlogs

=> gemini://log/ Log
`
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func sameTags(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func urls(bs []Bookmark) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.URL)
	}
	return out
}
