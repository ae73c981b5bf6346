package browser

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/render"
	"propus/browser/sanitize"
	"propus/client/identity"
)

// identitiesAddress is the page that lists the identities and their
// scopes.
const identitiesAddress = "about:identities"

// identityRemovedMsg reports a scope or an identity removed from the
// page of key (what says which), or err why not.
type identityRemovedMsg struct {
	key  loadKey
	name string // the identity
	what string // "Removed the identity alice", …
	gone bool   // the identity itself is gone
	err  error
}

// identitiesListedMsg carries the identities read from the store for the
// about:identities page of key.
type identitiesListedMsg struct {
	key loadKey
	ids []*identity.Identity
	err error
}

// identitiesPage is about:identities before the store is read: the
// identities arrive with identitiesListedMsg (aboutCmd reads them).
func identitiesPage(m *Model) *page {
	text := "# Identities\n\nReading your identities…\n"
	if m.opts.Identities.Dir == "" {
		text = identitiesText(m, nil, nil)
	}
	return localPage(nil, identitiesAddress, text)
}

// aboutCmd returns the command that fills an about: page whose content
// is on disk (about:identities), or nil: the browser reads no disk
// outside a command.
func (m *Model) aboutCmd(t *tab) tea.Cmd {
	if t.page == nil || t.page.address != identitiesAddress || m.opts.Identities.Dir == "" {
		return nil
	}
	key, store := loadKey{tab: t.id, seq: t.seq}, m.opts.Identities
	return func() tea.Msg {
		ids, err := store.List()
		return identitiesListedMsg{key: key, ids: ids, err: err}
	}
}

// identitiesListed shows the identities on the about:identities page they
// were read for, keeping its scroll position.
func (m *Model) identitiesListed(msg identitiesListedMsg) tea.Cmd {
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq || t.page == nil || t.page.address != identitiesAddress {
		return nil
	}
	top := t.page.view.Top
	p := localPage(nil, identitiesAddress, identitiesText(m, msg.ids, msg.err))
	m.show(t, p)
	p.view.Top = render.Pos{Line: min(top.Line, max(p.doc.Len()-1, 0))}
	return nil
}

// identitiesText is the gemtext of about:identities, listing ids (err:
// what went wrong reading them).
func identitiesText(m *Model, ids []*identity.Identity, err error) string {
	var b strings.Builder
	b.WriteString("# Identities\n\nAn identity is a client certificate: a capsule that asks for one (status 60) " +
		"knows you by it. Each is sent only where its scopes say.\n\n")
	store := m.opts.Identities
	if store.Dir == "" {
		b.WriteString("Identities are off in this run: there is no identity directory.\n")
		return b.String()
	}
	b.WriteString("They are kept in " + sanitize.Line(store.Dir) + ".\n")
	if err != nil {
		b.WriteString("> " + sanitize.Line(err.Error()) + "\n")
	}
	m.identities() // makes Scopes when there is no file
	scopes := m.opts.Scopes.List()
	switch len(ids) {
	case 0:
		b.WriteString("\nThere is no identity yet: one is made when a capsule asks for it.\n")
	case 1:
		b.WriteString("\nOne identity.\n")
	default:
		b.WriteString("\n" + itoa(len(ids)) + " identities.\n")
	}
	for _, id := range ids {
		name := sanitize.Line(id.Name)
		b.WriteString("\n## " + name + "\n")
		b.WriteString("* " + sanitize.Line(id.CertificateHash()) + "\n")
		exp := id.Expires()
		if time.Now().After(exp) {
			b.WriteString("* expired " + exp.Format(time.DateOnly) + "\n")
		} else {
			b.WriteString("* expires " + exp.Format(time.DateOnly) + "\n")
		}
		list := scopes[id.Name]
		if len(list) == 0 {
			b.WriteString("* used nowhere yet\n")
		}
		for _, sc := range list {
			s := sc.String()
			b.WriteString("=> " + identitiesAddress + "?" + url.Values{"name": {id.Name}, "unscope": {s}}.Encode() +
				" Stop using " + name + " on " + sanitize.Line(s) + "\n")
		}
		b.WriteString("=> " + identitiesAddress + "?" + url.Values{"delete": {id.Name}}.Encode() + " Delete " + name + "\n")
	}
	return b.String()
}

// identityRequest is what an about:identities?… link asks: the identity,
// and the scope to remove from it ("" to delete the identity).
type identityRequest struct {
	name  string
	scope string
}

// identityRequestOf parses an about:identities link that removes
// something. The query keeps its case: names and paths are case-sensitive.
func identityRequestOf(raw string) (identityRequest, bool) {
	query, ok := cutPrefixFold(raw, identitiesAddress+"?")
	if !ok || query == "" {
		return identityRequest{}, false
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return identityRequest{}, false
	}
	if name := q.Get("delete"); name != "" {
		return identityRequest{name: name}, true
	}
	if name, sc := q.Get("name"), q.Get("unscope"); name != "" && sc != "" {
		return identityRequest{name: name, scope: sc}, true
	}
	return identityRequest{}, false
}

// askRemoveIdentity asks before removing a scope or an identity. As with
// askForget, only a link on about:identities itself asks: from anywhere
// else it just opens the list.
func (m *Model) askRemoveIdentity(t *tab, r identityRequest) tea.Cmd {
	if t.page == nil || t.page.address != identitiesAddress {
		return m.navigate(t, identitiesAddress, true)
	}
	store, st := m.opts.Identities, m.identities()
	if store.Dir == "" {
		return nil
	}
	scopes, save := m.opts.Scopes, !st.memoryOnly
	key, name := loadKey{tab: t.id, seq: t.seq}, sanitize.Line(r.name)
	if r.scope == "" {
		return m.ask("Delete the identity "+name+"?\nIts certificate and key are removed for good: "+
			"capsules that know you by it will not again.",
			answer{"y", "delete " + name, func() tea.Cmd {
				return func() tea.Msg {
					err := store.Remove(r.name)
					if err == nil || errors.Is(err, identity.ErrNotFound) {
						scopes.RemoveAll(r.name)
						if save {
							err = errors.Join(err, scopes.Save())
						}
					}
					return identityRemovedMsg{key: key, name: r.name, gone: err == nil, what: "Deleted the identity " + name, err: err}
				}
			}})
	}
	sc, err := identity.ParseScope(r.scope)
	if err != nil || !slices.Contains(scopes.List()[r.name], sc) {
		m.flash(name+" is not used on "+sanitize.Line(r.scope), true)
		return nil
	}
	shown := sanitize.Line(sc.String())
	return m.ask("Stop using "+name+" on "+shown+"?\nThe next visit there sends no identity unless you choose one again.",
		answer{"y", "stop using it", func() tea.Cmd {
			return func() tea.Msg {
				scopes.Remove(r.name, sc)
				var err error
				if save {
					err = scopes.Save()
				}
				return identityRemovedMsg{key: key, name: r.name, what: "Stopped using " + name + " on " + shown, err: err}
			}
		}})
}

// identityRemoved shows about:identities again, at the same place, once
// a scope or an identity is gone.
func (m *Model) identityRemoved(msg identityRemovedMsg) tea.Cmd {
	if msg.gone {
		st := m.identities()
		st.mu.Lock()
		delete(st.loaded, msg.name)
		st.mu.Unlock()
	}
	if msg.err != nil {
		m.flash(msg.err.Error(), true)
	} else {
		m.flash(msg.what, false)
	}
	t := m.findTab(msg.key.tab)
	if t == nil || t.seq != msg.key.seq {
		return nil
	}
	if t.page != nil && t.page.address == identitiesAddress {
		return m.aboutCmd(t) // read the store again
	}
	return nil
}
