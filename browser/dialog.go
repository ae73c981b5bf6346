package browser

import tea "charm.land/bubbletea/v2"

// dialog is a modal conversation: an input prompt, the identity picker, a
// redirect or certificate question. While one is open it gets every key,
// and every message the model does not handle itself, and it draws over
// the page.
type dialog interface {
	// update handles a key or a message; it returns the command to run
	// and whether the dialog is finished (the model then closes it).
	update(m *Model, msg tea.Msg) (cmd tea.Cmd, closed bool)
	// view draws the dialog in the page area, width×height cells; rows
	// are cut and padded by the caller.
	view(m *Model, width, height int) []string
}

// cursorDialog is a dialog with a text field that shows the terminal's
// cursor; the position is on the screen (row 0 is the tab bar).
type cursorDialog interface {
	cursor(m *Model) *tea.Cursor
}

// openDialog shows d.
func (m *Model) openDialog(d dialog) { m.dialog = d }

// dialogUpdate passes msg to the open dialog and closes it when it is done.
func (m *Model) dialogUpdate(msg tea.Msg) tea.Cmd {
	d := m.dialog
	cmd, closed := d.update(m, msg)
	if closed && m.dialog == d {
		m.dialog = nil
	}
	return cmd
}
