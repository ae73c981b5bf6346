package content

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

// UnknownCharsetError reports a charset that Decoder does not know. The body
// is passed through as if it were UTF-8; the caller shows the error (after
// sanitising it: Charset comes from the server) and still renders the page.
type UnknownCharsetError struct {
	Charset string // as given in the META
}

func (e *UnknownCharsetError) Error() string {
	return fmt.Sprintf("unknown charset %q: the text is shown as UTF-8", e.Charset)
}

// Decoder returns a reader that yields the text of r as UTF-8.
//
// An empty charset, UTF-8 and US-ASCII (any of their names, any case,
// quoted or not) return r itself: invalid bytes are left for the sanitiser,
// which turns them into U+FFFD. Text labelled US-ASCII that is not is far
// more often UTF-8 than anything else.
//
// Any other charset that golang.org/x/text knows, under its WHATWG label
// (htmlindex) or its IANA name (ianaindex), is decoded: ISO-8859-*,
// Windows-125x, KOI8-R/U, Shift_JIS, EUC-JP, ISO-2022-JP, EUC-KR, GBK,
// GB18030, Big5, IBM code pages, UTF-16 and more. The WHATWG mapping is
// preferred, so ISO-8859-1 and US-ASCII-like Latin labels decode as
// Windows-1252 (whose 0x80–0x9F are printable quotes and dashes rather than
// C1 controls), as browsers do. For UTF-16 a leading byte order mark, of
// either order, decides the byte order and is dropped; without one, UTF-16LE
// and UTF-16BE are what they say and plain UTF-16 is big-endian (RFC 2781).
// Bytes that are invalid in the charset become U+FFFD.
//
// A charset that is unknown, or known only to be unsupported (the WHATWG
// "replacement" labels such as ISO-2022-KR), returns r itself and a
// *UnknownCharsetError.
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

// lookupCharset returns the encoding for a charset label, nil for one whose
// bytes are passed through as they are, or an *UnknownCharsetError.
func lookupCharset(charset string) (encoding.Encoding, error) {
	label := strings.ToLower(strings.Trim(charset, " \t\"'"))
	switch label {
	case "", "utf-8", "utf8", "ascii", "us-ascii":
		return nil, nil
	}
	// IANA first, only to recognise the canonical names that need special
	// handling under any of their aliases.
	iana, ierr := ianaindex.IANA.Encoding(label)
	if ierr == nil && iana != nil {
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
	if ierr == nil && iana != nil {
		return iana, nil
	}
	return nil, &UnknownCharsetError{Charset: charset}
}
