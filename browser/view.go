package browser

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/load"
	"propus/browser/sanitize"
	"propus/browser/style"
	"propus/client"
	"propus/tofu"
)

// View draws the screen: the tab and URL bar, the page (or the dialog on
// top), the status line and the help line.
func (m *Model) View() tea.View {
	v := tea.NewView(m.screen())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if p := m.tab().page; p != nil {
		v.WindowTitle = sanitize.Line(p.title()) + " — propus"
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
			if t.page != nil {
				title = sanitize.Line(t.page.title())
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
	b.WriteString(st.URL.Render(ansi.Truncate(sanitize.Line(m.tab().address()), max(m.width-used-2, 1), "…")))
	return st.TabBar.Render(fit(b.String(), m.width))
}

// bodyView is the page area: the page, or the dialog that covers it.
func (m *Model) bodyView() []string {
	h := m.pageHeight()
	var lines []string
	top := m.dialogs.Top()
	if _, inline := top.(dialog.Inline); top != nil && !inline {
		lines = top.View(m.width, h)
	} else if p := m.tab().page; p != nil {
		v := p.shownView(m.shared.Styles.Page, m.opts.ReadingWidth)
		v.Resize(m.width, h)
		lines = strings.Split(v.Render(), "\n")
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

// statusView is the status line: a prompt when one is open, else the
// page's status, type, language, size, load progress and trust.
func (m *Model) statusView() string {
	if d, ok := m.dialogs.Top().(dialog.Inline); ok {
		return fit(d.StatusLine(m.width), m.width)
	}
	st := m.shared.Styles
	t := m.tab()
	p := t.page
	var left []string
	chain := t.chain(m.width)
	done, total, refreshing := m.about.Refreshing()
	switch {
	case m.number != "":
		left = append(left, st.Prompt.Render("Follow link "+m.number+"_")+" (enter)")
	case t.slowingDown():
		left = append(left, t.countdown(m.opts.SlowDown.Retries, m.spinner.View(), m.width))
	case m.message != "":
		s := st.Status
		if m.msgError {
			s = st.StatusError
		}
		left = append(left, s.Render(sanitize.Line(m.message)))
	case m.downloads.Len() > 0:
		left = append(left, m.spinner.View()+" "+m.downloads.Status())
	case t.loading != "" && chain != "":
		left = append(left, m.spinner.View()+" "+chain)
	case t.loading != "":
		left = append(left, m.spinner.View()+" Loading "+sanitize.Line(t.loading))
	case refreshing:
		left = append(left, m.spinner.View()+" Refreshing feeds "+strconv.Itoa(done)+"/"+strconv.Itoa(total))
	case p != nil && p.url != nil:
		if chain != "" {
			left = append(left, chain)
		}
		left = append(left, p.statusParts(m.spinner.View(), st)...)
	}
	right := ""
	if p != nil && m.dialogs.Len() == 0 { // the page is in view
		v := p.view
		switch {
		case v.AtEnd() && v.Top.Line == 0 && v.Top.Row == 0:
			right = "all"
		case v.AtEnd():
			right = "end"
		default:
			right = strconv.Itoa(v.Percent()) + "%"
		}
		if v.Selected > 0 {
			right = "link " + strconv.Itoa(v.Selected) + "/" + strconv.Itoa(p.doc.Links()) + "  " + right
		}
	}
	l := strings.Join(left, " · ")
	room := m.width - ansi.StringWidth(right) - 1
	l = ansi.Truncate(l, max(room, 0), "…")
	gap := max(m.width-ansi.StringWidth(l)-ansi.StringWidth(right), 0)
	return st.Status.Render(fit(l+strings.Repeat(" ", gap)+right, m.width))
}

// chain describes the redirect chain that led to what the tab loads or
// shows, for a status line of width cells; "" when there is none.
func (t *tab) chain(width int) string {
	n := len(t.via)
	if n < 2 {
		return ""
	}
	// A load in flight is the chain's next hop (or a slow-down retry of
	// it): every other load stops the tab, which ends the chain.
	if last := t.via[n-1].String(); t.loading == "" && (t.page == nil || t.page.url == nil || t.page.url.String() != last) {
		return ""
	}
	return load.ChainStatus(t.via, width)
}

// statusParts describes a loaded page for the status line.
func (p *page) statusParts(spin string, st style.Styles) []string {
	var parts []string
	if p.loading {
		parts = append(parts, spin+" "+content.HumanSize(p.size))
	}
	if p.raw != 0 {
		parts = append(parts, strconv.Itoa(int(p.raw))+" "+p.raw.String())
	}
	if p.status.Class() == client.StatusSuccess {
		parts = append(parts, sanitize.Line(p.mime))
		if p.lang != "" {
			parts = append(parts, "lang "+sanitize.Line(p.lang))
		}
		if !p.loading {
			parts = append(parts, content.HumanSize(p.size))
		}
	}
	if p.identity != "" {
		parts = append(parts, "id: "+sanitize.Line(p.identity))
	}
	if p.notice != "" {
		parts = append(parts, sanitize.Line(p.notice))
	}
	if p.truncated {
		parts = append(parts, st.StatusError.Render("may be truncated (no close_notify)"))
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

// info lists the details of p for the info overlay.
func (p *page) info() []dialog.Field {
	fields := []dialog.Field{{Label: "URL", Value: sanitize.Line(p.shownAddress())}}
	if p.url == nil {
		return fields
	}
	add := func(label, value string) { fields = append(fields, dialog.Field{Label: label, Value: value}) }
	if p.raw != 0 {
		add("Status", strconv.Itoa(int(p.raw))+" "+p.raw.String())
		add("Meta", sanitize.Line(p.meta))
	}
	if p.mime != "" {
		add("Type", sanitize.Line(p.mime))
	}
	if p.lang != "" {
		add("Language", sanitize.Line(p.lang))
	}
	add("Size", fmt.Sprintf("%s, %d lines, %d links", content.HumanSize(p.size), p.doc.Len(), p.doc.Links()))
	if p.truncated {
		add("", "the body ended without TLS close_notify: it may be truncated")
	}
	if p.cert != nil {
		add("TLS", tlsVersion(p.tls.Version))
		add("Cert", tofu.PublicKeyPin(p.cert))
		add("Subject", sanitize.Line(p.cert.Subject.String()))
		add("Expires", p.cert.NotAfter.Format(time.DateOnly))
		if p.trust.Outcome != 0 {
			add("Trust", trustText(p.trust))
		}
	}
	return fields
}

// trustText says what the known-hosts check found.
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

// tlsVersion names a TLS version.
func tlsVersion(v uint16) string {
	switch v {
	case 0x0304:
		return "TLS 1.3"
	case 0x0303:
		return "TLS 1.2"
	}
	return "TLS"
}
