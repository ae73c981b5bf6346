package client

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"
)

func mustURL(s string) *url.URL {
	u, err := ParseURL(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestRedirectTarget(t *testing.T) {
	start := mustURL("gemini://example.com/a/b?secret=1")
	tests := []struct {
		via  []*url.URL
		meta string
		want string
		err  string
	}{
		{[]*url.URL{start}, "c", "gemini://example.com/a/c", ""},
		{[]*url.URL{start}, "/new", "gemini://example.com/new", ""},
		{[]*url.URL{start}, "#frag", "gemini://example.com/a/b", ""}, // query not carried over
		{[]*url.URL{start}, "?own=1", "gemini://example.com/a/b?own=1", ""},
		{[]*url.URL{start}, "//other.example/x", "gemini://other.example/x", ""},
		{[]*url.URL{start}, "https://web.example/", "https://web.example/", ""},
		{[]*url.URL{start}, "", "", "without a target"},
		{[]*url.URL{mustURL("gemini://example.com/a/b")}, "b", "", "redirect loop"},
		{[]*url.URL{mustURL("gemini://e.com/1"), mustURL("gemini://e.com/2")}, "/1", "", "redirect loop"},
		{[]*url.URL{mustURL("gemini://e.com/0"), mustURL("gemini://e.com/1"), mustURL("gemini://e.com/2"),
			mustURL("gemini://e.com/3"), mustURL("gemini://e.com/4"), mustURL("gemini://e.com/5")}, "/6", "", "too many redirects"},
		{[]*url.URL{start}, "gemini://u@example.com/", "", "userinfo"},
	}
	for _, tt := range tests {
		got, err := RedirectTarget(tt.via, tt.meta, 0)
		if tt.err != "" {
			var re *RedirectError
			if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &re) {
				t.Errorf("RedirectTarget(%q) = %v, %v; want error %q", tt.meta, got, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("RedirectTarget(%q) = %v, %v; want %q", tt.meta, got, err, tt.want)
		}
	}
}

func TestCrossesOrigin(t *testing.T) {
	tests := []struct {
		from, to string
		cross    bool
	}{
		{"gemini://a.example/x", "gemini://a.example/y", false},
		{"gemini://a.example/x", "gemini://A.example:1965/y", false},
		{"gemini://a.example/x", "gemini://a.example:1966/y", true},
		{"gemini://a.example/x", "gemini://b.example/x", true},
		{"gemini://a.example/x", "https://a.example/x", true},
	}
	for _, tt := range tests {
		if got := CrossesOrigin(mustURL(tt.from), mustURL(tt.to)); got != tt.cross {
			t.Errorf("CrossesOrigin(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
}

// redirector answers by path: /chainN redirects to /chainN-1 until 0,
// /loopA ↔ /loopB, /rel to a relative target, /far to another host,
// /web to https, /q?x to /plain.
func redirector(other string) func(*tls.Conn, net.Conn, string) {
	return func(tc *tls.Conn, _ net.Conn, req string) {
		u, _ := url.Parse(strings.TrimSpace(req))
		switch {
		case strings.HasPrefix(u.Path, "/chain"):
			n := strings.TrimPrefix(u.Path, "/chain")
			if n == "0" {
				tc.Write([]byte("20 text/plain\r\nend of chain"))
				return
			}
			tc.Write([]byte("30 /chain" + string(n[0]-1) + "\r\n"))
		case u.Path == "/loopA":
			tc.Write([]byte("31 loopB\r\n"))
		case u.Path == "/loopB":
			tc.Write([]byte("30 loopA\r\n"))
		case u.Path == "/rel/start":
			tc.Write([]byte("30 ../target\r\n"))
		case u.Path == "/far":
			tc.Write([]byte("30 " + other + "\r\n"))
		case u.Path == "/web":
			tc.Write([]byte("30 https://example.com/\r\n"))
		case u.Path == "/q":
			tc.Write([]byte("30 /plain\r\n"))
		default:
			tc.Write([]byte("20 text/plain\r\n" + u.Path + "?" + u.RawQuery))
		}
	}
}

func TestFollow(t *testing.T) {
	other := newFixture(t, reply("20 text/plain\r\nother host"))
	f := newFixture(t, redirector(other.url("/landing")))
	var c Client
	ctx := context.Background()
	follow := func(path string, check func(via []*url.URL, to *url.URL) error) (*Response, []*url.URL, string, error) {
		req, _ := NewRequest(f.url(path))
		resp, via, err := c.Follow(ctx, req, FollowPolicy{CheckRedirect: check})
		if err != nil {
			return resp, via, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, via, string(body), err
	}

	resp, via, body, err := follow("/chain5", nil)
	if err != nil || resp.Status != 20 || body != "end of chain" || len(via) != 6 {
		t.Errorf("chain of 5: %v %v %q, %d URLs", err, resp, body, len(via))
	}
	if _, _, _, err := follow("/chain6", nil); err == nil || !strings.Contains(err.Error(), "too many redirects") {
		t.Errorf("chain of 6: %v", err)
	}
	if _, _, _, err := follow("/loopA", nil); err == nil || !strings.Contains(err.Error(), "redirect loop") {
		t.Errorf("loop: %v", err)
	}
	if _, _, body, err := follow("/rel/start", nil); err != nil || body != "/target?" {
		t.Errorf("relative: %v %q", err, body)
	}
	if _, _, body, err := follow("/q?secret", nil); err != nil || body != "/plain?" {
		t.Errorf("query carried over: %v %q", err, body)
	}

	// Another host: nil check stops with the 3x response; a check decides.
	resp, _, _, err = follow("/far", nil)
	if err != nil || resp.Status != 30 {
		t.Errorf("cross-host without a check: %v %v", err, resp)
	}
	var asked [2]string
	resp, _, body, err = follow("/far", func(via []*url.URL, to *url.URL) error {
		asked = [2]string{via[len(via)-1].String(), to.String()}
		return nil
	})
	if err != nil || body != "other host" || asked[0] != f.url("/far") || asked[1] != other.url("/landing") {
		t.Errorf("cross-host allowed: %v %q asked %v", err, body, asked)
	}
	refused := errors.New("refused by the user")
	if _, _, _, err := follow("/far", func([]*url.URL, *url.URL) error { return refused }); !errors.Is(err, refused) {
		t.Errorf("cross-host refused: %v", err)
	}
	// Another scheme: asked, then handed back as the 3x response.
	resp, _, _, err = follow("/web", func([]*url.URL, *url.URL) error { return nil })
	if err != nil || resp.Status != 30 || resp.Meta != "https://example.com/" {
		t.Errorf("cross-scheme: %v %v", err, resp)
	}

	// A maximum of its own.
	req, _ := NewRequest(f.url("/chain3"))
	if _, via, err := c.Follow(ctx, req, FollowPolicy{Max: 2}); err == nil || !strings.Contains(err.Error(), "more than 2") || len(via) != 3 {
		t.Errorf("chain of 3 with Max 2: %v, %d URLs", err, len(via))
	}
	req, _ = NewRequest(f.url("/chain2"))
	if resp, via, err := c.Follow(ctx, req, FollowPolicy{Max: 2}); err != nil || resp.Status != 20 || len(via) != 3 {
		t.Errorf("chain of 2 with Max 2: %v %v, %d URLs", err, resp, len(via))
	}
}

func TestBackoff(t *testing.T) {
	var b Backoff
	tests := []struct {
		attempt int
		meta    string
		want    time.Duration
		ok      bool
	}{
		{1, "", time.Second, true},
		{2, "", 2 * time.Second, true},
		{3, "slow down please", 4 * time.Second, true},
		{5, "", 16 * time.Second, true},
		{6, "", 0, false},
		{1, "30", 30 * time.Second, true},
		{1, " 7 ", 7 * time.Second, true},
		{1, "Rate limit exceeded, wait 12 seconds.", 12 * time.Second, true},
		{1, "3600", 60 * time.Second, true},
		{0, "", 0, false},
	}
	for _, tt := range tests {
		got, ok := b.Delay(tt.attempt, tt.meta)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Delay(%d, %q) = %v %v, want %v %v", tt.attempt, tt.meta, got, ok, tt.want, tt.ok)
		}
	}
	capped := Backoff{MaxDelay: 3 * time.Second, Retries: 10}
	if d, ok := capped.Delay(8, ""); d != 3*time.Second || !ok {
		t.Errorf("capped Delay(8) = %v %v", d, ok)
	}
}
