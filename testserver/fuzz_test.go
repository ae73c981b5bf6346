package testserver

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"propus/client"
)

// FuzzParseRequest: no panic, as a request line and as wire bytes; an
// accepted URL is an absolute gemini URL of at most 1024 bytes without
// userinfo or fragment, and ParseRequest accepts it again as itself; a
// refused one is a 53 or 59 *RequestError whose META makes a valid header.
// The seed corpus in testdata/fuzz/FuzzParseRequest holds every row of the
// bad-request table.
func FuzzParseRequest(f *testing.F) {
	for _, tc := range requestTable {
		f.Add(tc.line)
		f.Add(tc.line + "\r\n")
	}
	f.Fuzz(func(t *testing.T, input string) {
		if len(input) > maxFuzzInput {
			// Past the limit, more bytes change nothing but the time
			// the fuzzer spends minimising (quadratic in the length).
			t.Skip("input longer than", maxFuzzInput, "bytes")
		}
		checkRequestLine(t, input)
		line, err := readRequestLine(bufio.NewReader(strings.NewReader(input)))
		switch {
		case err == nil:
			if len(line) > client.MaxURLLength || !strings.HasPrefix(input, line+"\r\n") || strings.Contains(line, "\r\n") {
				t.Fatalf("readRequestLine(%q) = %q", input, line)
			}
			checkRequestLine(t, line)
		case errors.Is(err, errNoRequest):
			if strings.Contains(input, "\r\n") && strings.Index(input, "\r\n") <= client.MaxURLLength {
				t.Fatalf("readRequestLine(%q) found no line", input)
			}
		default:
			checkRefusal(t, input, err)
			if i := strings.Index(input, "\r\n"); i >= 0 && i <= client.MaxURLLength {
				t.Fatalf("readRequestLine(%q) refused a line of %d bytes: %v", input, i, err)
			}
		}
	})
}

// maxFuzzInput is the longest input FuzzParseRequest tries: a little more
// than a request line of the longest URL allowed.
const maxFuzzInput = client.MaxURLLength + 64

// checkRequestLine checks ParseRequest's answer for line.
func checkRequestLine(t *testing.T, line string) {
	t.Helper()
	u, err := ParseRequest(line)
	if err != nil {
		checkRefusal(t, line, err)
		return
	}
	s := u.String()
	switch {
	case u.Scheme != "gemini" || u.Host == "" || u.Opaque != "" || !u.IsAbs():
		t.Fatalf("ParseRequest(%q) = %q: not an absolute gemini URL with a host", line, s)
	case len(s) > client.MaxURLLength:
		t.Fatalf("ParseRequest(%q) = %q: %d bytes", line, s, len(s))
	case u.User != nil:
		t.Fatalf("ParseRequest(%q) = %q: userinfo", line, s)
	case u.Fragment != "" || strings.Contains(s, "#"):
		t.Fatalf("ParseRequest(%q) = %q: fragment", line, s)
	}
	again, err := ParseRequest(s)
	if err != nil || again.String() != s {
		t.Fatalf("ParseRequest(%q) = %q, which parses again to %v, %v", line, s, again, err)
	}
}

// checkRefusal checks that err refuses a request with a usable header.
func checkRefusal(t *testing.T, input string, err error) {
	t.Helper()
	var re *RequestError
	if !errors.As(err, &re) {
		t.Fatalf("%q: untyped error %v", input, err)
	}
	if re.Status != client.StatusBadRequest && re.Status != client.StatusProxyRequestRefused {
		t.Fatalf("%q: status %d", input, re.Status)
	}
	if err := client.WriteHeader(io.Discard, re.Status, re.Meta); err != nil {
		t.Fatalf("%q: the refusal %d %q is no valid header: %v", input, re.Status, re.Meta, err)
	}
}
