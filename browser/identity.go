package browser

import (
	"crypto/tls"
	"fmt"
	"net/url"

	tea "charm.land/bubbletea/v2"

	"propus/browser/dialog"
	"propus/client/identity"
)

// idents is what the browser holds of client certificates between
// requests: where each identity is sent, and the one chosen for one
// request only.
type idents struct {
	store    identity.Store
	scopes   *identity.Scopes
	inMemory bool     // there is no scopes file: choices last this run
	once     *oneShot // an identity chosen for one request only
}

// oneShot is an identity chosen "this time only": it goes with the next
// request, when that request is for url, and never again.
type oneShot struct {
	url  string
	name string
}

// scopesSavedMsg: the scopes file was written, or err says why not.
type scopesSavedMsg struct{ err error }

// forURL returns what loads the identity to present for u (in the fetch
// command): the one chosen for this request only, else the one whose
// scope covers u; nil for none. An identity never goes outside its
// scopes.
func (ids *idents) forURL(u *url.URL) func() (string, *tls.Certificate, error) {
	name := ""
	if o := ids.once; o != nil && o.url == u.String() {
		name = o.name
	} else if n, ok := ids.scopes.For(u); ok {
		name = n
	}
	ids.once = nil
	store := ids.store
	if name == "" || store.Dir == "" {
		return nil
	}
	return func() (string, *tls.Certificate, error) {
		id, err := store.Get(name)
		if err != nil {
			return "", nil, fmt.Errorf("identity %s not sent: %w", name, err)
		}
		return id.Name, &id.Certificate, nil
	}
}

// chosen remembers where the identity chosen in the dialog for u is
// sent; the command saves the scopes file.
func (ids *idents) chosen(u *url.URL, c dialog.IdentityChosen) (tea.Cmd, error) {
	if c.Use == dialog.UseOnce {
		ids.once = &oneShot{url: u.String(), name: c.Identity.Name}
		return nil, nil
	}
	scopes := ids.scopes
	if err := scopes.Add(c.Identity.Name, c.Scope); err != nil {
		return nil, err
	}
	if ids.inMemory {
		return nil, nil
	}
	return func() tea.Msg { return scopesSavedMsg{scopes.Save()} }, nil
}
