package browser

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/sanitize"
	"propus/browser/tabs"
)

// View draws the screen: the tab and URL bar, the page (or the dialog on
// top), the status line and the help line.
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if p := m.tab().Page; p != nil {
		v.WindowTitle = sanitize.Line(p.Title()) + " — propus"
	}
	if d, ok := m.dialogs.Top().(dialog.Cursored); ok {
		if _, inline := d.(dialog.Inline); inline {
			if c := d.Cursor(m.width, 1); c != nil {
				c.Position.Y += m.height - 2 // the status line
				v.Cursor = c
			}
		} else if c := d.Cursor(m.width, m.pageHeight()); c != nil {
			c.Position.Y++ // below the tab bar
			v.Cursor = c
		}
	}
	return v
}

// screen renders the whole screen as text, one row per line.
func (m *Model) screen() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	rows := make([]string, 0, m.height)
	rows = append(rows, m.barView())
	rows = append(rows, m.bodyView()...)
	// The help line: the keys of the dialog on top, else the page's.
	var keys help.KeyMap = m.shared.Keys
	if d := m.dialogs.Top(); d != nil {
		keys = d
	}
	rows = append(rows, m.statusView(), fit(m.help.ShortHelpView(keys.ShortHelp()), m.width))
	return strings.Join(rows, "\n")
}

// fit cuts s to width cells and pads it to exactly that width.
func fit(s string, width int) string {
	s = ansi.Truncate(s, width, "…")
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// barView is the top line: the tabs, then the address of the active one.
func (m *Model) barView() string {
	st := m.shared.Styles
	var b strings.Builder
	if len(m.tabs) > 1 {
		for i, t := range m.tabs {
			title := "…"
			if t.Page != nil {
				title = sanitize.Line(t.Page.Title())
			}
			title = ansi.Truncate(strconv.Itoa(i+1)+" "+title, max(m.width/(2*len(m.tabs)), 6), "…")
			if i == m.active {
				b.WriteString(st.ActiveTab.Render(title))
			} else {
				b.WriteString(st.Tab.Render(title))
			}
		}
	}
	used := ansi.StringWidth(b.String())
	b.WriteString(st.URL.Render(ansi.Truncate(sanitize.Line(m.tab().Address()), max(m.width-used-2, 1), "…")))
	return st.TabBar.Render(fit(b.String(), m.width))
}

// margin is the number of columns left of the text column: none unless
// it is centred on a wider screen.
func (m *Model) margin() int {
	return (m.width - column(m.width, m.opts.ReadingWidth, m.opts.Center)) / 2
}

// bodyView is the page area: the page, or the dialog that covers it.
func (m *Model) bodyView() []string {
	h := m.pageHeight()
	var lines []string
	if m.covered() {
		lines = m.dialogs.Top().View(m.width, h)
	} else if p := m.tab().Page; p != nil {
		w := column(m.width, m.opts.ReadingWidth, m.opts.Center)
		if p.Image.Shows() {
			lines = m.imageView(p.Image, w)
		} else {
			lines = m.pageView(p, w, h)
		}
		if pad := strings.Repeat(" ", m.margin()); pad != "" {
			for i := range lines {
				lines[i] = pad + lines[i]
			}
		}
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = fit(lines[i], m.width)
		} else {
			out[i] = strings.Repeat(" ", m.width)
		}
	}
	return out
}

// pageView is the document of page p in a column of w×h cells.
func (m *Model) pageView(p *tabs.Page, w, h int) []string {
	v := p.ShownView(m.shared.Styles.Page, m.opts.ReadingWidth)
	v.Resize(w, h)
	lines := strings.Split(v.Render(), "\n")
	// The line that has begun to arrive shows below the last whole one.
	if p.Loading && !p.ShowSource && p.Stream != nil && v.Filled() < len(lines) {
		if part := sanitize.Line(p.Stream.Partial()); part != "" {
			lines[v.Filled()] = " " + m.shared.Styles.Status.Render(part)
		}
	}
	return lines
}

// statusView is the status line: a prompt when one is open, else the
// page's status, type, language, size, load progress and trust.
func (m *Model) statusView() string {
	if d, ok := m.dialogs.Top().(dialog.Inline); ok {
		return fit(d.StatusLine(m.width), m.width)
	}
	st := m.shared.Styles
	t := m.tab()
	p := t.Page
	var left []string
	chain := t.Chain(m.width)
	done, total, refreshing := m.about.Refreshing()
	switch {
	case m.number != "":
		left = append(left, st.Prompt.Render("Follow link "+m.number+"_")+" (enter)")
	case t.SlowingDown():
		left = append(left, t.Countdown(m.opts.SlowDown.Retries, m.spinner.View(), m.width))
	case m.message != "":
		s := st.Status
		if m.msgError {
			s = st.StatusError
		}
		left = append(left, s.Render(sanitize.Line(m.message)))
	case m.downloads.Len() > 0:
		left = append(left, m.spinner.View()+" "+m.downloads.Status())
	case len(m.uploading) > 0:
		left = append(left, m.spinner.View()+" "+m.uploadStatus())
	case t.Loading != "" && chain != "":
		left = append(left, m.spinner.View()+" "+chain)
	case t.Loading != "":
		loading := m.spinner.View() + " Loading " + sanitize.Line(t.Loading)
		if t.Received != nil {
			loading += " · " + content.HumanSize(t.Received.Load())
		}
		left = append(left, loading)
	case refreshing:
		left = append(left, m.spinner.View()+" Refreshing feeds "+strconv.Itoa(done)+"/"+strconv.Itoa(total))
	case p != nil && p.ShowSource:
		left = append(left, st.Prompt.Render("Source")+" as received ("+m.shared.Keys.Source.Help().Key+" returns to the page)")
	case p != nil && p.View.Selected > 0:
		left = append(left, p.LinkStatus())
	case p != nil && p.URL != nil:
		if chain != "" {
			left = append(left, chain)
		}
		left = append(left, p.StatusParts(m.spinner.View(), st)...)
	}
	right := ""
	if p != nil && m.dialogs.Len() == 0 { // the page is in view
		v := p.View
		switch {
		case v.AtEnd() && v.Top.Line == 0 && v.Top.Row == 0:
			right = "all"
		case v.AtEnd():
			right = "end"
		default:
			right = strconv.Itoa(v.Percent()) + "%"
		}
		if v.Selected > 0 {
			right = "link " + strconv.Itoa(v.Selected) + "/" + strconv.Itoa(p.Doc.Links()) + "  " + right
		}
	}
	l := strings.Join(left, " · ")
	room := m.width - ansi.StringWidth(right) - 1
	l = ansi.Truncate(l, max(room, 0), "…")
	gap := max(m.width-ansi.StringWidth(l)-ansi.StringWidth(right), 0)
	return st.Status.Render(fit(l+strings.Repeat(" ", gap)+right, m.width))
}

// column is the width the page is drawn in on a screen of width cells:
// all of it, or with center, when the screen is wider, a column of the
// reading width and its margin, which the page area centres.
func column(width, readingWidth int, center bool) int {
	if !center || width <= readingWidth+1 {
		return width
	}
	return readingWidth + 1
}
