package charset

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/transform"
)

// ibm273 is IBM273, the German and Austrian EBCDIC code page: IANA lists
// it (IBM273, CP273, csIBM273) but golang.org/x/text has no table for it.
var ibm273 = newSingleByte(ibm273Table)

// ibm273Table is IBM273's 256 characters in byte order, as Python's cp273
// codec and IBM's CDRA tables have them.
const ibm273Table = "" +
	"\u0000\u0001\u0002\u0003\u009c\u0009\u0086\u007f\u0097\u008d\u008e\u000b\u000c\u000d\u000e\u000f" + // 0x00
	"\u0010\u0011\u0012\u0013\u009d\u0085\u0008\u0087\u0018\u0019\u0092\u008f\u001c\u001d\u001e\u001f" + // 0x10
	"\u0080\u0081\u0082\u0083\u0084\u000a\u0017\u001b\u0088\u0089\u008a\u008b\u008c\u0005\u0006\u0007" + // 0x20
	"\u0090\u0091\u0016\u0093\u0094\u0095\u0096\u0004\u0098\u0099\u009a\u009b\u0014\u0015\u009e\u001a" + // 0x30
	" \u00a0â{àáãåçñÄ.<(+!" + // 0x40
	"&éêëèíîïì~Ü$*);^" + // 0x50
	"-/Â[ÀÁÃÅÇÑö,%_>?" + // 0x60
	"øÉÊËÈÍÎÏÌ`:#§'=\"" + // 0x70
	"Øabcdefghi«»ðýþ±" + // 0x80
	"°jklmnopqrªºæ¸Æ¤" + // 0x90
	"µßstuvwxyz¡¿ÐÝÞ®" + // 0xA0
	"¢£¥·©@¶¼½¾¬|‾¨´×" + // 0xB0
	"äABCDEFGHI\u00adô¦òóõ" + // 0xC0
	"üJKLMNOPQR¹û}ùúÿ" + // 0xD0
	"Ö÷STUVWXYZ²Ô\\ÒÓÕ" + // 0xE0
	"0123456789³Û]ÙÚ\u009f" // 0xF0

// singleByte is a code page of one byte per character, given as a table
// of 256 runes.
type singleByte struct {
	decode [256]rune
}

// newSingleByte returns the code page whose bytes 0–255 are table's runes.
func newSingleByte(table string) *singleByte {
	e := &singleByte{}
	i := 0
	for _, r := range table {
		e.decode[i] = r
		i++
	}
	if i != 256 {
		panic("charset: a single-byte table has 256 characters")
	}
	return e
}

// NewDecoder returns a decoder of the code page.
func (e *singleByte) NewDecoder() *encoding.Decoder {
	return &encoding.Decoder{Transformer: singleByteDecoder{e}}
}

// singleByteDecoder turns each byte into its rune in the table.
type singleByteDecoder struct{ *singleByte }

// Transform implements transform.Transformer.
func (d singleByteDecoder) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for _, b := range src {
		r := d.decode[b]
		if len(dst)-nDst < utf8.RuneLen(r) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += utf8.EncodeRune(dst[nDst:], r)
		nSrc++
	}
	return nDst, nSrc, nil
}

// Reset implements transform.Transformer.
func (singleByteDecoder) Reset() {}
