package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"github.com/charmbracelet/x/ansi"
)

// What the dialogs draw alike: titles, wrapped text, the selection mark,
// the rows of answers and of key hints, and their text fields.

// Bind is b with another description: the same keys, shown as b shows
// them, for what they do in one dialog.
func Bind(b key.Binding, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, desc))
}

// Wrap wraps text to width cells, every row indented by indent spaces;
// words longer than a row (URLs, fingerprints) are broken.
func Wrap(text string, width, indent int) []string {
	pad := strings.Repeat(" ", indent)
	rows := strings.Split(ansi.Wrap(text, max(width-indent, 10), ""), "\n")
	for i, r := range rows {
		rows[i] = pad + r
	}
	return rows
}

// Title is a dialog's title, wrapped to width and indented one cell.
func (sh *Shared) Title(text string, width int) []string {
	rows := Wrap(text, width, 1)
	for i, r := range rows {
		rows[i] = " " + sh.Styles.OverlayTitle.Render(strings.TrimPrefix(r, " "))
	}
	return rows
}

// Mark is the marker of the selected row ("▶ ", or "> " without
// colour).
func (sh *Shared) Mark() string {
	if sh.Styles.Plain {
		return "> "
	}
	return "▶ "
}

// Answer is a row that offers b as an answer: its key, then what it does.
func (sh *Shared) Answer(b key.Binding) string {
	return "  " + sh.Styles.Prompt.Render(fmt.Sprintf("%-5s", b.Help().Key)) + " " + b.Help().Desc
}

// KeyRows lists bindings as bubbles/help draws them, as many to a row of
// width cells as fit, indented one cell.
func (sh *Shared) KeyRows(width int, bindings ...key.Binding) []string {
	h := help.New()
	h.Styles = sh.Styles.Help
	var rows []string
	var row []key.Binding
	for _, b := range bindings {
		if len(row) > 0 && ansi.StringWidth(h.ShortHelpView(append(row, b))) > width-1 {
			rows = append(rows, " "+h.ShortHelpView(row))
			row = nil
		}
		row = append(row, b)
	}
	if len(row) > 0 {
		rows = append(rows, " "+h.ShortHelpView(row))
	}
	return rows
}

// Field returns a one-line text field set up as every dialog's are: the
// terminal's own cursor, no colour when the styles have none, at most
// limit characters.
func (sh *Shared) Field(prompt, placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.SetVirtualCursor(false)
	if sh.Styles.Plain {
		in.SetStyles(textinput.Styles{})
	} else {
		st := in.Styles()
		st.Focused.Prompt = sh.Styles.Prompt
		in.SetStyles(st)
	}
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = limit
	return in
}
