package browser

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/client"
	"propus/testserver"
	"propus/tofu"
)

// driver runs a Model as a Bubble Tea program would, but in the test's
// goroutine: Update is called directly, commands run in goroutines and
// their messages come back through msgs. Spinner ticks are dropped, so
// nothing runs for ever.
type driver struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
}

// newDriver returns a browser of w×h cells on the given URLs, with a fresh
// known-hosts store and download directory, run to its first screen.
func newDriver(t *testing.T, w, h int, noColor bool, urls ...string) *driver {
	t.Helper()
	return newDriverOpts(t, w, h, Options{NoColor: noColor}, urls...)
}

// newDriverOpts is newDriver with more options. A nil Client, Hosts or an
// empty DownloadDir get the same defaults as newDriver's.
func newDriverOpts(t *testing.T, w, h int, opts Options, urls ...string) *driver {
	t.Helper()
	if opts.Client == nil {
		opts.Client = &client.Client{}
	}
	if opts.Hosts == nil {
		hosts, err := tofu.Open(t.TempDir() + "/known_hosts")
		if err != nil {
			t.Fatal(err)
		}
		opts.Hosts = hosts
	}
	if opts.DownloadDir == "" {
		opts.DownloadDir = t.TempDir()
	}
	m := New(opts, urls...)
	d := &driver{t: t, m: m, msgs: make(chan tea.Msg, 64)}
	d.exec(m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// send delivers msg to the model and runs the command it returns.
func (d *driver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.exec(cmd)
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if msg := cmd(); msg != nil {
			d.msgs <- msg
		}
	}()
}

// press sends key presses: "j", "enter", "shift+tab", or text typed.
func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
		d.settle()
	}
}

// typeText types s into whatever has the focus.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	special := map[string]tea.Key{
		"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
		"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift}, "backspace": {Code: tea.KeyBackspace},
		"space": {Code: tea.KeySpace, Text: " "}, "pgdown": {Code: tea.KeyPgDown}, "pgup": {Code: tea.KeyPgUp},
		"home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd}, "down": {Code: tea.KeyDown}, "up": {Code: tea.KeyUp},
		"ctrl+c": {Code: 'c', Mod: tea.ModCtrl}, "alt+left": {Code: tea.KeyLeft, Mod: tea.ModAlt},
	}
	if k, ok := special[k]; ok {
		return tea.KeyPressMsg(k)
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// pump handles the messages that arrive within d.
func (d *driver) pump(wait time.Duration) {
	deadline := time.After(wait)
	for {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-deadline:
			return
		}
	}
}

func (d *driver) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case spinner.TickMsg:
	default:
		d.send(msg)
	}
}

// settle handles messages until none has come for a short while.
func (d *driver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// waitTimeout is how long waitFor and waitUntil wait: generous, for
// slow machines and the race detector.
const waitTimeout = 20 * time.Second

// waitFor handles messages until the screen (ANSI stripped) contains
// want, and fails the test after waitTimeout.
func (d *driver) waitFor(want string) string {
	d.t.Helper()
	d.waitUntil(func() bool { return strings.Contains(d.screen(), want) }, "the screen to show "+strconv.Quote(want))
	return d.screen()
}

// waitUntil handles messages until cond holds, then settles; it fails
// the test after waitTimeout, naming what it waited for.
func (d *driver) waitUntil(cond func() bool, what string) {
	d.t.Helper()
	deadline := time.After(waitTimeout)
	poll := time.NewTicker(10 * time.Millisecond) // for conditions outside the model
	defer poll.Stop()
	for !cond() {
		select {
		case msg := <-d.msgs:
			d.handle(msg)
		case <-poll.C:
		case <-deadline:
			d.t.Fatalf("waited in vain for %s; the screen shows:\n%s", what, d.screen())
		}
	}
	d.settle()
}

// waitLoaded waits until no tab is loading and every page has arrived.
func (d *driver) waitLoaded() string {
	d.t.Helper()
	d.waitUntil(func() bool {
		for _, t := range d.m.tabs {
			if t.loading != "" || t.page == nil || t.page.loading {
				return false
			}
		}
		return true
	}, "the loads to end")
	return d.screen()
}

// screen is the frame with the ANSI styling stripped.
func (d *driver) screen() string { return ansi.Strip(d.m.screen()) }

var sgrOnly = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// serve starts a testserver for the pages (path → gemtext body).
func serve(t *testing.T, pages map[string]string) *testserver.TestServer {
	mux := testserver.NewMux()
	for path, body := range pages {
		mux.HandleStrict(regexp.QuoteMeta(path), testserver.Page("text/gemini", body))
	}
	return testserver.NewServer(t, mux)
}
