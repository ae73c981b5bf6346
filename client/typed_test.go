package client

import (
	"net/url"
	"testing"
)

func TestParseTyped(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("gemini://here.example/dir/page.gmi")
	for _, c := range []struct{ in, want string }{
		{"example.org", "gemini://example.org/"},
		{"geminiprotocol.net", "gemini://geminiprotocol.net/"},
		{"example.org/path", "gemini://example.org/path"},
		{"localhost:1966/x", "gemini://localhost:1966/x"},
		{"gemini://other.example/a", "gemini://other.example/a"},
		{"//other.example/b", "gemini://other.example/b"},
		{"/x", "gemini://here.example/x"},
		{"./x", "gemini://here.example/dir/x"},
		{"../x", "gemini://here.example/x"},
		{"..", "gemini://here.example/"},
		{"?q", "gemini://here.example/dir/page.gmi?q"},
		{"  https://web.example/ ", "https://web.example/"},
	} {
		u, err := ParseTyped(base, c.in)
		if err != nil || u.String() != c.want {
			t.Errorf("ParseTyped(%q) = %v, %v; want %s", c.in, u, err, c.want)
		}
	}
	if u, err := ParseTyped(nil, "/x"); err == nil {
		t.Errorf("a relative address with no page: %v", u)
	}
}
