package tabs

import (
	"net/url"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/load"
	"propus/client"
)

// SlowDown is a 44 SLOW DOWN being waited out on a tab: a countdown in
// the status line, then a retry of the same URL.
type SlowDown struct {
	URL     *url.URL
	Attempt int // the retry counted down to: 1 for the first
	Left    int // seconds before the retry is sent; 0 once it is
	Seq     int // the tab's seq while the countdown or its retry is current
}

// TickMsg is one second of a countdown gone by; it is dropped
// when the tab has moved on.
type TickMsg struct {
	Key     load.Key
	Attempt int
}

// Tick returns the command that marks the next second of the tab's
// countdown, on the timer after.
func (t *Tab) Tick(after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) tea.Cmd {
	msg := TickMsg{Key: t.Key(), Attempt: t.Slow.Attempt}
	return after(time.Second, func(time.Time) tea.Msg { return msg })
}

// SlowingDown reports whether tab t is counting down to a retry or
// waiting for its answer.
func (t *Tab) SlowingDown() bool {
	s := t.Slow
	return s != nil && s.Seq == t.Seq && (s.Left > 0 || t.Loading != "")
}

// Countdown is the status line of a tab that is SlowingDown, of the
// retries allowed (0: client.DefaultRetries), in at most width cells
// when a shorter form is needed; spin is the spinner.
func (t *Tab) Countdown(retries int, spin string, width int) string {
	s := t.Slow
	if retries <= 0 {
		retries = client.DefaultRetries
	}
	if s.Left == 0 {
		return spin + " Slow down: retrying now · retry " + strconv.Itoa(s.Attempt) + " of " + strconv.Itoa(retries)
	}
	in := strconv.Itoa(s.Left) + " s"
	full := "Slow down: retrying in " + in + " · retry " + strconv.Itoa(s.Attempt) + " of " + strconv.Itoa(retries) + " · esc cancels"
	if ansi.StringWidth(full) <= width-5 { // room for the scroll position
		return full
	}
	return "Retry in " + in + " (" + strconv.Itoa(s.Attempt) + "/" + strconv.Itoa(retries) + ") · esc cancels"
}

// LoadKey returns the load counted down to.
func (s TickMsg) LoadKey() load.Key { return s.Key }
