package render

import (
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"propus/gemtext"
)

// hostile is a page whose every kind of line carries escape sequences and
// control characters.
const hostile = "# Title \x1b[31mred\x1b[0m\x07\n" +
	"text \x1b]0;evil title\x07 and \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x1bPdcs\x1b\\ \x9b31m c1 \x90dcs\x9c \xff\xfe bad utf-8\n" +
	"=> gemini://x/\x1b[2J label \x1b[1;1H\x08\x7f\n" +
	"=> https://x/\x1b]52;c;aGk=\x07\n" +
	"* item\x1b[?1049h\r\n" +
	"> quote\x1b(0 \x1bc reset\n" +
	"=> gemini://x/\u202e\u2066 bidi \u202a\u202b\u202c\u202d\u2067\u2068\u2069label\n" +
	"```alt\x1b[5m\n" +
	"pre\tformatted\x1b[K\x00\x1b\n" +
	"```\n" +
	"tab\x1b[31m\tafter escape\n"

var sgrRE = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func TestSanitised(t *testing.T) {
	d := parse(t, hostile)
	for i := range d.Len() {
		l := d.Line(i)
		for _, s := range []string{l.Text, l.URL} {
			if strings.ContainsAny(s, "\x1b\x07\x00\x08\x7f\r\n\t\u009b\u0090\u009c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
				t.Errorf("line %d holds a control character: %q", i, s)
			}
		}
	}
	if got := d.Title(); got != "Title red" {
		t.Errorf("Title() = %q", got)
	}
	for _, w := range []int{10, 40, 80} {
		v := View{Doc: d, Width: w, Styles: PlainStyles(), Selected: 1, Query: "e", CurrentMatch: 0}
		v.Matches = d.Search(v.Query)
		out := renderAll(&v)
		if strings.ContainsAny(out, "\x1b\x07\x00\x08\x7f\r\t\u009b") {
			t.Fatalf("PlainStyles output at %d holds a control character: %q", w, out)
		}
		if ansi.Strip(out) != out {
			t.Fatalf("PlainStyles output at %d holds escapes", w)
		}
		checkRows(t, out, w, v.Height)

		for _, dark := range []bool{true, false} {
			v.Styles = DefaultStyles(dark)
			out := renderAll(&v)
			rest := sgrRE.ReplaceAllString(out, "")
			if i := strings.IndexByte(rest, 0x1b); i >= 0 {
				t.Fatalf("DefaultStyles output holds a non-SGR escape: %q", rest[i:min(i+10, len(rest))])
			}
			if strings.ContainsAny(rest, "\x07\x00\x08\x7f\r\t\u009b") {
				t.Fatalf("DefaultStyles output holds a control character: %q", rest)
			}
			if !strings.Contains(out, "\x1b[") {
				t.Fatal("DefaultStyles output has no SGR at all")
			}
			checkRows(t, out, w, v.Height)
		}
	}
}

func TestTabs(t *testing.T) {
	d := NewDocument()
	d.Append(
		gemtext.Line{Kind: gemtext.Text, Text: "a\tb\tc"},
		gemtext.Line{Kind: gemtext.Preformatted, Text: "\tx"},
		gemtext.Line{Kind: gemtext.Text, Text: "日本\tx"},
		gemtext.Line{Kind: gemtext.Text, Text: "12345678\tx"},
		gemtext.Line{Kind: gemtext.ListItem, Text: "a\tb"},
		gemtext.Line{Kind: gemtext.Text, Text: "line\nbreak\ttab"},
	)
	want := []string{
		"a       b       c",
		"        x",
		"日本    x",
		"12345678        x",
		"a b",
		"line break      tab",
	}
	for i, w := range want {
		if got := d.Line(i).Text; got != w {
			t.Errorf("line %d: %q, want %q", i, got, w)
		}
	}
}

func TestAppendOddLines(t *testing.T) {
	d := NewDocument()
	d.Append(
		gemtext.Line{Kind: gemtext.Heading, Level: 9, Text: "deep"},
		gemtext.Line{Kind: gemtext.Kind(42), Text: "unknown"},
		gemtext.Line{Kind: gemtext.Link, URL: ""},
	)
	if l := d.Line(0); l.Level != 3 {
		t.Errorf("level %d", l.Level)
	}
	if l := d.Line(1); l.Kind != gemtext.Text {
		t.Errorf("kind %v", l.Kind)
	}
	v := View{Doc: d, Width: 20, Height: 3, Styles: PlainStyles()}
	if got := v.Render(); got != " ### deep\n unknown\n [1]" {
		t.Errorf("%q", got)
	}
}

func TestSearch(t *testing.T) {
	d := parse(t, "Hello\nhello world\nHELLO\n=> /x\n=> /hello\n=> /y HeLLo\nİstanbul\nKelvin K\n```\nhello pre\n```\n")
	if got := d.Search("hello"); !equal(got, []int{0, 1, 2, 4, 5, 9}) {
		t.Errorf("Search(hello) = %v", got)
	}
	if got := d.Search("k"); !equal(got, []int{7}) {
		t.Errorf("Search(k) = %v (the Kelvin sign lowers to k)", got)
	}
	if got := d.Search("İ"); !equal(got, []int{6, 7}) { // İ lowers to i
		t.Errorf("Search(İ) = %v", got)
	}
	if d.Search("") != nil {
		t.Error("empty query matched")
	}
}

// TestFoldAgreesWithToLower checks containsFold against the definition.
func TestFoldAgreesWithToLower(t *testing.T) {
	texts := []string{"Hello World", "İstanbul", "Kelvin K", "ſtraße", "ΣΊΣΥΦΟΣ σίσυφος", "日本語テキスト", "e\u0301té", "ÀÉÎÕÜ àéîõü", "iİıI"}
	queries := []string{"h", "world", "i", "İ", "k", "s", "ſ", "σ", "Σ", "日本", "é", "e", "àé", "ı", "I", "ss", "ß"}
	for _, s := range texts {
		for _, q := range queries {
			want := strings.Contains(strings.ToLower(s), strings.ToLower(q))
			if got := containsFold(s, lowerQuery(q)); got != want {
				t.Errorf("containsFold(%q, %q) = %v, want %v", s, q, got, want)
			}
		}
	}
	// Only 'i' and 'k' have a non-ASCII rune lowering to them.
	for r := rune(0x80); r <= 0x10ffff; r++ {
		if l := unicode.ToLower(r); l < 0x80 && l != 'i' && l != 'k' {
			t.Errorf("%U lowers to ASCII %q", r, l)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestStyledClustersWhole: styling never puts an escape inside a grapheme
// cluster (lipgloss's Render does, with underline).
func TestStyledClustersWhole(t *testing.T) {
	clusters := []string{"👨‍👩‍👧‍👦", "e\u0301", "🇯🇵", "👍🏽", "각"}
	d := parse(t, "# "+strings.Join(clusters, " ")+"\n")
	v := View{Doc: d, Width: 80, Height: 1, Styles: DefaultStyles(true), Query: "e", CurrentMatch: 0}
	v.Matches = d.Search("e")
	out := v.Render()
	if !strings.Contains(out, "\x1b[") {
		t.Fatal("no SGR")
	}
	for _, c := range clusters {
		if !strings.Contains(out, c) {
			t.Errorf("%q cut apart in %q", c, out)
		}
	}
}
