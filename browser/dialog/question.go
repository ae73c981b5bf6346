package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Answer is one answer to a Question: its key, whose help says what it
// does, and the command it starts.
type Answer struct {
	Key key.Binding
	Cmd tea.Cmd
}

// Cancelled reports a dialog closed without an answer; Note says what
// that means for the user ("Nothing was sent", …), or is empty.
type Cancelled struct {
	Tag  any
	Note string
}

// Question asks the user to choose, one key per answer; the Cancel key
// (esc) answers none.
type Question struct {
	sh      *Shared
	text    string
	answers []Answer
	cancel  tea.Cmd
	// cancelHelp says what Cancel does, "cancel" unless WithCancelHelp
	// says more.
	cancelHelp string
}

// NewQuestion asks text (sanitised by the caller; it may have several
// lines). cancel, which may be nil, runs when no answer is given.
func NewQuestion(sh *Shared, text string, cancel tea.Cmd, answers ...Answer) *Question {
	return &Question{sh: sh, text: text, answers: answers, cancel: cancel, cancelHelp: "cancel"}
}

// WithCancelHelp makes the help line say what Cancel does when that is
// more than cancelling ("keep the text"), and returns q.
func (q *Question) WithCancelHelp(help string) *Question {
	q.cancelHelp = help
	return q
}

// Update gives the answer whose key was pressed.
func (q *Question) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	for _, a := range q.answers {
		if key.Matches(k, a.Key) {
			return a.Cmd, true
		}
	}
	if key.Matches(k, q.sh.Keys.Cancel) {
		return q.cancel, true
	}
	return nil, false
}

// View shows the question, then the answers.
func (q *Question) View(width, height int) []string {
	var lines []string
	for _, l := range strings.Split(q.text, "\n") {
		// Long URLs wrap anywhere rather than being cut.
		for _, row := range strings.Split(ansi.Wrap(l, max(width-2, 10), ""), "\n") {
			lines = append(lines, " "+row)
		}
	}
	lines = append(lines, "")
	for _, b := range q.ShortHelp() {
		lines = append(lines, q.sh.Answer(b))
	}
	return lines
}

// ShortHelp lists the answers, then cancel.
func (q *Question) ShortHelp() []key.Binding {
	var bs []key.Binding
	for _, a := range q.answers {
		bs = append(bs, a.Key)
	}
	return append(bs, Bind(q.sh.Keys.Cancel, q.cancelHelp))
}

// FullHelp is ShortHelp.
func (q *Question) FullHelp() [][]key.Binding { return [][]key.Binding{q.ShortHelp()} }
