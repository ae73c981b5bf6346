// Package dialog holds the browser's modal components: the questions,
// prompts, forms and overlays that open over a page, and the stack they
// live on.
//
// A dialog gets what it needs — the shared styles and keys, its size when
// drawn, the data it shows — and never the browser itself. It reports
// what the user chose as a typed message (returned by a command), which
// the browser acts on. Its keys come from keys.KeyMap, so config.toml's
// [keys] reaches it, and its ShortHelp is the help line shown while it
// is on top. Consent (follow a hop to another host, trust a changed
// certificate, remove something) takes its named key, never Enter.
package dialog

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"propus/browser/keys"
	"propus/browser/style"
)

// Shared is what every dialog is given: the browser's styles and keys.
// The browser owns it and changes it in place (a new background colour
// restyles every open dialog).
type Shared struct {
	Styles style.Styles
	Keys   keys.KeyMap
}

// Dialog is a modal component.
type Dialog interface {
	// Update handles a key, a mouse event or a message of its own; it
	// returns the command to run and whether the dialog is done (it is
	// then taken off the stack).
	Update(msg tea.Msg) (cmd tea.Cmd, done bool)
	// View draws the dialog in an area of width×height cells, one string
	// per row; the caller cuts and pads the rows.
	View(width, height int) []string
	// ShortHelp and FullHelp list the keys the dialog answers to, as
	// bubbles/help shows them: ShortHelp is the help line.
	help.KeyMap
}

// Cursored is a dialog with a text field that shows the terminal's
// cursor: at the position Cursor returns, relative to the dialog's area
// of width×height cells, or nowhere (nil).
type Cursored interface {
	Cursor(width, height int) *tea.Cursor
}

// Inline is a dialog drawn in the status line, over a page that stays in
// view (the open and search prompts): StatusLine is that line, width
// cells wide.
type Inline interface {
	StatusLine(width int) string
}

// Report returns a command that delivers msg: how a dialog tells the
// browser what was chosen.
func Report(msg tea.Msg) tea.Cmd {
	return func() tea.Msg { return msg }
}

// Stack is the dialogs open, the top one last. Keys and mouse events go
// to the top one only; other messages to all of them.
type Stack struct {
	dialogs []Dialog
}

// Push opens d on top.
func (s *Stack) Push(d Dialog) { s.dialogs = append(s.dialogs, d) }

// Top returns the dialog on top, or nil.
func (s *Stack) Top() Dialog {
	if len(s.dialogs) == 0 {
		return nil
	}
	return s.dialogs[len(s.dialogs)-1]
}

// Len is the number of dialogs open.
func (s *Stack) Len() int { return len(s.dialogs) }

// Clear closes every dialog.
func (s *Stack) Clear() { s.dialogs = nil }

// Update passes msg to the top dialog when it is input (a key or the
// mouse), else to every dialog, and takes off those that are done.
func (s *Stack) Update(msg tea.Msg) tea.Cmd {
	switch msg.(type) {
	case tea.KeyPressMsg, tea.MouseMsg, tea.PasteMsg:
		if d := s.Top(); d != nil {
			return s.update(d, msg)
		}
		return nil
	}
	var cmds []tea.Cmd
	for _, d := range append([]Dialog(nil), s.dialogs...) {
		cmds = append(cmds, s.update(d, msg))
	}
	return tea.Batch(cmds...)
}

func (s *Stack) update(d Dialog, msg tea.Msg) tea.Cmd {
	cmd, done := d.Update(msg)
	if done {
		for i, x := range s.dialogs {
			if x == d {
				s.dialogs = append(s.dialogs[:i], s.dialogs[i+1:]...)
				break
			}
		}
	}
	return cmd
}

// Tagged is a dialog's report that carries the tag the dialog was opened
// with: what the browser needs to act on the answer (which load of which
// tab asked).
type Tagged interface {
	DialogTag() any
}

// DialogTag returns the tag of the redirect asked about.
func (a RedirectAnswer) DialogTag() any { return a.Tag }

// DialogTag returns the tag of the refused load.
func (a CertAnswer) DialogTag() any { return a.Tag }

// DialogTag returns the tag of the prompt answered.
func (a InputAnswer) DialogTag() any { return a.Tag }

// DialogTag returns the tag of the request that asked for an identity.
func (a IdentityChosen) DialogTag() any { return a.Tag }
