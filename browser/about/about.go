// Package about holds propus's own pages, the about: addresses: one
// handler per page behind one Router. A handler builds its page as
// gemtext from the stores it shows, and answers the links of its page
// that do something (remove a bookmark, forget a pin, …) — only when they
// are followed from that page itself, so that no capsule can lead the
// user into them unawares.
//
// What a page's action changes is reported as a Changed message, which
// the browser shows in the status line before it builds again every page
// of that name that is open.
package about

import (
	"context"
	"errors"
	"net/url"
	"strings"

	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/dialog"
	"propus/browser/feeds"
	"propus/browser/history"
	"propus/client/identity"
	"propus/tofu"
)

// The pages.
const (
	Home       = "about:home"
	Blank      = "about:blank"
	Bookmarks  = "about:bookmarks"
	History    = "about:history"
	Feeds      = "about:feeds"
	Identities = "about:identities"
	KnownHosts = "about:known-hosts"
)

// Env is what the pages show and change. A nil store turns its page's
// feature off.
type Env struct {
	Bookmarks  *bookmarks.Store
	History    *history.Store
	Feeds      *feeds.Store
	Hosts      *tofu.Store
	Identities identity.Store // a zero one (no Dir): identities are off
	Scopes     *identity.Scopes
	// ScopesInMemory: there is no scopes file, changes of Scopes last
	// this run and are not saved.
	ScopesInMemory bool
	// Visited reports whether an address was visited (new feed entries
	// are those not visited nor marked read).
	Visited func(address string) bool
	// Context returns the context of a piece of work (a feed fetch),
	// cancelled when the browser quits.
	Context func() (context.Context, context.CancelFunc)
	// FetchFeed fetches and parses the feed at a URL.
	FetchFeed func(ctx context.Context, u *url.URL) (feeds.Feed, error)
	// Dialogs gives the questions the pages ask their styles and keys.
	Dialogs *dialog.Shared
}

// Changed reports a change made by a page's action, or a refresh: What
// says what (for the status line) or Err why not; every open page called
// Page is built again. Reset says the store was emptied (the history
// cleared): what the browser keeps of it in memory goes too.
type Changed struct {
	Page  string
	What  string
	Err   error
	Reset bool
}

// Action is what a page's link does: ask a Dialog, start a Cmd, say
// Flash (an error when Err), and build the open pages called Rebuild
// again at once (to show the work begun).
type Action struct {
	Dialog  dialog.Dialog
	Cmd     tea.Cmd
	Flash   string
	Err     bool
	Rebuild string
}

// request is an about: address parsed: its page name, lower case, and
// its query as it was typed (names, tags and paths keep their case).
type request struct {
	name  string
	query url.Values
	raw   string // the query, unparsed
}

// parse splits raw, an about: address, into its page and query.
func parse(raw string) request {
	name, query, _ := strings.Cut(strings.TrimSpace(raw), "?")
	q, _ := url.ParseQuery(query)
	return request{name: strings.ToLower(name), query: q, raw: query}
}

// Address is how raw is shown: the page's name in lower case, its query
// as typed.
func Address(raw string) string {
	r := parse(raw)
	if r.raw == "" {
		return r.name
	}
	return r.name + "?" + r.raw
}

// Name returns the page an about: address names, lower case.
func Name(raw string) string { return parse(raw).name }

// handler is one page.
type handler interface {
	// page returns the page's gemtext for r, and a func that builds it
	// anew from what is on disk (the browser runs it in a command), or
	// nil when text is complete.
	page(r request) (text string, fill func() string)
	// acts reports whether r is a link of the page that does something;
	// act does it.
	acts(r request) bool
	act(r request) Action
}

// Router finds the handler of an about: address.
type Router struct {
	env      *Env
	handlers map[string]handler
	feeds    *feedsPage
}

// NewRouter returns the router of every about: page over env.
func NewRouter(env *Env) *Router {
	f := &feedsPage{env: env}
	return &Router{env: env, feeds: f, handlers: map[string]handler{
		Home:       static(homeText),
		Blank:      static(""),
		Bookmarks:  &bookmarksPage{env: env},
		History:    &historyPage{env: env},
		Feeds:      f,
		Identities: &identitiesPage{env: env},
		KnownHosts: &knownHostsPage{env: env},
	}}
}

// Open answers raw, an about: address followed from the page at from:
// the Action of a link that does something, when followed from its own
// page (acts); else the address of the page to show — for a link that
// acts followed from anywhere else, its page without the query.
func (rt *Router) Open(raw, from string) (a Action, show string, acts bool) {
	r := parse(raw)
	if h, ok := rt.handlers[r.name]; ok && len(r.query) > 0 && h.acts(r) {
		if Name(from) != r.name {
			return Action{}, r.name, false
		}
		return h.act(r), "", true
	}
	return Action{}, Address(raw), false
}

// Page returns the gemtext of the page at address, and a func that
// builds it anew from disk (to run in a command), or nil.
func (rt *Router) Page(address string) (text string, fill func() string) {
	r := parse(address)
	h, ok := rt.handlers[r.name]
	if !ok {
		return "# Unknown page\n\npropus has no page called " + r.name + ".\n=> " + Home + " Home\n", nil
	}
	return h.page(r)
}

// Reload reads the stores the pages show again from disk (what another
// propus wrote since shows too), and reports page changed: saying so,
// unless quiet (a page being opened, which always reads them again).
func (rt *Router) Reload(page string, quiet bool) tea.Cmd {
	env := rt.env
	return func() tea.Msg {
		var errs []error
		if env.Bookmarks != nil {
			errs = append(errs, env.Bookmarks.Reload())
		}
		if env.History != nil {
			errs = append(errs, env.History.Reload())
		}
		if env.Feeds != nil {
			errs = append(errs, env.Feeds.Reload())
		}
		what := "Reloaded"
		if quiet {
			what = ""
		}
		return changed(Name(page), what, errors.Join(errs...))
	}
}

// static is a page of fixed text.
type static string

func (s static) page(request) (string, func() string) { return string(s), nil }
func (s static) acts(request) bool                    { return false }
func (s static) act(request) Action                   { return Action{} }

// changed is a Changed message.
func changed(page, what string, err error) Changed {
	return Changed{Page: page, What: what, Err: err}
}

// yes is a question's answer with the Yes key, described by desc.
func (env *Env) yes(desc string, cmd tea.Cmd) dialog.Answer {
	return dialog.Answer{Key: dialog.Bind(env.Dialogs.Keys.Yes, desc), Cmd: cmd}
}

// ask is the Action that asks text, with the Yes answer.
func (env *Env) ask(text, desc string, cmd tea.Cmd) Action {
	return Action{Dialog: dialog.NewQuestion(env.Dialogs, text, nil, env.yes(desc, cmd))}
}
