package charset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

func TestDecoder(t *testing.T) {
	tests := []struct {
		charset string
		in      string
		want    string
	}{
		{"ISO-8859-1", "caf\xe9 \xa9 \xbd", "café © ½"},
		{"latin1", "na\xefve", "naïve"},
		{"iso-8859-2", "\xaf\xf3\xb3\xe6", "Żółć"},
		{"ISO-8859-7", "\xc5\xeb\xeb\xe7\xed\xe9\xea\xdc", "Ελληνικά"},
		{"windows-1252", "\x93quoted\x94 \x91x\x92 \x85 \x80", "“quoted” ‘x’ … €"},
		{"cp1252", "\x93q\x94", "“q”"},
		{"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет"},
		{"KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2", "Привет, мир"},
		{"Shift_JIS", "\x93\xfa\x96{\x8c\xea\x82\xcc\x83e\x83L\x83X\x83g", "日本語のテキスト"},
		{"sjis", "\x93\xfa\x96{\x8c\xea", "日本語"},
		{"EUC-JP", "\xc6\xfc\xcb\xdc\xb8\xec", "日本語"},
		{"GBK", "\xd6\xd0\xce\xc4\xd7\xd6\xb7\xfb", "中文字符"},
		{"gb2312", "\xd6\xd0\xce\xc4", "中文"},
		{"Big5", "\xa4\xa4\xa4\xe5\xa6r", "中文字"},
		{"IBM437", "\xc9\xcd\xbb", "╔═╗"},      // IANA only, not a WHATWG label
		{"HZ-GB-2312", "~{VPND~} ok", "中文 ok"}, // a WHATWG "replacement" label that IANA decodes
		{"UTF-16LE", "\xff\xfeh\x00i\x00 \x00\xac\x20", "hi €"},
		{"utf-16le", "h\x00i\x00", "hi"},
		{"UTF-16BE", "\x00h\x00i\x00 \x20\xac", "hi €"},
		{"UTF-16BE", "\xfe\xff\x00h\x00i", "hi"},
		{"UTF-16", "\xff\xfeh\x00i\x00", "hi"},
		{"UTF-16", "\xfe\xff\x00h\x00i", "hi"},
		{"UTF-16", "\x00h\x00i", "hi"},                                   // no BOM: big-endian (RFC 2781)
		{"IBM037", "\xc8\x85\x93\x93\x96k@\xc3\x81\x86Q", "Hello, Café"}, // EBCDIC
		{"cp037", "\xba\xa7\xbb", "[x]"},
		{"ebcdic-cp-us", "\xc8\x89", "Hi"},
		{"IBM1047", "\xad\xa7\xbd", "[x]"},
		{"IBM273", "\xe3\x81\x87\xa1\xd0\x94\x94\x85\x99\xa3\x81\x87@\x63\xe0\xfc", "Tagßümmertag [Ö]"}, // German EBCDIC
		{"cp273", "\x4a\x5a\xb5", "ÄÜ@"},
		{"csIBM273", "\x7c\xbc", "§‾"},
		{"cp1047", "\xad\xa7\xbd", "[x]"},
		{"IBM-1047", "\xad\xa7\xbd", "[x]"},
		{"IBM01140", "\x9f\xf5", "€5"},
		{"IBM1140", "\x9f\xf5", "€5"},
		{"CCSID01140", "\x9f\xf5", "€5"},
		{"ebcdic-us-37+euro", "\x9f\xf5", "€5"},
		{"IBM858", "\xd5", "€"},
		{"cp00858", "\xd5", "€"},
		{"UTF-32LE", "h\x00\x00\x00\xe9\x00\x00\x00\xac\x20\x00\x00\x00\xf6\x01\x00", "hé€😀"},
		{"csUTF32LE", "\xff\xfe\x00\x00h\x00\x00\x00", "h"},
		{"UTF-32BE", "\x00\x00\x00h\x00\x00\x00\xe9\x00\x00\x20\xac\x00\x01\xf6\x00", "hé€😀"},
		{"UTF-32", "\x00\x00\x00h\x00\x00\x00i", "hi"}, // no BOM: big-endian
		{"utf-32", "\xff\xfe\x00\x00h\x00\x00\x00", "h"},
		{"ISO-10646-UCS-4", "\x00\x00\x00h", "h"},
		{"UTF-32LE", "h\x00\x00", "\ufffd"}, // truncated
		{"ISO-8859-1", "", ""},
		{"Shift_JIS", "\x93", "\ufffd"}, // truncated sequence
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tt.in)
			if oneByte {
				src = iotest.OneByteReader(src) // characters split across reads
			}
			r, err := Decoder(src, tt.charset)
			if err != nil {
				t.Errorf("Decoder(%q): %v", tt.charset, err)
				continue
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Errorf("Decoder(%q): reading: %v", tt.charset, err)
				continue
			}
			if string(got) != tt.want {
				t.Errorf("Decoder(%q) on %q (one byte at a time: %v) = %q, want %q", tt.charset, tt.in, oneByte, got, tt.want)
			}
		}
	}
}

func TestDecoderPassThrough(t *testing.T) {
	const body = "héllo \xff wörld" // invalid byte left for the sanitiser
	for _, cs := range []string{"", "utf-8", "UTF-8", `"utf-8"`, " Utf-8 ", "utf8", "us-ascii", "US-ASCII", "ascii", "ANSI_X3.4-1968", "unicode-1-1-utf-8"} {
		src := strings.NewReader(body)
		r, err := Decoder(src, cs)
		if err != nil {
			t.Errorf("Decoder(%q): %v", cs, err)
			continue
		}
		if r != io.Reader(src) {
			t.Errorf("Decoder(%q) wrapped the reader; want it as it is", cs)
		}
		got, _ := io.ReadAll(r)
		if string(got) != body {
			t.Errorf("Decoder(%q) = %q, want %q", cs, got, body)
		}
	}
}

func TestDecoderUnknown(t *testing.T) {
	const body = "bytes \x93as\x94 they are"
	for _, cs := range []string{"x-klingon", "utf-9", "ISO-2022-KR", "csISO2022KR", "UTF-7", "\x1b[31m"} {
		src := bytes.NewReader([]byte(body))
		r, err := Decoder(src, cs)
		var uerr *UnknownCharsetError
		if !errors.As(err, &uerr) {
			t.Errorf("Decoder(%q) error = %v, want *UnknownCharsetError", cs, err)
			continue
		}
		if uerr.Charset != cs {
			t.Errorf("Decoder(%q): Charset = %q", cs, uerr.Charset)
		}
		if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("Decoder(%q): error %q holds an ESC", cs, err)
		}
		if r == nil {
			t.Errorf("Decoder(%q) returned a nil reader", cs)
			continue
		}
		got, _ := io.ReadAll(r)
		if string(got) != body {
			t.Errorf("Decoder(%q) = %q, want the bytes as they are", cs, got)
		}
	}
}

// TestDecoderKnowsXText checks that every encoding golang.org/x/text has is
// decoded under its IANA name, or its WHATWG label where IANA has none.
func TestDecoderKnowsXText(t *testing.T) {
	var all []encoding.Encoding
	for _, set := range [][]encoding.Encoding{charmap.All, japanese.All, korean.All,
		simplifiedchinese.All, traditionalchinese.All, unicode.All, utf32.All} {
		all = append(all, set...)
	}
	for _, enc := range all {
		name, err := ianaindex.IANA.Name(enc)
		if err != nil {
			name, err = htmlindex.Name(enc)
		}
		if err != nil {
			name = fmt.Sprint(enc)
		}
		if _, err := Decoder(strings.NewReader("x"), name); err != nil {
			t.Errorf("%v: Decoder(%q): %v", enc, name, err)
		}
	}
}

// BenchmarkDecoder decodes 1 MiB of text in a single-byte, an EBCDIC and a
// four-byte charset, streaming through a 32 KiB buffer as the browser does.
func BenchmarkDecoder(b *testing.B) {
	line := "Caf\xe9 cr\xe8me, na\xefve fa\xe7ade: plain text for the decoder. "
	for _, tt := range []struct{ charset, body string }{
		{"ISO-8859-1", line},
		{"IBM037", "\xc3\x81\x86Q@\x83\x99T\x94\x85k@\x95\x81\xa7\xa5\x85"},
		{"UTF-32LE", "h\x00\x00\x00\xe9\x00\x00\x00\xac\x20\x00\x00 \x00\x00\x00"},
	} {
		body := []byte(strings.Repeat(tt.body, (1<<20)/len(tt.body)))
		b.Run(tt.charset, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			buf := make([]byte, 32<<10)
			for b.Loop() {
				r, _ := Decoder(bytes.NewReader(body), tt.charset)
				for {
					if _, err := r.Read(buf); err != nil {
						break
					}
				}
			}
		})
	}
}
