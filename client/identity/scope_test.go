package identity

import (
	"net/url"
	"strings"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestScopeFor(t *testing.T) {
	tests := []struct {
		url  string
		want Scope
	}{
		{"gemini://example.com/alice/", Scope{"example.com", 1965, "/alice/"}},
		{"gemini://Example.COM:1965/alice", Scope{"example.com", 1965, "/alice"}},
		{"gemini://example.com:1966/x?query#frag", Scope{"example.com", 1966, "/x"}},
		{"gemini://example.com", Scope{"example.com", 1965, "/"}},
		{"gemini://example.com/a/b/../c/./d", Scope{"example.com", 1965, "/a/c/d"}},
		{"gemini://example.com/a/b/..", Scope{"example.com", 1965, "/a/"}},
		{"gemini://example.com/a%20b", Scope{"example.com", 1965, "/a b"}},
		{"gemini://[::1]:1970/x", Scope{"::1", 1970, "/x"}},
		{"gemini://example.com:99999/", Scope{"example.com", -1, "/"}},
		{"gemini://Bücher.example/x", Scope{"xn--bcher-kva.example", 1965, "/x"}},
		{"gemini://example.com./x", Scope{"example.com", 1965, "/x"}},
	}
	for _, tt := range tests {
		if got := ScopeFor(mustURL(t, tt.url)); got != tt.want {
			t.Errorf("ScopeFor(%s) = %+v, want %+v", tt.url, got, tt.want)
		}
	}
}

func TestScopeMatches(t *testing.T) {
	tests := []struct {
		name  string
		scope string // URL the 60 came from
		url   string
		want  bool
	}{
		{"same URL", "gemini://example.com/alice/", "gemini://example.com/alice/", true},
		{"below", "gemini://example.com/alice/", "gemini://example.com/alice/posts/1.gmi", true},
		{"textual prefix", "gemini://example.com/alice", "gemini://example.com/alice-bob", true},
		{"textual prefix below", "gemini://example.com/alice", "gemini://example.com/alice/x", true},
		{"parent path", "gemini://example.com/alice/", "gemini://example.com/", false},
		{"parent without slash", "gemini://example.com/alice/", "gemini://example.com/alice", false},
		{"sibling", "gemini://example.com/alice/", "gemini://example.com/bob/", false},
		{"dot-dot escape", "gemini://example.com/alice/", "gemini://example.com/alice/../bob/", false},
		{"dot-dot within", "gemini://example.com/alice/", "gemini://example.com/alice/x/../y", true},
		{"other port", "gemini://example.com/", "gemini://example.com:1966/", false},
		{"other port in scope", "gemini://example.com:1966/", "gemini://example.com/", false},
		{"explicit port in scope", "gemini://example.com:1966/", "gemini://example.com:1966/x", true},
		{"default equals 1965", "gemini://example.com/", "gemini://example.com:1965/x", true},
		{"1965 equals default", "gemini://example.com:1965/", "gemini://example.com/x", true},
		{"other host", "gemini://example.com/", "gemini://example.org/", false},
		{"subdomain", "gemini://example.com/", "gemini://sub.example.com/", false},
		{"suffix host", "gemini://example.com/", "gemini://notexample.com/", false},
		{"host case", "gemini://Example.com/a", "gemini://EXAMPLE.COM/a/b", true},
		{"query ignored", "gemini://example.com/search?x", "gemini://example.com/search?other", true},
		{"fragment ignored", "gemini://example.com/a#top", "gemini://example.com/a#bottom", true},
		{"scheme case", "gemini://example.com/", "GEMINI://example.com/", true},
		{"https", "gemini://example.com/", "https://example.com/", false},
		{"titan", "gemini://example.com/", "titan://example.com/", false},
		{"gopher same port", "gemini://example.com/", "gopher://example.com:1965/", false},
		{"empty path is root", "gemini://example.com", "gemini://example.com/x", true},
		{"empty path matched by root", "gemini://example.com/", "gemini://example.com", true},
		{"escaped path", "gemini://example.com/a%20b/", "gemini://example.com/a%20b/c", true},
		{"IPv6", "gemini://[::1]/x", "gemini://[::1]:1965/x/y", true},
		{"IDN as punycode", "gemini://bücher.example/", "gemini://xn--bcher-kva.example/a", true},
		{"trailing dot", "gemini://example.com/", "gemini://example.com./a", true},
		{"invalid port", "gemini://example.com:99999/", "gemini://example.com:99999/", false},
		{"relative URL", "gemini://example.com/", "/x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ScopeFor(mustURL(t, tt.scope))
			if got := s.Matches(mustURL(t, tt.url)); got != tt.want {
				t.Errorf("%v.Matches(%s) = %v, want %v", s, tt.url, got, tt.want)
			}
		})
	}
	if (Scope{}).Matches(mustURL(t, "gemini:///x")) {
		t.Error("the zero Scope matched")
	}
	if !(Scope{Host: "Example.com"}).Matches(mustURL(t, "gemini://example.com/any")) {
		t.Error("a hand-made scope with Port 0 and Path \"\" did not cover its host")
	}
	if (Scope{Host: "example.com"}).Matches(nil) {
		t.Error("matched a nil URL")
	}
}

func TestScopeStringParse(t *testing.T) {
	tests := []struct {
		in      string
		want    string // String of the result; "" if ParseScope must fail
		wantErr string
	}{
		{"gemini://example.com:1965/alice", "gemini://example.com:1965/alice", ""},
		{"gemini://Example.com/alice", "gemini://example.com:1965/alice", ""},
		{"gemini://example.com", "gemini://example.com:1965/", ""},
		{"example.com/alice/", "gemini://example.com:1965/alice/", ""},
		{"example.com:1966", "gemini://example.com:1966/", ""},
		{"  gemini://example.com/x  ", "gemini://example.com:1965/x", ""},
		{"gemini://example.com/a%20b/100%25", "gemini://example.com:1965/a%20b/100%25", ""},
		{"gemini://example.com/a%23b%3F", "gemini://example.com:1965/a%23b%3F", ""},
		{"gemini://[::1]/x", "gemini://[::1]:1965/x", ""},
		{"gemini://example.com/a/../b", "gemini://example.com:1965/b", ""},
		{"https://example.com/", "", "not gemini"},
		{"gemini:///path", "", "no host"},
		{"gemini://user@example.com/", "", "user"},
		{"gemini://example.com/?q", "", "query"},
		{"gemini://example.com/?", "", "query"},
		{"gemini://example.com/#f", "", "fragment"},
		{"gemini://example.com/#", "", "fragment"},
		{"gemini://example.com:0/", "", "port"},
		{"gemini://example.com:65536/", "", "port"},
		{"gemini://example.com:x/", "", "port"},
		{"", "", "no host"},
		{"gemini://bücher.example/", "gemini://xn--bcher-kva.example:1965/", ""},
		{"gemini://exa!mple.com/", "", "invalid host"},
	}
	for _, tt := range tests {
		s, err := ParseScope(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseScope(%q) = %v, %v; want error mentioning %q", tt.in, s, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseScope(%q): %v", tt.in, err)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("ParseScope(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseScope(s.String())
		if err != nil || back != s {
			t.Errorf("ParseScope(%q) = %+v, %v; want %+v", s.String(), back, err, s)
		}
	}
	if got := (Scope{Host: "example.com"}).String(); got != "gemini://example.com:1965/" {
		t.Errorf("zero port and path: %q", got)
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"a", "/a"},
		{"/a/b", "/a/b"},
		{"/a/./b", "/a/b"},
		{"/a/.", "/a/"},
		{"/a/..", "/"},
		{"/..", "/"},
		{"/../../a", "/a"},
		{"/a/b/../../c", "/c"},
		{"/a//b", "/a//b"},
		{"/a/..b/.c", "/a/..b/.c"},
	}
	for _, tt := range tests {
		if got := cleanPath(tt.in); got != tt.want {
			t.Errorf("cleanPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
