package browser

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
	"propus/client"
)

// onRedirect handles 3x. With RedirectAuto it follows a hop within one
// scheme and host by itself, up to Options.MaxRedirects, and asks before
// any other; RedirectAsk asks before every hop; RedirectNever shows the
// redirect as a page. A target outside Gemini is offered to an opener or
// for copying; a loop or too long a chain gets a page that names it.
func (m *Model) onRedirect(t *tab, h headerMsg) tea.Cmd {
	if m.opts.Redirects == RedirectNever {
		return m.showResponse(t, h)
	}
	t.cancel = nil
	via := t.via
	if n := len(via); n == 0 || via[n-1].String() != h.url.String() {
		via = []*url.URL{h.url}
	}
	to, err := client.RedirectTarget(via, h.meta, m.opts.MaxRedirects) // 0: client.MaxRedirects
	var rerr *client.RedirectError
	if errors.As(err, &rerr) {
		m.show(t, redirectErrorPage(h, rerr))
		return nil
	}
	if !strings.EqualFold(to.Scheme, "gemini") {
		m.showResponse(t, h) // the page to come back to
		return m.askExternal(to.String())
	}
	if m.opts.Redirects == RedirectAsk || client.CrossesOrigin(h.url, to) {
		m.openDialog(&redirectDialog{tab: t.id, seq: t.seq, h: h, via: via, to: to})
		return nil
	}
	return m.hop(t, h, via, to)
}

// hop follows the redirect h to the URL to, as the next step of the chain
// via; the chain stays on the tab for the status line.
func (m *Model) hop(t *tab, h headerMsg, via []*url.URL, to *url.URL) tea.Cmd {
	if h.status == client.StatusPermanentRedirect {
		m.permanentRedirect(h.url, to)
	}
	via = append(slices.Clip(via), to)
	cmd := m.load(t, to)
	t.via = via
	return cmd
}

// permanentRedirect notes that from has moved to to for good (31). This
// is the place where bookmarks that point at from will be offered an
// update once there is a bookmark store.
func (m *Model) permanentRedirect(from, to *url.URL) {
	m.flash("Moved permanently to "+to.String(), false)
	m.offerBookmarkUpdate(from, to)
}

// redirectErrorPage is the page for a redirect that is not followed: it
// names the problem and the chain, and links the last target, if there
// is one, for the user to follow by hand.
func redirectErrorPage(h headerMsg, err *client.RedirectError) *page {
	var b strings.Builder
	title, _, _ := strings.Cut(err.Reason, " (") // the details, which may quote the target, go below
	b.WriteString("# " + strings.ToUpper(title[:1]) + title[1:] + "\n\n")
	b.WriteString("propus follows redirects by itself, but stopped here: " + err.Reason + ". The chain:\n")
	for _, u := range err.Via {
		b.WriteString("* " + elideQuery(u) + "\n")
	}
	b.WriteString("* then " + itoa(int(h.raw)) + " " + h.raw.String() + " to " + err.Target + "\n")
	// The last hop alone, resolved as RedirectTarget resolves every hop.
	if to, e := client.RedirectTarget(err.Via[len(err.Via)-1:], err.Target, 0); e == nil {
		b.WriteString("\n=> " + to.String() + " Follow the last redirect by hand\n")
	}
	p := localPage(h.url, h.url.String(), b.String())
	p.status, p.raw, p.meta = h.status, h.raw, h.meta
	return p
}

// elideQuery shows u with its query, which may hold what the user
// typed, as "?…".
func elideQuery(u *url.URL) string {
	v := *u
	q := v.RawQuery != "" || v.ForceQuery
	v.RawQuery, v.ForceQuery = "", false
	if q {
		return v.String() + "?…"
	}
	return v.String()
}

// chainStatus describes the redirect chain that led to what tab t loads
// or shows, for the status line ("↪ 2 redirects: /a → /b → /c"), leaving
// out hops in the middle to fit a status line of width cells; "" when
// there is none.
func (t *tab) chainStatus(width int) string {
	n := len(t.via)
	if n < 2 {
		return ""
	}
	// A load in flight is the chain's next hop (or a slow-down retry of
	// it): every other load stops the tab, which ends the chain.
	if last := t.via[n-1].String(); t.loading == "" && (t.page == nil || t.page.url == nil || t.page.url.String() != last) {
		return ""
	}
	parts := make([]string, n)
	for i, u := range t.via {
		if i == 0 || !client.CrossesOrigin(t.via[i-1], u) {
			v := url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery, ForceQuery: u.ForceQuery}
			parts[i] = sanitize.Line(elideQuery(&v))
			if parts[i] == "" || parts[i][0] == '?' {
				parts[i] = "/" + parts[i]
			}
		} else {
			parts[i] = sanitize.Line(elideQuery(u))
		}
	}
	head := fmt.Sprintf("↪ %d redirect", n-1)
	if n > 2 {
		head += "s"
	}
	room := width - 5 // for the scroll position
	s := head + ": " + strings.Join(parts, " → ")
	for i := 2; ansi.StringWidth(s) > room && i < n; i++ {
		s = head + ": " + parts[0] + " → … → " + strings.Join(parts[i:], " → ")
	}
	if ansi.StringWidth(s) > room {
		s = head + " from " + parts[0] // the URL bar shows where they led
	}
	return s
}

// redirectDialog asks before following a redirect to another host (or
// before any, with RedirectAsk): f or enter follows, esc or n stays, and
// nothing is sent to the target until the user says so.
type redirectDialog struct {
	tab, seq int
	h        headerMsg  // the 3x response
	via      []*url.URL // the chain so far, ending with h.url
	to       *url.URL   // where it sends the user
}

// update follows on f or enter and stays, showing the redirect's page,
// on esc or n; other keys do nothing.
func (d *redirectDialog) update(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	t := m.findTab(d.tab)
	if t == nil || t.seq != d.seq {
		return nil, true
	}
	switch k.String() {
	case "f", "enter":
		return m.hop(t, d.h, d.via, d.to), true
	case "esc", "n":
		return m.showResponse(t, d.h), true
	}
	return nil, false
}

// view shows where the redirect comes from and where it goes, and the
// answers.
func (d *redirectDialog) view(m *Model, width, height int) []string {
	title := "Follow this redirect?"
	cross := client.CrossesOrigin(d.h.url, d.to)
	if cross {
		title = "Follow this redirect to another server?"
	}
	lines := []string{" " + m.styles.OverlayTitle.Render(title), ""}
	wrap := func(s string) {
		for _, l := range strings.Split(ansi.Hardwrap(s, max(width-3, 10), false), "\n") {
			lines = append(lines, "   "+l)
		}
	}
	lines = append(lines, " From ("+itoa(int(d.h.raw))+" "+d.h.raw.String()+")")
	wrap(sanitize.Line(elideQuery(d.h.url)))
	lines = append(lines, " To")
	wrap(sanitize.Line(d.to.String()))
	if cross {
		lines = append(lines, "")
		for _, l := range strings.Split(ansi.Wrap(sanitize.Line(d.h.url.Host)+" sends you to "+sanitize.Line(d.to.Host)+
			". Nothing has been sent there yet.", max(width-2, 10), ""), "\n") {
			lines = append(lines, " "+l)
		}
	}
	lines = append(lines, "")
	for _, a := range [][2]string{{"f", "follow it"}, {"esc", "stay here"}} {
		lines = append(lines, "  "+m.styles.Prompt.Render(fmt.Sprintf("%-5s", a[0]))+" "+a[1])
	}
	return lines
}
