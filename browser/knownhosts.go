package browser

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/render"
	"propus/browser/sanitize"
	"propus/tofu"
)

// knownHostsAddress is the page that lists the known-hosts store.
const knownHostsAddress = "about:known-hosts"

// forgottenMsg reports that the pin of addr was removed (err is a
// *tofu.SaveError when only from memory).
type forgottenMsg struct {
	key  loadKey
	addr string
	err  error
}

// knownHostsPage lists every pinned host with a link to forget it.
func knownHostsPage(m *Model) *page {
	return localPage(nil, knownHostsAddress, knownHostsText(m.opts.Hosts))
}

// knownHostsText is the gemtext of about:known-hosts.
func knownHostsText(hosts *tofu.Store) string {
	var b strings.Builder
	b.WriteString("# Known hosts\n\npropus pins the key of the certificate a server presents on the first visit " +
		"(trust on first use). Until that certificate expires, another key is refused and you are asked what to do.\n\n")
	if hosts == nil {
		b.WriteString("Certificates are not checked in this run: there is no known-hosts store.\n")
		return b.String()
	}
	if path := hosts.Path(); path != "" {
		b.WriteString("The pins are kept in " + path + ".\n")
	} else {
		b.WriteString("The pins are kept in memory only.\n")
	}
	if err := hosts.Err(); err != nil {
		b.WriteString("> " + sanitize.Line(err.Error()) + "\n")
	}
	list := hosts.Hosts()
	switch len(list) {
	case 0:
		b.WriteString("\nNo host is pinned yet.\n")
	case 1:
		b.WriteString("\nOne host is pinned.\n")
	default:
		b.WriteString("\n" + strconv.Itoa(len(list)) + " hosts are pinned.\n")
	}
	date := func(t time.Time) string { return t.Format(time.DateOnly) }
	for _, h := range list {
		addr := sanitize.Line(h.Address)
		b.WriteString("\n## " + addr + "\n")
		b.WriteString("* " + sanitize.Line(h.Fingerprint) + "\n")
		b.WriteString("* expires " + date(h.Expires) + "\n")
		b.WriteString("* first seen " + date(h.FirstSeen) + ", last seen " + date(h.LastSeen) + "\n")
		b.WriteString("=> " + knownHostsAddress + "?forget=" + url.QueryEscape(h.Address) + " Forget " + addr + "\n")
	}
	return b.String()
}

// forgetRequest returns the address that an about:known-hosts?forget=
// link names.
func forgetRequest(raw string) (string, bool) {
	query, ok := strings.CutPrefix(strings.ToLower(raw), knownHostsAddress+"?")
	if !ok {
		return "", false
	}
	q, err := url.ParseQuery(query)
	addr := q.Get("forget")
	return addr, err == nil && addr != ""
}

// askForget asks before forgetting the pin of addr. Only a link on
// about:known-hosts itself asks: one on a capsule's page, or typed
// elsewhere, just opens the list, so that no page can lead the user into
// dropping a pin unawares.
func (m *Model) askForget(t *tab, addr string) tea.Cmd {
	if t.page == nil || t.page.address != knownHostsAddress {
		return m.navigate(t, knownHostsAddress, true)
	}
	shown := sanitize.Line(addr)
	if m.opts.Hosts == nil {
		return nil
	}
	if _, ok := m.opts.Hosts.Lookup(addr); !ok {
		m.flash(shown+" is not pinned", true)
		return nil
	}
	key, hosts := loadKey{tab: t.id, seq: t.seq}, m.opts.Hosts
	return m.ask("Forget the certificate pinned for "+shown+"?\n"+
		"The next visit trusts whatever certificate it presents, and pins that one.",
		answer{"y", "forget " + shown, func() tea.Cmd {
			return func() tea.Msg { return forgottenMsg{key: key, addr: addr, err: hosts.Forget(addr)} }
		}})
}

// forgotten shows about:known-hosts again, at the same place, once a pin
// is gone.
func (m *Model) forgotten(msg forgottenMsg) tea.Cmd {
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq {
		return nil
	}
	if msg.err != nil {
		m.flash(msg.err.Error(), true)
	} else {
		m.flash("Forgot "+msg.addr+": the next visit pins its certificate anew", false)
	}
	if t.page != nil && t.page.address == knownHostsAddress {
		top := t.page.view.Top.Line
		p := knownHostsPage(m)
		m.show(t, p)
		p.view.Top = render.Pos{Line: min(top, p.doc.Len()-1)}
	}
	return nil
}
