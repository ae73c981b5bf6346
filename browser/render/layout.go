package render

// The wrap cache. A layout holds, for one wrap width and marker set, where
// the rows of each laid-out line begin, as byte offsets into the line's
// body (the text after its prefix). Lines are laid out one at a time, on
// first need, in any order; a long line is wrapped as far as needed and
// kept apart until it is complete. Storage comes in chunks of chunkLines lines,
// allocated when a line of the chunk is first laid out; a line that fits on
// one row without measuring (its body is no longer in bytes than the row is
// wide in cells) is never stored at all.

const chunkShift = 7
const chunkLines = 1 << chunkShift

// layoutKey is what a layout depends on besides the document.
type layoutKey struct {
	width int  // cells after the margin: min(Width-1, ReadingWidth), ≥ 1
	plain bool // marker set (prefix widths, the visited mark)
}

type layout struct {
	key     layoutKey
	chunks  []*chunk
	partial map[int]*partial // long lines wrapped part of the way
}

// partial is a long line wrapped part of the way.
type partial struct {
	w      wrapper
	breaks []uint32
	flags  uint8
}

type chunk struct {
	lines  [chunkLines]lineRows
	breaks []uint32 // row starts after each line's first, line after line
}

// lineRows is one laid-out line: rows breaks[off:off+n-1] of its chunk
// begin its second and later rows. n 0 means not laid out yet.
type lineRows struct {
	off   uint32
	n     uint32
	flags uint8 // the link flags the line was laid out with
}

// layout returns the document's layout for key, making it the most
// recently used; the document keeps two, so that a resize can find the row
// it was at and a resize back costs nothing.
func (d *Document) layout(key layoutKey) *layout {
	if l := d.layouts[0]; l != nil && l.key == key {
		return l
	}
	if l := d.layouts[1]; l != nil && l.key == key {
		d.layouts[0], d.layouts[1] = l, d.layouts[0]
		return l
	}
	l := &layout{key: key}
	d.layouts[0], d.layouts[1] = l, d.layouts[0]
	return l
}

// entry returns the slot of line i and its chunk, allocating as needed.
func (l *layout) entry(i int) (*lineRows, *chunk) {
	ci := i >> chunkShift
	if ci >= len(l.chunks) {
		l.chunks = append(l.chunks, make([]*chunk, ci+1-len(l.chunks))...)
	}
	c := l.chunks[ci]
	if c == nil {
		c = &chunk{}
		l.chunks[ci] = c
	}
	return &c.lines[i&(chunkLines-1)], c
}

// store records the wrap of line i: breaks are the starts of its rows
// after the first.
func (l *layout) store(i int, flags uint8, breaks []uint32) {
	e, c := l.entry(i)
	n := uint32(len(breaks)) + 1
	if e.n >= n && e.n > 0 {
		// Reuse the old place (re-laid out after a flag change).
		copy(c.breaks[e.off:], breaks)
	} else {
		e.off = uint32(len(c.breaks))
		c.breaks = append(c.breaks, breaks...)
	}
	e.n, e.flags = n, flags
}

// lookup returns line i's row count and row starts after the first, or
// n 0 if it is not laid out with these flags.
func (l *layout) lookup(i int, flags uint8) (n int, breaks []uint32) {
	ci := i >> chunkShift
	if ci >= len(l.chunks) || l.chunks[ci] == nil {
		return 0, nil
	}
	c := l.chunks[ci]
	e := &c.lines[i&(chunkLines-1)]
	if e.n == 0 || e.flags != flags {
		return 0, nil
	}
	return int(e.n), c.breaks[e.off : e.off+e.n-1]
}
