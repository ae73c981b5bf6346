package browser

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/render"
	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu"
)

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

func itoa(n int) string { return strconv.Itoa(n) }

// cutPrefixFold is strings.CutPrefix ignoring case: for the about: pages'
// queries, which keep their own case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// aboutPage returns the built-in page name ("about:home", …).
func aboutPage(name string, m *Model) *page {
	switch name {
	case "about:blank":
		return localPage(nil, name, "")
	case "about:home":
		return localPage(nil, name, homeText)
	case knownHostsAddress:
		return knownHostsPage(m)
	case identitiesAddress:
		return identitiesPage(m)
	case feedsAddress:
		return feedsPage(m)
	}
	if isBookmarksAddress(name) {
		return bookmarksPage(m, name)
	}
	if isHistoryAddress(name) {
		return historyPage(m, name)
	}
	return localPage(nil, name, "# Unknown page\n\npropus has no page called "+name+".\n=> about:home Home\n")
}

const homeText = `# propus

A terminal browser for Gemini space.

Press o to open a URL, ? for every key, q to quit.

## Moving
* j and k (or the arrows) scroll; space and PgDn page; g and G go to the top and the bottom
* Tab and Shift-Tab select links, Enter follows; type a link's number to follow it
* H or Backspace goes back, L forward; r reloads; u goes up a level, U to the site's root
* B bookmarks the page; S subscribes to its feed, F shows your feeds
* / searches the page (n and N move between matches); O shows its outline; \ its source; i its details
* t opens a tab, T the selected link in a new tab, w closes one; gt and gT switch between them

## Places
=> gemini://geminiprotocol.net/ Project Gemini
=> gemini://geminiprotocol.net/docs/specification.gmi The specification
=> about:bookmarks Your bookmarks (B adds the page you are on)
=> about:feeds Your feeds: new posts of the gemlogs you follow (S subscribes to one)
=> about:history Your history: the pages you have visited
=> about:known-hosts Known hosts: the certificates propus has pinned
=> about:identities Your identities: the client certificates you present, and where
`

// aboutReloadedMsg reports the stores read again from disk for the about:
// page of key.
type aboutReloadedMsg struct {
	key loadKey
	err error
}

// reloadAbout reads the stores an about: page shows again from disk (what
// another propus wrote since shows too), then shows the page again.
func (m *Model) reloadAbout(t *tab) tea.Cmd {
	key := loadKey{tab: t.id, seq: t.seq}
	bs, hs, fs := m.opts.Bookmarks, m.opts.History, m.opts.Feeds
	return func() tea.Msg {
		var errs []error
		if bs != nil {
			errs = append(errs, bs.Reload())
		}
		if hs != nil {
			errs = append(errs, hs.Reload())
		}
		if fs != nil {
			errs = append(errs, fs.Reload())
		}
		return aboutReloadedMsg{key: key, err: errors.Join(errs...)}
	}
}

// aboutReloaded shows the about: page of msg again, at the same place.
func (m *Model) aboutReloaded(msg aboutReloadedMsg) tea.Cmd {
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq || t.page == nil || t.page.url != nil {
		return nil
	}
	if msg.err != nil {
		m.flash(msg.err.Error(), true)
	} else {
		m.flash("Reloaded", false)
	}
	top := t.page.view.Top
	p := aboutPage(t.page.address, m)
	m.show(t, p)
	p.view.Top = render.Pos{Line: min(top.Line, max(p.doc.Len()-1, 0))}
	return m.aboutCmd(t)
}

// statusPage is the page for a response that is not 2x: it names the
// status and shows the server's META (the page's text is sanitised by the
// document like any other).
func statusPage(u *url.URL, status client.Status, meta string) *page {
	addr := u.String()
	var b strings.Builder
	b.WriteString("# " + itoa(int(status)) + " " + status.String() + "\n\n")
	switch status.Class() {
	case client.StatusInput:
		b.WriteString("The page asks for input:\n> " + meta + "\n\nPress r to answer it.\n")
	case client.StatusRedirect:
		b.WriteString("The page has moved. Press 1 to go there:\n=> " + meta + "\n")
	case client.StatusTemporaryFailure:
		if status == client.StatusSlowDown {
			b.WriteString("The server asks you to slow down.\n")
		}
		if meta != "" {
			b.WriteString("The server says:\n> " + meta + "\n")
		}
		b.WriteString("\nThis may work later: press r to reload, H to go back.\n")
	case client.StatusPermanentFailure:
		if meta != "" {
			b.WriteString("The server says:\n> " + meta + "\n")
		}
		b.WriteString("\nPress H to go back.\n")
	case client.StatusCertificateRequired:
		if meta != "" {
			b.WriteString("The server says:\n> " + meta + "\n")
		}
		b.WriteString("\nThis page needs a client certificate (an identity). Press r to reload and choose one.\n")
	}
	p := localPage(u, addr, b.String())
	p.status, p.meta = status, meta
	return p
}

// errorPage is the page for a load that failed before a header arrived.
func errorPage(u *url.URL, err error) *page {
	var b strings.Builder
	var changed *tofu.ChangedError
	switch {
	case errors.As(err, &changed):
		b.WriteString("# The server's certificate has changed\n\n")
		b.WriteString("propus stopped before sending anything: the certificate " + changed.Address +
			" presents is not the one pinned on an earlier visit, and the pinned one has not expired. This can mean someone is between you and the server.\n\n")
		b.WriteString("## Pinned\n* " + changed.Old.Fingerprint + "\n* valid until " + changed.Old.Expires.Format(time.DateOnly) +
			"\n* first seen " + changed.Old.FirstSeen.Format(time.DateOnly) + "\n")
		b.WriteString("## Presented now\n* " + changed.New.Fingerprint + "\n* valid until " + changed.New.Expires.Format(time.DateOnly) +
			"\n* subject " + sanitize.Line(changed.NewSubject) + "\n")
		b.WriteString("\nIf you know the server changed its certificate, press r to be asked again, or forget its pin:\n=> about:known-hosts Known hosts\n")
	case errors.Is(err, client.ErrTimeout):
		b.WriteString("# Connection timeout\n\n" + err.Error() + "\n\nThe server may be slow or down: press r to try again.\n")
	case errors.Is(err, client.ErrNoResponse):
		b.WriteString("# No response\n\n" + err.Error() + "\n\nPress r to try again.\n")
	default:
		b.WriteString("# Could not load the page\n\n" + err.Error() + "\n\nPress r to try again, H to go back.\n")
	}
	p := localPage(u, u.String(), b.String())
	p.err = err
	return p
}
