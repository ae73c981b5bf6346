package render

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"propus/gemtext"
)

// DefaultReadingWidth is the wrap width when View.ReadingWidth is 0.
const DefaultReadingWidth = 100

// Pos is a scroll anchor: a source line and a wrapped row within it.
type Pos struct{ Line, Row int }

// View renders a window onto a Document. Set its fields, then call Render;
// the methods keep Top in range. A View is a small value; its wrap cache
// lives in the Document, so copies of a View share it.
type View struct {
	// Doc is the document shown.
	Doc *Document
	// Width and Height are the terminal cells available for the page.
	Width, Height int
	// ReadingWidth caps the width text wraps at (the margin excluded);
	// 0 means DefaultReadingWidth. Preformatted lines ignore it.
	ReadingWidth int
	// Top is the source line and row drawn on the first screen row.
	Top Pos
	// XOffset scrolls preformatted lines sideways, in cells.
	XOffset int
	// Selected is the selected link's number, 0 for none.
	Selected int
	// Visited reports whether a link's URL (as written) has been visited;
	// nil means none has.
	Visited func(url string) bool
	// External reports whether a link's URL (as written) leaves Gemini;
	// nil means it has a scheme other than gemini:.
	External func(url string) bool
	// Matches are the source lines with search matches, in order (as
	// Document.Search returns them); occurrences of Query in them are
	// highlighted.
	Matches []int
	// Query is the search text.
	Query string
	// CurrentMatch indexes Matches: the current match; -1 for none.
	CurrentMatch int
	// Styles are the styles drawn with.
	Styles Styles

	screen []screenRow // what the last Render drew, row by row
	sgrs   [nStyles]string
	sgrSet [nStyles]bool

	// The resize anchor: a byte offset into Top's line, valid while Top
	// is still anchorTop.
	anchored  bool
	anchorTop Pos
	anchorOff int

	scratch []uint32
	buf     []byte
	occ     [][2]int
}

// screenRow is one row of the last Render: its source line (-1 for none)
// and the cells drawn.
type screenRow struct {
	line, width int32
}

// Render draws the view: exactly Height rows (empty ones below the end of
// the document), each at most Width cells wide, joined by "\n".
func (v *View) Render() string {
	h := max(v.Height, 0)
	// A fresh slice: copies of a View must not share what LinkAt reads.
	v.screen = make([]screenRow, 0, h)
	v.buf = v.buf[:0]
	v.sgrSet = [nStyles]bool{}
	n := 0
	if v.Doc != nil {
		n = v.Doc.Len()
	}
	if n > 0 && v.Width > 0 {
		v.clampTop()
		var q []rune
		if v.Query != "" && len(v.Matches) > 0 {
			q = lowerQuery(v.Query)
		}
		current := -1
		if v.CurrentMatch >= 0 && v.CurrentMatch < len(v.Matches) {
			current = v.Matches[v.CurrentMatch]
		}
		row := v.Top.Row
		for i := v.Top.Line; i < n && len(v.screen) < h; i++ {
			v.drawLine(i, row, h-len(v.screen), q, i == current)
			row = 0
		}
	}
	for len(v.screen) < h {
		v.newRow()
		v.screen = append(v.screen, screenRow{line: -1})
	}
	return string(v.buf)
}

// Filled is how many rows of the last Render show the document: the rows
// below them are blank.
func (v *View) Filled() int {
	n := 0
	for n < len(v.screen) && v.screen[n].line >= 0 {
		n++
	}
	return n
}

// sgr returns the SGR sequence of style id, computed once per Render.
func (v *View) sgr(id styleID) string {
	if !v.sgrSet[id] {
		v.sgrs[id], v.sgrSet[id] = sgr(v.Styles.style(id)), true
	}
	return v.sgrs[id]
}

// newRow starts a row in buf.
func (v *View) newRow() {
	if len(v.screen) > 0 {
		v.buf = append(v.buf, '\n')
	}
}

// clampTop puts Top on an existing row (the document is not empty).
func (v *View) clampTop() {
	n := v.Doc.Len()
	if v.Top.Line >= n {
		v.Top = Pos{Line: n - 1, Row: v.nrows(n-1) - 1}
	}
	if v.Top.Line < 0 {
		v.Top = Pos{}
	}
	if v.Top.Row < 0 {
		v.Top.Row = 0
	} else if br, done := v.rowsAtLeast(v.Top.Line, v.Top.Row); done && v.Top.Row > len(br) {
		v.Top.Row = len(br)
	}
}

// isMatch reports whether line i is in Matches.
func (v *View) isMatch(i int) bool {
	k := sort.SearchInts(v.Matches, i)
	return k < len(v.Matches) && v.Matches[k] == i
}

// drawLine draws rows from of line i, at most max of them.
func (v *View) drawLine(i, from, maxRows int, q []rune, current bool) {
	sh := v.shape(i)
	matched := q != nil && v.isMatch(i)
	mst := sMatch
	if current {
		mst = sCurrentMatch
	}

	if sh.kind == gemtext.Preformatted {
		v.newRow()
		rw := rowWriter{v: v, limit: v.Width}
		lead, a, b := cutRange(sh.body, max(v.XOffset, 0), v.Width-1)
		for b > a && sh.body[b-1] == ' ' {
			b--
		}
		var occ [][2]int
		if matched {
			occ = v.occurrences(&sh, q, a, b)
		}
		rw.margin(v.marginMark(false, occ, a, b, current))
		rw.put(sPreformatted, spaces(lead))
		rw.text(sPreformatted, mst, sh.body, a, b, occ)
		v.endRow(i, &rw)
		return
	}

	breaks, done := v.rowsAtLeast(i, from+maxRows)
	n := len(breaks) // rows whose end is known
	if done {
		n++
	}
	var occ [][2]int
	if matched {
		a, b := 0, len(sh.body)
		if from > 0 && from <= len(breaks) {
			a = int(breaks[from-1])
		}
		if last := from + maxRows - 1; last < len(breaks) {
			b = int(breaks[last])
		}
		occ = v.occurrences(&sh, q, a, b)
	}
	// The styles of the first row's prefix, the other rows' and the body.
	first, cont, body := sText, sText, sText
	switch sh.kind {
	case gemtext.Heading:
		body = sHeading1 + styleID(len(sh.first)-2)
		first = body
	case gemtext.ListItem:
		first = sBullet
	case gemtext.Quote:
		first, cont, body = sQuoteBar, sQuoteBar, sQuote
	case gemtext.PreformatToggle:
		first, body = sAltText, sAltText
	case gemtext.Link:
		switch {
		case sh.link == v.Selected:
			body = sLinkSelected
		case sh.flags&flagVisited != 0:
			body = sLinkVisited
		case sh.flags&flagExternal != 0:
			body = sLinkExternal
		default:
			body = sLink
		}
		first = sLinkNumber
	}
	selected := sh.link != 0 && sh.link == v.Selected

	for r := from; r < n && maxRows > 0; r++ {
		maxRows--
		a, b := 0, len(sh.body)
		if r > 0 {
			a = int(breaks[r-1])
		}
		if r < len(breaks) {
			b = int(breaks[r])
		}
		for b > a && sh.body[b-1] == ' ' {
			b--
		}
		v.newRow()
		rw := rowWriter{v: v, limit: v.Width}
		rw.margin(v.marginMark(selected, occ, a, b, current))
		p := sh.cont
		if r == 0 {
			p = sh.first
		}
		if a == b {
			p = strings.TrimRight(p, " ")
		}
		switch {
		case r > 0:
			rw.put(cont, p)
		case sh.link != 0:
			k := strings.IndexByte(p, ']') + 1
			rw.put(first, p[:k])
			rw.put(sText, p[k:])
		default:
			rw.put(first, p)
		}
		rw.text(body, mst, sh.body, a, b, occ)
		v.endRow(i, &rw)
	}
}

// occurrences returns the occurrences of q in the searchable part of
// sh's body that touch body[a:b]. A line longer than progressiveMin is
// searched only around a..b.
func (v *View) occurrences(sh *shape, q []rune, a, b int) [][2]int {
	text := sh.body[:sh.label]
	if len(text) <= progressiveMin {
		v.occ = occurrences(text, q, v.occ)
		return v.occ
	}
	slack := utf8.UTFMax * len(q)
	lo, hi := min(max(0, a-slack), len(text)), min(len(text), b+slack)
	for lo > 0 && lo < len(text) && !utf8.RuneStart(text[lo]) {
		lo--
	}
	for hi < len(text) && !utf8.RuneStart(text[hi]) {
		hi++
	}
	v.occ = occurrences(text[lo:hi], q, v.occ)
	for k := range v.occ {
		v.occ[k][0] += lo
		v.occ[k][1] += lo
	}
	return v.occ
}

// marginMark returns the margin of a row showing body[a:b].
func (v *View) marginMark(selected bool, occ [][2]int, a, b int, current bool) string {
	if selected {
		return markSelected
	}
	for _, o := range occ {
		if o[0] < b && o[1] > a {
			if current {
				return markCurrentMatch
			}
			return markMatch
		}
	}
	return " "
}

// endRow finishes a row of line i: a row with nothing but a blank margin
// is left empty.
func (v *View) endRow(i int, rw *rowWriter) {
	w := rw.col
	if rw.blank && rw.col == 1 {
		v.buf = v.buf[:rw.start]
		w = 0
	}
	v.screen = append(v.screen, screenRow{line: int32(i), width: int32(w)})
}

// rowWriter appends one row to its view's buf, never past limit cells.
type rowWriter struct {
	v          *View
	limit, col int
	start      int  // where the row begins in buf
	blank      bool // the margin is blank
}

func (w *rowWriter) margin(m string) {
	w.start = len(w.v.buf)
	w.blank = m == " "
	if w.limit > 0 {
		w.v.buf = append(w.v.buf, m...)
		w.col = 1
	}
}

// put appends s in style st, cut to the cells left.
func (w *rowWriter) put(st styleID, s string) {
	if s == "" || w.col >= w.limit {
		return
	}
	sw := width(s)
	if w.col+sw > w.limit {
		s = cutCells(s, w.limit-w.col)
		sw = width(s)
		if s == "" {
			w.col = w.limit
			return
		}
	}
	if pre := w.v.sgr(st); pre == "" {
		w.v.buf = append(w.v.buf, s...)
	} else {
		w.v.buf = append(w.v.buf, pre...)
		w.v.buf = append(w.v.buf, s...)
		w.v.buf = append(w.v.buf, ansi.ResetStyle...)
	}
	w.col += sw
}

// text appends s[a:b] in style st, with the occurrences occ (byte ranges
// of s, in order) in style mst.
func (w *rowWriter) text(st, mst styleID, s string, a, b int, occ [][2]int) {
	pos := a
	for _, o := range occ {
		if o[1] <= pos || o[0] >= b {
			continue
		}
		x, y := max(o[0], pos), min(o[1], b)
		sx, sy := snap(s[a:b], x-a, y-a)
		x, y = max(sx+a, pos), sy+a
		w.put(st, s[pos:x])
		if w.v.Styles.Plain {
			w.underline(s[x:y], mst == sCurrentMatch)
		} else {
			w.put(mst, s[x:y])
		}
		pos = y
	}
	w.put(st, s[pos:b])
}

// underline appends s, an occurrence of the query, for styles without SGR:
// every grapheme cluster followed by a combining low line (a double one
// when current), which takes no cell, cut to the cells left.
func (w *rowWriter) underline(s string, current bool) {
	mark := markUnderline
	if current {
		mark = markDoubleUnderline
	}
	for i := 0; i < len(s); {
		n, cw := cluster(s[i:])
		if w.col+cw > w.limit {
			w.col = w.limit
			return
		}
		w.v.buf = append(w.v.buf, s[i:i+n]...)
		w.v.buf = append(w.v.buf, mark...)
		w.col += cw
		i += n
	}
}

// cutRange finds the cells [off, off+w) of s: lead spaces stand for the
// visible half of a wide cluster cut at the left edge, then s[a:b].
// It reads s only up to the cut.
func cutRange(s string, off, w int) (lead, a, b int) {
	if w <= 0 {
		return 0, 0, 0
	}
	col, i := 0, 0
	for i < len(s) && col < off {
		n, cw := cluster(s[i:])
		i += n
		col += cw
	}
	lead = min(col-off, w)
	if lead < 0 {
		lead = 0
	}
	a = i
	used := lead
	for i < len(s) {
		n, cw := cluster(s[i:])
		if used+cw > w {
			break
		}
		used += cw
		i += n
	}
	return lead, a, i
}
