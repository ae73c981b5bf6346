package browser

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/render"
	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu"
)

// View draws the screen: the tab and URL bar, the page (or an overlay),
// the status line and the help line.
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if p := m.tab().page; p != nil {
		v.WindowTitle = sanitize.Line(p.title()) + " — propus"
	}
	if cd, ok := m.dialog.(cursorDialog); ok {
		v.Cursor = cd.cursor(m)
	} else if m.mode == modeOpen || m.mode == modeSearch {
		if c := m.input.Cursor(); c != nil {
			c.Position.Y = m.height - 2 // the status line
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
	rows = append(rows, m.statusView(), m.helpView())
	return strings.Join(rows, "\n")
}

// fit cuts s to the screen's width and pads it to exactly that width.
func (m *Model) fit(s string) string {
	s = ansi.Truncate(s, m.width, "…")
	if w := ansi.StringWidth(s); w < m.width {
		s += strings.Repeat(" ", m.width-w)
	}
	return s
}

// barView is the top line: the tabs, then the address of the active one.
func (m *Model) barView() string {
	var b strings.Builder
	if len(m.tabs) > 1 {
		for i, t := range m.tabs {
			title := "…"
			if t.page != nil {
				title = sanitize.Line(t.page.title())
			}
			title = ansi.Truncate(itoa(i+1)+" "+title, max(m.width/(2*len(m.tabs)), 6), "…")
			if i == m.active {
				b.WriteString(m.styles.ActiveTab.Render(title))
			} else {
				b.WriteString(m.styles.Tab.Render(title))
			}
		}
	}
	t := m.tab()
	addr := ""
	switch {
	case t.loading != "":
		addr = t.loading
	case t.page != nil:
		addr = t.page.shownAddress()
	}
	used := ansi.StringWidth(b.String())
	b.WriteString(m.styles.URL.Render(ansi.Truncate(sanitize.Line(addr), max(m.width-used-2, 1), "…")))
	return m.styles.TabBar.Render(m.fit(b.String()))
}

// bodyView is the page area: the page, or the overlay that covers it.
func (m *Model) bodyView() []string {
	h := m.pageHeight()
	var lines []string
	switch {
	case m.dialog != nil:
		lines = m.dialog.view(m, m.width, h)
	case m.mode == modeHelp:
		lines = m.helpLines()
		lines = lines[min(m.helpTop, len(lines)):]
	case m.mode == modeInfo:
		lines = m.infoLines()
	case m.mode == modeOutline:
		lines = m.outlineLines(h)
	case m.mode == modeQuestion:
		lines = m.questionLines()
	default:
		p := m.tab().page
		if p == nil {
			lines = nil
			break
		}
		v := &p.view
		if p.showSource {
			v = m.sourceView(p)
		}
		v.Resize(m.width, h)
		lines = strings.Split(v.Render(), "\n")
	}
	out := make([]string, h)
	for i := range out {
		if i < len(lines) {
			out[i] = m.fit(lines[i])
		} else {
			out[i] = strings.Repeat(" ", m.width)
		}
	}
	return out
}

// helpLines is the full help: as many of its columns side by side as the
// screen's width holds, the others in blocks below, so that no key is cut
// off behind an ellipsis.
func (m *Model) helpLines() []string {
	h := m.help
	h.SetWidth(0) // measure without cutting
	groups := m.keys.FullHelp()
	var blocks []string
	for len(groups) > 0 {
		n := 1
		for n < len(groups) && ansi.StringWidth(firstLine(h.FullHelpView(groups[:n+1]))) <= m.width {
			n++
		}
		blocks = append(blocks, h.FullHelpView(groups[:n]))
		groups = groups[n:]
	}
	title := "Keys (any key closes this)"
	body := strings.Join(blocks, "\n\n")
	if strings.Count(body, "\n")+3 > m.pageHeight() {
		title = "Keys (j/k and space scroll, any other key closes this)"
	}
	return strings.Split(title+"\n\n"+body, "\n")
}

// scrollHelp scrolls the full help for the keys that scroll a page and
// reports whether msg was one of them.
func (m *Model) scrollHelp(msg tea.KeyPressMsg) bool {
	page := max(m.pageHeight()-1, 1)
	switch {
	case key.Matches(msg, m.keys.Down):
		m.helpTop++
	case key.Matches(msg, m.keys.Up):
		m.helpTop--
	case key.Matches(msg, m.keys.PageDown):
		m.helpTop += page
	case key.Matches(msg, m.keys.PageUp):
		m.helpTop -= page
	case key.Matches(msg, m.keys.Top):
		m.helpTop = 0
	case key.Matches(msg, m.keys.Bottom):
		m.helpTop = 1 << 30
	default:
		return false
	}
	m.helpTop = max(min(m.helpTop, len(m.helpLines())-m.pageHeight()), 0)
	return true
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// sourceView returns the view of the page's source (\).
func (m *Model) sourceView(p *page) *render.View {
	if p.srcView.Doc == nil {
		p.srcView = render.View{Doc: p.sourceDoc(), Styles: m.styles.Page, ReadingWidth: m.opts.ReadingWidth}
	}
	p.srcView.Styles = m.styles.Page
	return &p.srcView
}

func (m *Model) infoLines() []string {
	p := m.tab().page
	title := m.styles.OverlayTitle.Render("Page info") + " (any key closes this)"
	if p == nil {
		return []string{title}
	}
	lines := []string{title, "", "URL       " + sanitize.Line(p.shownAddress())}
	if p.url == nil {
		return lines
	}
	if p.raw != 0 {
		lines = append(lines, "Status    "+itoa(int(p.raw))+" "+p.raw.String(), "Meta      "+sanitize.Line(p.meta))
	}
	if p.mime != "" {
		lines = append(lines, "Type      "+sanitize.Line(p.mime))
	}
	if p.lang != "" {
		lines = append(lines, "Language  "+sanitize.Line(p.lang))
	}
	lines = append(lines, "Size      "+humanSize(p.size)+", "+itoa(p.doc.Len())+" lines, "+itoa(p.doc.Links())+" links")
	if p.truncated {
		lines = append(lines, "          the body ended without TLS close_notify: it may be truncated")
	}
	if p.cert != nil {
		lines = append(lines,
			"TLS       "+tlsVersion(p.tls.Version),
			"Cert      "+tofu.PublicKeyPin(p.cert),
			"Subject   "+sanitize.Line(p.cert.Subject.String()),
			"Expires   "+p.cert.NotAfter.Format(time.DateOnly))
		if p.trust.Outcome != 0 {
			lines = append(lines, "Trust     "+trustText(p.trust))
		}
	}
	return m.wrapFields(lines)
}

// wrapFields wraps the "Label     value" rows of the info overlay that are
// wider than the screen, so that no URL or fingerprint is cut off: a value
// that fits a row of its own goes under its label, indented two cells;
// a longer one wraps under itself.
func (m *Model) wrapFields(lines []string) []string {
	const indent = 10
	if m.width < indent+20 {
		return lines
	}
	out := lines[:2:2]
	for _, l := range lines[2:] {
		if ansi.StringWidth(l) <= m.width || len(l) < indent {
			out = append(out, l)
			continue
		}
		label, value := strings.TrimSpace(l[:indent]), l[indent:]
		if ansi.StringWidth(value) <= m.width-2 {
			out = append(out, label, "  "+value)
			continue
		}
		for i, row := range strings.Split(ansi.Wrap(value, m.width-indent, "/&?"), "\n") {
			if i == 0 {
				out = append(out, l[:indent]+row)
			} else {
				out = append(out, strings.Repeat(" ", indent)+row)
			}
		}
	}
	return out
}

func trustText(r tofu.Result) string {
	switch r.Outcome {
	case tofu.FirstSight:
		return "first visit: pinned now (trust on first use)"
	case tofu.Match:
		return "matches the pinned certificate (first seen " + r.Host.FirstSeen.Format(time.DateOnly) + ")"
	case tofu.ChangedAfterExpiry:
		if r.Previous != nil {
			return "new certificate, pinned because the old one expired on " + r.Previous.Expires.Format(time.DateOnly)
		}
		return "new certificate, pinned after the old one expired"
	case tofu.ChangedVerified:
		return "new certificate, verified by a certificate authority"
	}
	return ""
}

func tlsVersion(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	}
	return "TLS"
}

func (m *Model) outlineLines(h int) []string {
	p := m.tab().page
	o := m.outline
	lines := []string{m.styles.OverlayTitle.Render("Outline") + " (enter jumps, esc closes)", ""}
	first := max(0, min(o.selected-(h-3)/2, len(o.lines)-(h-2)))
	for i := first; i < len(o.lines) && len(lines) < h; i++ {
		l := p.doc.Line(o.lines[i])
		mark := "  "
		if i == o.selected {
			mark = "▶ "
			if m.styles.Plain {
				mark = "> "
			}
		}
		lines = append(lines, mark+strings.Repeat("  ", max(l.Level-1, 0))+sanitize.Line(l.Text))
	}
	return lines
}

func (m *Model) questionLines() []string {
	q := m.question
	var lines []string
	for _, l := range strings.Split(q.text, "\n") {
		// Long URLs wrap anywhere rather than being cut.
		for _, row := range strings.Split(ansi.Wrap(l, max(m.width-2, 10), ""), "\n") {
			lines = append(lines, " "+row)
		}
	}
	lines = append(lines, "")
	for _, a := range q.answers {
		lines = append(lines, "  "+m.styles.Prompt.Render(fmt.Sprintf("%-5s", a.key))+" "+a.label)
	}
	return lines
}

// statusView is the status line: a prompt when one is open, else the
// page's status, type, language, size, load progress and trust.
func (m *Model) statusView() string {
	switch m.mode {
	case modeOpen, modeSearch:
		return m.fit(m.input.View())
	}
	t := m.tab()
	p := t.page
	var left []string
	chain := t.chainStatus(m.width)
	switch {
	case m.number != "":
		left = append(left, m.styles.Prompt.Render("Follow link "+m.number+"_")+" (enter)")
	case t.slowingDown():
		left = append(left, m.countdownStatus(t, m.width))
	case m.message != "":
		st := m.styles.Status
		if m.msgError {
			st = m.styles.StatusError
		}
		left = append(left, st.Render(sanitize.Line(m.message)))
	case m.download != nil:
		d := m.download
		left = append(left, m.spinner.View()+" Saving "+sanitize.Line(d.name)+" "+humanSize(d.written.Load()))
	case t.loading != "" && chain != "":
		left = append(left, m.spinner.View()+" "+chain)
	case t.loading != "":
		left = append(left, m.spinner.View()+" Loading "+sanitize.Line(t.loading))
	case m.refresh != nil:
		left = append(left, m.spinner.View()+" Refreshing feeds "+itoa(m.refresh.done)+"/"+itoa(m.refresh.total))
	case p != nil && p.url != nil:
		if chain != "" {
			left = append(left, chain)
		}
		left = append(left, m.pageStatus(p)...)
	}
	right := ""
	if p != nil && m.mode == modeNormal {
		v := p.view
		switch {
		case v.AtEnd() && v.Top.Line == 0 && v.Top.Row == 0:
			right = "all"
		case v.AtEnd():
			right = "end"
		default:
			right = itoa(v.Percent()) + "%"
		}
		if v.Selected > 0 {
			right = "link " + itoa(v.Selected) + "/" + itoa(p.doc.Links()) + "  " + right
		}
	}
	l := strings.Join(left, " · ")
	room := m.width - ansi.StringWidth(right) - 1
	l = ansi.Truncate(l, max(room, 0), "…")
	gap := max(m.width-ansi.StringWidth(l)-ansi.StringWidth(right), 0)
	return m.styles.Status.Render(m.fit(l + strings.Repeat(" ", gap) + right))
}

// pageStatus describes a loaded page for the status line.
func (m *Model) pageStatus(p *page) []string {
	var parts []string
	if p.loading {
		parts = append(parts, m.spinner.View()+" "+humanSize(p.size))
	}
	if p.raw != 0 {
		parts = append(parts, itoa(int(p.raw))+" "+p.raw.String())
	}
	if p.status.Class() == client.StatusSuccess {
		parts = append(parts, sanitize.Line(p.mime))
		if p.lang != "" {
			parts = append(parts, "lang "+sanitize.Line(p.lang))
		}
		if !p.loading {
			parts = append(parts, humanSize(p.size))
		}
	}
	if p.identity != "" {
		parts = append(parts, "id: "+sanitize.Line(p.identity))
	}
	if p.notice != "" {
		parts = append(parts, sanitize.Line(p.notice))
	}
	if p.truncated {
		parts = append(parts, m.styles.StatusError.Render("may be truncated (no close_notify)"))
	}
	if p.cert != nil {
		trust := tlsVersion(p.tls.Version)
		switch p.trust.Outcome {
		case tofu.FirstSight:
			trust += " new host, pinned"
		case tofu.Match:
			trust += " pinned ✓"
		case tofu.ChangedAfterExpiry:
			trust += " new cert (old expired)"
		}
		parts = append(parts, trust)
	}
	return parts
}

// helpView is the help line.
func (m *Model) helpView() string {
	if m.dialog != nil || m.mode == modeQuestion {
		// The dialog lists its own keys; the page's keys do nothing now.
		return m.fit(m.help.ShortHelpView([]key.Binding{
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		}))
	}
	hint := func(k, desc string) key.Binding { return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc)) }
	switch m.mode {
	case modeOpen:
		return m.fit(m.help.ShortHelpView([]key.Binding{hint("enter", "open"), hint("tab", "complete"),
			hint("ctrl+n/ctrl+p", "other matches"), hint("esc", "cancel")}))
	case modeSearch:
		return m.fit(m.help.ShortHelpView([]key.Binding{hint("enter", "search"), hint("esc", "cancel")}))
	}
	return m.fit(m.help.ShortHelpView(m.keys.ShortHelp()))
}
