package gemtext

import (
	"strings"
	"testing"
)

func text(s string) Line           { return Line{Kind: Text, Text: s} }
func link(u, label string) Line    { return Line{Kind: Link, URL: u, Text: label} }
func heading(n int, s string) Line { return Line{Kind: Heading, Level: n, Text: s} }
func item(s string) Line           { return Line{Kind: ListItem, Text: s} }
func quote(s string) Line          { return Line{Kind: Quote, Text: s} }
func toggle(alt string) Line       { return Line{Kind: PreformatToggle, Text: alt} }
func preformatted(s string) Line   { return Line{Kind: Preformatted, Text: s} }

// ruleCases are the parsing rules, one input document each. They are run
// through several reader shapes in parser_test.go and through the round
// trip in document_test.go.
var ruleCases = []struct {
	name string
	in   string
	want []Line
}{
	// Links.
	{"link with label", "=> gemini://example.org/ Example", []Line{link("gemini://example.org/", "Example")}},
	{"link no space", "=>gemini://x", []Line{link("gemini://x", "")}},
	{"link relative", "=> ../up.gmi", []Line{link("../up.gmi", "")}},
	{"link tabs", "=>\tgemini://x\tthe label\t ", []Line{link("gemini://x", "the label")}},
	{"link mixed whitespace", "=> \t url \t  spaced  label \t", []Line{link("url", "spaced  label")}},
	{"link trailing whitespace no label", "=> url   ", []Line{link("url", "")}},
	{"link url as written", "=> HTTPS://Ex.org/a%20b?q=1#f x", []Line{link("HTTPS://Ex.org/a%20b?q=1#f", "x")}},
	{"link nbsp is not whitespace", "=> a\u00a0b c", []Line{link("a\u00a0b", "c")}},
	{"link label keeps inner cr", "=> u a\rb", []Line{link("u", "a\rb")}},
	{"link empty", "=>", []Line{text("=>")}},
	{"link only spaces", "=>   ", []Line{text("=>   ")}},
	{"link only tabs", "=>\t\t", []Line{text("=>\t\t")}},
	{"link space inside marker", "= > x", []Line{text("= > x")}},
	{"link indented", " => x", []Line{text(" => x")}},
	{"single equals", "=", []Line{text("=")}},

	// Headings.
	{"h1", "# Title", []Line{heading(1, "Title")}},
	{"h1 no space", "#Title", []Line{heading(1, "Title")}},
	{"h2", "## Sub", []Line{heading(2, "Sub")}},
	{"h3", "### Subsub", []Line{heading(3, "Subsub")}},
	{"h4 is h3", "####x", []Line{heading(3, "#x")}},
	{"h4 spaced", "#### x", []Line{heading(3, "# x")}},
	{"h1 empty", "#", []Line{heading(1, "")}},
	{"h2 empty", "##", []Line{heading(2, "")}},
	{"h1 blank", "#   ", []Line{heading(1, "")}},
	{"heading tabs", "#\t title", []Line{heading(1, "title")}},
	{"heading trailing kept", "# title  ", []Line{heading(1, "title  ")}},
	{"heading hash text", "# #x", []Line{heading(1, "#x")}},

	// List items.
	{"list item", "* item", []Line{item("item")}},
	{"list needs space", "*foo", []Line{text("*foo")}},
	{"list star alone", "*", []Line{text("*")}},
	{"list tab is not space", "*\titem", []Line{text("*\titem")}},
	{"list keeps rest", "*  two  ", []Line{item(" two  ")}},
	{"list empty", "* ", []Line{item("")}},

	// Quotes.
	{"quote", ">quote", []Line{quote("quote")}},
	{"quote space", "> quote ", []Line{quote("quote ")}},
	{"quote whitespace", ">\t  q", []Line{quote("q")}},
	{"quote empty", ">", []Line{quote("")}},
	{"quote blank", ">  ", []Line{quote("")}},
	{"quote of link", "> => x", []Line{quote("=> x")}},

	// Preformatting.
	{"toggle", "```", []Line{toggle("")}},
	{"toggle alt", "```go", []Line{toggle("go")}},
	{"toggle alt trimmed", "```\t go  \t", []Line{toggle("go")}},
	{"toggle four backticks", "````", []Line{toggle("`")}},
	{"toggle indented", " ```", []Line{text(" ```")}},
	{"two backticks", "``", []Line{text("``")}},
	{"block", "```ascii art\n=> x\n# h\n* i\n> q\n\n  spaced  \n```closing alt\nafter", []Line{
		toggle("ascii art"), preformatted("=> x"), preformatted("# h"), preformatted("* i"),
		preformatted("> q"), preformatted(""), preformatted("  spaced  "), toggle(""), text("after"),
	}},
	{"block crlf", "```\r\n a\r\n```\r\n", []Line{toggle(""), preformatted(" a"), toggle("")}},
	{"block unclosed", "```\nx", []Line{toggle(""), preformatted("x")}},
	{"block indented close", "```\n ```\n```", []Line{toggle(""), preformatted(" ```"), toggle("")}},
	{"two blocks", "```a\n```b\n```c\n```d", []Line{toggle("a"), toggle(""), toggle("c"), toggle("")}},

	// Line endings.
	{"empty input", "", nil},
	{"one newline", "\n", []Line{text("")}},
	{"two newlines", "\n\n", []Line{text(""), text("")}},
	{"crlf only", "\r\n", []Line{text("")}},
	{"lf", "a\nb\n", []Line{text("a"), text("b")}},
	{"crlf", "a\r\nb\r\n", []Line{text("a"), text("b")}},
	{"mixed", "a\r\nb\nc", []Line{text("a"), text("b"), text("c")}},
	{"no final newline", "a", []Line{text("a")}},
	{"cr at eof", "a\r", []Line{text("a")}},
	{"lone cr at eof", "\r", []Line{text("")}},
	{"lone cr kept", "a\rb", []Line{text("a\rb")}},
	{"cr then crlf", "a\r\r\n", []Line{text("a\r")}},
	{"leading cr", "\ra\n", []Line{text("\ra")}},
	{"cr before heading", "\r# x", []Line{text("\r# x")}},
	{"cr cr at eof", "a\r\r", []Line{text("a\r")}},

	// Byte order mark.
	{"bom", "\uFEFF# T", []Line{heading(1, "T")}},
	{"bom only", "\uFEFF", nil},
	{"bom newline", "\uFEFF\n", []Line{text("")}},
	{"bom toggle", "\uFEFF```x\n#", []Line{toggle("x"), preformatted("#")}},
	{"two boms", "\uFEFF\uFEFFx", []Line{text("\uFEFFx")}},
	{"bom later kept", "a\n\uFEFFb", []Line{text("a"), text("\uFEFFb")}},
	{"partial bom", "\xEF\xBB", []Line{text("\xEF\xBB")}},
	{"partial bom newline", "\xEF\xBB\nx", []Line{text("\xEF\xBB"), text("x")}},

	// Text.
	{"text kept", "  indented \t ", []Line{text("  indented \t ")}},
	{"empty lines", "a\n\n\nb", []Line{text("a"), text(""), text(""), text("b")}},
	{"invalid utf8", "\xff\xfe\x80", []Line{text("\xff\xfe\x80")}},
	{"invalid utf8 link", "=> \xff \xfe", []Line{link("\xff", "\xfe")}},
	{"nul", "a\x00b", []Line{text("a\x00b")}},
}

func TestKindString(t *testing.T) {
	want := []string{"Text", "Link", "Heading", "ListItem", "Quote", "PreformatToggle", "Preformatted", "Kind(7)"}
	for k, w := range want {
		if got := Kind(k).String(); got != w {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, w)
		}
	}
	if got := Kind(255).String(); got != "Kind(255)" {
		t.Errorf("Kind(255).String() = %q", got)
	}
}

func TestLineString(t *testing.T) {
	tests := []struct {
		l    Line
		want string
	}{
		{text("hello "), "hello "},
		{text(""), ""},
		{link("gemini://x/", ""), "=> gemini://x/"},
		{link("gemini://x/", "X y"), "=> gemini://x/ X y"},
		{heading(1, "T"), "# T"},
		{heading(2, "T"), "## T"},
		{heading(3, "#x"), "### #x"},
		{heading(1, ""), "#"},
		{heading(3, ""), "###"},
		{heading(0, "clamped"), "# clamped"},
		{heading(7, "clamped"), "### clamped"},
		{item("i"), "* i"},
		{item(""), "* "},
		{item(" two"), "*  two"},
		{quote("q"), "> q"},
		{quote(""), ">"},
		{toggle(""), "```"},
		{toggle("go"), "```go"},
		{preformatted("  => x"), "  => x"},
		{Line{Kind: Kind(42), Text: "odd"}, "odd"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.l, got, tt.want)
		}
	}
}

// TestLineStringReparses checks that String of every line a rule case
// produces parses back to that line in the same preformat state.
func TestLineStringReparses(t *testing.T) {
	for _, tc := range ruleCases {
		pre := false
		for _, l := range tc.want {
			got, _ := parseLine(l.String(), pre)
			if l.Kind == PreformatToggle && pre {
				l.Text = ""
			}
			if got != l {
				t.Errorf("%s: parse(%q) = %+v, want %+v", tc.name, l.String(), got, l)
			}
			_, pre = parseLine(l.String(), pre)
		}
	}
}

func TestParseLineSubstrings(t *testing.T) {
	// parseLine must not allocate: everything is a substring of its input.
	s := strings.Repeat("x", 10)
	for _, in := range []string{"=> u label", "# h", "* i", "> q", "```alt", s} {
		if n := testing.AllocsPerRun(100, func() { parseLine(in, false) }); n != 0 {
			t.Errorf("parseLine(%q) allocates %v times", in, n)
		}
	}
}
