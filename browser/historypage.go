package browser

import (
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/history"
	"propus/browser/render"
	"propus/browser/sanitize"
)

// historyAddress is the page that lists the visits; historyAddress+"?q=TEXT"
// lists those that match TEXT, historyAddress+"?clear" asks to clear it.
const historyAddress = "about:history"

// historySavedMsg reports a visit recorded (or not) by a command.
type historySavedMsg struct{ err error }

// historyClearedMsg reports the history cleared (or not) by a command.
type historyClearedMsg struct{ err error }

// recordVisit records the visit of p, whose body is complete, in the
// history store: never a page reached with sensitive input, nor one of
// propus's own.
func (m *Model) recordVisit(t *tab, p *page) tea.Cmd {
	store := m.opts.History
	if store == nil || p.sensitive || p.url == nil || t.hides(p.url) {
		return nil
	}
	v := history.Visit{URL: p.url.String(), Title: p.doc.Title()}
	return func() tea.Msg {
		if err := store.Add(v); err != nil {
			return historySavedMsg{err: err}
		}
		return nil
	}
}

// seedHistory fills the URL completion from the store, oldest first.
func (m *Model) seedHistory() {
	if m.opts.History == nil {
		return
	}
	list := m.opts.History.List()
	for i := len(list) - 1; i >= 0; i-- {
		m.history = append(m.history, list[i].URL)
		m.visited[list[i].URL] = true
	}
}

// isHistoryAddress reports whether name (lower case) is about:history,
// with or without a query.
func isHistoryAddress(name string) bool {
	return name == historyAddress || strings.HasPrefix(name, historyAddress+"?")
}

// clearRequest reports whether raw is the link that clears the history.
func clearRequest(raw string) bool {
	return strings.EqualFold(strings.TrimSpace(raw), historyAddress+"?clear")
}

// historyPage lists the visits, newest first, by day; with ?q=TEXT only
// those whose URL or title contains TEXT.
func historyPage(m *Model, name string) *page {
	hs := m.opts.History
	if hs == nil {
		return localPage(nil, name, "# History\n\nThe history is off.\n")
	}
	var query string
	if _, rawQuery, ok := strings.Cut(name, "?"); ok {
		q, _ := url.ParseQuery(rawQuery)
		query = strings.TrimSpace(q.Get("q"))
	}
	var b strings.Builder
	b.WriteString("# History\n\n")
	visits := hs.List()
	if len(visits) == 0 {
		b.WriteString("No visit yet: the pages you open are listed here.\n")
		return localPage(nil, name, b.String())
	}
	if query != "" {
		visits = hs.Search(query)
		b.WriteString("The visits whose address or title contains “" + sanitize.Line(query) + "”.\n=> " + historyAddress + " The whole history\n")
	} else {
		b.WriteString("Press / to search this page.\n")
	}
	b.WriteString("=> " + historyAddress + "?clear Clear the history\n")
	if len(visits) == 0 {
		b.WriteString("\nNo visit matches.\n")
	}
	day := ""
	for _, v := range visits {
		if d := v.Time.Local().Format(time.DateOnly); d != day {
			day = d
			b.WriteString("\n## " + day + "\n")
		}
		title := v.Title
		if title == "" {
			title = v.URL
		}
		b.WriteString("=> " + v.URL + " " + title + "\n")
	}
	return localPage(nil, name, b.String())
}

// askClearHistory asks before clearing the history. As with removing a
// bookmark, only a link on about:history itself asks; one elsewhere just
// opens about:history.
func (m *Model) askClearHistory(t *tab) tea.Cmd {
	hs := m.opts.History
	if t.page == nil || !isHistoryAddress(t.page.address) || hs == nil {
		return m.navigate(t, historyAddress, true)
	}
	return m.ask("Clear the history? Every visit recorded is forgotten.",
		answer{"y", "clear it", func() tea.Cmd {
			return func() tea.Msg { return historyClearedMsg{err: hs.Clear()} }
		}})
}

// historyCleared reports the history cleared and shows about:history again
// where it is shown.
func (m *Model) historyCleared(msg historyClearedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash("History not cleared: "+msg.err.Error(), true)
		return nil
	}
	m.flash("Cleared the history", false)
	m.history = nil
	m.visited = map[string]bool{}
	for _, t := range m.tabs {
		if t.page != nil && isHistoryAddress(t.page.address) {
			top := t.page.view.Top
			p := historyPage(m, t.page.address)
			m.show(t, p)
			p.view.Top = render.Pos{Line: min(top.Line, max(p.doc.Len()-1, 0))}
		}
	}
	return nil
}
