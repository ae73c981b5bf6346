package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/feeds"
	"propus/browser/render"
	"propus/browser/sanitize"
)

// feedsAddress is the page of new entries across the subscriptions;
// feedsAddress+"?refresh" refreshes every feed, "?read" marks every entry
// read, "?unsubscribe=URL" asks to unsubscribe.
const feedsAddress = "about:feeds"

// feedWorkers is how many feeds a refresh fetches at once.
const feedWorkers = 4

// maxEarlier is how many read entries about:feeds lists below the new
// ones.
const maxEarlier = 50

// feedRefresh is a refresh of every feed under way: the status line and
// about:feeds show its progress.
type feedRefresh struct {
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

// feedsChangedMsg reports a change of the store made by a command from
// about:feeds (unsubscribe, mark read): what it was, or why not.
type feedsChangedMsg struct {
	what string
	err  error
}

// subscribe subscribes to the feed of the selected link, or of the page:
// the feed is fetched, and subscribed to only if it is one (a gemlog or
// an Atom or RSS feed). On a feed already subscribed to it asks to
// unsubscribe.
func (m *Model) subscribe(p *page) tea.Cmd {
	fs := m.opts.Feeds
	target := p.url
	if p.view.Selected > 0 {
		_, l := p.doc.Link(p.view.Selected)
		u, err := url.Parse(m.absolute(p, l.URL))
		if err != nil {
			m.flash("Not a feed: "+err.Error(), true)
			return nil
		}
		target = u
	}
	switch {
	case fs == nil:
		m.flash("Feeds are off", true)
		return nil
	case target == nil:
		m.flash("Only a Gemini page can be subscribed to (select a link to subscribe to it)", true)
		return nil
	case !strings.EqualFold(target.Scheme, "gemini"):
		m.flash("propus subscribes to Gemini feeds only, not "+sanitize.Line(target.String()), true)
		return nil
	case p.sensitive && target == p.url:
		m.flash("A page reached with sensitive input is never subscribed to", true)
		return nil
	}
	addr := target.String()
	if sub, ok := fs.Find(addr); ok {
		return m.askUnsubscribe(sub)
	}
	m.flash("Subscribing to "+sanitize.Line(addr)+"…", false)
	fetch := m.feedFetcher()
	return func() tea.Msg {
		f, err := fetch(context.Background(), target)
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
	}
}

// subscribed reports a subscription and shows it on about:feeds.
func (m *Model) subscribed(msg subscribedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash("Not subscribed: "+msg.err.Error(), true)
		return nil
	}
	m.flash(fmt.Sprintf("Subscribed to %s (%s); see %s", msg.title, plural(msg.entries, "entry", "entries"), feedsAddress), false)
	m.refreshFeedsPages()
	return nil
}

// askUnsubscribe asks before unsubscribing from sub.
func (m *Model) askUnsubscribe(sub feeds.Subscription) tea.Cmd {
	fs := m.opts.Feeds
	name := sanitize.Line(sub.Title)
	return m.ask("Unsubscribe from "+name+"?\n"+sanitize.Line(sub.URL)+"\nIts entries leave about:feeds.",
		answer{"y", "unsubscribe", func() tea.Cmd {
			return func() tea.Msg {
				return feedsChangedMsg{what: "Unsubscribed from " + name, err: fs.Unsubscribe(sub.URL)}
			}
		}})
}

// feedsRequest handles the links of about:feeds that do something. Only
// a link on about:feeds itself acts; one elsewhere just opens the page.
func (m *Model) feedsRequest(t *tab, raw string) (tea.Cmd, bool) {
	query, ok := cutPrefixFold(raw, feedsAddress+"?")
	if !ok {
		return nil, false
	}
	fs := m.opts.Feeds
	if fs == nil || t.page == nil || t.page.address != feedsAddress {
		return m.navigate(t, feedsAddress, true), true
	}
	q, _ := url.ParseQuery(query)
	switch {
	case q.Has("refresh"):
		return m.refreshFeeds(), true
	case q.Has("read"):
		return func() tea.Msg { return feedsChangedMsg{what: "Marked every entry read", err: fs.MarkAllRead()} }, true
	case q.Get("unsubscribe") != "":
		sub, ok := fs.Find(q.Get("unsubscribe"))
		if !ok {
			m.flash("No subscription to "+sanitize.Line(q.Get("unsubscribe")), true)
			return nil, true
		}
		return m.askUnsubscribe(sub), true
	}
	return nil, false
}

// feedsChanged reports a change of the feeds and shows it.
func (m *Model) feedsChanged(msg feedsChangedMsg) tea.Cmd {
	if msg.err != nil {
		m.flash(msg.err.Error(), true)
	} else {
		m.flash(msg.what, false)
	}
	m.refreshFeedsPages()
	return nil
}

// refreshFeeds fetches every subscribed feed in the background, a few at
// a time; each reports with a feedRefreshedMsg. A refresh already under
// way is not started twice.
func (m *Model) refreshFeeds() tea.Cmd {
	fs := m.opts.Feeds
	if fs == nil {
		m.flash("Feeds are off", true)
		return nil
	}
	if m.refresh != nil {
		m.flash("The feeds are being refreshed", false)
		return nil
	}
	subs := fs.Subscriptions()
	if len(subs) == 0 {
		m.flash("No feed to refresh: press S on a gemlog to subscribe to it", true)
		return nil
	}
	m.refresh = &feedRefresh{total: len(subs)}
	m.refreshFeedsPages()
	fetch := m.feedFetcher()
	slots := make(chan struct{}, feedWorkers)
	cmds := []tea.Cmd{m.spinner.Tick}
	for _, sub := range subs {
		cmds = append(cmds, func() tea.Msg {
			slots <- struct{}{}
			defer func() { <-slots }()
			u, err := url.Parse(sub.URL)
			var f feeds.Feed
			if err == nil {
				f, err = fetch(context.Background(), u)
			}
			added, serr := fs.Refreshed(sub.URL, f, err)
			var nf *feeds.NotFoundError
			if errors.As(serr, &nf) {
				serr = nil // unsubscribed meanwhile
			}
			return feedRefreshedMsg{url: sub.URL, added: added, err: errors.Join(err, serr)}
		})
	}
	return tea.Batch(cmds...)
}

// feedRefreshed counts one feed of the refresh done; after the last it
// says what the refresh found.
func (m *Model) feedRefreshed(msg feedRefreshedMsg) tea.Cmd {
	r := m.refresh
	if r == nil {
		return nil
	}
	r.done++
	r.added += msg.added
	if msg.err != nil {
		r.failed++
	}
	if r.done == r.total {
		m.refresh = nil
		text := "Feeds refreshed: " + plural(r.added, "new entry", "new entries")
		if r.failed > 0 {
			text += ", " + plural(r.failed, "feed", "feeds") + " failed (see " + feedsAddress + ")"
		}
		m.flash(text, r.failed > 0)
	}
	m.refreshFeedsPages()
	return nil
}

// feedFetcher returns the function that fetches and parses a feed
// (feeds.Fetch): with the known-hosts check and the browser's timeouts
// and cap, no identity, and redirects followed only within the feed's
// host.
func (m *Model) feedFetcher() func(ctx context.Context, u *url.URL) (feeds.Feed, error) {
	base, hosts, cache := m.opts.Client, m.opts.Hosts, m.sessions
	maxHops := m.opts.MaxRedirects
	return func(ctx context.Context, u *url.URL) (feeds.Feed, error) {
		return feeds.Fetch(ctx, requestClient(base, hosts, cache, &trustCheck{}), u, maxHops)
	}
}

// refreshFeedsPages shows about:feeds again wherever it is shown, at the
// same place.
func (m *Model) refreshFeedsPages() {
	for _, t := range m.tabs {
		if t.page != nil && t.page.address == feedsAddress {
			top := t.page.view.Top
			p := feedsPage(m)
			m.show(t, p)
			p.view.Top = render.Pos{Line: min(top.Line, max(p.doc.Len()-1, 0))}
		}
	}
}

// feedsPage lists the new entries of every subscription, newest first by
// day, then the read ones, then the subscriptions.
func feedsPage(m *Model) *page {
	fs := m.opts.Feeds
	var b strings.Builder
	b.WriteString("# Feeds\n\n")
	if fs == nil {
		b.WriteString("Feeds are off.\n")
		return localPage(nil, feedsAddress, b.String())
	}
	subs := fs.Subscriptions()
	if len(subs) == 0 {
		b.WriteString("No subscription yet. On a gemlog (a page whose links start with a date, like 2026-11-21) " +
			"or with a link to an Atom or RSS feed selected, press S to subscribe: its new entries are listed here.\n")
		return localPage(nil, feedsAddress, b.String())
	}
	if err := fs.Err(); err != nil {
		b.WriteString("> " + sanitize.Line(err.Error()) + "\n\n")
	}
	if r := m.refresh; r != nil {
		fmt.Fprintf(&b, "Refreshing: %d of %d feeds done, %s so far…\n", r.done, r.total, plural(r.added, "new entry", "new entries"))
	} else {
		b.WriteString("=> " + feedsAddress + "?refresh Refresh every feed (or press r)\n")
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
		if !e.Read && !m.visited[e.URL] {
			fresh = append(fresh, e)
		} else if len(earlier) < maxEarlier {
			earlier = append(earlier, e)
		}
	}
	if len(fresh) > 0 {
		b.WriteString("=> " + feedsAddress + "?read Mark every entry read\n")
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
		b.WriteString("=> " + feedsAddress + "?" + url.Values{"unsubscribe": {s.URL}}.Encode() + " Unsubscribe from " + s.Title + "\n")
	}
	return localPage(nil, feedsAddress, b.String())
}

// writeEntries writes es as links under a heading per day.
func writeEntries(b *strings.Builder, es []feeds.Entry, titles map[string]string) {
	day := "-"
	for _, e := range es {
		if schemeOf(e.URL) == "about" {
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
	return itoa(n) + " " + many
}
