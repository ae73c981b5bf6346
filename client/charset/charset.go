// Package charset decodes a body from the charset its META declares:
// every charset golang.org/x/text knows, by its WHATWG and IANA names and
// aliases, UTF-32, and IBM273. The browser, propus fetch and the gateway
// decode through it.
package charset

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// UnknownCharsetError reports a charset that Decoder cannot decode: one
// nobody has registered, or one registered (IBM273, UTF-7, ISO-2022-KR …)
// for which golang.org/x/text has no decoder. The body is not decoded; the
// caller says so (after sanitising the error: Charset comes from the
// server) and offers to save the body, or to show it as UTF-8 only when the
// user asks, with the reader Decoder returned beside the error.
type UnknownCharsetError struct {
	Charset string // as given in the META
}

func (e *UnknownCharsetError) Error() string {
	return fmt.Sprintf("unknown charset %q", e.Charset)
}

// Decoder returns a reader that yields the text of r as UTF-8. It decodes
// as it reads, a buffer at a time: nothing holds the whole body.
//
// An empty charset, UTF-8 and US-ASCII (any of their names, any case,
// quoted or not) return r itself: invalid bytes are left for the sanitiser,
// which turns them into U+FFFD. Text labelled US-ASCII that is not is far
// more often UTF-8 than anything else.
//
// Any other charset that golang.org/x/text knows, under its WHATWG label
// (htmlindex) or its IANA name or any IANA alias (ianaindex), is decoded:
// ISO-8859-*, Windows-125x, KOI8-R/U, Macintosh, Shift_JIS, EUC-JP,
// ISO-2022-JP, EUC-KR, GBK, GB18030, Big5, HZ-GB-2312, the IBM PC code pages,
// the EBCDIC code pages IBM037, IBM1047, IBM01140 and (a table of our own)
// IBM273, UTF-16 and UTF-32.
// An IBM code page may also be named "cpNNN", "ibm-NNN" or "ccsidNNN", with
// or without IANA's leading zeros (IBM858 is IANA's IBM00858). The WHATWG
// mapping is preferred, so ISO-8859-1 and US-ASCII-like Latin labels decode
// as Windows-1252 (whose 0x80–0x9F are printable quotes and dashes rather
// than C1 controls), as browsers do. For UTF-16 and UTF-32 a leading byte
// order mark, of either order, decides the byte order and is dropped;
// without one, the LE and BE forms are what they say and the plain names
// (UTF-16, UTF-32, ISO-10646-UCS-4) are big-endian (RFC 2781, RFC 2277).
// Bytes that are invalid in the charset become U+FFFD.
//
// A charset that is unknown, or known only to be unsupported (UTF-7 and
// ISO-2022-KR, which IANA lists and x/text cannot decode), returns an
// *UnknownCharsetError and r itself: the bytes undecoded, which is what the
// caller shows if the user asks to see the body as UTF-8.
//
// The returned reader is not safe for concurrent use, like r.
func Decoder(r io.Reader, charset string) (io.Reader, error) {
	enc, err := lookupCharset(charset)
	if err != nil {
		return r, err
	}
	if enc == nil {
		return r, nil
	}
	return transform.NewReader(r, enc.NewDecoder()), nil
}

var (
	utf16LEIgnore = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16BEIgnore = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	utf16LE       = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16BE       = unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
)

// decoding is what Decoder needs of an encoding.
type decoding interface {
	NewDecoder() *encoding.Decoder
}

// lookupCharset returns the encoding for a charset label, nil for one whose
// bytes are passed through as they are, or an *UnknownCharsetError.
func lookupCharset(charset string) (decoding, error) {
	label := strings.ToLower(strings.Trim(charset, " \t\"'"))
	switch label {
	case "", "utf-8", "utf8", "ascii", "us-ascii":
		return nil, nil
	}
	if enc, ok := utf32Labels[label]; ok {
		return enc, nil
	}
	// IANA first, only to recognise the canonical names that need special
	// handling under any of their aliases.
	iana := ianaEncoding(label)
	if iana != nil {
		name, _ := ianaindex.IANA.Name(iana)
		switch name {
		case "US-ASCII", "UTF-8":
			return nil, nil
		case "UTF-16":
			return utf16BE, nil
		case "UTF-16LE":
			return utf16LE, nil
		case "UTF-16BE":
			return utf16BE, nil
		}
	}
	if enc, err := htmlindex.Get(label); err == nil && enc != encoding.Replacement {
		switch enc {
		case unicode.UTF8:
			return nil, nil
		case utf16LEIgnore: // utf-16le, ucs-2, unicode, …
			return utf16LE, nil
		case utf16BEIgnore:
			return utf16BE, nil
		}
		return enc, nil
	}
	if iana != nil {
		return iana, nil
	}
	if label == "csibm273" || ibmNumber(label) == "273" {
		return ibm273, nil
	}
	return nil, &UnknownCharsetError{Charset: charset}
}

// ianaEncoding returns the encoding ianaindex has for label, or nil. An IBM
// code page that IANA does not list under label is tried as IANA names it:
// "cp1047" as IBM1047, "ibm858" as IBM00858, "ibm-1140" as IBM01140.
func ianaEncoding(label string) encoding.Encoding {
	if enc, err := ianaindex.IANA.Encoding(label); err == nil {
		return enc
	}
	number := ibmNumber(label)
	if number == "" {
		return nil
	}
	for _, name := range []string{"ibm" + number, "ibm" + strings.Repeat("0", max(0, 5-len(number))) + number} {
		if enc, err := ianaindex.IANA.Encoding(name); err == nil && enc != nil {
			return enc
		}
	}
	return nil
}

// ibmNumber returns the code page number of a label such as "cp1047",
// "ibm-858" or "ccsid01140", without leading zeros, or "".
func ibmNumber(label string) string {
	for _, prefix := range []string{"ibm", "cp", "ccsid"} {
		rest, ok := strings.CutPrefix(label, prefix)
		if !ok {
			continue
		}
		rest = strings.TrimLeft(strings.TrimPrefix(rest, "-"), "0")
		if rest == "" || len(rest) > 5 || strings.Trim(rest, "0123456789") != "" {
			return ""
		}
		return rest
	}
	return ""
}
