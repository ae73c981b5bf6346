package render

import (
	"strings"

	"propus/browser/sanitize"
	"propus/gemtext"
)

// Document is a page's content as it streams in. It is append-only, and a
// View may render it between appends. Every string in it has been through
// the sanitiser. It also holds the wrap cache of its views.
type Document struct {
	lines    []docLine
	links    []docLink
	headings []int
	title    string
	layouts  [2]*layout // most recently used first
}

// docLine is one sanitised source line, kept compact: a page's lines cost
// 24 bytes each on top of their text.
type docLine struct {
	text  string
	link  uint32 // Link: its number (1-based)
	kind  gemtext.Kind
	level uint8
}

// docLink is a link: its source line and URL.
type docLink struct {
	line int
	url  string
}

// NewDocument returns an empty Document.
func NewDocument() *Document { return &Document{} }

// Append adds lines to the end of the document. Every string is sanitised
// on the way in (sanitize.Line: escape sequences and control characters
// removed, invalid UTF-8 replaced); in Text and Preformatted lines a TAB is
// first expanded to spaces up to the next tab stop (every 8 cells), in
// other lines it becomes one space (a CR in a line with a TAB is dropped
// rather than turned into a space). A Kind
// outside gemtext's set is taken as Text, a heading level outside 1..3 is
// clamped.
func (d *Document) Append(lines ...gemtext.Line) {
	if len(d.lines)+len(lines) > cap(d.lines) {
		grown := make([]docLine, len(d.lines), max(2*cap(d.lines), len(d.lines)+len(lines), 64))
		copy(grown, d.lines)
		d.lines = grown
	}
	for _, l := range lines {
		dl := docLine{kind: l.Kind}
		switch l.Kind {
		case gemtext.Text, gemtext.Preformatted:
			dl.text = clean(l.Text)
		case gemtext.Heading:
			dl.level = uint8(min(max(l.Level, 1), 3))
			dl.text = line(l.Text)
			d.headings = append(d.headings, len(d.lines))
			if len(d.headings) == 1 {
				d.title = dl.text
			}
		case gemtext.Link:
			dl.text = line(l.Text)
			d.links = append(d.links, docLink{line: len(d.lines), url: line(l.URL)})
			dl.link = uint32(len(d.links))
		case gemtext.ListItem, gemtext.Quote, gemtext.PreformatToggle:
			dl.text = line(l.Text)
		default:
			dl.kind = gemtext.Text
			dl.text = clean(l.Text)
		}
		d.lines = append(d.lines, dl)
	}
}

// line returns s through sanitize.Line, but s itself when that changed
// nothing: the parser's strings share one buffer per chunk read, and
// sanitize.Line returns a copy of any line that is not pure ASCII, which
// would double the text of most non-English pages.
func line(s string) string {
	if c := sanitize.Line(s); c != s {
		return c
	}
	return s
}

// clean sanitises the text of a Text or Preformatted line, expanding tabs.
func clean(s string) string {
	if strings.IndexByte(s, '\t') < 0 {
		return line(s)
	}
	// sanitize.Text keeps TAB (and LF, which a parsed line never holds).
	s = sanitize.Text(s)
	s = strings.ReplaceAll(s, "\n", " ")
	return expandTabs(s)
}

// Len returns the number of source lines.
func (d *Document) Len() int { return len(d.lines) }

// Line returns source line i (0-based), sanitised.
func (d *Document) Line(i int) gemtext.Line {
	dl := &d.lines[i]
	l := gemtext.Line{Kind: dl.kind, Level: int(dl.level), Text: dl.text}
	if dl.kind == gemtext.Link {
		l.URL = d.links[dl.link-1].url
	}
	return l
}

// Links returns the number of links so far. Links are numbered 1..Links()
// in document order.
func (d *Document) Links() int { return len(d.links) }

// Link returns link number n (1-based): its source line and the line.
// It panics if n is out of range.
func (d *Document) Link(n int) (line int, l gemtext.Line) {
	line = d.links[n-1].line
	return line, d.Line(line)
}

// Title returns the text of the first heading, or "".
func (d *Document) Title() string { return d.title }

// Headings returns the source line indexes of the headings, in order (a
// fresh slice).
func (d *Document) Headings() []int { return append([]int(nil), d.headings...) }

// Search returns the source lines whose text contains query,
// case-insensitively (as strings.ToLower on both sides would), in order.
// The text searched is what is drawn: a link's label (its URL when it has
// none), a block's alt text, a heading's text without its "#". An empty
// query matches nothing.
func (d *Document) Search(query string) []int {
	if query == "" {
		return nil
	}
	q := lowerQuery(query)
	var found []int
	for i := range d.lines {
		if containsFold(d.body(i), q) {
			found = append(found, i)
		}
	}
	return found
}

// body returns the searchable text of line i: what is drawn of it, less
// markers.
func (d *Document) body(i int) string {
	dl := &d.lines[i]
	if dl.kind == gemtext.Link && dl.text == "" {
		return d.links[dl.link-1].url
	}
	return dl.text
}
