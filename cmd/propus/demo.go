package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"embed"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"propus/browser/session"
	"propus/client/identity"
	"propus/testserver"
)

const demoHelp = `Serves a demo capsule on 127.0.0.1 and opens the browser on it: a guided
tour of what propus does (gemtext, Unicode, input, redirects, errors,
identities, big and slow pages, downloads, a directory listing, CGI and a
gemlog), offline. The server's certificate is kept in the data directory, so
a second run is trusted as the first was. The port is fixed (--port) because
known hosts are pinned per host and port; when it is taken a free one is used
and said so. The browser opens as propus with no URL does: the tabs of the
last demo come back (the config's restore_session; the demo keeps its own
session, apart from propus's), else the demo's home page; --no-restore
always opens the home page. With --serve-only it only serves,
until SIGINT or SIGTERM.`

// demoDefaultPort is the demo's port, one above Gemini's.
const demoDefaultPort = 1966

//go:embed demo
var demoFS embed.FS

func runDemo(e *env, args []string) int {
	fset := flag.NewFlagSet("demo", flag.ContinueOnError)
	port := fset.Int("port", demoDefaultPort, "port to listen on (a free one when it is taken)")
	serveOnly := fset.Bool("serve-only", false, "only serve (print the URL), do not open the browser")
	noRestore := fset.Bool("no-restore", false, "open the demo's home page, not the tabs of the last run")
	fset.Usage = usageFunc(fset, "[flags]", demoHelp)
	pos, done, code := parseFlags(fset, args, e.stdout, e.stderr)
	if done {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "propus demo: unexpected argument %q (see propus demo --help)\n", pos[0])
		return exitUsage
	}
	logTo := e.stderr
	if !*serveOnly {
		logTo = io.Discard // the browser owns the terminal
	}
	explicit := false
	fset.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "port" })
	d, err := buildDemo(*port, e.paths.dataDir, logTo)
	if err != nil && *port != 0 && isAddrInUse(err) {
		if explicit {
			fmt.Fprintf(e.stderr, "propus demo: port %d is taken: choose another with --port, or leave --port out for a free one\n", *port)
			return exitFailure
		}
		d, err = buildDemo(0, e.paths.dataDir, logTo)
		if err == nil {
			e.notice = fmt.Sprintf("Port %d is taken: the demo is on %s (a new host for propus's known hosts)", *port, d.url)
			fmt.Fprintln(e.stderr, "propus demo: "+e.notice)
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "propus demo: %v\n", err)
		return exitFailure
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *serveOnly {
		fmt.Fprintf(e.stdout, "propus demo: serving %s (Ctrl-C stops)\n", d.url)
		if err := serveUntil(ctx, d.srv, d.ln); err != nil {
			fmt.Fprintf(e.stderr, "propus demo: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	ctx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- serveUntil(ctx, d.srv, d.ln) }()
	// No URL: the last demo's session comes back, else the demo's home
	// page. The demo keeps its own session: a plain propus afterwards does
	// not reopen tabs on a server that is gone, nor the demo yours.
	e.paths.session = filepath.Join(e.paths.dataDir, "demo-session")
	if err := moveDemoSession(e.paths.session, d.url); err != nil {
		fmt.Fprintf(e.stderr, "propus demo: %v\n", err)
	}
	var browseArgs []string
	if *noRestore {
		browseArgs = []string{"--no-restore"}
	}
	code = browse(e, browseArgs, d.url)
	cancel()
	<-errc
	return code
}

func isAddrInUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE)
}

// demo is a built demo server, listening but not yet serving.
type demo struct {
	srv *testserver.Server
	ln  net.Listener
	url string // gemini://localhost:PORT/
}

// buildDemo listens on 127.0.0.1:port (0: a free port) and makes the demo
// server, its certificate and site files kept under dataDir.
func buildDemo(port int, dataDir string, logTo io.Writer) (*demo, error) {
	cert, _, err := testserver.LoadOrCreateCertificate(filepath.Join(dataDir, "certs"), "localhost")
	if err != nil {
		return nil, err
	}
	site := filepath.Join(dataDir, "demo")
	if err := writeDemoSite(site); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	port = ln.Addr().(*net.TCPAddr).Port
	h := demoHandler(site, port, logTo)
	srv := &testserver.Server{
		Handler: &testserver.VirtualHosts{Port: port, Hosts: map[string]testserver.Handler{
			"localhost": h, "127.0.0.1": h,
		}},
		TLSConfig: &tls.Config{GetCertificate: testserver.SNICertificates(nil, &cert)},
		AccessLog: logTo,
		ErrorLog:  log.New(logTo, "", log.LstdFlags),
	}
	titan := demoTitan(site, logTo)
	srv.TitanHandler = &testserver.VirtualHosts{Port: port, Hosts: map[string]testserver.Handler{
		"localhost": titan, "127.0.0.1": titan,
	}}
	return &demo{srv: srv, ln: ln, url: fmt.Sprintf("gemini://localhost:%d/", port)}, nil
}

// demoTitanToken is the token the demo's wiki takes Titan uploads with.
const demoTitanToken = "demo"

// demoTitan takes Titan uploads under /wiki/ of the demo's site, with
// the token demoTitanToken, logging each to logTo.
func demoTitan(site string, logTo io.Writer) testserver.Handler {
	lw := &lockedWriter{w: logTo}
	titan := &testserver.Titan{Dir: site, Tokens: []string{demoTitanToken}, MaxSize: 1 << 20,
		Log: func(r testserver.TitanRecord) { fmt.Fprintln(lw, r.String()) }}
	return testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if !strings.HasPrefix(r.URL.Path, "/wiki/") {
			w.WriteHeader(50, "In the demo, Titan writes only under /wiki/")
			return
		}
		titan.ServeGemini(w, r)
	})
}

// writeDemoSite writes the embedded files served from disk (the directory
// listing and the CGI script) under dir.
func writeDemoSite(dir string) error {
	err := fs.WalkDir(demoFS, "demo/site", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, "demo/site")))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := demoFS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return err
	}
	// The wiki's pages are the user's once written: a later demo keeps
	// what they uploaded.
	wiki := filepath.Join(dir, "wiki")
	if err := os.MkdirAll(wiki, 0o755); err != nil {
		return err
	}
	seeds, err := demoFS.ReadDir("demo/wiki")
	if err != nil {
		return err
	}
	for _, e := range seeds {
		dst := filepath.Join(wiki, e.Name())
		if _, err := os.Lstat(dst); err == nil {
			continue
		}
		b, err := demoFS.ReadFile("demo/wiki/" + e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	cgiDir := filepath.Join(dir, "cgi-bin")
	if err := os.MkdirAll(cgiDir, 0o755); err != nil {
		return err
	}
	script := filepath.Join(cgiDir, "env.sh")
	if err := os.WriteFile(script, []byte(demoCGIScript), 0o755); err != nil {
		return err
	}
	return os.Chmod(script, 0o755) // WriteFile keeps an existing file's mode
}

const demoCGIScript = `#!/bin/sh
printf '20 text/gemini\r\n'
printf '# A CGI script\n\nThis page is printed by a shell script the server ran. Its environment:\n\n'
printf '` + "```" + `\n'
for v in GATEWAY_INTERFACE SERVER_PROTOCOL SERVER_SOFTWARE GEMINI_URL SCRIPT_NAME PATH_INFO QUERY_STRING SERVER_NAME SERVER_PORT REMOTE_ADDR TLS_VERSION TLS_CIPHER AUTH_TYPE REMOTE_USER TLS_CLIENT_HASH; do
  eval "val=\${$v-}"
  [ -n "$val" ] && printf '%s=%s\n' "$v" "$val"
done
printf '` + "```" + `\n\nShow an identity here to see AUTH_TYPE, REMOTE_USER and TLS_CLIENT_HASH.\n\n=> / Back home\n'
`

// demoWikiIndex is the head of the wiki's page, given the port.
const demoWikiIndex = `# A wiki you write with Titan

Titan is Gemini's way to upload. The pages below are files the demo's server keeps on your disk, and you can change them from here:

* E on a page edits it in $EDITOR (else vi); save and quit, and propus asks before it uploads: u uploads, Esc keeps your text in your download directory.
* P uploads a file from your disk beside the page you are on.
* A titan:// link, like the one below, asks what to write there.

The server asks for a token: it is "demo". propus remembers it until you quit.

=> titan://localhost:%d/wiki/new.gmi Write a new page (a titan:// link)

## Pages
`

// demoHandler routes the tour's pages.
func demoHandler(site string, port int, logTo io.Writer) testserver.Handler {
	m := testserver.NewMux()
	gmi := func(body string) testserver.Handler { return testserver.Page("text/gemini", body) }

	// Static pages from the embedded capsule; registered first, so the
	// routes below win.
	m.HandleFunc("/.*", func(w testserver.ResponseWriter, r *testserver.Request) {
		p := strings.Trim(r.URL.Path, "/")
		if p == "" || strings.HasSuffix(r.URL.Path, "/") {
			p = path.Join(p, "index.gmi")
		}
		b, err := demoFS.ReadFile("demo/pages/" + p)
		if err != nil {
			if _, derr := fs.Stat(demoFS, "demo/pages/"+strings.Trim(r.URL.Path, "/")+"/index.gmi"); derr == nil {
				w.WriteHeader(31, r.URL.Path+"/")
				return
			}
			testserver.NotFound(w, r)
			return
		}
		w.WriteHeader(20, testserver.MIMEType(p))
		w.Write(b)
	})

	m.HandleFunc("/search", func(w testserver.ResponseWriter, r *testserver.Request) {
		q, err := url.QueryUnescape(r.URL.RawQuery)
		if r.URL.RawQuery == "" || err != nil {
			w.WriteHeader(10, "Search the demo capsule (type anything, then Enter)")
			return
		}
		fmt.Fprintf(w, "# Search\n\nYou searched for:\n\n> %s\n\nThat came as the URL's query; press H to go back, or search again:\n\n=> /search Search again\n=> / Back home\n", q)
	})
	m.HandleFunc("/password", func(w testserver.ResponseWriter, r *testserver.Request) {
		q, err := url.QueryUnescape(r.URL.RawQuery)
		if r.URL.RawQuery == "" || err != nil {
			w.WriteHeader(11, "Password (anything; it is hidden as you type and kept out of history)")
			return
		}
		fmt.Fprintf(w, "# Password accepted\n\nYour password had %d characters. Status 11 input is not echoed and never stored in history.\n\n=> / Back home\n", len([]rune(q)))
	})

	var gbMu sync.Mutex
	guestbook := []string{"2026-01-01 propus: Welcome! Sign below."}
	m.HandleFunc("/guestbook", func(w testserver.ResponseWriter, r *testserver.Request) {
		gbMu.Lock()
		entries := append([]string(nil), guestbook...)
		gbMu.Unlock()
		var b strings.Builder
		b.WriteString("# Guestbook\n\nFollow \"Sign the guestbook\", type a message (status 10) and Enter: you come back here and see it. Entries are kept until the demo stops.\n\n=> /guestbook/sign Sign the guestbook\n\n## Entries\n")
		for i := len(entries) - 1; i >= 0; i-- {
			b.WriteString("* " + entries[i] + "\n")
		}
		b.WriteString("\n=> / Back home\n")
		io.WriteString(w, b.String())
	})
	m.HandleFunc("/guestbook/sign", func(w testserver.ResponseWriter, r *testserver.Request) {
		q, err := url.QueryUnescape(r.URL.RawQuery)
		q = strings.Join(strings.Fields(q), " ")
		if q == "" || err != nil {
			w.WriteHeader(10, "Your message for the guestbook")
			return
		}
		gbMu.Lock()
		if len(guestbook) < 1000 {
			guestbook = append(guestbook, time.Now().Format("2006-01-02")+" "+q)
		}
		gbMu.Unlock()
		w.WriteHeader(30, "/guestbook")
	})

	landed := "# You landed\n\nYou followed a redirect to get here: the status line shows where from. By default propus follows up to 5 redirects on the same host and asks before another host.\n\n=> / Back home\n"
	m.Handle("/redirect/landed", gmi(landed))
	m.Handle("/redirect/temporary", testserver.Reply(30, "/redirect/landed"))
	m.Handle("/redirect/permanent", testserver.Reply(31, "/redirect/landed"))
	m.Handle("/redirect/chain/1", testserver.Reply(30, "/redirect/chain/2"))
	m.Handle("/redirect/chain/2", testserver.Reply(30, "/redirect/chain/3"))
	m.Handle("/redirect/chain/3", testserver.Reply(30, "/redirect/landed"))
	m.Handle("/redirect/cross", testserver.Reply(30, fmt.Sprintf("gemini://127.0.0.1:%d/redirect/landed", port)))

	limiter := testserver.NewRateLimiter(testserver.RateLimit{Requests: 3, Period: time.Minute})
	m.Handle("/limited", limiter.Middleware(gmi("# Rate-limited page\n\nReload this page with r: the fourth time within a minute the server answers 44 (slow down), and propus shows how long to wait.\n\n=> / Back home\n")))

	m.Handle("/members(/.*)?", testserver.RequireCertificate(testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		name := r.Certificate.Subject.CommonName
		if name == "" {
			name = "stranger without a name"
		}
		fmt.Fprintf(w, "# Members area\n\nWelcome, %s!\n\nYour identity's fingerprint:\n\n```\n%s\n```\n\nThe server asked for a certificate (status 60); propus offered to make or choose an identity, and sends it to this part of the capsule from now on. Manage identities at about:identities.\n\n=> /room/ Try the room that refuses every identity\n=> / Back home\n", name, identity.CertificateHash(r.Certificate))
	})))
	room := testserver.CertificateZones{{Path: "/room"}}
	m.Handle("/room(/.*)?", room.Middleware(gmi("# Nobody gets here\n")))

	m.HandleFunc("/big.gmi", func(w testserver.ResponseWriter, r *testserver.Request) {
		// Exactly 5 MiB: the most the browser shows (its default cap).
		const head = "# A 5 MiB document\n\nScroll with Space, jump to the end with G and back with g. It is made as it is sent.\n\n"
		const tail = "\n# The end\n\n=> / Back home\n"
		w.WriteHeader(20, "text/gemini")
		io.WriteString(w, head)
		line := []byte(strings.Repeat("All work and no play makes a big page. ", 2) + "\n")
		left := 5<<20 - len(head) - len(tail)
		buf := make([]byte, 0, 16<<10)
		for i := 1; left > 0; i++ {
			buf = append(buf[:0], "## Section "...)
			buf = strconv.AppendInt(buf, int64(i), 10)
			buf = append(buf, '\n')
			for len(buf)+len(line) < cap(buf) {
				buf = append(buf, line...)
			}
			if len(buf) > left {
				buf = buf[:left]
				buf[left-1] = '\n'
			}
			n, err := w.Write(buf)
			left -= n
			if err != nil || r.Context().Err() != nil {
				return
			}
		}
		io.WriteString(w, tail)
	})
	m.HandleFunc("/slow.gmi", func(w testserver.ResponseWriter, r *testserver.Request) {
		w.WriteHeader(20, "text/gemini")
		io.WriteString(w, "# A slow page\n\nA line comes every 300 ms: propus shows them as they arrive. Press Esc to stop loading.\n\n")
		w.Flush()
		for i := 1; i <= 20; i++ {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(300 * time.Millisecond):
			}
			fmt.Fprintf(w, "* Line %d of 20\n", i)
			if w.Flush() != nil {
				return
			}
		}
		io.WriteString(w, "\nDone.\n\n=> / Back home\n")
	})
	pngImage := demoPNG()
	m.Handle("/download/propus.png", testserver.Page("image/png", string(pngImage)))

	files := &testserver.FileServer{Root: site}
	m.Handle("/files(/.*)?", files)
	m.Handle("/wiki/.+", files)
	m.HandleFunc("/wiki/?", func(w testserver.ResponseWriter, r *testserver.Request) {
		if r.URL.Path == "/wiki" {
			w.WriteHeader(31, "/wiki/")
			return
		}
		w.WriteHeader(20, "text/gemini")
		fmt.Fprintf(w, demoWikiIndex, port)
		entries, _ := os.ReadDir(filepath.Join(site, "wiki"))
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				fmt.Fprintf(w, "=> %s %s\n", url.PathEscape(e.Name()), e.Name())
			}
		}
		io.WriteString(w, "\n=> / Back home\n")
	})
	if _, err := os.Stat("/bin/sh"); err == nil {
		m.Handle("/cgi-bin(/.*)?", &testserver.CGI{Root: site, Dir: "cgi-bin", Timeout: 5 * time.Second,
			Hostname: "localhost", Port: port, Fallback: files, Stderr: &lockedWriter{w: logTo}})
	} else {
		m.Handle("/cgi-bin(/.*)?", gmi("# No CGI here\n\nThis system has no /bin/sh, so the demo's CGI script cannot run.\n\n=> / Back home\n"))
	}
	return m
}

// lockedWriter makes a writer safe for concurrent scripts.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// demoPNG draws a small gradient image.
func demoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 160, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// moveDemoSession points the tabs of the last demo, saved in path, at the
// demo's live address (home): a demo that had to take another port, now
// or last time, restores its tabs on the server that is there. A missing
// file is no error.
func moveDemoSession(path, home string) error {
	live, err := url.Parse(home)
	if err != nil {
		return err
	}
	s, err := session.Load(path)
	if err != nil || len(s.Tabs) == 0 {
		return err
	}
	move := func(e *session.Entry) {
		u, err := url.Parse(e.URL)
		if err == nil && u.Scheme == "gemini" && (u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1") && u.Port() != live.Port() {
			u.Host = net.JoinHostPort(u.Hostname(), live.Port())
			e.URL = u.String()
		}
	}
	for i := range s.Tabs {
		t := &s.Tabs[i]
		move(&t.Current)
		for j := range t.Back {
			move(&t.Back[j])
		}
		for j := range t.Forward {
			move(&t.Forward[j])
		}
	}
	return session.Save(path, s)
}
