package render

import (
	"sort"

	"propus/gemtext"
)

// Scrolling walks rows line by line from Top, forward as a rule: it lays
// out no more than the rows it passes over and one screenful past them
// (to see whether the end is near), and only near the end does it lay out
// the last screenful to find the last Top.

// less reports whether p comes before q.
func less(p, q Pos) bool { return p.Line < q.Line || p.Line == q.Line && p.Row < q.Row }

// height returns the page height, at least 1.
func (v *View) height() int { return max(v.Height, 1) }

// empty reports whether there is nothing to scroll.
func (v *View) empty() bool { return v.Doc == nil || v.Doc.Len() == 0 }

// advance returns p moved n rows forward, stopping on the last row of the
// document.
func (v *View) advance(p Pos, n int) Pos {
	for n > 0 {
		br, done := v.rowsAtLeast(p.Line, p.Row+n+1)
		if !done || len(br) >= p.Row+n {
			p.Row += n
			return p
		}
		rows := len(br) + 1
		if p.Line+1 >= v.Doc.Len() {
			p.Row = rows - 1
			return p
		}
		n -= rows - p.Row
		p = Pos{Line: p.Line + 1}
	}
	return p
}

// rowsFrom counts the rows from p to the end of the document, up to limit.
func (v *View) rowsFrom(p Pos, limit int) int {
	count, r := 0, p.Row
	for i := p.Line; i < v.Doc.Len() && count < limit; i++ {
		br, done := v.rowsAtLeast(i, r+limit-count)
		if !done {
			return limit
		}
		count += len(br) + 1 - r
		r = 0
	}
	return min(count, limit)
}

// endTop returns the greatest Top: the one that shows the last row of the
// document on the last screen row ({0, 0} if the document fits).
func (v *View) endTop() Pos {
	need := v.height()
	for i := v.Doc.Len() - 1; i >= 0; i-- {
		r := v.nrows(i)
		if r >= need {
			return Pos{Line: i, Row: r - need}
		}
		need -= r
	}
	return Pos{}
}

// clampEnd keeps Top at or before the end.
func (v *View) clampEnd() {
	if v.rowsFrom(v.Top, v.height()) < v.height() {
		if end := v.endTop(); less(end, v.Top) {
			v.Top = end
		}
	}
}

// ScrollDown moves the view n rows down, stopping at the end.
func (v *View) ScrollDown(n int) {
	if v.empty() || n <= 0 {
		return
	}
	v.clampTop()
	next := v.advance(v.Top, n)
	if v.rowsFrom(next, v.height()) < v.height() {
		// Near the end: stop on the last Top, never move back up.
		if next = v.endTop(); less(next, v.Top) {
			return
		}
	}
	v.Top = next
}

// ScrollUp moves the view n rows up, stopping at the top.
func (v *View) ScrollUp(n int) {
	if v.empty() || n <= 0 {
		return
	}
	v.clampTop()
	for n > 0 {
		if v.Top.Row > 0 {
			d := min(n, v.Top.Row)
			v.Top.Row -= d
			n -= d
			continue
		}
		if v.Top.Line == 0 {
			return
		}
		v.Top.Line--
		v.Top.Row = v.nrows(v.Top.Line) - 1
		n--
	}
}

// page is how far a page key scrolls: a screen less one row of context.
func (v *View) page() int { return max(1, v.height()-1) }

// PageDown scrolls down a screen, less one row kept for context.
func (v *View) PageDown() { v.ScrollDown(v.page()) }

// PageUp scrolls up a screen, less one row kept for context.
func (v *View) PageUp() { v.ScrollUp(v.page()) }

// Home scrolls to the top.
func (v *View) Home() { v.Top = Pos{} }

// End scrolls to the end: the last row of the document on the last screen
// row. Only the last screenful is laid out.
func (v *View) End() {
	if v.empty() {
		v.Top = Pos{}
		return
	}
	v.Top = v.endTop()
}

// AtEnd reports whether the last row of the document is on screen.
func (v *View) AtEnd() bool {
	if v.empty() {
		return true
	}
	v.clampTop()
	return v.rowsFrom(v.Top, v.height()+1) <= v.height()
}

// Percent returns the rough position in the document, 0..100: Top's source
// line as a share of the lines, and 100 at the end.
func (v *View) Percent() int {
	if v.AtEnd() {
		return 100
	}
	return min(99, v.Top.Line*100/v.Doc.Len())
}

// bottomLine returns the source line on the last screen row (or the last
// line, if the document ends above it).
func (v *View) bottomLine() int {
	v.clampTop()
	return v.advance(v.Top, v.height()-1).Line
}

// ShowLine scrolls so that source line i is on screen, whole if it fits. A
// line already on screen does not move; one less than a screen below it is
// scrolled up to the bottom row; any other is put on the top row (as far
// as the end allows).
func (v *View) ShowLine(i int) {
	if v.empty() {
		return
	}
	i = min(max(i, 0), v.Doc.Len()-1)
	v.clampTop()
	h := v.height()
	if i < v.Top.Line || i == v.Top.Line && v.Top.Row > 0 {
		v.Top = Pos{Line: i}
		v.clampEnd()
		return
	}
	// Rows from Top to the end of line i, counted up to two screens.
	need, r := 0, v.Top.Row
	for k := v.Top.Line; k <= i && need <= 2*h; k++ {
		br, done := v.rowsAtLeast(k, r+2*h+1-need)
		if !done {
			need = 2*h + 1
			break
		}
		need += len(br) + 1 - r
		r = 0
	}
	switch {
	case need <= h:
	case need-h < h && v.fewerRows(i, h):
		v.ScrollDown(need - h)
	default:
		v.Top = Pos{Line: i}
		v.clampEnd()
	}
}

// fewerRows reports whether line i has fewer than n rows.
func (v *View) fewerRows(i, n int) bool {
	br, done := v.rowsAtLeast(i, n)
	return done && len(br)+1 < n
}

// linkLine returns the source line of link n.
func (v *View) linkLine(n int) int { return v.Doc.links[n-1].line }

// onScreen reports whether link n has a row on screen.
func (v *View) onScreen(n int) bool {
	l := v.linkLine(n)
	return l >= v.Top.Line && l <= v.bottomLine()
}

// SelectNext selects the next link (Tab) and scrolls to show it. With no
// link selected, or the selected one off screen, it selects the first link
// on screen, else the first below it, else the first link; after the last
// link it wraps to the first.
func (v *View) SelectNext() {
	if v.empty() || v.Doc.Links() == 0 {
		return
	}
	v.clampTop()
	nl := v.Doc.Links()
	if v.Selected >= 1 && v.Selected <= nl && v.onScreen(v.Selected) {
		v.Selected = v.Selected%nl + 1
	} else {
		top := v.Top.Line
		k := sort.Search(nl, func(k int) bool { return v.Doc.links[k].line >= top })
		v.Selected = k%nl + 1
	}
	v.ShowLine(v.linkLine(v.Selected))
}

// SelectPrev selects the previous link (Shift-Tab) and scrolls to show it.
// With no link selected, or the selected one off screen, it selects the
// last link on screen, else the last above it, else the last link; before
// the first link it wraps to the last.
func (v *View) SelectPrev() {
	if v.empty() || v.Doc.Links() == 0 {
		return
	}
	v.clampTop()
	nl := v.Doc.Links()
	if v.Selected >= 1 && v.Selected <= nl && v.onScreen(v.Selected) {
		v.Selected = (v.Selected+nl-2)%nl + 1
	} else {
		bottom := v.bottomLine()
		k := sort.Search(nl, func(k int) bool { return v.Doc.links[k].line > bottom })
		if k == 0 {
			k = nl
		}
		v.Selected = k
	}
	v.ShowLine(v.linkLine(v.Selected))
}

// LinkAt returns the number of the link drawn at cell (x, y) of the last
// Render: any row of the link, from the margin to the last cell drawn.
func (v *View) LinkAt(x, y int) (n int, ok bool) {
	if y < 0 || y >= len(v.screen) || v.Doc == nil {
		return 0, false
	}
	r := v.screen[y]
	if r.line < 0 || int(r.line) >= v.Doc.Len() || x < 0 || x >= int(r.width) {
		return 0, false
	}
	dl := &v.Doc.lines[r.line]
	if dl.link == 0 {
		return 0, false
	}
	return int(dl.link), true
}

// Resize sets the page size. Top keeps its source line and the text it
// showed: the new row is the one holding the first character of the old
// top row (of the top row before the first of a run of resizes, if the
// view has not moved in between, so that resizing back and forth returns
// to the same row); then, if the end of the document would leave rows
// empty, the view scrolls up to fill them.
func (v *View) Resize(w, h int) {
	if v.empty() {
		v.Width, v.Height = w, h
		return
	}
	v.clampTop()
	off := v.anchorOff
	if v.Top != v.anchorTop || !v.anchored {
		// Top moved since the last resize: anchor on its row's start.
		// (Otherwise keep the old anchor, so that a run of resizes does
		// not drift.)
		off = 0
		if v.Top.Row > 0 {
			br, _ := v.rowsAtLeast(v.Top.Line, v.Top.Row)
			off = int(br[v.Top.Row-1])
		}
	}
	v.Width, v.Height = w, h
	// The new row: the number of row starts at or before off.
	for k := 64; ; k *= 2 {
		br, done := v.rowsAtLeast(v.Top.Line, k)
		if done || int(br[len(br)-1]) > off {
			v.Top.Row = sort.Search(len(br), func(k int) bool { return int(br[k]) > off })
			break
		}
	}
	v.clampEnd()
	v.anchored, v.anchorTop, v.anchorOff = true, v.Top, off
}

// MaxXOffset returns the greatest useful XOffset for the rows of the last
// Render: the widest preformatted line drawn less the cells it is cut to.
func (v *View) MaxXOffset() int {
	m := 0
	prev := int32(-1)
	for _, r := range v.screen {
		if r.line < 0 || r.line == prev || int(r.line) >= v.Doc.Len() {
			continue
		}
		prev = r.line
		if dl := &v.Doc.lines[r.line]; dl.kind == gemtext.Preformatted {
			m = max(m, width(dl.text))
		}
	}
	return max(0, m-(v.Width-1))
}
