package content

import (
	"strconv"
	"strings"

	"propus/client"
)

// Kind says how the browser shows a response body.
type Kind int

const (
	// Gemtext is text/gemini, parsed and rendered as a page.
	Gemtext Kind = iota
	// PlainText is any other text/* type, shown as preformatted text.
	PlainText
	// Downloadable is anything else: the body is saved to a file (and may
	// be handed to an external program). It is not called Download, which
	// is the function that saves it.
	Downloadable
)

// String returns a short lower-case name for k: "gemtext", "plain text" or
// "download".
func (k Kind) String() string {
	switch k {
	case Gemtext:
		return "gemtext"
	case PlainText:
		return "plain text"
	case Downloadable:
		return "download"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Classify returns how to show the body of a 2x response with the given
// META, and the parameters that matter: the MIME type, lower-case; the
// charset and the lang parameters as given (unquoted, "" when absent).
//
// An empty META is text/gemini. text/gemini is Gemtext, any other text/*
// type PlainText and everything else, including a META that is not a MIME
// type at all, Downloadable. A META whose parameters do not parse
// (lang=en,fr without the quotes the spec asks for, a stray ";") still
// yields its charset and lang: they are picked out leniently. Other parameters are
// ignored, as the spec requires. The strings are not sanitised.
func Classify(meta string) (kind Kind, mime, charset, lang string) {
	mime, params := client.ParseMediaType(meta)
	if len(params) == 0 && strings.Contains(meta, ";") {
		params = lenientParams(meta)
	}
	charset, lang = params["charset"], params["lang"]
	switch {
	case mime == "text/gemini":
		kind = Gemtext
	case strings.HasPrefix(mime, "text/"):
		kind = PlainText
	default:
		kind = Downloadable
	}
	return kind, mime, charset, lang
}

// lenientParams picks charset and lang out of a META that mime.ParseMediaType
// rejected: every ";"-separated "key=value" after the type, key
// case-insensitive, value trimmed of spaces and one pair of double quotes.
// The first occurrence of a key wins.
func lenientParams(meta string) map[string]string {
	params := map[string]string{}
	parts := strings.Split(meta, ";")
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k != "charset" && k != "lang" {
			continue
		}
		if _, seen := params[k]; seen {
			continue
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		params[k] = v
	}
	return params
}
