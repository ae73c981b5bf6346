package charset

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

var (
	utf32LE = utf32Encoding{utf32.UTF32(utf32.LittleEndian, utf32.UseBOM)}
	utf32BE = utf32Encoding{utf32.UTF32(utf32.BigEndian, utf32.UseBOM)}
)

// utf32Labels are the IANA names and aliases of UTF-32, lower-case, which
// ianaindex knows but maps to no encoding.
var utf32Labels = map[string]encoding.Encoding{
	"utf-32":          utf32BE,
	"csutf32":         utf32BE,
	"iso-10646-ucs-4": utf32BE,
	"csucs4":          utf32BE,
	"utf-32le":        utf32LE,
	"csutf32le":       utf32LE,
	"utf-32be":        utf32BE,
	"csutf32be":       utf32BE,
}

// utf32Encoding is a UTF-32 encoding whose decoder turns a body of fewer
// than four bytes into U+FFFD, as it does a truncated last character of a
// longer one; x/text's fails with transform.ErrShortSrc while it waits for a
// byte order mark that cannot come.
type utf32Encoding struct {
	encoding.Encoding
}

// NewDecoder returns a decoder that never fails at the end of its input.
func (e utf32Encoding) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: shortEOF{e.Encoding.NewDecoder()}}
}

// shortEOF is a transformer whose input, at its end, is too short for it;
// those bytes become one U+FFFD.
type shortEOF struct {
	transform.Transformer
}

// Transform implements transform.Transformer.
func (t shortEOF) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	nDst, nSrc, err = t.Transformer.Transform(dst, src, atEOF)
	if err != transform.ErrShortSrc || !atEOF {
		return nDst, nSrc, err
	}
	if len(dst)-nDst < utf8.UTFMax {
		return nDst, nSrc, transform.ErrShortDst
	}
	nDst += utf8.EncodeRune(dst[nDst:], utf8.RuneError)
	return nDst, len(src), nil
}
