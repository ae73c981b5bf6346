package about

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/browser/history"
	"propus/browser/sanitize"
)

// historyPage is about:history: the visits, newest first, by day; with
// ?q=TEXT only those whose URL or title contains TEXT; ?clear asks to
// clear it.
type historyPage struct{ env *Env }

func (h *historyPage) page(r request) (string, func() string) {
	hs := h.env.History
	if hs == nil {
		return "# History\n\nThe history is off.\n", nil
	}
	query := strings.TrimSpace(r.query.Get("q"))
	var b strings.Builder
	b.WriteString("# History\n\n")
	visits := hs.List()
	if len(visits) == 0 {
		b.WriteString("No visit yet: the pages you open are listed here.\n")
		return b.String(), nil
	}
	if query != "" {
		visits = hs.Search(query)
		b.WriteString("The visits whose address or title contains “" + sanitize.Line(query) + "”.\n=> " + History + " The whole history\n")
	}
	b.WriteString("=> " + History + "?search Search the history\n")
	b.WriteString("=> " + History + "?clear Clear the history\n")
	if len(visits) == 0 {
		b.WriteString("\nNo visit matches.\n")
	}
	day := ""
	var shown []string // the addresses listed, for the links that remove one
	// The store keeps one visit a page, the last: repeats are folded.
	for _, v := range visits {
		if d := v.Time.Local().Format(time.DateOnly); d != day {
			day = d
			b.WriteString("\n## " + day + "\n")
		}
		label := v.Time.Local().Format("15:04") + " " + v.URL
		if v.Title != "" && v.Title != v.URL {
			label += " — " + v.Title
		}
		b.WriteString("=> " + v.URL + " " + label + "\n")
		shown = append(shown, v.URL)
	}
	if len(shown) > 0 {
		b.WriteString("\n## Remove a page from the history\n")
		for _, u := range shown {
			b.WriteString("=> " + History + "?" + url.Values{"remove": {u}}.Encode() + " Remove " + u + "\n")
		}
	}
	return b.String(), nil
}

func (h *historyPage) acts(r request) bool {
	return r.query.Has("clear") || r.query.Has("search") || r.query.Get("remove") != ""
}

// act asks before clearing the history or removing a page from it, or
// opens the prompt to search it.
func (h *historyPage) act(r request) Action {
	hs := h.env.History
	switch {
	case hs == nil:
		return Action{Flash: "The history is off", Err: true}
	case r.query.Has("search"):
		d, cmd := dialog.NewOpen(h.env.Dialogs, nil, History+"?q=")
		return Action{Dialog: d, Cmd: cmd}
	case r.query.Get("remove") != "":
		u := r.query.Get("remove")
		return h.env.ask("Remove "+sanitize.Line(u)+" from the history? Every visit of it is forgotten.", "remove it", func() tea.Msg {
			if err := hs.Remove(u); err != nil {
				return changed(History, "", fmt.Errorf("History not changed: %w", err))
			}
			return Changed{Page: History, What: "Removed " + u + " from the history", Reset: true}
		})
	}
	return h.env.ask("Clear the history? Every visit recorded is forgotten.", "clear it", func() tea.Msg {
		if err := hs.Clear(); err != nil {
			return changed(History, "", fmt.Errorf("History not cleared: %w", err))
		}
		return Changed{Page: History, What: "Cleared the history", Reset: true}
	})
}

// RecordVisit records a visit of address, titled title, in the history
// store (nil when the history is off); a Changed reports a failure.
func (rt *Router) RecordVisit(address, title string) tea.Cmd {
	hs := rt.env.History
	if hs == nil {
		return nil
	}
	v := history.Visit{URL: address, Title: title}
	return func() tea.Msg {
		if err := hs.Add(v); err != nil {
			return changed("", "", fmt.Errorf("Visit not recorded in the history: %w", err))
		}
		return nil
	}
}
