package render

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// TestNoClusterWiderThanBytes backs the shortcut in rows: a line no longer
// in bytes than the row is wide in cells fits without measuring.
func TestNoClusterWiderThanBytes(t *testing.T) {
	for r := rune(0x20); r <= 0x10ffff; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		if w := width(s); w > len(s) {
			t.Fatalf("%U: %d cells, %d bytes", r, w, len(s))
		}
		if s2 := s + "\ufe0f"; width(s2) > len(s2) {
			t.Fatalf("%U VS16: %d cells", r, width(s2))
		}
	}
}

var tricky = []string{
	"word", "a", "", " ", "   ", "日本語", "中文文本", "한국어", "👨‍👩‍👧‍👦", "🇯🇵🇫🇷", "👍🏽", "❤️", "e\u0301", "Z\u0351\u0352\u0353",
	"שלום", "مرحبا", "Supercalifragilisticexpialidocious", "、", "。", "ｱ", "\u200b", "\u200d", "x\u0301\u0301\u0301",
	"\t", "tab\there", "-", "—", "…", "©\ufe0f", "\U0001F600", "ﷺ", "각",
}

// randomText joins random tricky pieces.
func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(tricky[r.IntN(len(tricky))])
		if r.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func randomDoc(r *rand.Rand) string {
	var b strings.Builder
	prefixes := []string{"", "# ", "## ", "### ", "* ", "> ", "=> gemini://x/ ", "=> https://y/ ", "```", "=> /z"}
	for range 40 {
		p := prefixes[r.IntN(len(prefixes))]
		b.WriteString(p)
		if p != "=> /z" {
			b.WriteString(randomText(r, r.IntN(30)))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRandomWidths renders random documents at many sizes: every row fits
// and no grapheme is split.
func TestRandomWidths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 60 {
		src := randomDoc(r)
		d := parse(t, src)
		for _, w := range []int{1, 2, 3, 4, 5, 7, 10, 13, 20, 33, 80} {
			for _, plain := range []bool{true, false} {
				v := View{Doc: d, Width: w, Height: 7, Selected: 1 + r.IntN(3), XOffset: r.IntN(5),
					Query: "a", Matches: d.Search("a"), CurrentMatch: 0}
				v.Styles = PlainStyles()
				if !plain {
					v.Styles = DefaultStyles(true)
				}
				for !v.AtEnd() {
					checkRows(t, v.Render(), w, 7)
					v.PageDown()
				}
				checkRows(t, v.Render(), w, 7)
				v.Height = totalRows(&v)
				out := v.Render()
				checkRows(t, out, w, v.Height)
				if plain {
					checkClusters(t, d, &v, out)
				}
			}
		}
	}
}

// checkClusters checks that the rows of each line of a plain rendering
// hold its text's grapheme clusters whole.
func checkClusters(t *testing.T, d *Document, v *View, out string) {
	t.Helper()
	for i := range d.Len() {
		sh := v.shape(i)
		_, breaks := v.rows(i)
		for _, b := range breaks {
			if !boundary(sh.body, int(b)) {
				t.Fatalf("width %d: line %d %q broken inside a cluster at %d", v.Width, i, sh.body, b)
			}
		}
	}
	for row := range strings.SplitSeq(out, "\n") {
		if !utf8.ValidString(row) {
			t.Fatalf("invalid UTF-8 in row %q", row)
		}
	}
}

// boundary reports whether byte i of s is a grapheme cluster boundary.
func boundary(s string, i int) bool {
	for j := 0; j < len(s); {
		if j == i {
			return true
		}
		c, _ := ansi.FirstGraphemeCluster(s[j:], ansi.GraphemeWidth)
		j += len(c)
	}
	return i == len(s)
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		s     string
		width int
		want  []string
	}{
		{"hello world", 5, []string{"hello ", "world"}},
		{"hello world", 11, []string{"hello world"}},
		{"hello     world", 7, []string{"hello     ", "world"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"ab cdefghij", 4, []string{"ab ", "cdef", "ghij"}},
		{"日本語テキスト", 5, []string{"日本", "語テ", "キス", "ト"}},
		{"日本語。テキスト", 6, []string{"日本", "語。テ", "キスト"}},
		{"see 日本語", 8, []string{"see 日本", "語"}},
		{"e\u0301e\u0301e\u0301e\u0301", 2, []string{"e\u0301e\u0301", "e\u0301e\u0301"}},
		{"👨‍👩‍👧‍👦👨‍👩‍👧‍👦", 3, []string{"👨‍👩‍👧‍👦", "👨‍👩‍👧‍👦"}},
		{"🇯🇵🇫🇷🇺🇦", 4, []string{"🇯🇵🇫🇷", "🇺🇦"}},
		{"日本", 1, []string{"日", "本"}},
		{"a b", 1, []string{"a ", "b"}},
	} {
		breaks := wrap(c.s, c.width, nil)
		var got []string
		start := 0
		for _, b := range breaks {
			got = append(got, c.s[start:b])
			start = int(b)
		}
		got = append(got, c.s[start:])
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
	}
}

func TestCutRange(t *testing.T) {
	for _, c := range []struct {
		s      string
		off, w int
		lead   int
		want   string
	}{
		{"abcdef", 2, 3, 0, "cde"},
		{"日本語", 1, 3, 1, "本"},
		{"日本語", 0, 3, 0, "日"},
		{"日本語", 2, 10, 0, "本語"},
		{"ab", 5, 3, 0, ""},
		{"e\u0301xyz", 0, 2, 0, "e\u0301x"},
	} {
		lead, a, b := cutRange(c.s, c.off, c.w)
		if lead != c.lead || c.s[a:b] != c.want {
			t.Errorf("cutRange(%q, %d, %d) = %d, %q", c.s, c.off, c.w, lead, c.s[a:b])
		}
	}
}
