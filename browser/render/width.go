package render

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// cluster returns the byte length and display width of the grapheme
// cluster s begins with (s not empty). Widths are those of ansi.StringWidth.
// Printable ASCII not followed by a non-ASCII byte (which might extend the
// cluster, as a combining mark does) takes a fast path: text that reaches
// here is sanitised, so it holds no control characters.
func cluster(s string) (n, w int) {
	if s[0] < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) {
		return 1, 1
	}
	c, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if len(c) == 0 {
		return 1, 0
	}
	return len(c), w
}

// width returns the display width of s.
func width(s string) int {
	w := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
			w++
			i++
			continue
		}
		n, cw := cluster(s[i:])
		w += cw
		i += n
	}
	return w
}

// noBreakBefore holds characters a row must not begin with when a break
// next to a wide character is considered (a minimal kinsoku rule).
const noBreakBefore = "、。，．・：；！？）」』】〕〉》〙〗｝］ーぁぃぅぇぉっゃゅょァィゥェォッャュョ"

// wrap appends to dst the byte offsets at which the rows after the first
// begin when s is wrapped at width cells (width ≥ 1), and returns it.
//
// Rows break after a run of spaces, or next to a wide (CJK, emoji) cluster;
// a run of spaces hangs past the end of its row (the renderer trims it). A
// word longer than a row is broken between grapheme clusters. Every row
// holds at least one cluster, so a single cluster wider than width gets a
// row of its own.
func wrap(s string, width int, dst []uint32) []uint32 {
	var w wrapper
	return w.run(s, width, dst, math.MaxInt)
}

// wrapper is the state of a wrap in progress, so that a long line can be
// wrapped only as far as the rows needed.
type wrapper struct {
	i, rowStart, col int
	brk, brkCol      int // the best break so far; none while brk <= rowStart
	prevWide         bool
}

// done reports whether the wrap of s is complete.
func (w *wrapper) done(s string) bool { return w.i >= len(s) }

// run continues wrapping s at width cells until len(dst) reaches want or s
// ends, appending row starts to dst.
func (w *wrapper) run(s string, width int, dst []uint32, want int) []uint32 {
	i, rowStart, col, brk, brkCol, prevWide := w.i, w.rowStart, w.col, w.brk, w.brkCol, w.prevWide
	for i < len(s) && len(dst) < want {
		c := s[i]
		if c < utf8.RuneSelf && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
			// Printable ASCII (the text is sanitised): one cell.
			if c == ' ' {
				col++
				i++
				brk, brkCol, prevWide = i, col, false
				continue
			}
			if prevWide && i > rowStart {
				brk, brkCol = i, col
			}
			if col >= width && i > rowStart {
				if brk > rowStart && col-brkCol < width {
					rowStart, col = brk, col-brkCol
				} else {
					rowStart, col = i, 0
				}
				dst = append(dst, uint32(rowStart))
			}
			col++
			i++
			prevWide = false
			continue
		}
		n, cw := cluster(s[i:])
		if n == 1 && c == ' ' { // a space before a non-ASCII cluster
			col++
			i++
			brk, brkCol, prevWide = i, col, false
			continue
		}
		wide := cw > 1
		if (wide || prevWide) && i > rowStart && !noBreak(s[i:]) {
			brk, brkCol = i, col
		}
		if col+cw > width && i > rowStart {
			if brk > rowStart && col-brkCol+cw <= width {
				rowStart, col = brk, col-brkCol
			} else {
				rowStart, col = i, 0
			}
			dst = append(dst, uint32(rowStart))
		}
		col += cw
		i += n
		prevWide = wide
	}
	w.i, w.rowStart, w.col, w.brk, w.brkCol, w.prevWide = i, rowStart, col, brk, brkCol, prevWide
	return dst
}

// noBreak reports whether s begins with a character a row must not begin
// with (of those in noBreakBefore).
func noBreak(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return (r >= 0x3000 && r <= 0x30ff || r >= 0xff00 && r <= 0xffef) && strings.ContainsRune(noBreakBefore, r)
}

// cutCells returns the first w cells of s, whole clusters only.
func cutCells(s string, w int) string {
	_, a, b := cutRange(s, 0, w)
	return s[a:b]
}

// expandTabs replaces each TAB in s with spaces up to the next tab stop
// (every 8 cells, by display width).
func expandTabs(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	col := 0
	for {
		j := strings.IndexByte(s, '\t')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:j])
		col += width(s[:j])
		n := 8 - col%8
		b.WriteString(spaces(n))
		col += n
		s = s[j+1:]
	}
}

const blanks = "                                                                "

// spaces returns n spaces.
func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:max(n, 0)]
	}
	return strings.Repeat(" ", n)
}

// snap widens [a, b) within s to whole grapheme clusters.
func snap(s string, a, b int) (int, int) {
	i := 0
	for i < len(s) {
		n, _ := cluster(s[i:])
		if i+n > a {
			break
		}
		i += n
	}
	if i < a {
		a = i
	}
	for i < b && i < len(s) {
		n, _ := cluster(s[i:])
		i += n
	}
	return a, max(b, min(i, len(s)))
}
