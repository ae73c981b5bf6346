package about

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/sanitize"
)

// knownHostsPage is about:known-hosts: every pinned host with a link to
// forget it (?forget=HOST:PORT).
type knownHostsPage struct{ env *Env }

func (h *knownHostsPage) page(request) (string, func() string) {
	hosts := h.env.Hosts
	var b strings.Builder
	b.WriteString("# Known hosts\n\npropus pins the key of the certificate a server presents on the first visit " +
		"(trust on first use). Until that certificate expires, another key is refused and you are asked what to do.\n\n")
	if hosts == nil {
		b.WriteString("Certificates are not checked in this run: there is no known-hosts store.\n")
		return b.String(), nil
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
		b.WriteString("=> " + KnownHosts + "?forget=" + url.QueryEscape(h.Address) + " Forget " + addr + "\n")
	}
	return b.String(), nil
}

func (h *knownHostsPage) acts(r request) bool { return r.query.Get("forget") != "" }

// act asks before forgetting a pin.
func (h *knownHostsPage) act(r request) Action {
	hosts, addr := h.env.Hosts, strings.ToLower(r.query.Get("forget"))
	shown := sanitize.Line(addr)
	if hosts == nil {
		return Action{Flash: "Certificates are not checked in this run", Err: true}
	}
	if _, ok := hosts.Lookup(addr); !ok {
		return Action{Flash: shown + " is not pinned", Err: true}
	}
	return h.env.ask("Forget the certificate pinned for "+shown+"?\n"+
		"The next visit trusts whatever certificate it presents, and pins that one.", "forget "+shown, func() tea.Msg {
		return changed(KnownHosts, "Forgot "+addr+": the next visit pins its certificate anew", hosts.Forget(addr))
	})
}
