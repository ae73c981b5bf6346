package browser

import (
	"net/url"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/load"
	"propus/client"
	"propus/gemtext"
)

// slowDown is a 44 SLOW DOWN being waited out on a tab: a countdown in
// the status line, then a retry of the same URL.
type slowDown struct {
	url     *url.URL
	attempt int // the retry counted down to: 1 for the first
	left    int // seconds before the retry is sent; 0 once it is
	seq     int // the tab's seq while the countdown or its retry is current
}

// slowDownTickMsg is one second of a countdown gone by; it is dropped
// when the tab has moved on.
type slowDownTickMsg struct {
	key     load.Key
	attempt int
}

// LoadKey returns the load counted down to.
func (s slowDownTickMsg) LoadKey() load.Key { return s.key }

// onSlowDown handles 44: it shows the 44 page and counts down in the
// status line to a retry of the same URL (Options.SlowDown says how long
// and how often), and gives up, saying so, when no retry is left. Esc,
// or anything else that stops the tab, cancels the countdown.
func (m *Model) onSlowDown(t *tab, h load.HeaderMsg) tea.Cmd {
	attempt := 1
	if s := t.slow; s != nil && s.seq == h.Key.Seq && s.left == 0 {
		attempt = s.attempt + 1 // the answer to our own retry
	}
	m.showResponse(t, h)
	wait, ok := m.opts.SlowDown.Delay(attempt, h.Meta)
	if !ok {
		t.slow = nil
		n := strconv.Itoa(attempt - 1)
		t.page.notice = "gave up after " + n + " retries"
		t.page.doc.Append(gemtext.Line{Kind: gemtext.Text, Text: "propus retried " + n + " times and gave up."})
		return nil
	}
	s := &slowDown{url: h.URL, attempt: attempt, left: max(int((wait+time.Second-1)/time.Second), 1), seq: t.seq}
	t.slow = s
	t.cancel = func() { t.slow = nil } // Esc cancels the countdown
	return t.tick(m.after)
}

// tick returns the command that marks the next second of the tab's
// countdown, on the timer after.
func (t *tab) tick(after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) tea.Cmd {
	msg := slowDownTickMsg{key: t.key(), attempt: t.slow.attempt}
	return after(time.Second, func(time.Time) tea.Msg { return msg })
}

// slowDownTicked counts a second down and sends the retry when the
// countdown is over; the retry replaces the 44 page, it is no new step
// in the history.
func (m *Model) slowDownTicked(t *tab, msg slowDownTickMsg) tea.Cmd {
	if t.slow == nil || t.slow.seq != t.seq || t.slow.attempt != msg.attempt || t.slow.left == 0 {
		return nil
	}
	s := t.slow
	if s.left--; s.left > 0 {
		return t.tick(m.after)
	}
	via := t.via
	cmd := m.load(t, s.url)
	t.slow, t.via, s.seq = s, via, t.seq
	return cmd
}

// slowingDown reports whether tab t is counting down to a retry or
// waiting for its answer.
func (t *tab) slowingDown() bool {
	s := t.slow
	return s != nil && s.seq == t.seq && (s.left > 0 || t.loading != "")
}

// countdown is the status line of a tab that is slowingDown, of the
// retries allowed (0: client.DefaultRetries), in at most width cells
// when a shorter form is needed; spin is the spinner.
func (t *tab) countdown(retries int, spin string, width int) string {
	s := t.slow
	if retries <= 0 {
		retries = client.DefaultRetries
	}
	if s.left == 0 {
		return spin + " Slow down: retrying now · retry " + strconv.Itoa(s.attempt) + " of " + strconv.Itoa(retries)
	}
	in := strconv.Itoa(s.left) + " s"
	full := "Slow down: retrying in " + in + " · retry " + strconv.Itoa(s.attempt) + " of " + strconv.Itoa(retries) + " · esc cancels"
	if ansi.StringWidth(full) <= width-5 { // room for the scroll position
		return full
	}
	return "Retry in " + in + " (" + strconv.Itoa(s.attempt) + "/" + strconv.Itoa(retries) + ") · esc cancels"
}
