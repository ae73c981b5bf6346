// Package render lays out and draws gemtext pages for the terminal.
//
// A Document holds a page's lines as they stream in; a View draws a window
// of Height rows onto it. Nothing is laid out ahead of need: a line is
// wrapped the first time one of its rows is drawn or scrolled over (a very
// long line only as far as the rows needed), and the result is kept as
// byte offsets into the line's text (never as styled strings), cached in
// the Document per wrap width. Only the rows on screen are styled. So the
// first screen of a huge page, a scroll step, a link selection and a
// resize cost time in proportion to the screen, not the page; End lays out
// the last screenful only. A scroll anchor is a Pos, a source line and a
// wrapped row within it; there is no global row index, and Percent is by
// source line.
//
// # Layout
//
// Every row has a one-cell left margin. It is blank, except that it holds
// "▶" on the rows of the selected link, "»" on rows holding an occurrence of
// the search query on the current match's line and "›" on rows holding an
// occurrence elsewhere. Text after the margin wraps at
// min(Width-1, ReadingWidth) cells (ReadingWidth 0 means 100), left-aligned,
// at spaces (and between wide CJK characters); a word longer than the line
// is broken between grapheme clusters. Widths are display widths of grapheme
// clusters as github.com/charmbracelet/x/ansi measures them (CJK and emoji
// 2 cells, combining marks 0). Right-to-left text is passed through in
// logical order; the terminal does the rest.
//
// Each source line is at least one row; empty lines are the author's and
// are kept, none are added:
//
//	Text             the text; an empty line is an empty row
//	Heading          "#", "##" or "###" and a space, then the text; wrapped
//	                 rows indented under the text
//	ListItem         "• " ("* " with PlainStyles), hanging indent
//	Quote            "│ " ("> " with PlainStyles) on every row
//	Link             "[12] label", continuation rows aligned after "[12] ";
//	                 the URL when there is no label; a link that leaves
//	                 Gemini gets its scheme appended, "(https)"; with
//	                 PlainStyles a visited link ends in " ✓"
//	PreformatToggle  an opening toggle with alt text: "── alt text" ("``` alt
//	                 text" with PlainStyles), wrapped; any other toggle is
//	                 one empty row
//	Preformatted     never wrapped: cut to Width-1 cells after XOffset cells
//
// Trailing spaces are not drawn. With PlainStyles the output holds no escape
// sequence at all; with other styles the only escapes are the styles' own
// SGR sequences. Search matches are drawn in the Match and CurrentMatch
// styles; with PlainStyles, which have no SGR, they are underlined in the
// text itself instead: each grapheme cluster of a match is followed by
// U+0332 COMBINING LOW LINE (U+0333 COMBINING DOUBLE LOW LINE on the current
// match's line), which takes no cell, so the layout does not change.
//
// A Document and its Views are used from one goroutine (the Bubble Tea
// model's); a Document may grow between calls to Render.
package render
