package browser

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"propus/browser/bookmarks"
	"propus/browser/feeds"
	"propus/browser/history"
	"propus/browser/render"
	"propus/client"
	"propus/client/identity"
	"propus/tofu"
)

// Options are what the browser runs with; cmd/propus fills them in.
type Options struct {
	// Client makes the requests; its timeouts and size cap are used. Its
	// TrustCertificate is not: certificates are checked against Hosts.
	Client *client.Client
	// Hosts is the known-hosts store (TOFU). Nil trusts every certificate.
	Hosts *tofu.Store
	// Home is the page a new tab opens (default about:home).
	Home string
	// ReadingWidth is the widest text wraps (default 100 columns).
	ReadingWidth int
	// DownloadDir is where downloads are saved.
	DownloadDir string
	// Openers maps a MIME type ("image/png"), a MIME family ("image/*")
	// or a URL scheme ("https") to a command that opens it, e.g.
	// "xdg-open %s".
	Openers map[string]string
	// NoClipboard turns off copying with OSC 52.
	NoClipboard bool
	// NoColor turns colour off (NO_COLOR).
	NoColor bool
	// Theme replaces colours of the built-in styles (an empty one keeps
	// its built-in colour); NoColor wins over it.
	Theme Theme

	// Redirects is the redirect policy: RedirectAuto (default) follows up
	// to MaxRedirects hops within one scheme and host by itself and asks
	// before any other; RedirectAsk asks before every hop; RedirectNever
	// shows the redirect as a page.
	Redirects RedirectPolicy
	// MaxRedirects is the most hops of one redirect chain the browser
	// follows, by itself or when asked; at the next it stops and shows
	// the chain (0: client.MaxRedirects).
	MaxRedirects int
	// SlowDown is the retry policy for 44 SLOW DOWN.
	SlowDown client.Backoff
	// Identities is the store of client certificates; Scopes says where
	// each is used. A zero Identities (no Dir) disables creating them.
	Identities identity.Store
	Scopes     *identity.Scopes
	// Bookmarks is the bookmark store; nil turns bookmarks off.
	Bookmarks *bookmarks.Store
	// Feeds is the store of feed subscriptions (about:feeds); nil turns
	// feeds off.
	Feeds *feeds.Store
	// History is the store of visits (about:history, URL completion);
	// nil turns the recorded history off.
	History *history.Store
	// Session is the file the tabs are saved in at quit; "" turns
	// sessions off.
	Session string
	// RestoreSession opens the tabs saved in Session when New is given no
	// URL.
	RestoreSession bool
	// Notice is said in the status line at start, as an error: a problem
	// with the config or a store file that the user should know of.
	Notice string
	// Keys replaces the keys of actions named as KeyMap.Override takes
	// them; an unknown action is ignored.
	Keys map[string][]string
}

// RedirectPolicy says when the browser follows a redirect by itself.
type RedirectPolicy int

// The redirect policies.
const (
	RedirectAuto RedirectPolicy = iota
	RedirectAsk
	RedirectNever
)

// mode is what the keyboard is talking to.
type mode int

const (
	modeNormal   mode = iota
	modeOpen          // the URL prompt
	modeSearch        // the search prompt
	modeOutline       // the outline of headings
	modeInfo          // page info
	modeHelp          // full help
	modeQuestion      // a question with lettered answers
)

// Model is the browser: the root Bubble Tea model.
type Model struct {
	opts   Options
	keys   KeyMap
	styles Styles
	help   help.Model

	tabs   []*tab
	active int
	nextID int

	width, height int
	sessions      tls.ClientSessionCache
	visited       map[string]bool
	history       []string // addresses visited, oldest first, for completion

	mode     mode
	input    textinput.Model
	number   string  // digits typed towards "follow link N"
	helpTop  int     // the first row of the full help shown (it scrolls)
	gPending *gState // "g" was pressed: maybe gt/gT
	outline  outlineState
	question *question
	spinner  spinner.Model
	message  string // a word in the status line until the next key
	msgError bool
	download *downloadState
	refresh  *feedRefresh // a refresh of the feeds under way
	dialog   dialog       // a modal conversation, if one is open
	idents   *identities  // client certificates loaded and chosen (identity.go)
	// after is the browser's timer, tea.Tick: the 44 countdown and the
	// download progress wait on it, and tests put a fake clock here.
	after func(d time.Duration, msg func(time.Time) tea.Msg) tea.Cmd
}

// gState remembers what "g" did, so that "gt" can undo the jump to the top.
type gState struct{ top render.Pos }

// New returns a browser with one tab per URL (the home page when none).
func New(opts Options, urls ...string) *Model {
	if opts.Client == nil {
		opts.Client = &client.Client{}
	}
	if opts.Home == "" {
		opts.Home = "about:home"
	}
	if opts.ReadingWidth <= 0 {
		opts.ReadingWidth = 100
	}
	m := &Model{
		opts:     opts,
		keys:     keyMapWith(opts.Keys),
		help:     help.New(),
		sessions: tls.NewLRUClientSessionCache(256),
		visited:  map[string]bool{},
		spinner:  spinner.New(spinner.WithSpinner(spinner.Dot)),
		input:    textinput.New(),
		after:    tea.Tick,
	}
	m.setStyles(true)
	m.seedHistory()
	if opts.Notice != "" {
		m.flash(opts.Notice, true)
	}
	if len(urls) == 0 && opts.RestoreSession && opts.Session != "" && m.restoreSession() {
		return m
	}
	if len(urls) == 0 {
		urls = []string{opts.Home}
	}
	for _, u := range urls {
		m.tabs = append(m.tabs, m.newTab())
		m.tabs[len(m.tabs)-1].loading = u
	}
	return m
}

func (m *Model) setStyles(isDark bool) {
	if m.opts.NoColor {
		m.styles = PlainStyles()
	} else {
		m.styles = ThemedStyles(isDark, m.opts.Theme)
	}
	m.help.Styles = m.styles.Help
	for _, t := range m.tabs {
		if t.page != nil {
			t.page.view.Styles = m.styles.Page
		}
	}
}

func (m *Model) newTab() *tab {
	m.nextID++
	return &tab{id: m.nextID}
}

// Init asks for the terminal's background colour and starts the first
// loads.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	for _, t := range m.tabs {
		addr := t.loading
		t.loading = ""
		cmds = append(cmds, m.navigate(t, addr, false))
		if t.restore != nil && t.page != nil && t.loading == "" {
			// An about: page shows at once: scroll it now.
			t.page.view.Top = *t.restore
			t.restore = nil
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) tab() *tab { return m.tabs[m.active] }

// pageHeight is the number of rows the page gets: the screen less the
// tab bar, the status line and the help line.
func (m *Model) pageHeight() int { return max(m.height-3, 1) }

// navigate opens raw (absolute, or relative to the tab's page) in tab t.
// push records the current page in the history first.
func (m *Model) navigate(t *tab, raw string, push bool) tea.Cmd {
	raw = strings.TrimSpace(raw)
	if strings.HasPrefix(strings.ToLower(raw), "about:") {
		if addr, ok := forgetRequest(raw); ok {
			return m.askForget(t, addr)
		}
		if target := bookmarkQuery(raw, "remove"); target != "" {
			return m.askRemove(t, target)
		}
		if target := bookmarkQuery(raw, "edit"); target != "" {
			return m.askEdit(t, target)
		}
		if r, ok := identityRequestOf(raw); ok {
			return m.askRemoveIdentity(t, r)
		}
		if clearRequest(raw) {
			return m.askClearHistory(t)
		}
		if cmd, ok := m.feedsRequest(t, raw); ok {
			return cmd
		}
		if push {
			t.push()
		}
		t.stop()
		m.show(t, aboutPage(strings.ToLower(raw), m))
		return m.aboutCmd(t)
	}
	var u *url.URL
	var err error
	if t.page != nil && t.page.url != nil {
		u, err = client.Resolve(t.page.url, raw)
	} else {
		u, err = client.ParseURL(raw)
	}
	if err != nil {
		m.flash(err.Error(), true)
		return nil
	}
	if !strings.EqualFold(u.Scheme, "gemini") {
		return m.askExternal(u.String())
	}
	if push {
		t.push()
	}
	return m.load(t, u)
}

// load starts loading u in tab t; the page shown stays until the header
// arrives.
func (m *Model) load(t *tab, u *url.URL) tea.Cmd {
	t.stop()
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.loading = t.shown(u)
	key := loadKey{tab: t.id, seq: t.seq}
	return tea.Batch(m.fetchCmd(ctx, key, u), m.spinner.Tick)
}

// show puts p on tab t, sized and styled.
func (m *Model) show(t *tab, p *page) {
	p.view.Styles = m.styles.Page
	p.view.ReadingWidth = m.opts.ReadingWidth
	p.view.Visited = func(link string) bool { return m.visited[m.absolute(p, link)] }
	p.view.External = func(link string) bool {
		s := schemeOf(link)
		return s != "" && s != "gemini" && s != "about" // about: pages are propus's own
	}
	p.view.Resize(m.width, m.pageHeight())
	if t.hides(p.url) {
		p.hideQuery()
	}
	t.page = p
}

// absolute resolves a link of page p to the URL it names.
func (m *Model) absolute(p *page, link string) string {
	if p.url == nil {
		return link
	}
	u, err := client.Resolve(p.url, link)
	if err != nil {
		return link
	}
	return u.String()
}

// remember records a visit for the visited marks and URL completion.
func (m *Model) remember(addr string) {
	m.visited[addr] = true
	for i, h := range m.history {
		if h == addr {
			m.history = append(m.history[:i], m.history[i+1:]...)
			break
		}
	}
	m.history = append(m.history, addr)
}

// flash shows a message in the status line until the next key.
func (m *Model) flash(msg string, isErr bool) {
	m.message, m.msgError = msg, isErr
}

func (m *Model) findTab(id int) *tab {
	for _, t := range m.tabs {
		if t.id == id {
			return t
		}
	}
	return nil
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
