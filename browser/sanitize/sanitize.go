// Package sanitize is the one place where text from the network is made
// safe to print on a terminal. Every server-supplied string that reaches
// the screen — bodies, META, link labels, titles, error text, file names —
// goes through Text or Line first.
//
// Removed: escape sequences (CSI, OSC, DCS, SOS, PM, APC and two-byte
// escapes) whole, the C0 controls but TAB and LF, DEL, and the C1 controls
// (U+0080–U+009F, with the C1 forms of CSI, OSC and DCS removed whole), and
// the bidi embedding, override and isolate controls (U+202A–U+202E,
// U+2066–U+2069), which let a server reorder what the user reads (a link
// label that shows one address and is another; "Trojan Source").
// Invalid UTF-8 becomes U+FFFD, so no raw 0x80–0x9F byte can be taken for
// a C1 control by an 8-bit terminal. Printable text, including wide,
// combining and right-to-left characters and the bidi marks (LRM, RLM,
// ALM), passes through unchanged: the terminal orders it.
package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Text returns s made safe for a terminal, keeping TAB and LF (a CR before
// an LF is dropped, as is any other CR).
func Text(s string) string { return clean(s, false) }

// Line returns s made safe for a terminal on one line: TAB, CR and LF each
// become a space.
func Line(s string) string { return clean(s, true) }

// isClean reports whether s holds nothing to remove: printable ASCII,
// valid UTF-8 outside the C1 range and the bidi controls, and TAB and LF
// unless oneLine.
func isClean(s string, oneLine bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c < 0x7f || !oneLine && (c == '\t' || c == '\n') {
				i++
				continue
			}
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r <= 0x9f || isBidiControl(r) {
			return false
		}
		i += size
	}
	return true
}

func clean(s string, oneLine bool) string {
	if isClean(s, oneLine) {
		return s // the common case, in any script: nothing to do, nothing allocated
	}
	i := 0
	for i < len(s) && (s[i] >= 0x20 && s[i] < 0x7f || !oneLine && (s[i] == '\t' || s[i] == '\n')) {
		i++
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
			i++
		case c == '\t' || c == '\n' || c == '\r':
			if oneLine {
				b.WriteByte(' ')
			} else if c != '\r' {
				b.WriteByte(c)
			}
			i++
		case c == 0x1b:
			i = skipEscape(s, i+1)
		case c < 0x20 || c == 0x7f:
			i++ // other C0 controls and DEL
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteRune(utf8.RuneError)
			case r == 0x9b: // C1 CSI
				i = skipCSI(s, i)
			case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, SOS, PM, APC
				i = skipString(s, i)
			case r >= 0x80 && r <= 0x9f || isBidiControl(r):
				// other C1 controls, bidi controls
			default:
				b.WriteString(s[i-size : i])
			}
		}
	}
	return b.String()
}

// skipEscape skips the rest of an escape sequence whose ESC ends before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// ESC, intermediates 0x20–0x2F, one final byte 0x30–0x7E.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameters (0x30–0x3F), intermediates (0x20–0x2F) and the
// final byte (0x40–0x7E) of a control sequence. A byte outside those ends it
// early, unprinted bytes and all.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips an OSC, DCS, SOS, PM or APC body up to and including its
// terminator: BEL, ESC \ or the C1 ST (U+009C); to the end when there is none.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c:
			return i + 2
		}
		i++
	}
	return i
}

// isBidiControl reports whether r is a bidi embedding, override or isolate
// control: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E) or LRI, RLI, FSI, PDI
// (U+2066–U+2069).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
