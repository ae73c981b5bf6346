package client

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestReadHeader(t *testing.T) {
	long := strings.Repeat("m", MaxMetaLength)
	tests := []struct {
		wire   string
		status Status
		meta   string
		err    string // substring of the error, "" for none
	}{
		{"20 text/gemini\r\nbody", 20, "text/gemini", ""},
		{"20 text/gemini\nbody", 20, "text/gemini", ""}, // bare LF tolerated
		{"20 text/gemini; charset=utf-8; lang=en\r\n", 20, "text/gemini; charset=utf-8; lang=en", ""},
		{"51\r\n", 51, "", ""},
		{"51 \r\n", 51, "", ""},
		{"29 text/plain\r\n", 29, "text/plain", ""},
		{"10 What is your name?\r\n", 10, "What is your name?", ""},
		{"20 " + long + "\r\n", 20, long, ""},
		{"20 " + long + "m\r\n", 0, "", "longer than 1024"},
		{"20 " + strings.Repeat("m", 100000) + "\r\n", 0, "", "longer than 1024"},
		{"2 text/gemini\r\n", 0, "", "one-digit"},
		{"200 text/gemini\r\n", 0, "", "3-digit"},
		{"ab text/gemini\r\n", 0, "", "not a number"},
		{"\r\n", 0, "", "blank line"},
		{"\n", 0, "", "blank line"},
		{"05 hello\r\n", 0, "", "outside 10–69"},
		{"70 hello\r\n", 0, "", "outside 10–69"},
		{"99 hello\r\n", 0, "", "outside 10–69"},
		{"20\ttext/gemini\r\n", 0, "", "no space"},
		{"20 text/gemini", 0, "", "closed before the header's line end"},
		{"2", 0, "", "closed before"},
		{"\ufeff20 text/gemini\r\n", 0, "", "not a number"},
		{"", 0, "", "No response from server"},
	}
	for _, tt := range tests {
		status, meta, err := ReadHeader(bufio.NewReader(strings.NewReader(tt.wire)))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ReadHeader(%.30q) error = %v, want %q", tt.wire, err, tt.err)
			}
			continue
		}
		if err != nil || status != tt.status || meta != tt.meta {
			t.Errorf("ReadHeader(%.30q) = %d, %.30q, %v; want %d, %.30q", tt.wire, status, meta, err, tt.status, tt.meta)
		}
	}
	_, _, err := ReadHeader(bufio.NewReader(strings.NewReader("x")))
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Errorf("error %T is not a *HeaderError", err)
	}
}

func TestWriteHeader(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHeader(&b, StatusSuccess, "text/gemini"); err != nil || b.String() != "20 text/gemini\r\n" {
		t.Errorf("WriteHeader = %q, %v", b.String(), err)
	}
	for _, bad := range []struct {
		s    Status
		meta string
	}{{9, "x"}, {70, "x"}, {20, "a\r\nb"}, {20, strings.Repeat("m", 1025)}} {
		if err := WriteHeader(&b, bad.s, bad.meta); err == nil {
			t.Errorf("WriteHeader(%d, %.20q) succeeded", bad.s, bad.meta)
		}
	}
}

func TestParseMediaType(t *testing.T) {
	tests := []struct{ meta, mt, charset, lang string }{
		{"", "text/gemini", "", ""},
		{"text/gemini; charset=UTF-8; lang=en", "text/gemini", "UTF-8", "en"},
		{`text/gemini; lang="en,fr"`, "text/gemini", "", "en,fr"},
		{"Text/Plain", "text/plain", "", ""},
		{"text/plain; charset", "text/plain", "", ""},
		{"image/png", "image/png", "", ""},
	}
	for _, tt := range tests {
		mt, p := ParseMediaType(tt.meta)
		if mt != tt.mt || p["charset"] != tt.charset || p["lang"] != tt.lang {
			t.Errorf("ParseMediaType(%q) = %q %v", tt.meta, mt, p)
		}
	}
}
