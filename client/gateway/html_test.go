package gateway

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"propus/gemtext"
	"propus/testserver"
)

const demoPage = "# Title <b>\n" +
	"Some text & more\n" +
	"\n" +
	"=> /next Next page\n" +
	"=> other.gmi\n" +
	"=> gemini://other.example:1966/x?q=1 Another capsule\n" +
	"=> https://example.org/ The web\n" +
	"=> javascript:alert(1) Bad\n" +
	"* one\n" +
	"* two\n" +
	"> a quote\n" +
	"```ascii art\n" +
	"  /\\_/\\\n" +
	"```\n" +
	"## Sub\n"

// capsuleMux is a capsule with one path per status the HTML view handles.
func capsuleMux(t *testing.T) *testserver.TestServer {
	m := testserver.NewMux()
	m.Handle("/", testserver.Page("text/gemini", demoPage))
	m.HandleFunc("/ask", func(w testserver.ResponseWriter, r *testserver.Request) {
		if r.URL.RawQuery == "" {
			w.WriteHeader(10, "Your name?")
			return
		}
		w.WriteHeader(20, "text/gemini")
		fmt.Fprintf(w, "# Hello\nquery=%s\n", r.URL.RawQuery)
	})
	m.HandleFunc("/secret", func(w testserver.ResponseWriter, r *testserver.Request) {
		if r.URL.RawQuery == "" {
			w.WriteHeader(11, "Password")
			return
		}
		w.WriteHeader(20, "text/gemini")
		io.WriteString(w, "# In\n")
	})
	m.Handle("/r30", testserver.Reply(30, "target"))
	m.Handle("/r31", testserver.Reply(31, "/target"))
	m.Handle("/target", testserver.Page("text/gemini", "# Target\n"))
	m.Handle("/chain/1", testserver.Reply(30, "2"))
	m.Handle("/chain/2", testserver.Reply(31, "3"))
	m.Handle("/chain/3", testserver.Page("text/gemini", "# End of the chain\n"))
	m.Handle("/loop/a", testserver.Reply(30, "b"))
	m.Handle("/loop/b", testserver.Reply(30, "a"))
	m.HandleFunc("/far/(?P<n>[0-9]+)", func(w testserver.ResponseWriter, r *testserver.Request) {
		n, _ := strconv.Atoi(r.Param("n"))
		w.WriteHeader(30, strconv.Itoa(n+1))
	})
	m.Handle("/cross", testserver.Reply(30, "gemini://elsewhere.example/"))
	m.Handle("/web", testserver.Reply(30, "https://example.org/"))
	m.Handle("/slow", testserver.Reply(44, "7"))
	m.Handle("/slower", testserver.Reply(44, "Too fast: wait 30 seconds"))
	m.Handle("/gone", testserver.Reply(52, "Gone for good"))
	m.Handle("/cgi", testserver.Reply(42, "The script <died>"))
	m.Handle("/bad", testserver.Reply(59, "Bad request"))
	m.Handle("/members", testserver.Reply(60, "Members only"))
	m.Handle("/fr", testserver.Page("text/gemini; lang=\"fr,en\"", "# Bonjour\n"))
	m.Handle("/latin1.txt", testserver.Page("text/plain; charset=iso-8859-1", "caf\xe9 <tag>"))
	m.Handle("/pic.png", testserver.Page("image/png", "\x89PNG\r\n\x1a\nfake"))
	m.Handle("/hostile", testserver.Page("text/gemini", "# <script>window.pwned = 1</script>\n"+
		"<img src=x onerror=\"window.pwned = 2\">\n=> javascript:window.pwned=3 click me\n```<script>window.pwned=4</script>\n</pre><script>window.pwned=5</script>\n```\n"))
	m.Handle("/evil.html", testserver.Page("text/html", "<script>alert(document.cookie)</script>"))
	m.Handle("/evil.svg", testserver.Page("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"))
	m.Handle("/file.zip", testserver.Page("application/zip", "PK"))
	return testserver.NewServer(t, m)
}

// TestHTMLPage: gemtext rendered with html/template, links numbered and
// rewritten, the security headers and the footer.
func TestHTMLPage(t *testing.T) {
	ts := capsuleMux(t)
	base := serve(t, local(ts.Port))
	host := "127.0.0.1:" + strconv.Itoa(ts.Port)
	resp, body := do(t, "GET", base+"/gemini/"+host+"/", "")
	if resp.StatusCode != 200 {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	for h, v := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
		"X-Robots-Tag":            "noindex, nofollow",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"X-Content-Type-Options":  "nosniff",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := resp.Header.Get(h); got != v {
			t.Errorf("%s: %q, want %q", h, got, v)
		}
	}
	for _, want := range []string{
		"<title>Title &lt;b&gt; — propus gateway</title>",
		`<h1 dir="auto">Title &lt;b&gt;</h1>`,
		`<p dir="auto">Some text &amp; more</p>`,
		`<html lang="en">`,
		`<span class="n">[1]</span> <a href="/gemini/` + host + `/next">Next page</a>`,
		`<span class="n">[2]</span> <a href="/gemini/` + host + `/other.gmi">other.gmi</a>`,
		`<span class="n">[3]</span> <a href="/gemini/other.example:1966/x?q=1">Another capsule</a>`,
		`<a class="external" rel="noopener noreferrer nofollow" href="https://example.org/">The web</a> <span class="scheme">(https)</span>`,
		"<ul>\n<li dir=\"auto\">one</li>\n<li dir=\"auto\">two</li>\n</ul>",
		`<blockquote dir="auto">a quote</blockquote>`,
		"<figcaption>ascii art</figcaption>",
		`<pre aria-label="ascii art">  /\_/\</pre>`,
		`<h2 dir="auto">Sub</h2>`,
		`<span class="n">[5]</span> <span class="bad">Bad</span>`,
		"<dt>URL</dt><dd>gemini://" + host + "/</dd>",
		"<dt>Status</dt><dd>20 text/gemini</dd>",
		"<dt>Known hosts</dt><dd>first sight</dd>",
		"<code>SHA256:",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "javascript:", "style="} {
		if strings.Contains(body, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	if _, body := do(t, "GET", base+"/gemini/"+host+"/", ""); !strings.Contains(body, "<dt>Known hosts</dt><dd>match</dd>") {
		t.Error("second visit: the footer does not say the pin matched")
	}
	if resp, css := do(t, "GET", base+"/style.css", ""); resp.StatusCode != 200 || !strings.Contains(css, "prefers-color-scheme: dark") {
		t.Errorf("style.css: HTTP %d", resp.StatusCode)
	}
}

// TestHTMLStatuses: each status as the HTML view answers it.
func TestHTMLStatuses(t *testing.T) {
	ts := capsuleMux(t)
	logs := &logBuffer{}
	g := local(ts.Port)
	g.Logf = logs.Logf
	base := serve(t, g)
	host := "127.0.0.1:" + strconv.Itoa(ts.Port)
	page := base + "/gemini/" + host
	tests := []struct {
		path     string
		code     int
		location string
		contains []string
	}{
		{"/ask", 200, "", []string{`<form class="prompt" method="post" action="/gemini/` + host + `/ask" autocomplete="off">`, `<label for="input">Your name?</label>`, `type="text" autocomplete="off"`}},
		{"/secret", 200, "", []string{`type="password" autocomplete="off"`}},
		{"/r30", 302, "/gemini/" + host + "/target", nil},
		{"/r31", 301, "/gemini/" + host + "/target", nil},
		{"/chain/1", 302, "/gemini/" + host + "/chain/3", nil},
		{"/loop/a", 502, "", []string{"redirect loop"}},
		{"/far/0", 502, "", []string{"too many redirects"}},
		{"/cross", 200, "", []string{"Redirect to another site", `<a href="/gemini/elsewhere.example/">gemini://elsewhere.example/</a>`}},
		{"/web", 200, "", []string{`<a rel="noopener noreferrer nofollow" href="https://example.org/">https://example.org/</a>`}},
		{"/slow", 429, "", []string{"Slow down"}},
		{"/nothing", 404, "", []string{"Not found"}},
		{"/gone", 410, "", []string{"Gone for good"}},
		{"/cgi", 502, "", []string{"The script &lt;died&gt;"}},
		{"/bad", 502, "", []string{"Bad request"}},
		{"/members", 403, "", []string{"Members only", "client certificate"}},
		{"/fr", 200, "", []string{`<html lang="fr">`}},
		{"/latin1.txt", 200, "", []string{`<pre class="plain">café &lt;tag&gt;</pre>`}},
		{"/pic.png", 200, "", []string{`<img src="/raw/` + host + `/pic.png"`}},
	}
	for _, tt := range tests {
		resp, body := do(t, "GET", page+tt.path, "")
		if resp.StatusCode != tt.code || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s: HTTP %d Location %q, want %d %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.code, tt.location)
		}
		for _, want := range tt.contains {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %q", tt.path, want)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no CSP", tt.path)
		}
	}
	if resp, _ := do(t, "GET", page+"/slow", ""); resp.Header.Get("Retry-After") != "7" {
		t.Errorf("44: Retry-After %q", resp.Header.Get("Retry-After"))
	}
	// The wait read as the browser reads it, words and all.
	if resp, _ := do(t, "GET", page+"/slower", ""); resp.Header.Get("Retry-After") != "30" {
		t.Errorf("44 in words: Retry-After %q", resp.Header.Get("Retry-After"))
	}

	// A 10 answered: percent-encoded, then a redirect to the answered URL.
	resp, _ := do(t, "POST", page+"/ask", "input=Ana+%26+B%C3%B8b%3F", "Content-Type", "application/x-www-form-urlencoded", "Origin", base)
	want := "/gemini/" + host + "/ask?Ana%20%26%20B%C3%B8b%3F"
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
		t.Errorf("answer: HTTP %d Location %q, want 303 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if _, body := do(t, "GET", base+want, ""); !strings.Contains(body, "query=Ana%20%26%20B%C3%B8b%3F") {
		t.Errorf("answered page: %s", body)
	}
	// An 11 answer is never logged.
	resp, _ = do(t, "POST", page+"/secret", "input=hunter2", "Content-Type", "application/x-www-form-urlencoded", "Origin", base)
	do(t, "GET", base+resp.Header.Get("Location"), "")
	if strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), "/secret") {
		t.Errorf("log:\n%s", logs)
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("answer headers: %v", resp.Header)
	}
}

// TestHTMLAttachments: a capsule's HTML, SVG or any other type never comes
// back with its own type; images come inline from /raw/.
func TestHTMLAttachments(t *testing.T) {
	ts := capsuleMux(t)
	base := serve(t, local(ts.Port))
	host := "127.0.0.1:" + strconv.Itoa(ts.Port)
	for _, path := range []string{"/gemini/" + host + "/evil.html", "/raw/" + host + "/evil.html", "/gemini/" + host + "/evil.svg", "/raw/" + host + "/evil.svg", "/gemini/" + host + "/file.zip"} {
		resp, body := do(t, "GET", base+path, "")
		name := path[strings.LastIndex(path, "/")+1:]
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/octet-stream" ||
			resp.Header.Get("Content-Disposition") != "attachment; filename="+name || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: HTTP %d %v", path, resp.StatusCode, resp.Header)
		}
		if strings.Contains(path, "evil.html") && body != "<script>alert(document.cookie)</script>" {
			t.Errorf("%s: body %q", path, body)
		}
	}
	resp, body := do(t, "GET", base+"/raw/"+host+"/pic.png", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || body != "\x89PNG\r\n\x1a\nfake" {
		t.Errorf("/raw/ image: HTTP %d %v", resp.StatusCode, resp.Header)
	}
}

// TestHTMLHome: the address bar, and where it sends you.
func TestHTMLHome(t *testing.T) {
	base := serve(t, local())
	resp, body := do(t, "GET", base+"/", "")
	if resp.StatusCode != 200 || !strings.Contains(body, `<form class="address" method="get" action="/">`) {
		t.Errorf("home: HTTP %d", resp.StatusCode)
	}
	for in, want := range map[string]string{
		"example.org":                           "/gemini/example.org/",
		"gemini://Example.org:1965/a b":         "/gemini/example.org/a%20b",
		"gemini://example.org:1966/x?y=1":       "/gemini/example.org:1966/x?y=1",
		"example.org/caf%C3%A9":                 "/gemini/example.org/caf%C3%A9",
		"gemini://xn--caf-dma.example/":         "/gemini/xn--caf-dma.example/",
		"gemini://[2001:db8::1]:1970/path?q#fr": "/gemini/[2001:db8::1]:1970/path?q",
	} {
		resp, _ := do(t, "GET", base+"/?url="+queryEscape(in), "")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("%s: HTTP %d Location %q, want %q", in, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	if resp, _ := do(t, "GET", base+"/?url="+queryEscape("https://example.org/"), ""); resp.StatusCode != 400 {
		t.Errorf("https URL: HTTP %d", resp.StatusCode)
	}
	if resp, body := do(t, "GET", base+"/robots.txt", ""); resp.StatusCode != 200 || body != "User-agent: *\nDisallow: /" {
		t.Errorf("robots.txt: %d %q", resp.StatusCode, body)
	}
}

func queryEscape(s string) string {
	return strings.NewReplacer("%", "%25", "&", "%26", "+", "%2B", " ", "%20", "#", "%23", "?", "%3F").Replace(s)
}

// TestPublicMode: robots.txt for web proxies honoured, block list kept.
func TestPublicMode(t *testing.T) {
	m := testserver.NewMux()
	m.Handle("/.*", testserver.Page("text/gemini", "# open\n"))
	var robotsFetches atomic.Int32
	m.HandleFunc("/robots.txt", func(w testserver.ResponseWriter, r *testserver.Request) {
		robotsFetches.Add(1)
		w.WriteHeader(20, "text/plain")
		io.WriteString(w, "User-agent: *\nDisallow: /all\n\nUser-agent: webproxy\nDisallow: /private\n")
	})
	ts := testserver.NewServer(t, m)
	g := local(ts.Port)
	g.Public = true
	g.BlockHosts = []string{"optout.example", "Bücher.Example."}
	base := serve(t, g)
	for path, code := range map[string]int{"/": 200, "/all": 200, "/private": 403, "/private/x": 403, "/public": 200} {
		resp, got := apiCall(t, base, fmt.Sprintf(`{"url":"%s%s"}`, ts.URL, path))
		if resp.StatusCode != code {
			t.Errorf("%s: HTTP %d %s, want %d", path, resp.StatusCode, got, code)
		}
	}
	if n := robotsFetches.Load(); n != 1 {
		t.Errorf("robots.txt fetched %d times for 5 requests, want 1 (cached)", n)
	}
	if resp, got := apiCall(t, base, `{"url":"gemini://optout.example/"}`); resp.StatusCode != 403 ||
		got != `{"success":false,"error":"Blocked: optout.example has asked not to be reached through this gateway"}` {
		t.Errorf("blocked host: HTTP %d %s", resp.StatusCode, got)
	}
	// An internationalised name blocks however the URL spells it.
	for _, u := range []string{"gemini://bücher.example/", "gemini://xn--bcher-kva.example./"} {
		if resp, got := apiCall(t, base, `{"url":"`+u+`"}`); resp.StatusCode != 403 || !strings.Contains(got, "has asked not to be reached") {
			t.Errorf("%s: HTTP %d %s", u, resp.StatusCode, got)
		}
	}
}

func TestParseRobots(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"User-agent: *\nDisallow: /\n", []string{"/"}},
		{"User-agent: webproxy\nDisallow: /a\nDisallow: /b # note\n", []string{"/a", "/b"}},
		{"User-agent: indexer\nUser-agent: WebProxy\nDisallow: /x\n\nUser-agent: *\nDisallow: /y\n", []string{"/x"}},
		{"User-agent: webproxy\nDisallow:\n\nUser-agent: *\nDisallow: /\n", nil},
		{"User-agent: archiver\nDisallow: /\n", nil},
		{"", nil},
	} {
		got := parseRobots(tt.text, "webproxy")
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("parseRobots(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A long preformatted block renders in time and memory linear in its
// size: appending each line to the text so far copied it again, which
// made a capsule's 40,000-line block hold a request for 21 s.
func TestRenderPreformattedLinear(t *testing.T) {
	var doc gemtext.Document
	doc = append(doc, gemtext.Line{Kind: gemtext.PreformatToggle})
	size := 0
	for i := range 20000 {
		l := gemtext.Line{Kind: gemtext.Preformatted, Text: fmt.Sprintf("line %05d of a long preformatted block of text", i)}
		size += len(l.Text) + 1
		doc = append(doc, l)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	base, _ := url.Parse("gemini://example.org/")
	blocks, _ := renderGemtext(doc, base)
	runtime.ReadMemStats(&after)
	if len(blocks) != 1 || len(blocks[0].Text) != size-1 {
		t.Fatalf("%d blocks, the first %d bytes; want one of %d", len(blocks), len(blocks[0].Text), size-1)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > uint64(20*size) {
		t.Errorf("rendering a %d-byte block allocated %d bytes", size, n)
	}
}
