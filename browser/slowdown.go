package browser

import (
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/load"
	"propus/browser/tabs"
	"propus/gemtext"
)

// onSlowDown handles 44: it shows the 44 page and counts down in the
// status line to a retry of the same URL (Options.SlowDown says how long
// and how often), and gives up, saying so, when no retry is left. Esc,
// or anything else that stops the tab, cancels the countdown.
func (m *Model) onSlowDown(t *tabs.Tab, h load.HeaderMsg) tea.Cmd {
	attempt := 1
	if s := t.Slow; s != nil && s.Seq == h.Key.Seq && s.Left == 0 {
		attempt = s.Attempt + 1 // the answer to our own retry
	}
	m.showResponse(t, h)
	wait, ok := m.opts.SlowDown.Delay(attempt, h.Meta)
	if !ok {
		t.Slow = nil
		n := strconv.Itoa(attempt - 1)
		t.Page.Notice = "gave up after " + n + " retries"
		t.Page.Doc.Append(gemtext.Line{Kind: gemtext.Text, Text: "propus retried " + n + " times and gave up."})
		return nil
	}
	s := &tabs.SlowDown{URL: h.URL, Attempt: attempt, Left: max(int((wait+time.Second-1)/time.Second), 1), Seq: t.Seq}
	t.Slow = s
	t.Cancel = func() { t.Slow = nil } // Esc cancels the countdown
	return t.Tick(m.after)
}

// slowDownTicked counts a second down and sends the retry when the
// countdown is over; the retry replaces the 44 page, it is no new step
// in the history.
func (m *Model) slowDownTicked(t *tabs.Tab, msg tabs.TickMsg) tea.Cmd {
	if t.Slow == nil || t.Slow.Seq != t.Seq || t.Slow.Attempt != msg.Attempt || t.Slow.Left == 0 {
		return nil
	}
	s := t.Slow
	if s.Left--; s.Left > 0 {
		return t.Tick(m.after)
	}
	via := t.Via
	cmd := m.load(t, s.URL)
	t.Slow, t.Via, s.Seq = s, via, t.Seq
	return cmd
}
