package dialog

import (
	"net/url"
	"os"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/editor"
	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/client"
)

// inputCharLimit caps what the fields take (a paste of a whole file, say):
// well over the request limit, so that the count of bytes left still shows
// by how much an answer is too long.
const inputCharLimit = 4 * client.MaxURLLength

// multiLineRows is the height of the multi-line field.
const multiLineRows = 6

// InputAnswer reports the answer to an Input: URL is the address that
// asked with the answer as its query.
type InputAnswer struct {
	Tag any
	URL *url.URL
}

// Input asks for the answer to a 10 INPUT or 11 SENSITIVE INPUT prompt.
// A sensitive answer is masked and typed on one line only. An answer too
// long for a request is refused with the count of bytes over.
type Input struct {
	sh        *Shared
	url       *url.URL // the URL that asked
	prompt    string   // its META
	sensitive bool
	tag       any

	multi   bool            // the multi-line field is in use
	line    textinput.Model // the one-line field
	area    textarea.Model  // the multi-line field
	refusal string          // why the last send was refused, until the next key
	editing bool            // the editor is starting or running: keys wait
}

// editorReadyMsg: the temp file for the editor of d is written (or could
// not be).
type editorReadyMsg struct {
	d    *Input
	path string
	err  error
}

// editorDoneMsg: the editor of d has exited; text is what it saved.
type editorDoneMsg struct {
	d    *Input
	text string
	err  error
}

// NewInput asks the prompt of u (meta); sensitive for an 11. It returns
// the dialog and the command that focuses its field.
func NewInput(sh *Shared, u *url.URL, meta string, sensitive bool, tag any) (*Input, tea.Cmd) {
	d := &Input{sh: sh, url: u, prompt: meta, sensitive: sensitive, tag: tag, area: textarea.New()}
	d.line = sh.Field("> ", "", inputCharLimit)
	if sensitive {
		d.line.EchoMode = textinput.EchoPassword
	}
	return d, d.line.Focus()
}

// value is the answer typed so far.
func (d *Input) value() string {
	if d.multi {
		return d.area.Value()
	}
	return d.line.Value()
}

// Update handles the keys and the editor's messages.
func (d *Input) Update(msg tea.Msg) (tea.Cmd, bool) {
	ks := d.sh.Keys
	switch msg := msg.(type) {
	case editorReadyMsg:
		if msg.d != d {
			return nil, false
		}
		if msg.err != nil {
			d.editing, d.refusal = false, "Could not make a temp file for the editor: "+msg.err.Error()
			return nil, false
		}
		return tea.ExecProcess(editor.Command(msg.path), editorDone(d, msg.path)), false
	case editorDoneMsg:
		if msg.d != d {
			return nil, false
		}
		d.editing = false
		if msg.err != nil {
			d.refusal = "The editor failed, the answer is unchanged: " + msg.err.Error()
			return nil, false
		}
		return d.toMultiLine(msg.text), false
	case tea.KeyPressMsg:
		if d.editing {
			return nil, false // the editor is starting or running
		}
		d.refusal = ""
		switch {
		case key.Matches(msg, ks.Cancel):
			return Report(Cancelled{Tag: d.tag, Note: "Cancelled: nothing was sent"}), true
		case !d.multi && key.Matches(msg, ks.Accept), d.multi && key.Matches(msg, ks.Send):
			return d.send()
		case !d.multi && !d.sensitive && key.Matches(msg, ks.MultiLine):
			return d.toMultiLine(d.line.Value()), false
		case !d.sensitive && key.Matches(msg, ks.Editor):
			d.editing = true
			return writeTemp(d, d.value()), false
		}
	case tea.MouseMsg:
		return nil, false
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
func (d *Input) toMultiLine(text string) tea.Cmd {
	if !d.multi {
		d.multi = true
		d.area.ShowLineNumbers = false
		d.area.CharLimit = inputCharLimit
		d.area.SetVirtualCursor(false)
		d.area.SetStyles(textarea.Styles{Focused: textarea.StyleState{Prompt: d.sh.Styles.Prompt}})
		d.line.Blur()
	}
	d.area.SetValue(text)
	return d.area.Focus()
}

// send reports the URL with the answer as its query; an answer that
// would make the request too long is refused.
func (d *Input) send() (tea.Cmd, bool) {
	text := d.value()
	if left := client.InputBytesLeft(d.url, text); left < 0 {
		d.refusal = "Not sent: " + strconv.Itoa(-left) + " bytes too long (a request is at most " + strconv.Itoa(client.MaxURLLength) + " bytes)"
		return nil, false
	}
	u, err := client.InputURL(d.url, text)
	if err != nil {
		d.refusal = "Not sent: the answer does not fit in the URL"
		return nil, false
	}
	return Report(InputAnswer{Tag: d.tag, URL: u}), true
}

// View draws the dialog: where the prompt comes from, the prompt, the
// field, the bytes left and the keys.
func (d *Input) View(width, height int) []string {
	lines, _ := d.layout(width, height)
	return lines
}

// Cursor puts the terminal's cursor in the field.
func (d *Input) Cursor(width, height int) *tea.Cursor {
	_, row := d.layout(width, height)
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
	c.Position.Y += row
	if c.Position.Y >= height {
		return nil // cut off on a tiny screen
	}
	return c
}

// layout sizes the field to the area, width×height, and returns the
// dialog's rows and the row where the field starts.
func (d *Input) layout(width, height int) ([]string, int) {
	st := d.sh.Styles
	wrap := max(width-2, 10)
	title := "Input"
	if d.sensitive {
		title = "Sensitive input"
	}
	head := strings.Split(ansi.Wrap(st.OverlayTitle.Render(title)+" for "+sanitize.Line(load.WithoutQuery(d.url).String()), wrap, "/&?"), "\n")
	head = append(head, "")

	foot := []string{""}
	note := func(text string, isErr bool) {
		for _, l := range strings.Split(ansi.Wrap(text, wrap, ""), "\n") {
			if isErr {
				l = st.StatusError.Render(l)
			}
			foot = append(foot, l)
		}
	}
	if left := client.InputBytesLeft(d.url, d.value()); left < 0 {
		note(strconv.Itoa(left)+" bytes left: too long for a Gemini request", true)
	} else {
		note(strconv.Itoa(left)+" bytes left", false)
	}
	if d.sensitive {
		note("Masked, and never recorded.", false)
	}
	if d.refusal != "" {
		note(sanitize.Line(d.refusal), true)
	}
	for _, r := range d.sh.KeyRows(wrap+1, d.ShortHelp()...) {
		foot = append(foot, strings.TrimPrefix(r, " "))
	}

	field := 1
	if d.multi {
		field = multiLineRows
	}
	prompt := sanitize.Line(d.prompt)
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

// ShortHelp lists the keys of the field in use.
func (d *Input) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	switch {
	case d.sensitive:
		return []key.Binding{Bind(ks.Accept, "send"), Bind(ks.Cancel, "cancel")}
	case d.multi:
		return []key.Binding{ks.Send, Bind(ks.Accept, "new line"), ks.Editor, Bind(ks.Cancel, "cancel")}
	}
	return []key.Binding{Bind(ks.Accept, "send"), ks.MultiLine, ks.Editor, Bind(ks.Cancel, "cancel")}
}

// FullHelp is ShortHelp.
func (d *Input) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// writeTemp writes text to a new temp file for the editor of d.
func writeTemp(d *Input, text string) tea.Cmd {
	return func() tea.Msg {
		path, err := editor.TempFile("", "propus-input-*.txt", []byte(text))
		return editorReadyMsg{d: d, path: path, err: err}
	}
}

// editorDone returns what runs when the editor exits: it reads what the
// editor saved, less the line end editors add, and removes the file.
func editorDone(d *Input, path string) tea.ExecCallback {
	return func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{d: d, err: err}
		}
		b, err := os.ReadFile(path)
		text := strings.ReplaceAll(string(b), "\r\n", "\n")
		return editorDoneMsg{d: d, text: strings.TrimSuffix(text, "\n"), err: err}
	}
}
