package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "hello, world", "hello, world"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"CRLF", "a\r\nb\r", "a\nb"},
		{"colour", "\x1b[31mred\x1b[0m text", "red text"},
		{"256 colour", "\x1b[38;5;196mx\x1b[m", "x"},
		{"cursor moves", "a\x1b[2Ab\x1b[10;20Hc\x1b[?25l", "abc"},
		{"clear screen", "\x1b[2J\x1b[Hhi", "hi"},
		{"OSC 52 clipboard", "x\x1b]52;c;ZXZpbA==\x07y", "xy"},
		{"OSC 52 with ST", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"OSC 8 link", "\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"title change", "\x1b]0;pwned\x07title", "title"},
		{"unterminated OSC", "ok\x1b]0;never ends", "ok"},
		{"DCS", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"APC", "a\x1b_payload\x1b\\b", "ab"},
		{"BEL", "ding\x07dong", "dingdong"},
		{"other C0 and DEL", "a\x00b\x08c\x7fd\x0ce", "abcde"},
		{"two-byte escapes", "a\x1bcb\x1b7c\x1b(Bd", "abcd"},
		{"lone ESC at end", "a\x1b", "a"},
		{"C1 CSI", "a\u009b31mb", "ab"},
		{"C1 OSC", "a\u009d0;t\u009cb", "ab"},
		{"C1 other", "a\u0085b", "ab"},
		{"raw C1 byte", "a\x9b31mb", "a\ufffd31mb"},
		{"invalid UTF-8", "a\xff\xfeb", "a\ufffd\ufffdb"},
		{"bidi embeddings and overrides", "a\u202ab\u202bc\u202cd\u202de\u202ef", "abcdef"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"Trojan Source", "if admin \u202e\u2066// not\u2069\u2066 {", "if admin // not {"},
		{"bidi marks kept", "a\u200eb\u200fc\u061cd", "a\u200eb\u200fc\u061cd"},
		{"CJK emoji combining RTL", "日本語 🎉 e\u0301 שלום مرحبا", "日本語 🎉 e\u0301 שלום مرحبا"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("%s: Text(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestLine(t *testing.T) {
	if got := Line("a\tb\r\nc\x1b[1md"); got != "a b  cd" {
		t.Errorf("Line = %q", got)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"\x1b[31mx", "\x1b]52;c;x\x07", "\u009b1m", "a\xffb", "\x1bP\x1b\\", "\u202eevil\u2069"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Text(s), Line(s)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
			for _, r := range out {
				if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || isBidiControl(r) {
					t.Fatalf("control %U left in %q (from %q)", r, out, s)
				}
			}
		}
		if strings.ContainsAny(Line(s), "\t\r\n") {
			t.Fatalf("Line left a line break in %q", Line(s))
		}
	})
}

func BenchmarkTextClean(b *testing.B) {
	s := strings.Repeat("A plain line of gemtext with nothing to remove. ", 100)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Text(s)
	}
}

func TestCleanTextIsNotCopied(t *testing.T) {
	for _, s := range []string{"plain ascii", "日本語 🎉 e\u0301 שלום", "tab\tand\nnewline"} {
		if n := testing.AllocsPerRun(10, func() { Text(s) }); n != 0 {
			t.Errorf("Text(%q) allocates %v times", s, n)
		}
	}
}
