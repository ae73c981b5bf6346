package render

import (
	"math"
	"strconv"
	"strings"

	"propus/gemtext"
)

// Link flags: what changes how a link is drawn.
const (
	flagExternal uint8 = 1 << iota
	flagVisited
)

// key returns the layout key of the view's current width and styles.
func (v *View) key() layoutKey {
	rw := v.ReadingWidth
	if rw <= 0 {
		rw = DefaultReadingWidth
	}
	return layoutKey{width: max(1, min(v.Width-1, rw)), plain: v.Styles.Plain}
}

// linkFlags returns the flags of link number n.
func (v *View) linkFlags(n uint32) uint8 {
	url := v.Doc.links[n-1].url
	var f uint8
	if v.external(url) {
		f |= flagExternal
	}
	if v.Visited != nil && v.Visited(url) {
		f |= flagVisited
	}
	return f
}

// wrapFlags returns the flags that change the wrap of line dl: the
// external mark always, the visited mark only with plain markers (so that
// Visited, which may be costly, is not called for layout otherwise).
func (v *View) wrapFlags(dl *docLine) uint8 {
	if dl.kind != gemtext.Link {
		return 0
	}
	url := v.Doc.links[dl.link-1].url
	var f uint8
	if v.external(url) {
		f |= flagExternal
	}
	if v.Styles.Plain && v.Visited != nil && v.Visited(url) {
		f |= flagVisited
	}
	return f
}

// maxSuffix returns the longest suffix line dl could get, in bytes.
func (v *View) maxSuffix(dl *docLine) int {
	if dl.kind != gemtext.Link {
		return 0
	}
	n := len(" ()") + max(len(scheme(v.Doc.links[dl.link-1].url)), len("external"))
	if v.Styles.Plain {
		n += len(markVisited)
	}
	return n
}

func (v *View) external(url string) bool {
	if v.External != nil {
		return v.External(url)
	}
	s := scheme(url)
	return s != "" && !strings.EqualFold(s, "gemini")
}

// scheme returns the scheme of url ("" for a relative reference).
func scheme(url string) string {
	for i := 0; i < len(url); i++ {
		c := url[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return url[:i]
		default:
			return ""
		}
	}
	return ""
}

// suffix returns what is drawn after a link's label.
func (v *View) suffix(url string, flags uint8) string {
	s := ""
	if flags&flagExternal != 0 {
		sc := scheme(url)
		if sc == "" {
			sc = "external"
		}
		s = " (" + strings.ToLower(sc) + ")"
	}
	if flags&flagVisited != 0 && v.Styles.Plain {
		s += markVisited
	}
	return s
}

// shape is how a source line is drawn.
type shape struct {
	kind        gemtext.Kind
	first, cont string // prefix of the first row and of the others
	body        string // the text that wraps after the prefix
	label       int    // the length of body's searchable part
	flags       uint8  // link flags (all of them, for the style)
	link        int    // link number, 0 if none
}

// shape returns the shape of line i; wflags are its wrap flags.
func (v *View) shape(i int) shape {
	dl := &v.Doc.lines[i]
	g := v.Styles.glyphs()
	sh := shape{kind: dl.kind, body: dl.text}
	switch dl.kind {
	case gemtext.Heading:
		sh.first = "### "[3-dl.level:]
		sh.cont = spaces(len(sh.first))
	case gemtext.ListItem:
		sh.first, sh.cont = g.bullet, spaces(2)
	case gemtext.Quote:
		sh.first, sh.cont = g.quote, g.quote
	case gemtext.PreformatToggle:
		if dl.text != "" {
			sh.first, sh.cont = g.alt, spaces(width(g.alt))
		}
	case gemtext.Link:
		sh.link = int(dl.link)
		sh.first = "[" + strconv.Itoa(sh.link) + "] "
		sh.cont = spaces(len(sh.first))
		url := v.Doc.links[dl.link-1].url
		if sh.body == "" {
			sh.body = url
		}
		sh.label = len(sh.body)
		sh.flags = v.linkFlags(dl.link)
		if sfx := v.suffix(url, sh.flags); sfx != "" {
			sh.body += sfx
		}
		return sh
	}
	sh.label = len(sh.body)
	return sh
}

// measure returns the prefix width and body length of line dl, its link
// suffix left out.
func (v *View) measure(dl *docLine) (pw, blen int) {
	switch dl.kind {
	case gemtext.Heading:
		return int(dl.level) + 1, len(dl.text)
	case gemtext.ListItem, gemtext.Quote:
		return 2, len(dl.text)
	case gemtext.PreformatToggle:
		if dl.text == "" {
			return 0, 0
		}
		return width(v.Styles.glyphs().alt), len(dl.text)
	case gemtext.Link:
		blen = len(dl.text)
		if blen == 0 {
			blen = len(v.Doc.links[dl.link-1].url)
		}
		return digits(dl.link) + 3, blen
	}
	return 0, len(dl.text)
}

func digits(n uint32) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// progressiveMin is the body length from which a line is wrapped only as
// far as the rows asked for (a variable so that tests can lower it).
var progressiveMin = 16 << 10

// rowsAtLeast lays out line i at least far enough to know where its first
// k rows end, and returns the row starts known after the first, and
// whether they are all of them: either done, or len(breaks) ≥ k. When
// done, the line has len(breaks)+1 rows.
//
// A line whose body is longer than progressiveMin is wrapped in steps, as
// far as asked; any other is wrapped whole on first need. A line that
// surely fits on one row is never stored.
func (v *View) rowsAtLeast(i, k int) (breaks []uint32, done bool) {
	dl := &v.Doc.lines[i]
	if dl.kind == gemtext.Preformatted {
		return nil, true
	}
	key := v.key()
	pw, blen := v.measure(dl)
	w := max(1, key.width-pw)
	// A cluster is never wider in cells than it is long in bytes: a short
	// line fits without measuring, whatever its flags.
	if blen+v.maxSuffix(dl) <= w {
		return nil, true
	}
	f := v.wrapFlags(dl)
	if dl.kind == gemtext.Link && f != 0 {
		blen += len(v.suffix(v.Doc.links[dl.link-1].url, f))
	}
	if blen <= w {
		return nil, true
	}
	lay := v.Doc.layout(key)
	if n, br := lay.lookup(i, f); n > 0 {
		return br, true
	}
	sh := v.shape(i)
	if blen <= progressiveMin {
		v.scratch = wrap(sh.body, w, v.scratch[:0])
		lay.store(i, f, v.scratch)
		_, br := lay.lookup(i, f)
		return br, true
	}
	p := lay.partial[i]
	if p == nil || p.flags != f {
		p = &partial{flags: f}
		if lay.partial == nil {
			lay.partial = make(map[int]*partial)
		}
		lay.partial[i] = p
	}
	if len(p.breaks) < k {
		// Wrap ahead a little, so that scrolling row by row does not
		// resume the wrap at every step.
		p.breaks = p.w.run(sh.body, w, p.breaks, max(k, 2*len(p.breaks), 64))
	}
	if p.w.done(sh.body) {
		lay.store(i, f, p.breaks)
		delete(lay.partial, i)
		_, br := lay.lookup(i, f)
		return br, true
	}
	return p.breaks, false
}

// rows lays out line i whole and returns its number of rows and where
// its rows after the first begin in its body.
func (v *View) rows(i int) (n int, breaks []uint32) {
	breaks, _ = v.rowsAtLeast(i, math.MaxInt)
	return len(breaks) + 1, breaks
}

// nrows returns how many rows line i takes (laying it out whole).
func (v *View) nrows(i int) int {
	n, _ := v.rows(i)
	return n
}
