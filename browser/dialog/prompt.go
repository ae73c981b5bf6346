package dialog

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// Opened reports the address typed in the open prompt.
type Opened struct{ Value string }

// Searched reports the text typed in the search prompt; "" repeats the
// last search.
type Searched struct{ Value string }

// Entered reports what was typed in a field opened by NewField, with
// the field's tag.
type Entered struct {
	Tag   any
	Value string
}

// DialogTag returns the tag of the field.
func (e Entered) DialogTag() any { return e.Tag }

// Prompt is the open or the search prompt, or a field asking for one
// value: a field in the status line, over the page.
type Prompt struct {
	sh     *Shared
	search bool
	field  bool // NewField's: reports Entered, or Cancelled with tag
	tag    any
	verb   string // what Accept does, for the help line
	input  textinput.Model
}

// NewOpen returns the open prompt holding value (the current address,
// to edit, or ""), completing from suggestions (the addresses visited,
// newest first). It returns the prompt and the command that focuses it.
func NewOpen(sh *Shared, suggestions []string, value string) (*Prompt, tea.Cmd) {
	d := &Prompt{sh: sh, input: sh.Field("Open: ", "example.org, gemini://…, or /path, ./path, ?query on this page", 4096)}
	d.input.SetValue(value)
	d.input.CursorEnd()
	d.input.ShowSuggestions = true
	sugg := make([]string, 0, 2*len(suggestions))
	for _, s := range suggestions {
		sugg = append(sugg, s, strings.TrimPrefix(s, "gemini://"))
	}
	d.input.SetSuggestions(sugg)
	return d, d.input.Focus()
}

// NewSearch returns the search prompt; last is the last search, which
// Enter alone repeats.
func NewSearch(sh *Shared, last string) (*Prompt, tea.Cmd) {
	placeholder := ""
	if last != "" {
		placeholder = last + " (enter repeats)"
	}
	d := &Prompt{sh: sh, search: true, input: sh.Field("Search: ", placeholder, 4096)}
	return d, d.input.Focus()
}

// NewField returns a field in the status line that asks for one value
// after label; verb is what Enter does ("send", "upload"). A sensitive
// field shows what is typed as dots. It reports Entered, or Cancelled
// with tag and note on Esc.
func NewField(sh *Shared, label, placeholder, verb string, sensitive bool, tag any) (*Prompt, tea.Cmd) {
	d := &Prompt{sh: sh, field: true, tag: tag, verb: verb, input: sh.Field(label, placeholder, 4096)}
	if sensitive {
		d.input.EchoMode = textinput.EchoPassword
	}
	return d, d.input.Focus()
}

// Update edits the field, reports it on Accept, closes on Cancel.
func (d *Prompt) Update(msg tea.Msg) (tea.Cmd, bool) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, d.sh.Keys.Cancel):
			if d.field {
				return Report(Cancelled{Tag: d.tag}), true
			}
			return nil, true
		case key.Matches(k, d.sh.Keys.Accept):
			value := strings.TrimSpace(d.input.Value())
			if d.field {
				if value == "" {
					return nil, false // nothing to send yet
				}
				return Report(Entered{Tag: d.tag, Value: value}), true
			}
			if d.search {
				return Report(Searched{Value: value}), true
			}
			if value == "" {
				return nil, true
			}
			return Report(Opened{Value: value}), true
		}
	}
	if _, mouse := msg.(tea.MouseMsg); mouse {
		return nil, false
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return cmd, false
}

// View draws nothing over the page: the prompt is in the status line.
func (d *Prompt) View(width, height int) []string { return nil }

// StatusLine is the field.
func (d *Prompt) StatusLine(width int) string {
	d.input.SetWidth(max(width-12, 10))
	return d.input.View()
}

// Cursor is the field's, in the status line (row 0 of its area).
func (d *Prompt) Cursor(width, height int) *tea.Cursor {
	d.input.SetWidth(max(width-12, 10))
	return d.input.Cursor()
}

// ShortHelp lists the keys of the prompt.
func (d *Prompt) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	switch {
	case d.field:
		return []key.Binding{Bind(ks.Accept, d.verb), Bind(ks.Cancel, "cancel")}
	case d.search:
		return []key.Binding{Bind(ks.Accept, "search"), Bind(ks.Cancel, "cancel")}
	}
	// Tab and ctrl+n/ctrl+p are the text field's own keys (textinput).
	return []key.Binding{Bind(ks.Accept, "open"), key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")),
		key.NewBinding(key.WithKeys("ctrl+n", "ctrl+p"), key.WithHelp("ctrl+n/ctrl+p", "other matches")), Bind(ks.Cancel, "cancel")}
}

// FullHelp is ShortHelp.
func (d *Prompt) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
