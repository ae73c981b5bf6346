package testserver

import (
	"errors"
	"io"
	"strings"
	"testing"

	"propus/client"
)

func TestRedactToken(t *testing.T) {
	for in, want := range map[string]string{
		"titan://h/p;size=1;token=abc":           "titan://h/p;size=1;token=***",
		"TITAN://h/p;token=a%3Bb;size=1?q#f":     "TITAN://h/p;token=***;size=1?q#f",
		"titan://h/p;token=a;token=b":            "titan://h/p;token=***;token=***",
		"titan://h/p;size=1":                     "titan://h/p;size=1",
		"gemini://h/p;token=abc":                 "gemini://h/p;token=abc",
		"titan://h/p;token=":                     "titan://h/p;token=***",
		"titan://h/p;token=x?;token=y#;token=z;": "titan://h/p;token=***?;token=***#;token=***;",
	} {
		if got := redactToken(in); got != want {
			t.Errorf("redactToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// titanTable is the parser's table; FuzzParseTitanRequest seeds from it.
var titanTable = []struct {
	line  string
	url   string // "" when refused
	size  int64
	mime  string
	token string
}{
	{"titan://h/p;size=3", "titan://h/p", 3, "text/gemini", ""},
	{"titan://H:1965/a/b.txt;mime=text/plain;size=0;token=t", "titan://h/a/b.txt", 0, "text/plain", "t"},
	{"titan://h:1966/%C3%A9.gmi;size=10;mime=text%2Fplain%3B%20charset%3Dutf-8;token=a%20b", "titan://h:1966/%C3%A9.gmi", 10, "text/plain; charset=utf-8", "a b"},
	{"titan://h/p;size=3;other=x;x=y", "titan://h/p", 3, "text/gemini", ""},
	{"titan://h/p%3Bq;size=3", "titan://h/p%3Bq", 3, "text/gemini", ""},
	{"titan://h/p;size=3?query", "titan://h/p?query", 3, "text/gemini", ""},
	{"titan://h/p;size=3#frag", "", 0, "", ""},
	{"titan://u@h/p;size=3", "", 0, "", ""},
	{"titan:h/p;size=3", "", 0, "", ""},
	{"titan://h;size=3", "", 0, "", ""},
	{"titan://h/p", "", 0, "", ""},
	{"titan://h/p;", "", 0, "", ""},
	{"titan://h/p;size=0x10", "", 0, "", ""},
	{"titan://h/p;size=+1", "", 0, "", ""},
	{"titan://h/p;size=1;mime=a%zz", "", 0, "", ""},
	{"titan://h/./p;size=1", "", 0, "", ""},
	{"titan://h/a%2fb;size=1", "", 0, "", ""},
	{"titan://h/p;size=1\x00", "", 0, "", ""},
	{"\uFEFFtitan://h/p;size=1", "", 0, "", ""},
}

func TestParseTitanRequest(t *testing.T) {
	for _, tt := range titanTable {
		u, up, err := ParseTitanRequest(tt.line)
		if tt.url == "" {
			var re *RequestError
			if !errors.As(err, &re) || re.Status != client.StatusBadRequest {
				t.Errorf("%q: %v, %v; want a 59", tt.line, u, err)
			}
			continue
		}
		if err != nil || u.String() != tt.url || up.Size != tt.size || up.MIME != tt.mime || up.Token != tt.token || up.Body != nil {
			t.Errorf("%q: %v %+v %v", tt.line, u, up, err)
		}
	}
}

// FuzzParseTitanRequest: no panic; an accepted line gives a titan URL
// that ParseRequest accepts as gemini, a size of zero or more and a media
// type; a refused one is a 59 whose META makes a valid header. More seeds
// are in testdata/fuzz/FuzzParseTitanRequest.
func FuzzParseTitanRequest(f *testing.F) {
	for _, tt := range titanTable {
		f.Add(tt.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if len(line) > maxFuzzInput {
			t.Skip("input longer than", maxFuzzInput, "bytes")
		}
		u, up, err := ParseTitanRequest(line)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || re.Status != client.StatusBadRequest || client.WriteHeader(io.Discard, re.Status, re.Meta) != nil {
				t.Fatalf("%q: %v", line, err)
			}
			return
		}
		if u.Scheme != "titan" || up.Size < 0 || up.MIME == "" {
			t.Fatalf("%q: %v %+v", line, u, up)
		}
		g := *u
		g.Scheme = "gemini"
		if _, err := ParseRequest(g.String()); err != nil {
			t.Fatalf("%q: %v, which ParseRequest refuses: %v", line, u, err)
		}
		if up.Token != "" && strings.Contains(redactToken(line), ";token="+up.Token+";") {
			t.Fatalf("%q: the token is not redacted", line)
		}
	})
}
