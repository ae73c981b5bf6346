package client

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct{ in, want, err string }{
		// The Port of Call URL table.
		{"gemini://example.com/path", "gemini://example.com/path", ""},
		{"example.com/path", "gemini://example.com/path", ""},
		{"gemini://example.com:1234/path", "gemini://example.com:1234/path", ""},
		{"gemini://example.com", "gemini://example.com/", ""},
		{"example.com", "gemini://example.com/", ""},
		// More forms.
		{"example.com:1234/path", "gemini://example.com:1234/path", ""},
		{"example.com:1234", "gemini://example.com:1234/", ""},
		{"localhost:1965", "gemini://localhost/", ""},
		{"gemini://example.com:1965/", "gemini://example.com/", ""},
		{"//example.com/x", "gemini://example.com/x", ""},
		{"  GEMINI://Example.COM/Path  ", "gemini://example.com/Path", ""},
		{"gemini://example.com/a/./b/../c", "gemini://example.com/a/c", ""},
		{"gemini://example.com/page#section", "gemini://example.com/page", ""},
		{"gemini://example.com/a b?x y", "gemini://example.com/a%20b?x%20y", ""},
		{"gemini://bücher.example/", "gemini://xn--bcher-kva.example/", ""},
		{"gemini://例え.テスト/", "gemini://xn--r8jz45g.xn--zckzah/", ""},
		{"gemini://127.0.0.1:1966/", "gemini://127.0.0.1:1966/", ""},
		{"gemini://[::1]:1966/", "gemini://[::1]:1966/", ""},
		{"gemini://[::1]/", "gemini://[::1]/", ""},
		{"gemini://example.com/?q=1", "gemini://example.com/?q=1", ""},
		{"https://example.com/x#y", "https://example.com/x#y", ""},
		{"mailto:someone@example.com", "mailto:someone@example.com", ""},
		{"about:home", "about:home", ""},
		// Errors.
		{"", "", "URL is required"},
		{"gemini://user@example.com/", "", "userinfo"},
		{"gemini://user:pw@example.com/", "", "userinfo"},
		{"gemini:///path", "", "no host"},
		{"gemini://example.com:99999/", "", "bad port"},
		{"gemini://example.com/" + strings.Repeat("a", 1024), "", "longer than 1024"},
	}
	for _, tt := range tests {
		u, err := ParseURL(tt.in)
		if tt.err != "" {
			var ue *URLError
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &ue) {
				t.Errorf("ParseURL(%.40q) = %v, %v; want error %q", tt.in, u, err, tt.err)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("ParseURL(%q) = %v, %v; want %q", tt.in, u, err, tt.want)
		}
	}
}

func TestParseURLLengthLimit(t *testing.T) {
	base := "gemini://example.com/"
	ok := base + strings.Repeat("a", MaxURLLength-len(base))
	if u, err := ParseURL(ok); err != nil || len(u.String()) != MaxURLLength {
		t.Errorf("a URL of exactly 1024 bytes: %v", err)
	}
	if _, err := ParseURL(ok + "a"); err == nil {
		t.Error("a URL of 1025 bytes was accepted")
	}
}

func TestResolve(t *testing.T) {
	base, _ := url.Parse("gemini://example.com:1966/a/b/c.gmi?x=1")
	tests := []struct{ ref, want string }{
		{"d.gmi", "gemini://example.com:1966/a/b/d.gmi"},
		{"./d.gmi", "gemini://example.com:1966/a/b/d.gmi"},
		{"../d.gmi", "gemini://example.com:1966/a/d.gmi"},
		{"../..", "gemini://example.com:1966/"},
		{"../../../../x", "gemini://example.com:1966/x"},
		{"/root", "gemini://example.com:1966/root"},
		{"//other.example/x", "gemini://other.example/x"},
		{"//Other.Example:1965/x", "gemini://other.example/x"},
		{"?q", "gemini://example.com:1966/a/b/c.gmi?q"},
		{"?a b", "gemini://example.com:1966/a/b/c.gmi?a%20b"},
		{"#frag", "gemini://example.com:1966/a/b/c.gmi?x=1"},
		{"", "gemini://example.com:1966/a/b/c.gmi?x=1"},
		{"my file.gmi", "gemini://example.com:1966/a/b/my%20file.gmi"},
		{"gemini://x.example", "gemini://x.example/"},
		{"https://web.example/p", "https://web.example/p"},
	}
	for _, tt := range tests {
		u, err := Resolve(base, tt.ref)
		if err != nil || u.String() != tt.want {
			t.Errorf("Resolve(%q) = %v, %v; want %q", tt.ref, u, err, tt.want)
		}
	}
}

func TestInputURL(t *testing.T) {
	u, _ := ParseURL("gemini://example.com/search?old")
	tests := []struct{ in, want string }{
		{"hello world", "gemini://example.com/search?hello%20world"},
		{"a+b&c=d/e?", "gemini://example.com/search?a%2Bb%26c%3Dd%2Fe%3F"},
		{"line1\nline2", "gemini://example.com/search?line1%0Aline2"},
		{"café", "gemini://example.com/search?caf%C3%A9"},
		{"", "gemini://example.com/search?"},
	}
	for _, tt := range tests {
		got, err := InputURL(u, tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("InputURL(%q) = %v, %v; want %q", tt.in, got, err, tt.want)
		}
		if left := InputBytesLeft(u, tt.in); left != MaxURLLength-len(tt.want) {
			t.Errorf("InputBytesLeft(%q) = %d, want %d", tt.in, left, MaxURLLength-len(tt.want))
		}
	}
	fits := strings.Repeat("a", InputBytesLeft(u, ""))
	if _, err := InputURL(u, fits); err != nil {
		t.Errorf("input that fits exactly: %v", err)
	}
	if _, err := InputURL(u, fits+"a"); err == nil || !strings.Contains(err.Error(), "1 over the limit") {
		t.Errorf("input one byte too long: %v", err)
	}
	if _, err := InputURL(u, strings.Repeat(" ", 400)); err == nil {
		t.Error("400 spaces (1200 bytes encoded) were accepted")
	}
}
