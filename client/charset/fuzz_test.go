package charset

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// FuzzDecoder checks that a decoder yields valid UTF-8, never fails, and
// yields the same text whether the body arrives at once or a byte at a time.
func FuzzDecoder(f *testing.F) {
	f.Add("UTF-32LE", "h\x00\x00\x00\xe9\x00\x00")
	f.Add("UTF-32", "\xff\xfe\x00\x00h\x00\x00\x00\x00\x00\x11\x00")
	f.Add("UTF-16", "\xfe\xff\xd8\x3d")
	f.Add("IBM1047", "\xad\xa7\xbd")
	f.Add("Shift_JIS", "\x93\xfa\x96")
	f.Add("ISO-2022-JP", "\x1b$B")
	f.Add("GB18030", "\x81\x30\x81")
	f.Fuzz(func(t *testing.T, charset, body string) {
		r, err := Decoder(strings.NewReader(body), charset)
		if err != nil {
			return
		}
		whole, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("Decoder(%q) on %q: %v", charset, body, err)
		}
		r, _ = Decoder(iotest.OneByteReader(strings.NewReader(body)), charset)
		split, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("Decoder(%q) on %q a byte at a time: %v", charset, body, err)
		}
		if string(whole) != string(split) {
			t.Fatalf("Decoder(%q) on %q: %q at once, %q a byte at a time", charset, body, whole, split)
		}
		if enc, _ := lookupCharset(charset); enc != nil && !utf8.Valid(whole) {
			t.Fatalf("Decoder(%q) on %q = %q, not UTF-8", charset, body, whole)
		}
	})
}
