package browser

import (
	"net/url"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

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
	key     loadKey
	attempt int
}

// onSlowDown handles 44: it shows the 44 page and counts down in the
// status line to a retry of the same URL (Options.SlowDown says how long
// and how often), and gives up, saying so, when no retry is left. Esc,
// or anything else that stops the tab, cancels the countdown.
func (m *Model) onSlowDown(t *tab, h headerMsg) tea.Cmd {
	attempt := 1
	if s := t.slow; s != nil && s.seq == h.key.seq && s.left == 0 {
		attempt = s.attempt + 1 // the answer to our own retry
	}
	m.showResponse(t, h)
	wait, ok := m.opts.SlowDown.Delay(attempt, h.meta)
	if !ok {
		t.slow = nil
		n := itoa(attempt - 1)
		t.page.notice = "gave up after " + n + " retries"
		t.page.doc.Append(gemtext.Line{Kind: gemtext.Text, Text: "propus retried " + n + " times and gave up."})
		return nil
	}
	s := &slowDown{url: h.url, attempt: attempt, left: max(int((wait+time.Second-1)/time.Second), 1), seq: t.seq}
	t.slow = s
	t.cancel = func() { t.slow = nil } // Esc cancels the countdown
	return m.slowDownTick(t)
}

// slowDownTick returns the command that marks the next second of tab t's
// countdown.
func (m *Model) slowDownTick(t *tab) tea.Cmd {
	msg := slowDownTickMsg{key: loadKey{tab: t.id, seq: t.seq}, attempt: t.slow.attempt}
	return m.after(time.Second, func(time.Time) tea.Msg { return msg })
}

// slowDownTicked counts a second down and sends the retry when the
// countdown is over; the retry replaces the 44 page, it is no new step
// in the history.
func (m *Model) slowDownTicked(msg slowDownTickMsg) tea.Cmd {
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq || t.slow == nil || t.slow.seq != t.seq || t.slow.attempt != msg.attempt || t.slow.left == 0 {
		return nil
	}
	s := t.slow
	if s.left--; s.left > 0 {
		return m.slowDownTick(t)
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

// countdownStatus is the status line of a tab that is slowingDown, in at
// most width cells when a shorter form is needed.
func (m *Model) countdownStatus(t *tab, width int) string {
	s := t.slow
	retries := m.opts.SlowDown.Retries
	if retries <= 0 {
		retries = client.DefaultRetries
	}
	if s.left == 0 {
		return m.spinner.View() + " Slow down: retrying now · retry " + itoa(s.attempt) + " of " + itoa(retries)
	}
	in := itoa(s.left) + " s"
	full := "Slow down: retrying in " + in + " · retry " + itoa(s.attempt) + " of " + itoa(retries) + " · esc cancels"
	if ansi.StringWidth(full) <= width-5 { // room for the scroll position
		return full
	}
	return "Retry in " + in + " (" + itoa(s.attempt) + "/" + itoa(retries) + ") · esc cancels"
}
