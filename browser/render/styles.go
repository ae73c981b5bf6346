package render

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Styles are the lipgloss styles of a page, one per kind of thing drawn.
// Only their text attributes are used (colours, bold, faint, italic,
// underline, blink, reverse, strikethrough); layout properties such as
// width, padding or borders are ignored.
type Styles struct {
	// Text is ordinary text; Heading1..Heading3 are headings by level.
	Text, Heading1, Heading2, Heading3 lipgloss.Style
	// Link is a Gemini link's label; LinkVisited one already visited;
	// LinkExternal one leaving Gemini; LinkSelected the selected link's
	// label (it wins over the others); LinkNumber the "[12]".
	Link, LinkVisited, LinkExternal, LinkSelected, LinkNumber lipgloss.Style
	// Bullet is a list item's bullet; Quote a quote's text, QuoteBar its bar.
	Bullet, Quote, QuoteBar lipgloss.Style
	// Preformatted is a preformatted line; AltText a block's caption.
	Preformatted, AltText lipgloss.Style
	// Match marks occurrences of the search query; CurrentMatch those on
	// the current match's line.
	Match, CurrentMatch lipgloss.Style
	// Plain selects ASCII markers ("* ", "> ", "```") and marks visited
	// links with a trailing " ✓", for styles that show no colour.
	// PlainStyles sets it.
	Plain bool
}

// DefaultStyles returns coloured styles for a dark (isDark) or light
// terminal background.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	return Styles{
		Text:         lipgloss.NewStyle(),
		Heading1:     c("#875f00", "#ffd75f").Bold(true).Underline(true),
		Heading2:     c("#005f87", "#5fd7ff").Bold(true),
		Heading3:     c("#5f5f87", "#afafff").Bold(true),
		Link:         c("#0055cc", "#5fafff"),
		LinkVisited:  c("#6c3fa0", "#af87d7"),
		LinkExternal: c("#007575", "#5fd7af"),
		LinkSelected: lipgloss.NewStyle().Reverse(true).Bold(true),
		LinkNumber:   c("#6c6c6c", "#8a8a8a"),
		Bullet:       c("#875f00", "#ffd75f"),
		Quote:        c("#4e4e4e", "#bcbcbc").Italic(true),
		QuoteBar:     c("#8a8a8a", "#6c6c6c"),
		Preformatted: c("#5f5f00", "#d7d7af"),
		AltText:      c("#6c6c6c", "#8a8a8a").Italic(true),
		Match: lipgloss.NewStyle().
			Foreground(lipgloss.Color("#000000")).Background(ld(lipgloss.Color("#ffff87"), lipgloss.Color("#d7af00"))),
		CurrentMatch: lipgloss.NewStyle().Bold(true).
			Foreground(lipgloss.Color("#000000")).Background(ld(lipgloss.Color("#ffaf5f"), lipgloss.Color("#ff8700"))),
	}
}

// PlainStyles returns styles that emit no SGR at all (for NO_COLOR): every
// style is empty, and what colour would show is marked with characters.
func PlainStyles() Styles {
	return Styles{Plain: true}
}

// glyphs are the markers drawn for one of the two marker sets.
type glyphs struct {
	bullet, quote, alt string
}

var (
	fancyGlyphs = glyphs{bullet: "• ", quote: "│ ", alt: "── "}
	plainGlyphs = glyphs{bullet: "* ", quote: "> ", alt: "``` "}
)

const (
	markSelected     = "▶"
	markCurrentMatch = "»"
	markMatch        = "›"
	markVisited      = " ✓"

	// markUnderline and markDoubleUnderline follow each cluster of a
	// search match under PlainStyles.
	markUnderline       = "\u0332" // COMBINING LOW LINE
	markDoubleUnderline = "\u0333" // COMBINING DOUBLE LOW LINE
)

func (s *Styles) glyphs() *glyphs {
	if s.Plain {
		return &plainGlyphs
	}
	return &fancyGlyphs
}

// styleID names a field of Styles.
type styleID uint8

const (
	sText styleID = iota
	sHeading1
	sHeading2
	sHeading3
	sLink
	sLinkVisited
	sLinkExternal
	sLinkSelected
	sLinkNumber
	sBullet
	sQuote
	sQuoteBar
	sPreformatted
	sAltText
	sMatch
	sCurrentMatch
	nStyles
)

// style returns the style named id.
func (s *Styles) style(id styleID) *lipgloss.Style {
	return [nStyles]*lipgloss.Style{
		&s.Text, &s.Heading1, &s.Heading2, &s.Heading3,
		&s.Link, &s.LinkVisited, &s.LinkExternal, &s.LinkSelected, &s.LinkNumber,
		&s.Bullet, &s.Quote, &s.QuoteBar, &s.Preformatted, &s.AltText,
		&s.Match, &s.CurrentMatch,
	}[id]
}

// sgr returns the SGR sequence that starts text in style st ("" for a
// style with no attributes). Only a style's text attributes are used (its
// colours, bold, faint, italic, underline, blink, reverse,
// strikethrough); layout properties (width, padding, borders, …) are
// ignored. The rows are styled here rather than with Style.Render, which
// with underline or strikethrough styles each rune on its own and so cuts
// grapheme clusters (emoji sequences, combining marks) apart.
func sgr(st *lipgloss.Style) string {
	var te ansi.Style
	if st.GetBold() {
		te = te.Bold()
	}
	if st.GetItalic() {
		te = te.Italic(true)
	}
	if st.GetUnderline() {
		te = te.Underline(true)
	}
	if st.GetReverse() {
		te = te.Reverse(true)
	}
	if st.GetBlink() {
		te = te.Blink(true)
	}
	if st.GetFaint() {
		te = te.Faint()
	}
	if c := st.GetForeground(); isColor(c) {
		te = te.ForegroundColor(c)
	}
	if c := st.GetBackground(); isColor(c) {
		te = te.BackgroundColor(c)
	}
	if c := st.GetUnderlineColor(); isColor(c) {
		te = te.UnderlineColor(c)
	}
	if st.GetUnderline() {
		te = te.UnderlineStyle(st.GetUnderlineStyle())
	}
	if st.GetStrikethrough() {
		te = te.Strikethrough(true)
	}
	if len(te) == 0 {
		return ""
	}
	return te.String()
}

func isColor(c color.Color) bool {
	if c == nil {
		return false
	}
	_, none := c.(lipgloss.NoColor)
	return !none
}
