package gemtext

import "strconv"

// Kind is the closed set of gemtext line types.
//
// The constant Text (a Kind) and the field Line.Text (a string) share a
// name; they live in different scopes and do not clash.
type Kind uint8

const (
	// Text is an ordinary text line; an empty line is a Text line with "".
	Text Kind = iota
	// Link is a "=>" line: URL holds the URL as written, Text the label
	// (possibly empty).
	Link
	// Heading is a "#", "##" or "###" line; Level is 1..3.
	Heading
	// ListItem is a "* " line.
	ListItem
	// Quote is a ">" line.
	Quote
	// PreformatToggle is a "```" line. On an opening toggle Text is the alt
	// text; on a closing toggle Text is always "".
	PreformatToggle
	// Preformatted is a line inside a preformatted block, Text verbatim.
	Preformatted
)

var kindNames = [...]string{
	Text:            "Text",
	Link:            "Link",
	Heading:         "Heading",
	ListItem:        "ListItem",
	Quote:           "Quote",
	PreformatToggle: "PreformatToggle",
	Preformatted:    "Preformatted",
}

// String returns the constant's name, e.g. "ListItem", or "Kind(n)" for a
// value outside the set.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Line is one parsed gemtext line. It is a plain value; copying it is cheap.
type Line struct {
	Kind  Kind
	Level int    // 1..3 for Heading, 0 otherwise
	Text  string // text, link label, heading, list item, quote, alt text or preformatted text
	URL   string // Link only: the URL exactly as written, unresolved
}

// String returns the canonical gemtext serialisation of the line, without
// a line ending:
//
//	Text, Preformatted   Text verbatim
//	Link                 "=> URL" or "=> URL Label"
//	Heading              "#"×Level, then " Text" if Text is not empty
//	ListItem             "* Text"
//	Quote                "> Text", or ">" if Text is empty
//	PreformatToggle      "```Text"
//
// A Heading Level outside 1..3 is clamped. String is context free; use
// [Document.WriteTo] to serialise a sequence of lines, which also handles
// preformat state, line endings and a leading byte order mark.
//
// For every line the parser produces, parsing String's result in the same
// preformat state gives the line back. Hand-built lines that gemtext cannot
// express (a Link URL that is empty or contains whitespace, a Text line that
// begins with a line-type marker, ...) do not survive the round trip.
func (l Line) String() string {
	return string(l.appendTo(nil))
}

// appendTo appends the serialisation described at [Line.String] to b.
func (l Line) appendTo(b []byte) []byte {
	switch l.Kind {
	case Link:
		b = append(b, "=> "...)
		b = append(b, l.URL...)
		if l.Text != "" {
			b = append(b, ' ')
			b = append(b, l.Text...)
		}
	case Heading:
		b = append(b, "###"[:min(max(l.Level, 1), 3)]...)
		if l.Text != "" {
			b = append(b, ' ')
			b = append(b, l.Text...)
		}
	case ListItem:
		b = append(b, "* "...)
		b = append(b, l.Text...)
	case Quote:
		b = append(b, '>')
		if l.Text != "" {
			b = append(b, ' ')
			b = append(b, l.Text...)
		}
	case PreformatToggle:
		b = append(b, "```"...)
		b = append(b, l.Text...)
	default: // Text, Preformatted
		b = append(b, l.Text...)
	}
	return b
}

// isWS reports whether c is gemtext whitespace (space or tab).
func isWS(c byte) bool { return c == ' ' || c == '\t' }

func trimLeftWS(s string) string {
	i := 0
	for i < len(s) && isWS(s[i]) {
		i++
	}
	return s[i:]
}

func trimWS(s string) string {
	s = trimLeftWS(s)
	j := len(s)
	for j > 0 && isWS(s[j-1]) {
		j--
	}
	return s[:j]
}

// parseLine classifies one line s (line ending already removed) given the
// preformat state pre, and returns the line and the new state. The strings
// in the result are substrings of s.
func parseLine(s string, pre bool) (Line, bool) {
	if len(s) >= 3 && s[0] == '`' && s[1] == '`' && s[2] == '`' {
		if pre {
			return Line{Kind: PreformatToggle}, false
		}
		return Line{Kind: PreformatToggle, Text: trimWS(s[3:])}, true
	}
	if pre {
		return Line{Kind: Preformatted, Text: s}, true
	}
	if len(s) == 0 {
		return Line{Kind: Text}, false
	}
	switch s[0] {
	case '=':
		if len(s) >= 2 && s[1] == '>' {
			rest := trimLeftWS(s[2:])
			if rest == "" {
				break // no URL: a Text line
			}
			i := 0
			for i < len(rest) && !isWS(rest[i]) {
				i++
			}
			return Line{Kind: Link, URL: rest[:i], Text: trimWS(rest[i:])}, false
		}
	case '#':
		level := 1
		for level < 3 && level < len(s) && s[level] == '#' {
			level++
		}
		return Line{Kind: Heading, Level: level, Text: trimLeftWS(s[level:])}, false
	case '*':
		if len(s) >= 2 && s[1] == ' ' {
			return Line{Kind: ListItem, Text: s[2:]}, false
		}
	case '>':
		return Line{Kind: Quote, Text: trimLeftWS(s[1:])}, false
	}
	return Line{Kind: Text, Text: s}, false
}
