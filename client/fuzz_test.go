package client

import (
	"bufio"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzReadHeader: no panic; an accepted header has a status in 10–69, META
// of at most 1024 bytes without a line break, and writes back as a header
// that reads the same.
func FuzzReadHeader(f *testing.F) {
	f.Fuzz(func(t *testing.T, wire string) {
		status, meta, err := ReadHeader(bufio.NewReader(strings.NewReader(wire)))
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) && !errors.Is(err, ErrNoResponse) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if !status.Valid() || len(meta) > MaxMetaLength || strings.ContainsAny(meta, "\n") {
			t.Fatalf("accepted %d %q", status, meta)
		}
		meta = strings.TrimRight(meta, "\r")
		var b strings.Builder
		if err := WriteHeader(&b, status, meta); err != nil {
			if strings.Contains(meta, "\r") {
				return
			}
			t.Fatalf("WriteHeader(%d, %q): %v", status, meta, err)
		}
		s2, m2, err := ReadHeader(bufio.NewReader(strings.NewReader(b.String())))
		if err != nil || s2 != status || m2 != strings.TrimLeft(meta, " ") {
			t.Fatalf("round trip %q: %d %q %v", b.String(), s2, m2, err)
		}
	})
}

// FuzzParseURL: no panic; a gemini URL that parses is normalised (no
// fragment, no userinfo, a path, at most 1024 bytes) and parses again to
// itself; Resolve against it does not panic either.
func FuzzParseURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw, ref string) {
		u, err := ParseURL(raw)
		if err != nil {
			return
		}
		if isGemini(u) {
			s := u.String()
			if u.Fragment != "" || u.User != nil || u.Path == "" || len(s) > MaxURLLength {
				t.Fatalf("ParseURL(%q) = %q", raw, s)
			}
			again, err := ParseURL(s)
			if err != nil || again.String() != s {
				t.Fatalf("ParseURL(%q) = %q, again %v %v", raw, s, again, err)
			}
		}
		if r, err := Resolve(u, ref); err == nil && isGemini(r) {
			if _, err := url.Parse(r.String()); err != nil {
				t.Fatalf("Resolve(%q, %q) = %q does not parse: %v", u, ref, r, err)
			}
		}
	})
}
