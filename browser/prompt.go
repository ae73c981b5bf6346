package browser

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// openPrompt opens the URL prompt (modeOpen, with completion from
// history) or the search prompt (modeSearch).
func (m *Model) openPrompt(md mode, value string) tea.Cmd {
	m.mode = md
	m.input = textinput.New()
	m.input.SetVirtualCursor(false) // the terminal's own cursor: no styling needed
	if m.opts.NoColor {
		m.input.SetStyles(textinput.Styles{})
	}
	m.input.SetWidth(max(m.width-12, 10))
	m.input.CharLimit = 4096
	if md == modeOpen {
		m.input.Prompt = "Open: "
		m.input.Placeholder = "gemini://… or a path relative to this page"
		m.input.ShowSuggestions = true
		sugg := make([]string, 0, len(m.history))
		for i := len(m.history) - 1; i >= 0; i-- {
			sugg = append(sugg, m.history[i], strings.TrimPrefix(m.history[i], "gemini://"))
		}
		m.input.SetSuggestions(sugg)
	} else {
		m.input.Prompt = "Search: "
		if value != "" {
			m.input.Placeholder = value + " (enter repeats)"
			value = ""
		}
	}
	m.input.SetValue(value)
	m.input.CursorEnd()
	return m.input.Focus()
}

// promptKey handles a key while a prompt is open.
func (m *Model) promptKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.mode = modeNormal
		return nil
	case "ctrl+c":
		return m.quit()
	case "enter":
		value := strings.TrimSpace(m.input.Value())
		md := m.mode
		m.mode = modeNormal
		if value == "" && md == modeSearch && m.tab().page != nil {
			value = m.tab().page.view.Query // enter alone repeats the last search
		}
		if value == "" {
			return nil
		}
		if md == modeOpen {
			return m.navigate(m.tab(), value, true)
		}
		m.search(value)
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

// search highlights value on the tab's page and shows the first match at
// or after the top of the screen.
func (m *Model) search(value string) {
	p := m.tab().page
	if p == nil {
		return
	}
	v := &p.view
	v.Query, v.Matches = value, p.doc.Search(value)
	if len(v.Matches) == 0 {
		v.CurrentMatch = -1
		m.flash("No match for "+value, true)
		return
	}
	v.CurrentMatch = 0
	for i, line := range v.Matches {
		if line >= v.Top.Line {
			v.CurrentMatch = i
			break
		}
	}
	v.ShowLine(v.Matches[v.CurrentMatch])
	if len(v.Matches) == 1 {
		m.flash("1 line matches", false)
	} else {
		m.flash(itoa(len(v.Matches))+" lines match; n and N move between them", false)
	}
}

// outlineState is the outline of the page's headings.
type outlineState struct {
	lines    []int // source lines of the headings
	selected int
}

func (m *Model) openOutline(p *page) {
	hs := p.doc.Headings()
	if len(hs) == 0 {
		m.flash("This page has no headings", false)
		return
	}
	m.outline = outlineState{lines: hs}
	for i, l := range hs {
		if l <= p.view.Top.Line {
			m.outline.selected = i
		}
	}
	m.mode = modeOutline
}

func (m *Model) outlineKey(msg tea.KeyPressMsg) tea.Cmd {
	o := &m.outline
	switch {
	case key.Matches(msg, m.keys.Down), msg.String() == "tab":
		o.selected = min(o.selected+1, len(o.lines)-1)
	case key.Matches(msg, m.keys.Up), msg.String() == "shift+tab":
		o.selected = max(o.selected-1, 0)
	case key.Matches(msg, m.keys.Top):
		o.selected = 0
	case key.Matches(msg, m.keys.Bottom):
		o.selected = len(o.lines) - 1
	case msg.String() == "enter":
		p := m.tab().page
		p.view.Top.Line, p.view.Top.Row = o.lines[o.selected], 0
		m.mode = modeNormal
	case msg.String() == "ctrl+c":
		return m.quit()
	case key.Matches(msg, m.keys.Cancel), key.Matches(msg, m.keys.Outline), msg.String() == "q":
		m.mode = modeNormal
	}
	return nil
}
