package testserver

import (
	"bufio"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"propus/client"
)

// DefaultTitanMIME is the type of an upload whose request names none.
const DefaultTitanMIME = "text/gemini"

// Upload is what a titan:// request carries besides its URL: the
// parameters after the first ";" of its path, and the body.
type Upload struct {
	// Size is the length of the body in bytes (size=). Zero asks for
	// the file to be deleted.
	Size int64
	// MIME is the body's media type (mime=, percent-decoded), or
	// DefaultTitanMIME when the request names none.
	MIME string
	// Token is the token the client sent (token=, percent-decoded), or
	// "" when none. It is a secret: never log it.
	Token string
	// Body reads the Size bytes that follow the request line, and then
	// io.EOF. A connection that ends sooner is io.ErrUnexpectedEOF; a
	// client too slow for the server's reading rule (see
	// Server.TitanHandler) an error that matches os.ErrDeadlineExceeded.
	// Nil in what ParseTitanRequest returns.
	Body io.Reader
}

// isTitan reports whether a request line names the titan scheme.
func isTitan(line string) bool {
	return len(line) >= len("titan:") && strings.EqualFold(line[:len("titan:")], "titan:")
}

// ParseTitanRequest checks a titan request line (without CRLF),
//
//	titan://host[:port]/path;size=N[;mime=TYPE][;token=TOKEN][?query]
//
// and returns its URL, normalised as ParseRequest does but with the
// scheme titan and without the parameters, and the upload it announces
// (Body nil). The parameters follow the first ";" of the path, separated
// by ";"; their values are percent-decoded; names other than size, mime
// and token are ignored. It fails with a *RequestError (59) for a line or
// URL ParseRequest would refuse, a percent-encoded slash or backslash in
// the path, a parameter without "=", a size that is missing or not a
// decimal number of bytes, a mime that is not a media type, or a
// parameter given twice.
func ParseTitanRequest(line string) (*url.URL, *Upload, error) {
	bad := func(meta string) (*url.URL, *Upload, error) {
		return nil, nil, &RequestError{client.StatusBadRequest, meta}
	}
	if !isTitan(line) {
		return bad("Invalid URL: not a titan URL")
	}
	rest, ok := strings.CutPrefix(line[len("titan:"):], "//")
	if !ok {
		return bad("Invalid URL: not an absolute URL with a host")
	}
	i := strings.IndexAny(rest, "/?#")
	if i < 0 || rest[i] != '/' {
		return bad("Bad Titan request: no path, so no size= either")
	}
	authority, rest := rest[:i], rest[i:]
	j := strings.IndexAny(rest, "?#")
	if j < 0 {
		j = len(rest)
	}
	rawPath, params, _ := strings.Cut(rest[:j], ";")
	if lower := strings.ToLower(rawPath); strings.Contains(lower, "%2f") || strings.Contains(lower, "%5c") {
		return bad("Invalid URL: an encoded slash or backslash in the path")
	}
	u, err := ParseRequest("gemini://" + authority + rawPath + rest[j:])
	if err != nil {
		return nil, nil, err
	}
	up, err := parseTitanParams(params)
	if err != nil {
		return nil, nil, err
	}
	u.Scheme = "titan"
	return u, up, nil
}

// parseTitanParams reads the parameters of a titan URL, the text after
// the first ";" of its path.
func parseTitanParams(params string) (*Upload, error) {
	bad := func(meta string) (*Upload, error) {
		return nil, &RequestError{client.StatusBadRequest, "Bad Titan request: " + meta}
	}
	if params == "" {
		return bad("size= is missing")
	}
	up := &Upload{MIME: DefaultTitanMIME}
	seen := map[string]bool{}
	for p := range strings.SplitSeq(params, ";") {
		name, raw, ok := strings.Cut(p, "=")
		if !ok {
			return bad("a parameter without a value (want name=value)")
		}
		if name != "size" && name != "mime" && name != "token" {
			continue
		}
		if seen[name] {
			return bad(name + "= given twice")
		}
		seen[name] = true
		value, err := url.PathUnescape(raw)
		if err != nil {
			return bad("bad percent-encoding in " + name + "=")
		}
		switch name {
		case "size":
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || strings.Trim(raw, "0123456789") != "" {
				return bad("size= must be a number of bytes")
			}
			up.Size = n
		case "mime":
			if _, _, err := mime.ParseMediaType(value); err != nil {
				return bad("mime= is not a media type")
			}
			up.MIME = value
		case "token":
			up.Token = value
		}
	}
	if !seen["size"] {
		return bad("size= is missing")
	}
	return up, nil
}

// redactToken returns a titan request line with the value of every
// token parameter replaced by "***", for logs. Other lines are returned
// as they are.
func redactToken(line string) string {
	const param = ";token="
	if !isTitan(line) || !strings.Contains(line, param) {
		return line
	}
	var b strings.Builder
	for {
		before, after, found := strings.Cut(line, param)
		b.WriteString(before)
		if !found {
			return b.String()
		}
		b.WriteString(param + "***")
		end := strings.IndexAny(after, ";?#")
		if end < 0 {
			end = len(after)
		}
		line = after[end:]
	}
}

// uploadBody is an Upload's Body: the bytes after the request line, up
// to the announced size, read under the minimum-progress rule.
type uploadBody struct {
	c        *conn
	r        *bufio.Reader
	left     int64 // bytes still to come
	read     int64
	progress progress
}

func (b *uploadBody) Read(p []byte) (n int, err error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	err = b.progress.run(b.c.raw.SetReadDeadline, b.read, func() (err error) {
		n, err = b.r.Read(p)
		return err
	})
	b.left -= int64(n)
	b.read += int64(n)
	if err == io.EOF && b.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}
