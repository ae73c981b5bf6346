package client

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"gemini://example.com/", true},
		{"https://example.com/a?b#c", true},
		{"about:home", true},
		{"gemini://example.com/ü", true},
		{"gemini://example.com/" + strings.Repeat("a", MaxStoredURL-21), true},
		{"gemini://example.com/" + strings.Repeat("a", MaxStoredURL-20), false},
		{"", false},
		{"gemini://example.com/a b", false},
		{"gemini://example.com/\t", false},
		{"gemini://example.com/\x1b[2J", false},
		{"gemini://example.com/\x7f", false},
		{"gemini://example.com/\u0085", false},
		{"gemini://example.com/\n", false},
	} {
		err := CheckURL(tt.in)
		if tt.ok != (err == nil) || err != nil && !errors.As(err, new(*URLError)) {
			t.Errorf("CheckURL(%.40q) = %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}
