package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"propus/browser/session"
	"propus/client"
	"propus/client/identity"
	"propus/gemtext"
	"propus/testserver"
)

// startDemo serves the demo on a free port with dataDir and returns its URL
// and certificate fingerprint; it stops when the test ends.
func startDemo(t *testing.T, dataDir string) *demo {
	t.Helper()
	d, err := buildDemo(0, dataDir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, d.srv, d.ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo stopped with %v", err)
		}
	})
	return d
}

func demoGet(t *testing.T, req *client.Request) (*client.Response, []byte) {
	t.Helper()
	var c client.Client
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := c.Do(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	resp.SetMaxSize(0)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: body: %v", req.URL, err)
	}
	return resp, body
}

func TestDemoTour(t *testing.T) {
	d := startDemo(t, t.TempDir())
	base, _ := url.Parse(d.url)
	get := func(u string) (*client.Response, []byte) {
		req, err := client.NewRequest(u)
		if err != nil {
			t.Fatal(err)
		}
		return demoGet(t, req)
	}
	resp, home := get(d.url)
	if resp.Status != 20 || !bytes.Contains(home, []byte("propus demo")) {
		t.Fatalf("home: %d %q", resp.Status, home)
	}
	want := map[string]client.Status{
		"/search": 10, "/password": 11, "/guestbook": 20,
		"/redirect/temporary": 30, "/redirect/permanent": 31, "/redirect/chain/1": 30, "/redirect/cross": 30,
		"/members/": 60, "/room/": 60, "/limited": 20,
	}
	links := 0
	for _, line := range strings.Split(string(home), "\n") {
		target, _, ok := strings.Cut(strings.TrimPrefix(line, "=> "), " ")
		if !strings.HasPrefix(line, "=> ") || !ok || strings.HasPrefix(target, "about:") {
			continue // about: pages are the browser's own
		}
		links++
		u, err := client.Resolve(base, target)
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(u.String())
		status := client.Status(20)
		if s, ok := want[target]; ok {
			status = s
		}
		if resp.Status != status {
			t.Errorf("%s: status %d %q, want %d", target, resp.Status, resp.Meta, status)
		}
		if status == 20 && len(body) == 0 {
			t.Errorf("%s: empty body", target)
		}
		switch target {
		case "/big.gmi":
			if len(body) < 5<<20 {
				t.Errorf("big page is %d bytes", len(body))
			}
		case "/download/propus.png":
			if resp.Meta != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
				t.Errorf("download: %q %q", resp.Meta, body[:min(8, len(body))])
			}
		case "/files/":
			if !bytes.Contains(body, []byte("readme.txt")) || !bytes.Contains(body, []byte("more/")) {
				t.Errorf("listing: %q", body)
			}
		case "/cgi-bin/env.sh":
			if !bytes.Contains(body, []byte("GATEWAY_INTERFACE=CGI/1.1")) && !bytes.Contains(body, []byte("No CGI")) {
				t.Errorf("cgi: %q", body)
			}
		case "gemlog/":
			if n := bytes.Count(body, []byte("\n=> 2026-")); n != 3 {
				t.Errorf("gemlog has %d posts: %q", n, body)
			}
		}
	}
	if links < 20 {
		t.Errorf("home has %d links", links)
	}

	// Every link of every static page leads somewhere.
	for _, p := range []string{"gemtext.gmi", "unicode.gmi", "long-lines.gmi", "art.gmi", "gemlog/"} {
		u, _ := client.Resolve(base, p)
		_, body := get(u.String())
		for _, line := range strings.Split(string(body), "\n") {
			fields := strings.Fields(strings.TrimPrefix(line, "=>"))
			if !strings.HasPrefix(line, "=>") || len(fields) == 0 || strings.Contains(fields[0], ":") {
				continue
			}
			v, _ := client.Resolve(u, fields[0])
			if resp, _ := get(v.String()); resp.Status != 20 {
				t.Errorf("%s → %s: %d", p, fields[0], resp.Status)
			}
		}
	}

	// Input, redirects, guestbook.
	if _, body := get(d.url + "search?caf%C3%A9"); !bytes.Contains(body, []byte("> café")) {
		t.Errorf("search: %q", body)
	}
	if resp, _ := get(d.url + "guestbook/sign?hello%20there"); resp.Status != 30 {
		t.Errorf("sign: %d", resp.Status)
	}
	if _, body := get(d.url + "guestbook"); !bytes.Contains(body, []byte("hello there")) {
		t.Errorf("guestbook: %q", body)
	}
	if resp, _ := get(d.url + "redirect/cross"); !strings.HasPrefix(resp.Meta, "gemini://127.0.0.1:") {
		t.Errorf("cross: %q", resp.Meta)
	} else if resp, _ := get(resp.Meta); resp.Status != 20 {
		t.Errorf("cross-host target: %d", resp.Status)
	}
	for range 3 {
		get(d.url + "limited")
	}
	if resp, _ := get(d.url + "limited"); resp.Status != 44 {
		t.Errorf("limited: %d", resp.Status)
	}

	// Identities: members greet, the room refuses.
	id, err := testserver.GenerateCertificate([]string{"alice"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	withID := func(u string) (*client.Response, []byte) {
		req, _ := client.NewRequest(u)
		req.Certificate = &id
		return demoGet(t, req)
	}
	if resp, body := withID(d.url + "members/"); resp.Status != 20 || !bytes.Contains(body, []byte("Welcome, alice")) ||
		!bytes.Contains(body, []byte(identity.CertificateHash(id.Leaf))) {
		t.Errorf("members: %d %q", resp.Status, body)
	}
	if resp, _ := withID(d.url + "room/"); resp.Status != 61 {
		t.Errorf("room: %d", resp.Status)
	}
}

func TestDemoKeepsCertificate(t *testing.T) {
	dir := t.TempDir()
	cert := func() []byte {
		d := startDemo(t, dir)
		conn, err := tls.Dial("tcp", d.ln.Addr().String(), &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].Raw
	}
	if a, b := cert(), cert(); !bytes.Equal(a, b) {
		t.Error("the second start presents another certificate")
	}
}

func TestDemoPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = buildDemo(ln.Addr().(*net.TCPAddr).Port, t.TempDir(), io.Discard)
	if !isAddrInUse(err) {
		t.Errorf("err = %v, want address in use", err)
	}
}

// Every link of the demo capsule works: a walk of every page on the demo's
// own host finds no 5x and no connection error.
func TestDemoEveryLinkWorks(t *testing.T) {
	d := startDemo(t, t.TempDir())
	home, _ := url.Parse(d.url)
	seen := map[string]bool{home.String(): true}
	queue := []*url.URL{home}
	var c client.Client
	for len(queue) > 0 && len(seen) < 300 {
		u := queue[0]
		queue = queue[1:]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		resp, err := c.Do(ctx, &client.Request{URL: u})
		if err != nil {
			cancel()
			t.Errorf("%s: %v", u, err)
			continue
		}
		var body []byte
		// The big and the slow page have no links, and are slow to read
		// on purpose.
		slow := u.Path == "/big.gmi" || u.Path == "/slow.gmi"
		if resp.Status.Class() == client.StatusSuccess && strings.HasPrefix(resp.Meta, "text/gemini") && !slow {
			body, err = io.ReadAll(resp.Body)
		}
		resp.Body.Close()
		cancel()
		if resp.Status.Class() == client.StatusPermanentFailure || err != nil {
			t.Errorf("%s: %d %s %v", u, resp.RawStatus, resp.Meta, err)
		}
		lines, _ := gemtext.ParseAll(bytes.NewReader(body))
		for _, l := range lines {
			if l.Kind != gemtext.Link {
				continue
			}
			to, err := client.Resolve(u, l.URL)
			if err != nil {
				t.Errorf("%s: link %q: %v", u, l.URL, err)
				continue
			}
			local := to.Hostname() == "localhost" || to.Hostname() == "127.0.0.1"
			if to.Scheme == "gemini" && local && !seen[to.String()] {
				if to.Port() != home.Port() {
					t.Errorf("%s links %s: not the demo's port", u, to)
					continue
				}
				seen[to.String()] = true
				queue = append(queue, to)
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("the walk found only %d pages", len(seen))
	}
}

// An explicit --port that is taken is an error; the default one, taken,
// gives way to a free port (TestDemoPortTaken).
func TestDemoExplicitPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	want(t, []string{"demo", "--serve-only", "--port", port}, exitFailure, "", "port "+port+" is taken: choose another with --port")
}

// The tabs of the last demo, saved on another port, come back on the
// demo's live port; other addresses are left alone.
func TestMoveDemoSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo-session")
	old := session.Session{Tabs: []session.Tab{{
		Current: session.Entry{URL: "gemini://localhost:1966/gemtext.gmi", Line: 3},
		Back:    []session.Entry{{URL: "gemini://127.0.0.1:1966/redirect/landed"}, {URL: "gemini://elsewhere.example/"}, {URL: "about:home"}},
	}}}
	if err := session.Save(path, old); err != nil {
		t.Fatal(err)
	}
	if err := moveDemoSession(path, "gemini://localhost:40001/"); err != nil {
		t.Fatal(err)
	}
	s, err := session.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{s.Tabs[0].Current.URL, s.Tabs[0].Back[0].URL, s.Tabs[0].Back[1].URL, s.Tabs[0].Back[2].URL}
	want := []string{"gemini://localhost:40001/gemtext.gmi", "gemini://127.0.0.1:40001/redirect/landed", "gemini://elsewhere.example/", "about:home"}
	if !slices.Equal(got, want) || s.Tabs[0].Current.Line != 3 {
		t.Errorf("moved to %q (line %d), want %q", got, s.Tabs[0].Current.Line, want)
	}
	if err := moveDemoSession(filepath.Join(t.TempDir(), "none"), "gemini://localhost:1966/"); err != nil {
		t.Errorf("no session file: %v", err)
	}
}

// The demo's wiki takes Titan uploads under /wiki/ with the token
// "demo", and nowhere else; what was uploaded survives a restart.
func TestDemoWikiTitan(t *testing.T) {
	dataDir := t.TempDir()
	d := startDemo(t, dataDir)
	upload := func(path, token, text string) *client.Response {
		t.Helper()
		req, err := client.NewRequest(d.url + path)
		if err != nil {
			t.Fatal(err)
		}
		var c client.Client
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, err := c.Upload(ctx, req, "text/gemini", int64(len(text)), token, strings.NewReader(text))
		if err != nil {
			t.Fatalf("upload %s: %v", path, err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := upload("wiki/scratch.gmi", "", "# Mine\n"); resp.Status != 59 || !strings.Contains(resp.Meta, "token") {
		t.Errorf("no token: %d %s", resp.Status, resp.Meta)
	}
	if resp := upload("files/notes.gmi", "demo", "# Mine\n"); resp.Status != 50 || !strings.Contains(resp.Meta, "/wiki/") {
		t.Errorf("outside the wiki: %d %s", resp.Status, resp.Meta)
	}
	if resp := upload("wiki/scratch.gmi", "demo", "# Mine\n"); resp.Status != 30 || resp.Meta != d.url+"wiki/scratch.gmi" {
		t.Fatalf("the scratch page: %d %s", resp.Status, resp.Meta)
	}
	req, _ := client.NewRequest(d.url + "wiki/scratch.gmi")
	if _, body := demoGet(t, req); string(body) != "# Mine\n" {
		t.Errorf("the scratch page serves %q", body)
	}
	req, _ = client.NewRequest(d.url + "wiki/")
	if _, body := demoGet(t, req); !strings.Contains(string(body), "=> titan://localhost:"+strings.TrimSuffix(strings.TrimPrefix(d.url, "gemini://localhost:"), "/")+"/wiki/new.gmi") ||
		!strings.Contains(string(body), "=> scratch.gmi scratch.gmi") {
		t.Errorf("the wiki's page:\n%s", body)
	}
	if err := writeDemoSite(filepath.Join(dataDir, "demo")); err != nil {
		t.Fatal(err)
	}
	if _, body := demoGet(t, req); !strings.Contains(string(body), "guestbook.gmi") {
		t.Errorf("the wiki after a restart:\n%s", body)
	}
	req, _ = client.NewRequest(d.url + "wiki/scratch.gmi")
	if _, body := demoGet(t, req); string(body) != "# Mine\n" {
		t.Errorf("after a restart the scratch page serves %q", body)
	}
}
