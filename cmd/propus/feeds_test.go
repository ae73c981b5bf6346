package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"propus/client"
	"propus/testserver"
)

func TestFeeds(t *testing.T) {
	var mu sync.Mutex
	index := "# Tiny log\n=> one.gmi 2026-01-01 One\n=> two.gmi 2026-02-01 Two\n"
	mux := testserver.NewMux()
	mux.HandleStrict("/log/", testserver.HandlerFunc(func(w testserver.ResponseWriter, _ *testserver.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte(index))
	}))
	mux.HandleStrict("/moved/", testserver.Raw("31 /log/\r\n"))
	mux.HandleStrict("/plain", testserver.Page("text/gemini", "# No dates here\n=> /log/ A log\n"))
	mux.HandleStrict("/gone/", testserver.Reply(client.StatusNotFound, "Gone fishing"))
	s := testserver.NewServer(t, mux)
	log := s.URL + "/log/"
	// Another host, as far as a URL goes: the same server by another name.
	mux.HandleStrict("/away/", testserver.Raw("31 "+strings.Replace(log, "127.0.0.1", "localhost", 1)+"\r\n"))

	want(t, args("feeds list"), exitOK, "No subscriptions", "")
	want(t, args("feeds add "+s.URL+"/plain"), exitFailure, "", "not subscribed: not a feed")
	// A redirect within the host is followed; the subscription is to the
	// address asked for.
	want(t, args("feeds add "+s.URL+"/moved/"), exitOK, "Subscribed to Tiny log", "")
	want(t, args("feeds add "+log), exitOK, "2 entries, 2 new", "")
	want(t, args("feeds add "+s.URL+"/away/"), exitFailure, "", "redirects to another host, gemini://localhost:")
	want(t, args("feeds rm "+s.URL+"/moved/"), exitOK, "Unsubscribed", "")
	out := want(t, args("feeds list"), exitOK, "Tiny log", "")
	if !strings.Contains(out, log) || strings.Contains(out, "/moved/") {
		t.Errorf("feeds list:\n%s", out)
	}
	out = want(t, args("feeds new"), exitOK, "2026-02-01", "")
	if !strings.Contains(out, "Tiny log") || !strings.Contains(out, log+"two.gmi") || strings.Index(out, "Two") > strings.Index(out, "One") {
		t.Errorf("feeds new:\n%s", out)
	}

	mu.Lock()
	index += "=> three.gmi 2026-03-01 Three\n"
	mu.Unlock()
	want(t, args("feeds refresh"), exitOK, "Tiny log: 1 new", "")
	want(t, args("feeds new --mark-read"), exitOK, "Three", "")
	want(t, args("feeds new"), exitOK, "Nothing new", "")
	want(t, args("feeds new --all"), exitOK, "Three", "")

	// A feed that fails: said, kept in the store, exit 1.
	mu.Lock()
	index = "# Tiny log\n"
	mu.Unlock()
	want(t, args("feeds add "+s.URL+"/gone/"), exitFailure, "", "51 NOT FOUND Gone fishing")
	want(t, args("feeds refresh"), exitFailure, "1 failed", "no link labelled with a date")
	mu.Lock()
	index = "# Tiny log, moved on\n=> https://example.org/ 2026-04-01 Elsewhere\n"
	mu.Unlock()
	want(t, args("feeds refresh"), exitOK, "1 feed refreshed, 1 new entry, 0 failed", "")

	want(t, args("feeds rm "+log), exitOK, "Unsubscribed", "")
	want(t, args("feeds rm "+log), exitFailure, "", "no subscription to")
	want(t, args("feeds add"), exitUsage, "", "URL is required")
	want(t, []string{"feeds", "add", "not a url"}, exitUsage, "", "")

	// A gemlog and its Atom twin: each post is listed once.
	mux.HandleStrict("/twin/", testserver.Page("text/gemini", "# Twin log\n=> post.gmi 2026-05-01 The post\n"))
	mux.HandleStrict("/twin/atom.xml", testserver.Page("application/atom+xml",
		`<feed xmlns="http://www.w3.org/2005/Atom"><title>Twin log</title><entry><title>The post</title>`+
			`<link href="`+s.URL+`/twin/post.gmi"/><published>2026-05-01T00:00:00Z</published></entry></feed>`))
	want(t, args("feeds add "+s.URL+"/twin/"), exitOK, "1 entry, 1 new", "")
	want(t, args("feeds add "+s.URL+"/twin/atom.xml"), exitOK, "1 entry, 1 new", "")
	out = want(t, args("feeds new"), exitOK, "The post", "")
	if n := strings.Count(out, "/twin/post.gmi"); n != 1 {
		t.Errorf("feeds new lists a post of a gemlog and its Atom twin %d times:\n%s", n, out)
	}
	want(t, args("feeds refresh"), exitOK, "2 feeds refreshed, 0 new entries, 0 failed", "")
	want(t, args("feeds rm "+s.URL+"/twin/atom.xml"), exitOK, "Unsubscribed", "")
	want(t, args("feeds refresh"), exitOK, "1 feed refreshed, 0 new entries, 0 failed", "")

	// A broken file is said with its line and never overwritten.
	file := filepath.Join(dataDir(t), "feeds")
	broken := []byte("feed\tgemini://x.example/\n")
	if err := os.WriteFile(file, broken, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"feeds list", "feeds new", "feeds refresh", "feeds add " + log, "feeds rm " + log} {
		want(t, args(a), exitFailure, "", "feeds:1:")
	}
	if got, _ := os.ReadFile(file); !bytes.Equal(got, broken) {
		t.Errorf("the broken feeds file changed: %q", got)
	}
}
