package feeds

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"propus/client"
	"propus/testserver"
)

func TestFetch(t *testing.T) {
	mux := testserver.NewMux()
	mux.HandleStrict("/log/", testserver.Page("text/gemini", "# Tiny log\n=> post.gmi 2026-02-01 A post\n"))
	mux.HandleStrict("/moved/", testserver.Raw("31 /log/\r\n"))
	mux.HandleStrict("/twice/", testserver.Raw("30 /moved/\r\n"))
	mux.HandleStrict("/gone/", testserver.Reply(client.StatusNotFound, "Gone fishing"))
	s := testserver.NewServer(t, mux)
	// Another host, as far as a URL goes: the same server by another name.
	mux.HandleStrict("/away/", testserver.Raw("31 "+strings.Replace(s.URL, "127.0.0.1", "localhost", 1)+"/log/\r\n"))
	mux.HandleStrict("/web/", testserver.Raw("31 https://example.com/feed\r\n"))

	fetch := func(path string, maxHops int) (Feed, error) {
		u, err := url.Parse(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		return Fetch(context.Background(), s.Client(), u, maxHops)
	}
	for _, path := range []string{"/log/", "/moved/", "/twice/"} {
		f, err := fetch(path, 0)
		if err != nil || f.Title != "Tiny log" || len(f.Entries) != 1 || f.Entries[0].URL != s.URL+"/log/post.gmi" {
			t.Errorf("%s: %+v, %v; want Tiny log with its post, resolved against /log/", path, f, err)
		}
	}
	if _, err := fetch("/twice/", 1); err == nil || !strings.Contains(err.Error(), "too many redirects") {
		t.Errorf("two hops with a maximum of 1: %v", err)
	}
	for _, tt := range []struct{ path, want string }{
		{"/away/", "redirects to another host, gemini://localhost:"},
		{"/web/", "redirects to another host, https://example.com/feed"},
		{"/gone/", "51 NOT FOUND Gone fishing"},
	} {
		if _, err := fetch(tt.path, 0); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error with %q", tt.path, err, tt.want)
		}
	}
}
