package about

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/feeds"
	"propus/browser/load"
	"propus/browser/sanitize"
)

// feedWorkers is how many feeds a refresh fetches at once.
const feedWorkers = 4

// maxEarlier is how many read entries about:feeds lists below the new
// ones.
const maxEarlier = 50

// feedsPage is about:feeds: the new entries of every subscription,
// newest first by day, then the read ones, then the subscriptions.
// ?refresh refreshes every feed, ?read marks every entry read,
// ?unsubscribe=URL asks to unsubscribe.
type feedsPage struct {
	env     *Env
	refresh *refresh // a refresh of every feed under way
}

// refresh is a refresh of every feed under way: the status line and
// about:feeds show its progress.
type refresh struct {
	total, done, added int
	failed             int
}

// feedRefreshedMsg reports one feed of a refresh fetched and recorded.
type feedRefreshedMsg struct {
	url   string
	added int
	err   error // the fetch's or the store's
}

// subscribedMsg reports a subscription made (or not) by a command.
type subscribedMsg struct {
	url, title string
	entries    int
	err        error
}

func (h *feedsPage) page(request) (string, func() string) {
	fs := h.env.Feeds
	var b strings.Builder
	b.WriteString("# Feeds\n\n")
	if fs == nil {
		b.WriteString("Feeds are off.\n")
		return b.String(), nil
	}
	subs := fs.Subscriptions()
	if len(subs) == 0 {
		b.WriteString("No subscription yet. On a gemlog (a page whose links start with a date, like 2026-11-21) " +
			"or with a link to an Atom or RSS feed selected, press S to subscribe: its new entries are listed here.\n")
		return b.String(), nil
	}
	if err := fs.Err(); err != nil {
		b.WriteString("> " + sanitize.Line(err.Error()) + "\n\n")
	}
	if r := h.refresh; r != nil {
		fmt.Fprintf(&b, "Refreshing: %d of %d feeds done, %s so far…\n", r.done, r.total, plural(r.added, "new entry", "new entries"))
	} else {
		b.WriteString("=> " + Feeds + "?refresh Refresh every feed (or press r)\n")
	}
	titles := map[string]string{}
	for _, s := range subs {
		titles[s.URL] = s.Title
	}
	var fresh, earlier []feeds.Entry
	listed := map[string]bool{} // a post in two feeds (a gemlog and its Atom twin) is listed once
	for _, e := range fs.Entries() {
		if listed[e.URL] {
			continue
		}
		listed[e.URL] = true
		if !e.Read && !h.env.Visited(e.URL) {
			fresh = append(fresh, e)
		} else if len(earlier) < maxEarlier {
			earlier = append(earlier, e)
		}
	}
	if len(fresh) > 0 {
		b.WriteString("=> " + Feeds + "?read Mark every entry read\n")
		b.WriteString("\n## New: " + plural(len(fresh), "entry", "entries") + "\n")
		writeEntries(&b, fresh, titles)
	} else {
		b.WriteString("\nNothing new.\n")
	}
	if len(earlier) > 0 {
		b.WriteString("\n## Read\n")
		writeEntries(&b, earlier, titles)
	}
	b.WriteString("\n## Subscriptions\n")
	for _, s := range subs {
		b.WriteString("\n### " + s.Title + "\n=> " + s.URL + " " + s.URL + "\n")
		switch {
		case s.Error != "":
			b.WriteString("* the last refresh failed: " + s.Error + "\n")
		case s.Checked.IsZero():
			b.WriteString("* not refreshed yet\n")
		default:
			b.WriteString("* refreshed " + s.Checked.Local().Format("2006-01-02 15:04") + "\n")
		}
		b.WriteString("=> " + Feeds + "?" + url.Values{"unsubscribe": {s.URL}}.Encode() + " Unsubscribe from " + s.Title + "\n")
	}
	return b.String(), nil
}

func (h *feedsPage) acts(r request) bool {
	return r.query.Has("refresh") || r.query.Has("read") || r.query.Get("unsubscribe") != ""
}

// act refreshes, marks read or asks to unsubscribe.
func (h *feedsPage) act(r request) Action {
	fs := h.env.Feeds
	switch {
	case fs == nil:
		return Action{Flash: "Feeds are off", Err: true}
	case r.query.Has("refresh"):
		return h.start()
	case r.query.Has("read"):
		return Action{Cmd: func() tea.Msg { return changed(Feeds, "Marked every entry read", fs.MarkAllRead()) }}
	}
	sub, ok := fs.Find(r.query.Get("unsubscribe"))
	if !ok {
		return Action{Flash: "No subscription to " + sanitize.Line(r.query.Get("unsubscribe")), Err: true}
	}
	return h.askUnsubscribe(sub)
}

// askUnsubscribe asks before unsubscribing from sub.
func (h *feedsPage) askUnsubscribe(sub feeds.Subscription) Action {
	fs := h.env.Feeds
	name := sanitize.Line(sub.Title)
	return h.env.ask("Unsubscribe from "+name+"?\n"+sanitize.Line(sub.URL)+"\nIts entries leave about:feeds.", "unsubscribe", func() tea.Msg {
		return changed(Feeds, "Unsubscribed from "+name, fs.Unsubscribe(sub.URL))
	})
}

// RefreshFeeds fetches every subscribed feed in the background, a few
// at a time. A refresh already under way is not started twice. A refresh
// the browser starts by itself (auto) says nothing unless it finds
// something.
func (rt *Router) RefreshFeeds(auto bool) Action {
	if rt.env.Feeds == nil {
		return Action{Flash: "Feeds are off", Err: true}
	}
	a := rt.feeds.start()
	if auto {
		a.Flash, a.Err = "", false
	}
	return a
}

func (h *feedsPage) start() Action {
	fs := h.env.Feeds
	if h.refresh != nil {
		return Action{Flash: "The feeds are being refreshed"}
	}
	subs := fs.Subscriptions()
	if len(subs) == 0 {
		return Action{Flash: "No feed to refresh: press S on a gemlog to subscribe to it", Err: true}
	}
	h.refresh = &refresh{total: len(subs)}
	fetch, newCtx := h.env.FetchFeed, h.env.Context
	slots := make(chan struct{}, feedWorkers)
	var cmds []tea.Cmd
	for _, sub := range subs {
		cmds = append(cmds, func() tea.Msg {
			slots <- struct{}{}
			defer func() { <-slots }()
			ctx, cancel := newCtx()
			defer cancel()
			u, err := url.Parse(sub.URL)
			var f feeds.Feed
			if err == nil {
				f, err = fetch(ctx, u)
			}
			added, serr := fs.Refreshed(sub.URL, f, err)
			if _, ok := errors.AsType[*feeds.NotFoundError](serr); ok {
				serr = nil // unsubscribed meanwhile
			}
			return feedRefreshedMsg{url: sub.URL, added: added, err: errors.Join(err, serr)}
		})
	}
	return Action{Cmd: tea.Batch(cmds...), Rebuild: Feeds} // the page shows the progress
}

// Refreshing reports the progress of a refresh of the feeds under way.
func (rt *Router) Refreshing() (done, total int, ok bool) {
	if r := rt.feeds.refresh; r != nil {
		return r.done, r.total, true
	}
	return 0, 0, false
}

// Subscribe subscribes to the feed at target: it is fetched, and
// subscribed to only if it is one (a gemlog or an Atom or RSS feed). On a
// feed already subscribed to it asks to unsubscribe.
func (rt *Router) Subscribe(target *url.URL) Action {
	fs := rt.env.Feeds
	switch {
	case fs == nil:
		return Action{Flash: "Feeds are off", Err: true}
	case target == nil:
		return Action{Flash: "Only a Gemini page can be subscribed to (select a link to subscribe to it)", Err: true}
	case !strings.EqualFold(target.Scheme, "gemini"):
		return Action{Flash: "propus subscribes to Gemini feeds only, not " + sanitize.Line(target.String()), Err: true}
	}
	addr := target.String()
	if sub, ok := fs.Find(addr); ok {
		return rt.feeds.askUnsubscribe(sub)
	}
	fetch, newCtx := rt.env.FetchFeed, rt.env.Context
	return Action{Flash: "Subscribing to " + sanitize.Line(addr) + "…", Cmd: func() tea.Msg {
		ctx, cancel := newCtx()
		defer cancel()
		f, err := fetch(ctx, target)
		if err != nil {
			return subscribedMsg{url: addr, err: err}
		}
		title := f.Title
		if title == "" {
			title = addr
		}
		if err := fs.Subscribe(addr, title); err != nil {
			return subscribedMsg{url: addr, err: err}
		}
		_, err = fs.Refreshed(addr, f, nil)
		return subscribedMsg{url: addr, title: title, entries: len(f.Entries), err: err}
	}}
}

// Update handles the messages of the feeds' commands: a refresh's
// progress and a subscription. It reports what changed, and whether msg
// was one of them.
func (rt *Router) Update(msg tea.Msg) (Changed, bool) {
	switch msg := msg.(type) {
	case subscribedMsg:
		if msg.err != nil {
			return changed("", "", fmt.Errorf("Not subscribed: %w", msg.err)), true
		}
		return changed(Feeds, fmt.Sprintf("Subscribed to %s (%s); see %s", msg.title, plural(msg.entries, "entry", "entries"), Feeds), nil), true
	case feedRefreshedMsg:
		r := rt.feeds.refresh
		if r == nil {
			return Changed{}, true
		}
		r.done++
		r.added += msg.added
		if msg.err != nil {
			r.failed++
		}
		if r.done < r.total {
			return changed(Feeds, "", nil), true
		}
		rt.feeds.refresh = nil
		text := "Feeds refreshed: " + plural(r.added, "new entry", "new entries")
		if r.failed > 0 {
			return changed(Feeds, "", errors.New(text+", "+plural(r.failed, "feed", "feeds")+" failed (see "+Feeds+")")), true
		}
		return changed(Feeds, text, nil), true
	}
	return Changed{}, false
}

// writeEntries writes es as links under a heading per day.
func writeEntries(b *strings.Builder, es []feeds.Entry, titles map[string]string) {
	day := "-"
	for _, e := range es {
		if load.SchemeOf(e.URL) == "about" {
			continue // a feed does not get to press propus's own buttons
		}
		d := "Undated"
		if !e.Published.IsZero() {
			d = e.Published.UTC().Format(time.DateOnly)
		}
		if d != day {
			day = d
			b.WriteString("### " + d + "\n")
		}
		title := e.Title
		if title == "" {
			title = e.URL
		}
		b.WriteString("=> " + e.URL + " " + title + " — " + titles[e.Feed] + "\n")
	}
}

// plural returns "1 entry", "2 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
