package main

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"propus/client"
	"propus/testserver"
)

// The end-to-end test runs the real propus binary in a private tmux
// server, types at it with send-keys and reads the screen with
// capture-pane, against a Gemini server running in the test process.
//
// Every wait polls the screen until what is expected shows (or e2eTimeout
// passes): nothing depends on a fixed sleep, so a slow, loaded machine
// only makes the test slower.

const (
	e2eTimeout = 20 * time.Second      // the most any one step may take
	e2ePoll    = 50 * time.Millisecond // how often the screen is read

	// The words searched for. Each appears on its page only far below
	// the first screen, and nowhere else on the site.
	homeWord = "xylophonist"
	farWord  = "quetzalcoatl"

	// exitMarker is what the wrapper shell prints once propus has
	// exited: the stand-in for the shell prompt coming back.
	exitMarker = "[propus exited with status "
)

// e2eSite returns the test site: a home page that scrolls, with three
// headings, two links and homeWord on line 56 of its filler; a second
// page; and a long page with farWord twice, far down.
func e2eSite() *testserver.Mux {
	var home strings.Builder
	home.WriteString("# Propus E2E Home\n")
	home.WriteString("Welcome to the end-to-end test site.\n")
	home.WriteString("=> /second Second page\n")
	home.WriteString("=> /far The far page\n")
	home.WriteString("## Filler\n")
	for i := 1; i <= 60; i++ {
		if i == 56 {
			fmt.Fprintf(&home, "Filler line %02d hides the word %s.\n", i, homeWord)
			continue
		}
		fmt.Fprintf(&home, "Filler line %02d: nothing to see here.\n", i)
	}
	home.WriteString("## The end\n")
	home.WriteString("That is all.\n")

	var far strings.Builder
	far.WriteString("# Far Page Heading\n")
	for i := 1; i <= 120; i++ {
		switch i {
		case 90, 110:
			fmt.Fprintf(&far, "Far line %03d mentions %s.\n", i, farWord)
		default:
			fmt.Fprintf(&far, "Far line %03d is plain.\n", i)
		}
	}

	mux := testserver.NewMux()
	mux.HandleStrict("/", testserver.Page("text/gemini", home.String()))
	mux.Handle("/second", testserver.Page("text/gemini",
		"# Second Page Heading\nYou reached the second page.\n=> / Home again\n"))
	mux.Handle("/far", testserver.Page("text/gemini", far.String()))
	return mux
}

func TestEndToEnd(t *testing.T) {
	needTmux(t)
	start := time.Now()
	bin := buildPropus(t)
	t.Logf("built propus in %v", time.Since(start).Round(time.Millisecond))

	ts := testserver.NewServer(t, e2eSite())
	home := ts.URLFor("/")

	t.Run("browse", func(t *testing.T) {
		s := startTmux(t, bin, 100, 30, nil, home)
		browseRun(t, s, ts)
	})
	t.Run("no-color", func(t *testing.T) {
		s := startTmux(t, bin, 40, 20, []string{"NO_COLOR=1"}, home)
		noColor(s, home)
	})
	t.Logf("end-to-end test took %v", time.Since(start).Round(time.Millisecond))
}

// browse drives the 100×30 run: follow a link by number, go back, search
// two pages, quit.
func browseRun(t *testing.T, s *tmuxSession, ts *testserver.TestServer) {
	home, second, far := ts.URLFor("/"), ts.URLFor("/second"), ts.URLFor("/far")

	// The home page shows, its address in the top bar. Whatever must be
	// on a screen, and whatever must not, is part of the wait, so that a
	// screen caught half redrawn is read again rather than judged.
	sc := s.waitFor("the home page: its title, both links and the filler, "+home+" in the top bar", func(sc screen) bool {
		return sc.contains("Propus E2E Home") && sc.contains("[1] Second page") && sc.contains("[2] The far page") &&
			sc.contains("Filler line 01") && sc.bar() == home
	})
	if sc.contains(homeWord) {
		t.Fatalf("the home page's line 56 is on the first screen, so the search below would prove nothing:\n%s", sc)
	}

	// Typing a link's number follows it.
	s.send("1")
	s.waitFor("the second page after typing 1: its heading, "+second+" in the top bar, the home page gone", func(sc screen) bool {
		return sc.contains("Second Page Heading") && sc.bar() == second && !sc.contains("Propus E2E Home")
	})

	// H goes back.
	s.send("H")
	s.waitFor("the home page after H: its title, "+home+" in the top bar, the second page gone", func(sc screen) bool {
		return sc.contains("Propus E2E Home") && sc.bar() == home && !sc.contains("Second Page Heading")
	})

	// / word Enter finds the line far down.
	s.search(homeWord)
	s.waitFor("the line with "+homeWord+" and \"1 line matches\" in the status line, "+home+" still in the top bar", func(sc screen) bool {
		return sc.contains("Filler line 56 hides the word "+homeWord) && strings.Contains(sc.status(), "1 line matches") &&
			sc.bar() == home
	})

	// A page reached later is searched too, and n moves to the next match.
	s.send("2")
	s.waitFor("the far page after typing 2: its heading, "+far+" in the top bar", func(sc screen) bool {
		return sc.contains("Far Page Heading") && sc.bar() == far
	})
	s.search(farWord)
	s.waitFor("the first line with "+farWord+" and \"2 lines match\" in the status line", func(sc screen) bool {
		return sc.contains("Far line 090 mentions "+farWord) && strings.Contains(sc.status(), "2 lines match")
	})
	s.send("n")
	s.waitFor("the second line with "+farWord+" and \"Match 2 of 2\" in the status line after n", func(sc screen) bool {
		return sc.contains("Far line 110 mentions "+farWord) && strings.Contains(sc.status(), "Match 2 of 2")
	})

	s.quit()

	// The certificate was pinned in the private data directory.
	kh, err := os.ReadFile(filepath.Join(s.dataHome, "propus", "known_hosts"))
	if err != nil {
		t.Errorf("no known_hosts in $XDG_DATA_HOME/propus after a visit: %v", err)
	} else if !strings.Contains(string(kh), "localhost:"+strconv.Itoa(ts.Port)+" SHA256:") {
		t.Errorf("known_hosts does not pin localhost:%d:\n%s", ts.Port, kh)
	}
}

// noColor drives the 40×20 run with NO_COLOR=1: the page, a search's
// highlights and a selected link are drawn without a single SGR sequence.
func noColor(s *tmuxSession, home string) {
	s.waitFor("the home page", func(sc screen) bool {
		return sc.contains("Propus E2E Home") && sc.bar() == home && sc.status() != "" && sc.rows[len(sc.rows)-1] != ""
	})
	s.checkNoSGR("the home page")

	// Without SGR, the match is underlined in the text: each character
	// followed by a combining double low line (the current match's line).
	var marked strings.Builder
	for _, r := range homeWord {
		marked.WriteString(string(r) + "\u0333")
	}
	s.search(homeWord)
	s.waitFor("the match for "+homeWord+", underlined", func(sc screen) bool {
		return sc.contains(marked.String()) && strings.Contains(sc.status(), "1 line matches")
	})
	s.checkNoSGR("the search match")

	s.send("g")
	s.waitFor("the top of the page after g", func(sc screen) bool { return sc.contains("Propus E2E Home") })
	s.send("Tab")
	s.waitFor("the first link selected after Tab", func(sc screen) bool { return strings.Contains(sc.status(), "link 1/2") })
	s.checkNoSGR("the selected link")

	s.quit()
}

// buildPropus builds the binary under test into a temporary directory.
func buildPropus(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("end-to-end test: the go command is not on PATH, so propus cannot be built: %v", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root %s has no go.mod: %v", root, err)
	}
	bin := filepath.Join(t.TempDir(), "propus")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/propus")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/propus: %v\n%s", err, out)
	}
	return bin
}

// tmuxSession is propus running in a window of its own tmux server.
type tmuxSession struct {
	t        *testing.T
	socket   string   // the -L name of the private server
	env      []string // the environment tmux itself runs with
	dataHome string   // $XDG_DATA_HOME of propus

	socketPath string // the server's socket, removed at the end
}

// startTmux starts a private tmux server whose one w×h window runs propus
// on args, in an environment of its own (extra adds to it). propus runs
// under a shell that prints exitMarker and its exit status when it exits,
// then stays, so the screen after the exit can be read.
func startTmux(t *testing.T, bin string, w, h int, extra []string, args ...string) *tmuxSession {
	t.Helper()
	dir := t.TempDir()
	s := &tmuxSession{
		t:        t,
		socket:   fmt.Sprintf("propus-e2e-%d-%x", os.Getpid(), rand.Uint64()),
		dataHome: filepath.Join(dir, "data"),
	}
	// tmux and what it runs get none of the caller's terminal, colour,
	// XDG or tmux settings.
	drop := map[string]bool{"TMUX": true, "TMUX_PANE": true, "TERM": true, "COLORTERM": true, "NO_COLOR": true,
		"CLICOLOR_FORCE": true, "HOME": true}
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !drop[name] && !strings.HasPrefix(name, "XDG_") {
			s.env = append(s.env, kv)
		}
	}
	paneEnv := []string{
		"TERM=xterm-256color",
		"HOME=" + filepath.Join(dir, "home"),
		"XDG_DATA_HOME=" + s.dataHome,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_DOWNLOAD_DIR=" + filepath.Join(dir, "downloads"),
	}
	paneEnv = append(paneEnv, extra...)
	for _, d := range []string{"home", "data", "config", "cache", "state", "downloads"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.env = append(s.env, "HOME="+filepath.Join(dir, "home"))

	// No status line, so the pane is the whole window; a pane whose
	// command dies stays, so that its last screen can still be read.
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g status off\nset -g remain-on-exit on\nset -g default-terminal xterm-256color\nset -g history-limit 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := []string{"-f", conf, "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h)}
	for _, kv := range paneEnv {
		cmd = append(cmd, "-e", kv)
	}
	cmd = append(cmd, "sh", "-c", `"$0" "$@"; echo "`+exitMarker+`$?]"; exec sleep 3600`, bin)
	cmd = append(cmd, args...)
	t.Cleanup(func() {
		// Ends the server and with it everything in its window; tmux
		// leaves its socket behind.
		if out, err := s.tmux("kill-server"); err != nil && !strings.Contains(out, "no server running") {
			t.Logf("tmux kill-server: %v: %s", err, out)
		}
		if s.socketPath != "" {
			os.Remove(s.socketPath)
		}
	})
	if out, err := s.tmux(cmd...); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	if out, err := s.tmux("display-message", "-p", "#{socket_path}"); err == nil && filepath.Base(strings.TrimSpace(out)) == s.socket {
		s.socketPath = strings.TrimSpace(out)
	}
	if got, err := s.tmux("display-message", "-p", "-t", "e2e", "#{pane_width}x#{pane_height}"); err != nil || strings.TrimSpace(got) != fmt.Sprintf("%dx%d", w, h) {
		t.Fatalf("the tmux pane is %q (%v), want %dx%d", strings.TrimSpace(got), err, w, h)
	}
	return s
}

// tmux runs a tmux command on the private server and returns its output.
func (s *tmuxSession) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...)
	cmd.Env = s.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// send presses keys, named as send-keys names them ("Enter", "q").
func (s *tmuxSession) send(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...); err != nil {
		s.t.Fatalf("send-keys %q: %v: %s\nthe screen shows:\n%s", keys, err, out, s.capture())
	}
}

// typeText types text literally.
func (s *tmuxSession) typeText(text string) {
	s.t.Helper()
	if out, err := s.tmux("send-keys", "-t", "e2e", "-l", text); err != nil {
		s.t.Fatalf("send-keys -l %q: %v: %s\nthe screen shows:\n%s", text, err, out, s.capture())
	}
}

// search opens the search prompt, types word and presses Enter.
func (s *tmuxSession) search(word string) {
	s.t.Helper()
	s.send("/")
	s.waitFor("the search prompt", func(sc screen) bool { return strings.HasPrefix(sc.status(), "Search:") })
	s.typeText(word)
	s.waitFor("the search prompt holding "+word, func(sc screen) bool {
		return strings.HasPrefix(sc.status(), "Search:") && strings.Contains(sc.status(), word)
	})
	s.send("Enter")
}

// quit presses q and checks that propus exits with status 0 and leaves
// the terminal as it found it: the normal screen back, without the page,
// the cursor shown and the mouse released.
func (s *tmuxSession) quit() {
	s.t.Helper()
	s.send("q")
	sc := s.waitFor("propus to exit after q", func(sc screen) bool { return sc.contains(exitMarker) })
	if !sc.contains(exitMarker + "0]") {
		s.t.Errorf("propus exited with a failure status:\n%s", sc)
	}
	for _, gone := range []string{"Propus E2E Home", "gemini://", "Filler line", "Far line", "q quit"} {
		if sc.contains(gone) {
			s.t.Errorf("after quitting, the screen still shows %q (the alternate screen was not left):\n%s", gone, sc)
		}
	}
	flags, err := s.tmux("display-message", "-p", "-t", "e2e",
		"alternate_on=#{alternate_on} cursor_flag=#{cursor_flag} mouse_any_flag=#{mouse_any_flag} mouse_button_flag=#{mouse_button_flag} mouse_all_flag=#{mouse_all_flag} mouse_sgr_flag=#{mouse_sgr_flag}")
	if err != nil {
		s.t.Fatalf("reading the pane's modes: %v: %s", err, flags)
	}
	want := "alternate_on=0 cursor_flag=1 mouse_any_flag=0 mouse_button_flag=0 mouse_all_flag=0 mouse_sgr_flag=0"
	if got := strings.TrimSpace(flags); got != want {
		s.t.Errorf("after quitting, the terminal's modes are\n  %s\nwant\n  %s", got, want)
	}
}

// checkNoSGR fails the test if the screen, captured with its attributes,
// holds any ESC[ sequence.
func (s *tmuxSession) checkNoSGR(what string) {
	s.t.Helper()
	raw := s.captureColour()
	if strings.Contains(raw, "\x1b[") {
		seqs := regexp.MustCompile(`\x1b\[[0-9;:?]*[A-Za-z]`).FindAllString(raw, 10)
		s.t.Errorf("with NO_COLOR=1, %s holds ESC[ sequences, e.g. %q; capture-pane -e -p shows (ESC as ^[):\n%s",
			what, seqs, frame(strings.Split(strings.ReplaceAll(strings.TrimSuffix(raw, "\n"), "\x1b", "^["), "\n")))
	}
}

// capture returns the pane's text, one string per row.
func (s *tmuxSession) capture() screen {
	out, err := s.tmux("capture-pane", "-p", "-t", "e2e")
	if err != nil {
		return screen{err: fmt.Errorf("capture-pane: %v: %s", err, strings.TrimSpace(out))}
	}
	return screen{rows: strings.Split(strings.TrimSuffix(out, "\n"), "\n")}
}

// captureColour returns the pane's text with its attributes as escape
// sequences (capture-pane -e).
func (s *tmuxSession) captureColour() string {
	s.t.Helper()
	out, err := s.tmux("capture-pane", "-e", "-p", "-t", "e2e")
	if err != nil {
		s.t.Fatalf("capture-pane -e: %v: %s", err, out)
	}
	return out
}

// waitFor reads the screen every e2ePoll until ok accepts it and returns
// it; after e2eTimeout it fails the test with what the screen shows.
func (s *tmuxSession) waitFor(what string, ok func(screen) bool) screen {
	s.t.Helper()
	start := time.Now()
	for {
		sc := s.capture()
		if sc.err == nil && ok(sc) {
			return sc
		}
		if time.Since(start) > e2eTimeout {
			s.t.Fatalf("waited %v for %s; the screen shows:\n%s", e2eTimeout, what, sc)
		}
		time.Sleep(e2ePoll)
	}
}

// screen is one capture of the pane.
type screen struct {
	rows []string
	err  error
}

func (sc screen) contains(s string) bool { return strings.Contains(strings.Join(sc.rows, "\n"), s) }

// bar is the top line (the tab and URL bar), trimmed.
func (sc screen) bar() string {
	if len(sc.rows) == 0 {
		return ""
	}
	return strings.TrimSpace(sc.rows[0])
}

// status is the status line (the last row but one), trimmed.
func (sc screen) status() string {
	if len(sc.rows) < 2 {
		return ""
	}
	return strings.TrimSpace(sc.rows[len(sc.rows)-2])
}

// String frames the screen with row numbers, for failure messages.
func (sc screen) String() string {
	if sc.err != nil {
		return "(" + sc.err.Error() + ")"
	}
	return frame(sc.rows)
}

func frame(rows []string) string {
	var b strings.Builder
	for i, r := range rows {
		fmt.Fprintf(&b, "%3d|%s\n", i, r)
	}
	return b.String()
}

// The conversations end-to-end test: the protocol's dialogs (input, a
// redirect to another host, a slow down, a client certificate) driven in
// the real binary, against a server that records what it was sent, so
// that the test can tell what went out and, as important, what did not.

// The texts the conversation site answers with.
const (
	convPrompt  = "What do you seek?"
	convQuery   = "tea time"
	convEncoded = "tea%20time" // convQuery as the browser sends it
	convName    = "alice"      // the identity created
)

// convSite is the conversation site and what it was asked.
type convSite struct {
	ts  *testserver.TestServer
	mux *testserver.Mux

	mu   sync.Mutex
	reqs []convRequest
}

// convRequest is one request the site received.
type convRequest struct {
	url string // the whole normalised URL: host, port, path and query
	cn  string // the client certificate's common name; "-" without one
}

func (r convRequest) String() string { return r.url + " (certificate " + r.cn + ")" }

// newConvSite starts the site: a home page linking the four
// conversations, in order.
//
//	/search   10 without a query; echoes the query, raw and decoded
//	/away     30 to /landing on 127.0.0.1:PORT, another host than localhost:PORT
//	/busy     44 1 the first time, the page afterwards
//	/members  60 without a client certificate; greets its CN otherwise
func newConvSite(t *testing.T) *convSite {
	s := &convSite{mux: testserver.NewMux()}
	var busy atomic.Int32
	s.mux.Use(func(next testserver.Handler) testserver.Handler {
		return testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
			req := convRequest{url: r.URL.String(), cn: "-"}
			if r.Certificate != nil {
				req.cn = r.Certificate.Subject.CommonName
			}
			s.mu.Lock()
			s.reqs = append(s.reqs, req)
			s.mu.Unlock()
			next.ServeGemini(w, r)
		})
	})
	s.mux.HandleStrict("/", testserver.Page("text/gemini",
		"# Conversations Home\n=> /search Search the archive\n=> /away Leave for another host\n=> /busy A busy page\n=> /members Members only\n"))
	s.mux.Handle("/search", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if r.URL.RawQuery == "" {
			w.WriteHeader(client.StatusInput, convPrompt)
			return
		}
		decoded, err := url.QueryUnescape(r.URL.RawQuery)
		if err != nil {
			decoded = "(undecodable: " + err.Error() + ")"
		}
		fmt.Fprintf(w, "# Search Results\nRaw query: %s\nDecoded query: %s\n", r.URL.RawQuery, decoded)
	}))
	s.mux.Handle("/landing", testserver.Page("text/gemini", "# Landing Page Heading\nYou followed the redirect.\n"))
	s.mux.Handle("/busy", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if busy.Add(1) == 1 {
			w.WriteHeader(client.StatusSlowDown, "1")
			return
		}
		w.Write([]byte("# Busy Page Arrived\nThe retry got through.\n"))
	}))
	s.mux.Handle("/members", testserver.RequireCertificate(testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		fmt.Fprintf(w, "# Members Area\nHello, %s!\n", r.Certificate.Subject.CommonName)
	})))
	s.ts = testserver.NewServer(t, s.mux)
	// The port is known only now; the mux takes routes while it serves.
	s.mux.Handle("/away", testserver.Reply(client.StatusRedirect, s.elsewhere("/landing")))
	return s
}

// url is the URL of path by host name, as the home page's links resolve.
func (s *convSite) url(path string) string { return s.ts.URLFor(path) }

// elsewhere is the URL of path on the same server by IP address: another
// host to the browser, with a TOFU pin of its own.
func (s *convSite) elsewhere(path string) string { return s.ts.URL + path }

// requests returns what the site received so far.
func (s *convSite) requests() []convRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// received reports how many requests were for u, and with the
// certificate cn ("" for any).
func (s *convSite) received(u, cn string) int {
	n := 0
	for _, r := range s.requests() {
		if r.url == u && (cn == "" || r.cn == cn) {
			n++
		}
	}
	return n
}

// log lists the requests received, for failure messages.
func (s *convSite) log() string {
	var b strings.Builder
	for i, r := range s.requests() {
		fmt.Fprintf(&b, "  %2d %s\n", i+1, r)
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

func TestEndToEndConversations(t *testing.T) {
	needTmux(t)
	start := time.Now()
	bin := buildPropus(t)
	t.Logf("built propus in %v", time.Since(start).Round(time.Millisecond))

	site := newConvSite(t)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the server received, in order:\n%s", site.log())
		}
	})
	home := site.url("/")
	s := startTmux(t, bin, 100, 30, nil, home)
	s.waitFor("the conversations home page: its title and four links, "+home+" in the top bar", func(sc screen) bool {
		return sc.contains("Conversations Home") && sc.contains("[1] Search the archive") && sc.contains("[4] Members only") &&
			sc.bar() == home
	})

	steps := []struct {
		name string
		run  func(*testing.T, *tmuxSession, *convSite)
	}{
		{"input", convInput},
		{"redirect", convRedirect},
		{"slow-down", convSlowDown},
		{"identity", convIdentity},
	}
	for i, st := range steps {
		stepStart := time.Now()
		if i > 0 {
			// Back to the home page, to follow the next link.
			s.send("H")
			s.waitFor("the home page after H (before the "+st.name+" step), "+home+" in the top bar", func(sc screen) bool {
				return sc.contains("Conversations Home") && sc.contains("[4] Members only") && sc.bar() == home
			})
		}
		// The steps share one browser, so the first failure ends them
		// all: the waits fail the test itself, whose Fatalf stops here.
		st.run(t, s, site)
		if t.Failed() {
			t.FailNow()
		}
		t.Logf("%s step took %v", st.name, time.Since(stepStart).Round(time.Millisecond))
	}

	s.quit()
	checkIdentityFiles(t, s.dataHome)

	// Both hosts were pinned, each on its own line.
	kh, err := os.ReadFile(filepath.Join(s.dataHome, "propus", "known_hosts"))
	if err != nil {
		t.Errorf("no known_hosts in $XDG_DATA_HOME/propus after the visits: %v", err)
	}
	for _, host := range []string{"localhost", "127.0.0.1"} {
		if !strings.Contains(string(kh), host+":"+strconv.Itoa(site.ts.Port)+" SHA256:") {
			t.Errorf("known_hosts does not pin %s:%d:\n%s", host, site.ts.Port, kh)
		}
	}
	t.Logf("end-to-end conversations test took %v", time.Since(start).Round(time.Millisecond))
}

// convInput: link 1 asks for input (10); the answer typed in the dialog
// goes as the query, percent-encoded, and the echo shows it.
func convInput(t *testing.T, s *tmuxSession, site *convSite) {
	search := site.url("/search")
	s.send("1")
	s.waitFor("the input dialog after typing 1: \"Input for "+search+"\", the prompt "+convPrompt+" and an empty field", func(sc screen) bool {
		return sc.contains("Input for "+search) && sc.contains(convPrompt) && sc.hasRow(">") &&
			sc.contains("enter send") && !sc.contains("Conversations Home")
	})
	if n := site.received(search, ""); n != 1 {
		t.Fatalf("with the input dialog open, the server got %d requests for %s, want 1:\n%s", n, search, site.log())
	}
	s.typeText(convQuery)
	s.waitFor("the input dialog holding \""+convQuery+"\"", func(sc screen) bool {
		return sc.hasRow("> "+convQuery) && sc.contains(convPrompt)
	})
	s.send("Enter")
	answered := search + "?" + convEncoded
	s.waitFor("the echo of the query after Enter: \"Raw query: "+convEncoded+"\", "+answered+" in the top bar", func(sc screen) bool {
		return sc.contains("Search Results") && sc.contains("Raw query: "+convEncoded) &&
			sc.contains("Decoded query: "+convQuery) && sc.bar() == answered && !sc.contains(convPrompt)
	})
	if n := site.received(answered, ""); n != 1 {
		t.Errorf("the server got %d requests for %s, want 1:\n%s", n, answered, site.log())
	}
}

// convRedirect: link 2 redirects (30) to another host; a dialog names
// both ends before anything goes there, and f follows.
func convRedirect(t *testing.T, s *tmuxSession, site *convSite) {
	away, landing := site.url("/away"), site.elsewhere("/landing")
	from, to := strings.TrimPrefix(site.url(""), "gemini://"), strings.TrimPrefix(site.elsewhere(""), "gemini://")
	s.send("2")
	sc := s.waitFor("the cross-host redirect dialog after typing 2: from "+away+" to "+landing, func(sc screen) bool {
		return sc.contains("Follow this redirect to another server?") && sc.contains("From (30 ") &&
			sc.contains("   "+away) && sc.contains("   "+landing) &&
			sc.contains(from+" sends you to "+to+". Nothing has been sent there yet.") && sc.contains("f     follow it")
	})
	if n := site.received(away, ""); n != 1 {
		t.Errorf("with the redirect dialog open, the server got %d requests for %s, want 1:\n%s", n, away, site.log())
	}
	if n := site.received(landing, ""); n != 0 {
		t.Fatalf("before the redirect was followed, the server already got %d requests for %s:\n%s\nthe screen shows:\n%s",
			n, landing, site.log(), sc)
	}
	// 127.0.0.1:PORT is pinned apart from localhost:PORT: its first visit.
	s.send("f")
	s.waitFor("the landing page after f: its heading, "+landing+" in the top bar, \"First visit to "+to+"\" in the status line", func(sc screen) bool {
		return sc.contains("Landing Page Heading") && sc.bar() == landing && !sc.contains("Follow this redirect") &&
			strings.HasPrefix(sc.status(), "First visit to "+to+": certificate pinned")
	})
	if n := site.received(landing, ""); n != 1 {
		t.Errorf("after f, the server got %d requests for %s, want 1:\n%s", n, landing, site.log())
	}
}

// convSlowDown: link 3 answers 44 1; the status line counts down, and the
// retry brings the page without a key pressed.
func convSlowDown(t *testing.T, s *tmuxSession, site *convSite) {
	busy := site.url("/busy")
	countdown := "Slow down: retrying in 1 s · retry 1 of 5"
	s.send("3")
	// The countdown shows for a second only: read the screen often.
	s.waitForEvery(5*time.Millisecond, "the countdown \""+countdown+"\" in the status line after typing 3", func(sc screen) bool {
		return strings.Contains(sc.status(), countdown) && sc.bar() == busy && sc.contains("44 SLOW DOWN")
	})
	s.waitFor("the busy page, come by itself after the countdown, and the countdown gone", func(sc screen) bool {
		return sc.contains("Busy Page Arrived") && sc.bar() == busy && !strings.Contains(sc.status(), "Slow down")
	})
	if n := site.received(busy, ""); n != 2 {
		t.Errorf("the server got %d requests for %s, want 2 (the 44, then the retry):\n%s", n, busy, site.log())
	}
}

// convIdentity: link 4 requires a certificate (60); n in the picker opens
// the new-identity form, the name and Enter create it (used on this path
// and below, the form's default) and repeat the request with it.
func convIdentity(t *testing.T, s *tmuxSession, site *convSite) {
	members := site.url("/members")
	s.send("4")
	s.waitFor("the identity picker after typing 4: no identity yet, \"+ Create a new identity\"", func(sc screen) bool {
		return sc.contains("This page asks for an identity (a client certificate)") &&
			sc.contains("The server says: Certificate required") && sc.contains("You have no identity yet.") &&
			sc.contains("+ Create a new identity") && sc.contains("n new") && sc.bar() == members
	})
	s.send("n")
	s.waitFor("the new-identity form after n: an empty name, used on this path and below", func(sc screen) bool {
		return sc.contains("New identity:") && sc.contains("Name      e.g. "+convName) &&
			sc.contains("Use on    ‹ this path and below ›") && sc.contains("enter create")
	})
	s.typeText(convName)
	s.waitFor("the form's name holding "+convName, func(sc screen) bool {
		return sc.contains("Name      "+convName) && !sc.contains("e.g. "+convName)
	})
	s.send("Enter")
	s.waitFor("the members page greeting "+convName+" after Enter, "+members+" in the top bar, \"id: "+convName+"\" in the status line", func(sc screen) bool {
		return sc.contains("Members Area") && sc.contains("Hello, "+convName+"!") && sc.bar() == members &&
			!sc.contains("New identity:") && strings.Contains(sc.status(), "id: "+convName)
	})
	if n := site.received(members, convName); n != 1 {
		t.Errorf("the server got %d requests for %s with the certificate of %s, want 1:\n%s", n, members, convName, site.log())
	}
	if n := site.received(members, "-"); n != 1 {
		t.Errorf("the server got %d requests for %s without a certificate, want 1:\n%s", n, members, site.log())
	}
	// The scope chosen is written on its own: wait for it.
	scopes := filepath.Join(s.dataHome, "propus", "identities", "scopes")
	deadline := time.Now().Add(e2eTimeout)
	for {
		b, err := os.ReadFile(scopes)
		if err == nil && strings.Contains(string(b), "localhost:"+strconv.Itoa(site.ts.Port)) && strings.Contains(string(b), " "+convName) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("waited %v for %s to name %s for localhost:%d; it holds %q (%v)", e2eTimeout, scopes, convName, site.ts.Port, b, err)
			break
		}
		time.Sleep(e2ePoll)
	}
}

// checkIdentityFiles checks that the identity created was stored in the
// private data directory: its certificate, for its name, and its key,
// readable by its owner only.
func checkIdentityFiles(t *testing.T, dataHome string) {
	t.Helper()
	dir := filepath.Join(dataHome, "propus", "identities")
	crt, key := filepath.Join(dir, convName+".crt"), filepath.Join(dir, convName+".key")
	b, err := os.ReadFile(crt)
	if err != nil {
		t.Errorf("the new identity's certificate: %v", err)
	} else if block, _ := pem.Decode(b); block == nil || block.Type != "CERTIFICATE" {
		t.Errorf("%s holds no PEM certificate:\n%s", crt, b)
	} else if cert, err := x509.ParseCertificate(block.Bytes); err != nil {
		t.Errorf("%s: %v", crt, err)
	} else if cert.Subject.CommonName != convName {
		t.Errorf("%s is for %q, want %q", crt, cert.Subject.CommonName, convName)
	}
	fi, err := os.Stat(key)
	if err != nil {
		t.Errorf("the new identity's key: %v", err)
	} else if mode := fi.Mode(); mode != 0o600 {
		t.Errorf("%s has mode %v, want -rw------- (0600)", key, mode)
	}
}

// waitForEvery is waitFor reading the screen every poll instead of every
// e2ePoll, for what shows only briefly.
func (s *tmuxSession) waitForEvery(poll time.Duration, what string, ok func(screen) bool) screen {
	s.t.Helper()
	start := time.Now()
	for {
		sc := s.capture()
		if sc.err == nil && ok(sc) {
			return sc
		}
		if time.Since(start) > e2eTimeout {
			s.t.Fatalf("waited %v for %s; the screen shows:\n%s", e2eTimeout, what, sc)
		}
		time.Sleep(poll)
	}
}

// hasRow reports whether a row of the screen, trimmed, is row.
func (sc screen) hasRow(row string) bool {
	return slices.ContainsFunc(sc.rows, func(r string) bool { return strings.TrimSpace(r) == row })
}
