package browser

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
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
// goroutine and deterministically. Update is called directly; every
// command runs in a goroutine of its own and counts as in flight until
// it has returned and its message has been handled (tea.BatchMsg and
// Bubble Tea's sequence message start more commands, counted too).
// settle handles messages until no command is in flight. Timers run on a
// fake clock that only advance moves, and they are not in flight while
// they wait. Spinner ticks are dropped, so nothing runs for ever but a
// load a test holds open on purpose.
type driver struct {
	t        *testing.T
	m        *Model
	results  chan result
	stop     chan struct{}           // closed when the test ends: late commands give up
	inflight int                     // commands started whose last result is not handled yet
	now      time.Time               // the fake clock
	timers   []timer                 // set on the fake clock and not fired yet
	before   string                  // the screen before the last input (see waitFor)
	watch    func()                  // if set, called after each message the model handles
	edit     func(path string) error // what "the editor" does to the file it is given
	raw      []string                // what tea.Raw commands wrote to the terminal, in order
	cleared  int                     // how many times tea.ClearScreen cleared it
}

// result is what a command running in its goroutine hands back: a message
// (nil for none) and whether the command has returned.
type result struct {
	msg  tea.Msg
	done bool
}

// timer is a timer of the fake clock: at at, fire makes its message.
type timer struct {
	at   time.Time
	fire func(time.Time) tea.Msg
}

// timerSet is the message of a fake timer's command: it hands the timer
// to the driver, which keeps it until advance reaches it.
type timerSet timer

// newDriver returns a browser of w×h cells on the given URLs, with a fresh
// known-hosts store and download directory, its first commands started.
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
	d := &driver{t: t, m: m, results: make(chan result, 64), stop: make(chan struct{}), now: time.Unix(1e9, 0)}
	t.Cleanup(func() { close(d.stop) })
	m.after = d.after
	// The editor runs as the test's edit func on the file, not in a
	// terminal.
	m.exec = func(c *exec.Cmd, done tea.ExecCallback) tea.Cmd {
		file, edit := c.Args[len(c.Args)-1], d.edit
		if edit == nil {
			edit = func(string) error { return errors.New("no editor in this test") }
		}
		return func() tea.Msg { return done(edit(file)) }
	}
	d.exec(m.Init())
	d.update(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// send delivers msg to the model as an input of the test (a key, a
// click, a message made by hand) and starts the command it returns,
// without waiting for it.
func (d *driver) send(msg tea.Msg) {
	d.mark()
	d.update(msg)
}

// update delivers msg to the model and starts the command it returns.
func (d *driver) update(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.exec(cmd)
	if d.watch != nil {
		d.watch()
	}
}

// mark remembers the screen before an input, for waitFor.
func (d *driver) mark() { d.before = d.screen() }

// exec starts cmd in a goroutine of its own; it is in flight until its
// result has been handled.
func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.inflight++
	go func() { d.deliver(result{msg: cmd(), done: true}) }()
}

// execSequence runs cmds one after the other in a goroutine, as
// tea.Sequence does, handing back each message; it is one command in
// flight until the last has returned.
func (d *driver) execSequence(cmds []tea.Cmd) {
	d.inflight++
	go func() {
		for _, c := range cmds {
			if c != nil {
				d.deliver(result{msg: c()})
			}
		}
		d.deliver(result{done: true})
	}()
}

// deliver hands r to the test's goroutine, or drops it once the test
// has ended.
func (d *driver) deliver(r result) {
	select {
	case d.results <- r:
	case <-d.stop:
	}
}

// receive handles a result of a command.
func (d *driver) receive(r result) {
	if r.done {
		d.inflight--
	}
	if r.msg != nil {
		d.handle(r.msg)
	}
}

// handle does with msg what Bubble Tea would: it runs batches and
// sequences, keeps fake timers, drops spinner ticks, records raw output
// and cleared screens, and hands anything else to the model.
func (d *driver) handle(msg tea.Msg) {
	if cmds, ok := sequenceCmds(msg); ok {
		d.execSequence(cmds)
		return
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case timerSet:
		d.timers = append(d.timers, timer(msg))
	case spinner.TickMsg:
	case tea.RawMsg: // written to the terminal, and handed to Update too
		d.raw = append(d.raw, fmt.Sprint(msg.Msg))
		d.update(msg)
	default:
		if reflect.TypeOf(msg) == reflect.TypeOf(tea.ClearScreen()) {
			d.cleared++
		}
		d.update(msg)
	}
}

// sequenceCmds returns the commands of msg when it is the unexported
// message of tea.Sequence.
func sequenceCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if !v.IsValid() {
		return nil, false
	}
	typ, cmds := v.Type(), reflect.TypeFor[[]tea.Cmd]()
	if typ.Name() != "sequenceMsg" || typ.PkgPath() != reflect.TypeFor[tea.BatchMsg]().PkgPath() || !typ.ConvertibleTo(cmds) {
		return nil, false
	}
	return v.Convert(cmds).Interface().([]tea.Cmd), true
}

// after is the model's timer on the fake clock: a tea.Tick that fires
// when advance reaches d past now.
func (d *driver) after(dur time.Duration, fire func(time.Time) tea.Msg) tea.Cmd {
	t := timerSet{at: d.now.Add(dur), fire: fire}
	return func() tea.Msg { return t }
}

// advance moves the fake clock on by dur: it fires, in order, the timers
// that fall due (and those they set that fall due within dur), and
// settles after each.
func (d *driver) advance(dur time.Duration) {
	d.t.Helper()
	d.settle()
	d.mark()
	end := d.now.Add(dur)
	for {
		next := -1
		for i, tm := range d.timers {
			if !tm.at.After(end) && (next < 0 || tm.at.Before(d.timers[next].at)) {
				next = i
			}
		}
		if next < 0 {
			break
		}
		tm := d.timers[next]
		d.timers = slices.Delete(d.timers, next, next+1)
		d.now = tm.at
		if msg := tm.fire(tm.at); msg != nil {
			d.handle(msg)
		}
		d.settle()
	}
	d.now = end
}

// press sends key presses ("j", "enter", "shift+tab", or text typed),
// settling after each.
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
		d.settle()
	}
}

// pressNoWait sends key presses without settling: for a test that holds
// a load open on purpose, which a settle would wait for in vain.
func (d *driver) pressNoWait(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

// pressThen presses keys, settling after each, and fails the test
// unless cond, which must not hold before them, holds after: what a
// waitUntil after press becomes, since press settles. what names the
// state cond tests.
func (d *driver) pressThen(cond func() bool, what string, keys ...string) {
	d.t.Helper()
	if cond() {
		d.t.Fatalf("before %q: %s holds already, so pressing checks nothing; the screen shows:\n%s", keys, what, d.screen())
	}
	d.press(keys...)
	d.expect(cond(), what)
}

// expect fails the test, showing the screen, unless ok; what names the
// state expected. After press, which settles, it takes a wait's place.
func (d *driver) expect(ok bool, what string) {
	d.t.Helper()
	if !ok {
		d.t.Fatalf("want %s; the screen shows:\n%s", what, d.screen())
	}
}

// typeText types s into whatever has the focus, without settling.
func (d *driver) typeText(s string) {
	d.mark()
	for _, r := range s {
		d.update(tea.KeyPressMsg{Code: r, Text: string(r)})
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

// waitTimeout is how long settle and the waits wait for a command:
// generous, for slow machines and the race detector. Only a command that
// hangs meets it.
const waitTimeout = 20 * time.Second

// settle handles messages until no command is in flight (timers of the
// fake clock wait for advance), and fails the test, showing the screen,
// when that takes longer than waitTimeout.
func (d *driver) settle() {
	d.t.Helper()
	if d.inflight == 0 {
		return
	}
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for d.inflight > 0 {
		select {
		case r := <-d.results:
			d.receive(r)
		case <-deadline.C:
			d.t.Fatalf("settle: %d commands still in flight after %v; the screen shows:\n%s", d.inflight, waitTimeout, d.screen())
		}
	}
}

// waitFor handles messages until the screen (ANSI stripped) contains
// want, then settles, and returns the screen. It fails the test at once
// when the screen showed want already before the last input (key, send,
// typing or advance): waiting for it would check nothing. It fails too
// when want cannot come any more (no command in flight) or after
// waitTimeout.
func (d *driver) waitFor(want string) string {
	d.t.Helper()
	d.waitForThen(want, true)
	return d.screen()
}

// waitForNoSettle is waitFor without the settle after: for a test that
// holds a load open on purpose.
func (d *driver) waitForNoSettle(want string) string {
	d.t.Helper()
	d.waitForThen(want, false)
	return d.screen()
}

// waitForThen is waitFor, settling after when settle is true.
func (d *driver) waitForThen(want string, settle bool) {
	d.t.Helper()
	if strings.Contains(d.before, want) {
		d.t.Fatalf("waitFor(%q): the screen showed it before the last input already, so waiting for it checks nothing; the screen shows:\n%s", want, d.screen())
	}
	d.handleUntil(func() bool { return strings.Contains(d.screen(), want) }, "the screen to show "+strconv.Quote(want), settle)
}

// waitUntil handles messages until cond holds, then settles. It fails
// the test at once when cond holds before it has handled any message:
// waiting would check nothing (after press, which settles, check the
// state instead). It fails too when cond cannot come true any more (no
// command in flight) or after waitTimeout, naming what it waited for.
func (d *driver) waitUntil(cond func() bool, what string) {
	d.t.Helper()
	if cond() {
		d.t.Fatalf("waited for %s, which holds already: waiting checks nothing; the screen shows:\n%s", what, d.screen())
	}
	d.handleUntil(cond, what, true)
}

// handleUntil handles messages until cond holds, then settles when
// settle is true; it fails the test when no command is left in flight to
// make cond hold, or after waitTimeout.
func (d *driver) handleUntil(cond func() bool, what string, settle bool) {
	d.t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for !cond() {
		if d.inflight == 0 {
			d.t.Fatalf("waited in vain for %s: no command is in flight (%d timers wait for advance); the screen shows:\n%s", what, len(d.timers), d.screen())
		}
		select {
		case r := <-d.results:
			d.receive(r)
		case <-deadline.C:
			d.t.Fatalf("waited %v in vain for %s (%d commands in flight); the screen shows:\n%s", waitTimeout, what, d.inflight, d.screen())
		}
	}
	if settle {
		d.settle()
	}
}

// waitLoaded waits until no tab is loading and every page has arrived;
// like waitUntil, it fails at once when they all had already.
func (d *driver) waitLoaded() string {
	d.t.Helper()
	d.waitUntil(d.loaded, "the loads to end")
	return d.screen()
}

// wantLoaded fails the test unless no tab is loading and every page has
// arrived, and returns the screen: waitLoaded's place after press, which
// settles.
func (d *driver) wantLoaded() string {
	d.t.Helper()
	d.expect(d.loaded(), "the loads ended")
	return d.screen()
}

// loaded reports whether no tab is loading and every page has arrived.
func (d *driver) loaded() bool {
	for _, t := range d.m.tabs {
		if t.Loading != "" || t.Page == nil || t.Page.Loading {
			return false
		}
	}
	return true
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

// TestDriverSequence: q returns tea.Sequence(save the session, quit),
// which the driver runs: the session is on disk once press returns.
func TestDriverSequence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "session")
	d := newDriverOpts(t, 80, 24, Options{Session: path})
	d.press("q")
	if _, err := os.Stat(path); err != nil || d.inflight != 0 {
		t.Errorf("after q: %v, %d commands in flight", err, d.inflight)
	}
}

// TestDriverClock: a timer of the fake clock is not in flight, and fires
// when advance reaches it, not before.
func TestDriverClock(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 80, 24, false, "about:blank")
	d.settle()
	var fired []time.Duration
	start := d.now
	for _, after := range []time.Duration{2 * time.Second, time.Second} {
		d.exec(d.m.after(after, func(at time.Time) tea.Msg { fired = append(fired, at.Sub(start)); return nil }))
	}
	d.settle()
	if d.inflight != 0 || len(d.timers) != 2 {
		t.Fatalf("%d commands in flight, %d timers set; want 0 and 2", d.inflight, len(d.timers))
	}
	d.advance(time.Second - time.Nanosecond)
	if len(fired) != 0 {
		t.Fatalf("fired before time: %v", fired)
	}
	d.advance(time.Hour)
	if !slices.Equal(fired, []time.Duration{time.Second, 2 * time.Second}) || len(d.timers) != 0 {
		t.Errorf("fired at %v, %d timers left; want 1s, 2s and none", fired, len(d.timers))
	}
}
