package browser

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/browser/internal/golden"
	"propus/client"
	"propus/testserver"
)

// inputServer answers 10 (/search, /replace) or 11 (/login) while the
// query is empty, and the answer otherwise; it records every request.
type inputServer struct {
	*testserver.TestServer
	mu       sync.Mutex
	requests []string // the request lines, less the server's URL
}

func newInputServer(t *testing.T) *inputServer {
	s := &inputServer{}
	page := func(w testserver.ResponseWriter, body string) {
		w.WriteHeader(client.StatusSuccess, "text/gemini")
		w.Write([]byte(body))
	}
	s.TestServer = testserver.NewServer(t, testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, strings.TrimPrefix(r.RawURL, s.URL))
		s.mu.Unlock()
		q := r.URL.RawQuery
		switch {
		case r.URL.Path == "/":
			page(w, "# Home\n=> /search Search\n=> /login Log in\n=> /replace?old Replace\n")
		case r.URL.Path == "/search" && q == "":
			w.WriteHeader(client.StatusInput, "Search the capsule")
		case r.URL.Path == "/search":
			text, _ := url.PathUnescape(q)
			page(w, "# Results\nYou said: "+text+"\n")
		case r.URL.Path == "/login" && q == "":
			w.WriteHeader(client.StatusSensitiveInput, "Password")
		case r.URL.Path == "/login":
			page(w, "# Welcome\n=> /account Your account\n")
		case r.URL.Path == "/replace" && q != "new":
			w.WriteHeader(client.StatusInput, "Replace the query")
		case r.URL.Path == "/replace":
			page(w, "# Replaced\n")
		default:
			page(w, "# "+r.URL.Path+"\n")
		}
	}))
	return s
}

// seen returns the requests so far ("/search?hello%20world").
func (s *inputServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *inputServer) want(t *testing.T, want ...string) {
	t.Helper()
	if got := s.seen(); !slices.Equal(got, want) {
		t.Errorf("the server saw %q, want %q", got, want)
	}
}

// ctrl is the key press ctrl+r.
func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// pressMsg sends a key press and handles what follows.
func (d *driver) pressMsg(k tea.KeyPressMsg) {
	d.send(k)
	d.settle()
}

// inputDialogOpen reports whether an input dialog is open.
func (d *driver) inputDialogOpen() bool { _, ok := d.m.dialogs.Top().(*dialog.Input); return ok }

// inputDialog returns the open input dialog, failing the test when there
// is none.
func (d *driver) inputDialog() *dialog.Input {
	d.t.Helper()
	id, ok := d.m.dialogs.Top().(*dialog.Input)
	if !ok {
		d.t.Fatalf("no input dialog is open (%T); the screen shows:\n%s", d.m.dialogs.Top(), d.screen())
	}
	return id
}

// openInput starts on the home page of s and follows its link n, which
// asks for input.
func openInput(t *testing.T, s *inputServer, w, h int, noColor bool, n string) *driver {
	t.Helper()
	d := newDriver(t, w, h, noColor, s.URL+"/")
	d.waitLoaded()
	d.pressThen(d.inputDialogOpen, "the input dialog", n)
	return d
}

// bytesLeft is the count the dialog shows for answer.
func bytesLeft(s *inputServer, path, answer string) string {
	u, _ := url.Parse(s.URL + path)
	return fmt.Sprintf("%d bytes left", client.InputBytesLeft(u, answer))
}

func TestInputSendsTheAnswer(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	d := openInput(t, s, 100, 30, false, "1")
	scr := d.screen()
	for _, want := range []string{"Input for " + s.URL + "/search", "Search the capsule", bytesLeft(s, "/search", ""), "enter send", "ctrl+e several lines", "ctrl+x $EDITOR", "esc cancel"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, scr)
		}
	}

	d.typeText("hello world")
	d.waitFor(bytesLeft(s, "/search", "hello world"))
	if d.screen() == scr {
		t.Error("typing did not change the dialog")
	}
	// The terminal's cursor is at the end of the answer.
	rows := strings.Split(d.screen(), "\n")
	c := d.m.View().Cursor
	if c == nil {
		t.Fatal("no cursor in the dialog")
	}
	if row := rows[c.Position.Y]; !strings.HasPrefix(row, " > hello world") || c.Position.X != len(" > hello world") {
		t.Errorf("the cursor is at %d,%d, on row %q", c.Position.X, c.Position.Y, row)
	}

	d.press("enter")
	d.waitFor("You said: hello world")
	s.want(t, "/", "/search", "/search?hello%20world")
	if d.m.dialogs.Top() != nil {
		t.Error("the dialog stayed open")
	}
	if got := d.page().Address; got != s.URL+"/search?hello%20world" {
		t.Errorf("the page's address is %q", got)
	}
	// A 10 answer is history like any page: back goes to where it was asked.
	if !slices.Contains(d.m.visits.order, s.URL+"/search?hello%20world") {
		t.Errorf("the history lacks the answer's URL: %q", d.m.visits.order)
	}
	d.press("H")
	d.waitFor("# Home")
}

func TestInputTooLong(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	d := openInput(t, s, 100, 30, false, "1")
	long := strings.Repeat("x", client.MaxURLLength)
	d.typeText(long)
	over := bytesLeft(s, "/search", long)
	if !strings.HasPrefix(over, "-") {
		t.Fatalf("the count is %q, want it negative", over)
	}
	d.waitFor(over + ": too long for a Gemini request")

	d.press("enter")
	scr := d.screen()
	if !strings.Contains(scr, "Not sent: "+strings.TrimPrefix(strings.TrimSuffix(over, " bytes left"), "-")+" bytes too long") {
		t.Errorf("the refusal is not shown:\n%s", scr)
	}
	d.inputDialog()
	s.want(t, "/", "/search")

	// Shortened, it goes.
	d.pressMsg(ctrl('u'))
	d.typeText("short")
	d.press("enter")
	d.waitFor("You said: short")
	s.want(t, "/", "/search", "/search?short")
}

func TestInputMultiLine(t *testing.T) {
	t.Parallel()
	for _, send := range []rune{'s', 'd'} {
		t.Run("ctrl+"+string(send), func(t *testing.T) {
			s := newInputServer(t)
			d := openInput(t, s, 100, 30, false, "1")
			d.typeText("one")
			d.pressMsg(ctrl('e'))
			if !strings.Contains(d.screen(), "ctrl+s/ctrl+d send") {
				t.Fatalf("ctrl+e did not switch to several lines:\n%s", d.screen())
			}
			d.press("enter")
			d.typeText("two")
			scr := d.waitFor(bytesLeft(s, "/search", "one\ntwo"))
			for _, want := range []string{"┃ one", "┃ two", "ctrl+s/ctrl+d send", "enter new line"} {
				if !strings.Contains(scr, want) {
					t.Errorf("the dialog lacks %q:\n%s", want, scr)
				}
			}
			rows := strings.Split(scr, "\n")
			if c := d.m.View().Cursor; c == nil || rows[c.Position.Y] != fit(" ┃ two", d.m.width) || c.Position.X != len(" ┃ two")-2 {
				t.Errorf("the cursor is at %v, not after two", c)
			}
			d.pressMsg(ctrl(send))
			d.waitFor("You said: one")
			s.want(t, "/", "/search", "/search?one%0Atwo")
		})
	}
}

func TestInputCancel(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	d := openInput(t, s, 100, 30, false, "1")
	d.typeText("never sent")
	d.press("esc")
	if d.m.dialogs.Top() != nil {
		t.Fatal("esc left the dialog open")
	}
	if !strings.Contains(d.statusLine(), "Cancelled: nothing was sent") {
		t.Errorf("the status line says %q", d.statusLine())
	}
	if p := d.page(); p.Address != s.URL+"/" {
		t.Errorf("the page is now %q, want the one it was", p.Address)
	}
	s.want(t, "/", "/search")

	// A tab that had nothing to show shows the prompt as a page, which r
	// asks again.
	d = newDriver(t, 100, 30, false, s.URL+"/search")
	d.waitUntil(func() bool { return d.m.dialogs.Top() != nil }, "the dialog")
	d.press("esc")
	scr := d.waitFor("Press r to answer it")
	for _, want := range []string{"# 10 INPUT", "The page asks for input:", "Search the capsule"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the page lacks %q:\n%s", want, scr)
		}
	}
	if d.press("x"); !strings.Contains(d.statusLine(), "10 INPUT") {
		t.Errorf("the status line is %q", d.statusLine())
	}
	d.pressThen(func() bool { return d.m.dialogs.Top() != nil }, "the dialog again", "r")
	d.inputDialog()

	// A tab in the background does not ask over the one in view.
	d = newDriver(t, 100, 30, false, s.URL+"/", s.URL+"/search")
	d.waitLoaded()
	if d.m.dialogs.Top() != nil {
		t.Error("a background tab opened a dialog")
	}
	if p := d.m.tabs[1].Page; p == nil || !strings.Contains(p.Doc.Line(0).Text, "10 INPUT") {
		t.Errorf("the background tab does not show the prompt as a page")
	}
}

func TestInputReplacesTheQuery(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	d := openInput(t, s, 100, 30, false, "3")
	d.waitFor("Replace the query")
	if scr := d.screen(); strings.Contains(scr, "Input for "+s.URL+"/replace?") {
		t.Errorf("the dialog shows the query it replaces:\n%s", scr)
	}
	d.typeText("new")
	d.press("enter")
	d.waitFor("# Replaced")
	s.want(t, "/", "/replace?old", "/replace?new")
}

func TestInputSensitive(t *testing.T) {
	t.Parallel()
	const secret = "hunter2"
	s := newInputServer(t)
	d := openInput(t, s, 100, 30, false, "2")
	d.waitFor("Sensitive input for " + s.URL + "/login")
	d.typeText(secret)
	scr := d.waitFor("> " + strings.Repeat("*", len(secret)))
	if strings.Contains(scr, secret) {
		t.Errorf("the typed text shows:\n%s", scr)
	}
	d.pressMsg(ctrl('e'))
	d.pressMsg(ctrl('x'))
	d.inputDialog()
	if strings.Contains(d.screen(), "ctrl+s/ctrl+d send") || strings.Contains(d.screen(), "$EDITOR") {
		t.Errorf("a sensitive answer went to several lines or the editor:\n%s", d.screen())
	}

	enter := d.runKey("enter")
	if strings.Contains(d.screen(), secret) || strings.Contains(d.m.tab().Loading, secret) {
		t.Errorf("the answer shows while it loads:\n%s", d.screen())
	}
	d.exec(enter)
	scr = d.waitFor("# Welcome")
	s.want(t, "/", "/login", "/login?"+secret)

	noSecret := func(what string, v any) {
		t.Helper()
		if strings.Contains(fmt.Sprint(v), secret) {
			t.Errorf("%s holds the answer: %v", what, v)
		}
	}
	noSecret("the screen", scr)
	if bar := strings.Split(scr, "\n")[0]; !strings.Contains(bar, s.URL+"/login?***") {
		t.Errorf("the URL bar is %q, want the marked address", bar)
	}
	noSecret("the history", d.m.visits.order)
	noSecret("the visited marks", d.m.visits.seen)
	if !d.page().Sensitive {
		t.Error("the page is not marked sensitive")
	}
	d.press("i")
	noSecret("the info overlay", d.screen())
	if !strings.Contains(d.screen(), "URL       "+s.URL+"/login?***") {
		t.Errorf("the info overlay does not mark the address:\n%s", d.screen())
	}
	d.press("esc")
	copyCmd := d.runKey("y")
	noSecret("the copied URL", copyCmd())
	noSecret("the status line", d.m.message)

	// Leaving the page records it without the answer; back shows it again.
	d.press("1")
	d.waitFor("# /account")
	noSecret("the back history", d.m.tab().Back)
	d.press("H")
	scr = d.waitFor("# Welcome")
	noSecret("the screen after back", scr)
	noSecret("the forward history", d.m.tab().Forward)
	noSecret("the history", d.m.visits.order)

	// A reload asks again rather than sending the answer again.
	d.pressThen(func() bool { return d.m.dialogs.Top() != nil }, "the prompt again", "r")
	s.want(t, "/", "/login", "/login?"+secret, "/account", "/login")
}

func TestInputGolden(t *testing.T) {
	t.Parallel()
	s := newInputServer(t)
	for _, c := range []struct {
		name, link, text string
		multi            bool
	}{
		{"10", "1", "hello", false},
		{"11", "2", "secret", false},
		{"multi", "1", "first line\nsecond", true},
	} {
		for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
			name := fmt.Sprintf("input-%s-%dx%d", c.name, size.w, size.h)
			t.Run(name, func(t *testing.T) {
				d := openInput(t, s, size.w, size.h, false, c.link)
				if c.multi {
					d.pressMsg(ctrl('e'))
				}
				for i, l := range strings.Split(c.text, "\n") {
					if i > 0 {
						d.press("enter")
					}
					d.typeText(l)
				}
				d.settle()
				checkFrame(t, d.m.screen(), size.w, size.h)
				golden.Check(t, name, normalize(d.screen()))
			})
		}
	}
	// Without colour the dialog has no escape sequence at all.
	d := openInput(t, s, 100, 30, true, "1")
	if frame := d.m.screen(); strings.ContainsRune(frame, '\x1b') {
		t.Errorf("the NoColor dialog holds an escape: %q", frame)
	}
}
