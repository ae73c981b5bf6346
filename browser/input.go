package browser

import (
	"net/url"
	"os"
	"os/exec"
	"strings"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/client"
)

// The keys of the input dialog (besides esc, which cancels, and enter).
const (
	keyMultiLine = "ctrl+e" // from one line to several
	keyEditor    = "ctrl+x" // edit the answer in $EDITOR
	keySend      = "ctrl+s" // send the several lines (as does keySendAlt)
	keySendAlt   = "ctrl+d"
)

// inputCharLimit caps what the fields take (a paste of a whole file, say):
// well over the request limit, so that the count of bytes left still shows
// by how much an answer is too long.
const inputCharLimit = 4 * client.MaxURLLength

// multiLineRows is the height of the multi-line field.
const multiLineRows = 6

// hiddenQuery marks a URL whose query, the answer to a sensitive prompt,
// is not shown.
const hiddenQuery = "?***"

// inputDialog asks for the answer to a 10 INPUT or 11 SENSITIVE INPUT
// prompt; the answer goes as the query of the URL that asked, loaded in
// the same tab. A sensitive answer is masked, typed on one line only, and
// the URL that carries it is never shown or recorded.
type inputDialog struct {
	h       headerMsg       // the response that asked
	multi   bool            // the multi-line field is in use
	line    textinput.Model // the one-line field
	area    textarea.Model  // the multi-line field
	refusal string          // why the last send was refused, until the next key
	editing bool            // the editor is starting or running: keys wait
}

// editorReadyMsg: the temp file for the editor is written (or could not
// be).
type editorReadyMsg struct {
	key  loadKey
	path string
	err  error
}

// editorDoneMsg: the editor has exited; text is what it saved.
type editorDoneMsg struct {
	key  loadKey
	text string
	err  error
}

// onInput handles 10 and 11: it asks for the answer in a dialog over the
// page, which stays as it was. Only the tab in view asks, one question at
// a time: otherwise the tab shows the prompt as a page, to be answered by
// reloading.
func (m *Model) onInput(t *tab, h headerMsg) tea.Cmd {
	t.cancel, t.restore = nil, nil
	if m.dialog != nil || t != m.tab() {
		return m.showResponse(t, h)
	}
	d := &inputDialog{h: h, line: textinput.New(), area: textarea.New()}
	d.line.Prompt = "> "
	d.line.CharLimit = inputCharLimit
	d.line.SetVirtualCursor(false)
	d.line.SetStyles(textinput.Styles{Focused: textinput.StyleState{Prompt: m.styles.Prompt}})
	if d.sensitive() {
		d.line.EchoMode = textinput.EchoPassword
	}
	m.openDialog(d)
	return d.line.Focus()
}

// sensitive reports whether the prompt is an 11.
func (d *inputDialog) sensitive() bool { return d.h.status == client.StatusSensitiveInput }

// value is the answer typed so far.
func (d *inputDialog) value() string {
	if d.multi {
		return d.area.Value()
	}
	return d.line.Value()
}

// update handles the keys and the editor's messages.
func (d *inputDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case editorReadyMsg:
		if msg.key != d.h.key {
			return nil, false
		}
		if msg.err != nil {
			d.editing, d.refusal = false, "Could not make a temp file for the editor: "+msg.err.Error()
			return nil, false
		}
		return tea.ExecProcess(editorCommand(msg.path), editorDone(d.h.key, msg.path)), false
	case editorDoneMsg:
		if msg.key != d.h.key {
			return nil, false
		}
		d.editing = false
		if msg.err != nil {
			d.refusal = "The editor failed, the answer is unchanged: " + msg.err.Error()
			return nil, false
		}
		return d.toMultiLine(m, msg.text), false
	case tea.KeyPressMsg:
		if d.editing {
			return nil, false // the editor is starting or running
		}
		d.refusal = ""
		s := msg.String()
		switch {
		case s == "esc":
			if t := m.findTab(d.h.key.tab); t != nil && t.page == nil {
				m.showResponse(t, d.h) // the tab had nothing to show yet
			}
			m.flash("Cancelled: nothing was sent", false)
			return nil, true
		case s == "enter" && !d.multi, (s == keySend || s == keySendAlt) && d.multi:
			return d.send(m)
		case s == keyMultiLine && !d.multi && !d.sensitive():
			return d.toMultiLine(m, d.line.Value()), false
		case s == keyEditor && !d.sensitive():
			d.editing = true
			return writeTemp(d.h.key, d.value()), false
		}
	}
	var cmd tea.Cmd
	if d.multi {
		d.area, cmd = d.area.Update(msg)
	} else {
		d.line, cmd = d.line.Update(msg)
	}
	return cmd, false
}

// toMultiLine moves to the multi-line field, holding text.
func (d *inputDialog) toMultiLine(m *Model, text string) tea.Cmd {
	if !d.multi {
		d.multi = true
		d.area.ShowLineNumbers = false
		d.area.CharLimit = inputCharLimit
		d.area.SetVirtualCursor(false)
		d.area.SetStyles(textarea.Styles{Focused: textarea.StyleState{Prompt: m.styles.Prompt}})
		d.line.Blur()
	}
	d.area.SetValue(text)
	return d.area.Focus()
}

// send loads the URL that asked with the answer as its query, in the same
// tab, recording the page shown now in its history as a link does. An
// answer that would make the request too long is refused.
func (d *inputDialog) send(m *Model) (tea.Cmd, bool) {
	text := d.value()
	if left := client.InputBytesLeft(d.h.url, text); left < 0 {
		d.refusal = "Not sent: " + itoa(-left) + " bytes too long (a request is at most " + itoa(client.MaxURLLength) + " bytes)"
		return nil, false
	}
	u, err := client.InputURL(d.h.url, text)
	if err != nil {
		d.refusal = "Not sent: the answer does not fit in the URL"
		return nil, false
	}
	t := m.findTab(d.h.key.tab)
	if t == nil {
		return nil, true
	}
	if d.sensitive() {
		t.secret = u.String()
	}
	t.push()
	return m.load(t, u), true
}

// view draws the dialog: where the prompt comes from, the prompt, the
// field, the bytes left and the keys.
func (d *inputDialog) view(m *Model, width, height int) []string {
	lines, _ := d.layout(m, width, height)
	return lines
}

// cursor puts the terminal's cursor in the field.
func (d *inputDialog) cursor(m *Model) *tea.Cursor {
	_, row := d.layout(m, m.width, m.pageHeight())
	var c *tea.Cursor
	if d.multi {
		c = d.area.Cursor()
	} else {
		c = d.line.Cursor()
	}
	if c == nil {
		return nil
	}
	c.Position.X++ // the margin
	c.Position.Y += 1 + row
	if c.Position.Y > m.pageHeight() {
		return nil // cut off on a tiny screen
	}
	return c
}

// layout sizes the field to the page area, width×height, and returns the
// dialog's rows and the row where the field starts.
func (d *inputDialog) layout(m *Model, width, height int) ([]string, int) {
	wrap := max(width-2, 10)
	title := "Input"
	if d.sensitive() {
		title = "Sensitive input"
	}
	head := strings.Split(ansi.Wrap(m.styles.OverlayTitle.Render(title)+" for "+sanitize.Line(withoutQuery(d.h.url).String()), wrap, "/&?"), "\n")
	head = append(head, "")

	foot := []string{""}
	note := func(text string, isErr bool) {
		for _, l := range strings.Split(ansi.Wrap(text, wrap, ""), "\n") {
			if isErr {
				l = m.styles.StatusError.Render(l)
			}
			foot = append(foot, l)
		}
	}
	if left := client.InputBytesLeft(d.h.url, d.value()); left < 0 {
		note(itoa(left)+" bytes left: too long for a Gemini request", true)
	} else {
		note(itoa(left)+" bytes left", false)
	}
	if d.sensitive() {
		note("Masked, and never recorded.", false)
	}
	if d.refusal != "" {
		note(sanitize.Line(d.refusal), true)
	}
	foot = append(foot, d.keysHelp(m, wrap)...)

	field := 1
	if d.multi {
		field = multiLineRows
	}
	prompt := sanitize.Line(d.h.meta)
	if prompt == "" {
		prompt = "The server asks for input."
	}
	promptLines := strings.Split(ansi.Wrap(prompt, wrap, ""), "\n")
	if room := max(height-len(head)-1-field-len(foot), 1); len(promptLines) > room {
		promptLines = promptLines[:room]
		promptLines[room-1] = ansi.Truncate(promptLines[room-1]+"…", wrap, "…")
	}
	head = append(head, promptLines...)
	head = append(head, "")

	var fieldView string
	if d.multi {
		d.area.SetWidth(width - 2)
		d.area.SetHeight(field)
		fieldView = d.area.View()
	} else {
		d.line.SetWidth(max(width-4, 1)) // the margin, the prompt and the cursor
		fieldView = d.line.View()
	}
	lines := append(head, strings.Split(fieldView, "\n")...)
	lines = append(lines, foot...)
	for i := range lines {
		lines[i] = " " + lines[i]
	}
	return lines, len(head)
}

// keysHelp lists the dialog's keys, wrapped to width.
func (d *inputDialog) keysHelp(m *Model, width int) []string {
	type binding struct{ key, desc string }
	var keys []binding
	switch {
	case d.sensitive():
		keys = []binding{{"enter", "send"}, {"esc", "cancel"}}
	case d.multi:
		keys = []binding{{keySend + "/" + keySendAlt, "send"}, {"enter", "new line"}, {keyEditor, "$EDITOR"}, {"esc", "cancel"}}
	default:
		keys = []binding{{"enter", "send"}, {keyMultiLine, "several lines"}, {keyEditor, "$EDITOR"}, {"esc", "cancel"}}
	}
	var rows []string
	row := ""
	for _, k := range keys {
		item := m.styles.Prompt.Render(k.key) + " " + k.desc
		switch {
		case row == "":
			row = item
		case ansi.StringWidth(row+" · "+item) <= width:
			row += " · " + item
		default:
			rows = append(rows, row)
			row = item
		}
	}
	return append(rows, row)
}

// writeTemp writes text to a new temp file for the editor.
func writeTemp(key loadKey, text string) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp("", "propus-input-*.txt")
		if err != nil {
			return editorReadyMsg{key: key, err: err}
		}
		_, err = f.WriteString(text)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
		}
		return editorReadyMsg{key: key, path: f.Name(), err: err}
	}
}

// editorCommand returns the command that edits path: $EDITOR (which may
// carry arguments, "emacs -nw"), else vi. It runs in the terminal, with
// the browser's environment.
func editorCommand(path string) *exec.Cmd {
	args := strings.Fields(os.Getenv("EDITOR"))
	if len(args) == 0 {
		args = []string{"vi"}
	}
	return exec.Command(args[0], append(args[1:], path)...)
}

// editorDone returns what runs when the editor exits: it reads what the
// editor saved, less the line end editors add, and removes the file.
func editorDone(key loadKey, path string) tea.ExecCallback {
	return func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{key: key, err: err}
		}
		b, err := os.ReadFile(path)
		text := strings.ReplaceAll(string(b), "\r\n", "\n")
		return editorDoneMsg{key: key, text: strings.TrimSuffix(text, "\n"), err: err}
	}
}

// withoutQuery returns u without its query and fragment.
func withoutQuery(u *url.URL) *url.URL {
	v := *u
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = "", false, "", ""
	return &v
}

// hides reports whether u carries the answer to a sensitive prompt given
// in tab t: such a URL is never shown, copied or recorded.
func (t *tab) hides(u *url.URL) bool {
	return t.secret != "" && u != nil && u.String() == t.secret
}

// shown is how tab t shows u while it loads: without the query when it
// carries a sensitive answer.
func (t *tab) shown(u *url.URL) string {
	if t.hides(u) {
		return withoutQuery(u).String() + hiddenQuery
	}
	return u.String()
}

// hideQuery makes p the page of a sensitive answer: its URL and address
// lose their query, so that the answer is not shown, copied, recorded in
// the history or sent again by a reload (which asks anew).
func (p *page) hideQuery() {
	p.sensitive = true
	if p.url != nil {
		p.url = withoutQuery(p.url)
		p.address = p.url.String()
	}
}

// shownAddress is the address shown in the URL bar and the page info:
// marked when the answer to a sensitive prompt was cut from it.
func (p *page) shownAddress() string {
	if p.sensitive {
		return p.address + hiddenQuery
	}
	return p.address
}
