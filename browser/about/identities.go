package about

import (
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"propus/browser/sanitize"
	"propus/client/identity"
)

// identitiesPage is about:identities: the identities and where each is
// sent, with links that stop sending one somewhere
// (?name=NAME&unscope=SCOPE) or delete it (?delete=NAME). Its content is
// on disk: the page is filled in a command.
type identitiesPage struct{ env *Env }

func (h *identitiesPage) page(request) (string, func() string) {
	env := h.env
	if env.Identities.Dir == "" {
		return identitiesText(env, nil, nil), nil
	}
	store := env.Identities
	return "# Identities\n\nReading your identities…\n", func() string {
		ids, err := store.List()
		return identitiesText(env, ids, err)
	}
}

// identitiesText is the gemtext of about:identities, listing ids (err:
// what went wrong reading them).
func identitiesText(env *Env, ids []*identity.Identity, err error) string {
	var b strings.Builder
	b.WriteString("# Identities\n\nAn identity is a client certificate: a capsule that asks for one (status 60) " +
		"knows you by it. Each is sent only where its scopes say.\n\n")
	store := env.Identities
	if store.Dir == "" {
		b.WriteString("Identities are off in this run: there is no identity directory.\n")
		return b.String()
	}
	b.WriteString("They are kept in " + sanitize.Line(store.Dir) + ".\n")
	if err != nil {
		b.WriteString("> " + sanitize.Line(err.Error()) + "\n")
	}
	scopes := env.Scopes.List()
	switch len(ids) {
	case 0:
		b.WriteString("\nThere is no identity yet: one is made when a capsule asks for it.\n")
	case 1:
		b.WriteString("\nOne identity.\n")
	default:
		b.WriteString("\n" + strconv.Itoa(len(ids)) + " identities.\n")
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
			b.WriteString("=> " + Identities + "?" + url.Values{"name": {id.Name}, "unscope": {s}}.Encode() +
				" Stop using " + name + " on " + sanitize.Line(s) + "\n")
		}
		b.WriteString("=> " + Identities + "?" + url.Values{"delete": {id.Name}}.Encode() + " Delete " + name + "\n")
	}
	return b.String()
}

func (h *identitiesPage) acts(r request) bool {
	return r.query.Get("delete") != "" || r.query.Get("name") != "" && r.query.Get("unscope") != ""
}

// act asks before deleting an identity or a scope of one.
func (h *identitiesPage) act(r request) Action {
	env := h.env
	store, scopes, save := env.Identities, env.Scopes, !env.ScopesInMemory
	if store.Dir == "" {
		return Action{Flash: "Identities are off in this run", Err: true}
	}
	if raw := r.query.Get("delete"); raw != "" {
		name := sanitize.Line(raw)
		return env.ask("Delete the identity "+name+"?\nIts certificate and key are removed for good: "+
			"capsules that know you by it will not again.", "delete "+name, func() tea.Msg {
			err := store.Remove(raw)
			if err == nil || errors.Is(err, identity.ErrNotFound) {
				scopes.RemoveAll(raw)
				if save {
					err = errors.Join(err, scopes.Save())
				}
			}
			return changed(Identities, "Deleted the identity "+name, err)
		})
	}
	raw, name := r.query.Get("name"), sanitize.Line(r.query.Get("name"))
	sc, err := identity.ParseScope(r.query.Get("unscope"))
	if err != nil || !slices.Contains(scopes.List()[raw], sc) {
		return Action{Flash: name + " is not used on " + sanitize.Line(r.query.Get("unscope")), Err: true}
	}
	shown := sanitize.Line(sc.String())
	return env.ask("Stop using "+name+" on "+shown+"?\nThe next visit there sends no identity unless you choose one again.",
		"stop using it", func() tea.Msg {
			scopes.Remove(raw, sc)
			var err error
			if save {
				err = scopes.Save()
			}
			return changed(Identities, "Stopped using "+name+" on "+shown, err)
		})
}
