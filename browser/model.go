package browser

import (
	"context"
	"net/url"
	"os/exec"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"propus/browser/about"
	"propus/browser/bookmarks"
	"propus/browser/dialog"
	"propus/browser/download"
	"propus/browser/feeds"
	"propus/browser/history"
	"propus/browser/keys"
	"propus/browser/load"
	"propus/browser/picture"
	"propus/browser/render"
	"propus/browser/style"
	"propus/browser/tabs"
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
	// Center draws the page in a column of the reading width in the
	// middle of a wider screen, instead of against its left edge.
	Center bool
	// DownloadDir is where downloads are saved.
	DownloadDir string
	// Openers maps a MIME type ("image/png"), a MIME family ("image/*")
	// or a URL scheme ("https") to a command that opens it, e.g.
	// "xdg-open %s".
	Openers download.Openers
	// NoClipboard turns off copying with OSC 52.
	NoClipboard bool
	// NoColor turns colour off (NO_COLOR).
	NoColor bool
	// Theme replaces colours of the built-in styles (an empty one keeps
	// its built-in colour); NoColor wins over it.
	Theme style.Theme
	// Images is how a followed link to an image is shown (config.toml's
	// [images] mode): picture.Auto asks the terminal; picture.Off, or
	// NoColor, offers it for saving like any other file.
	Images picture.Mode

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
	// FeedsRefresh is how often the feeds refresh by themselves, in the
	// background, the first time at start; 0 never.
	FeedsRefresh time.Duration
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
	// Keys replaces the keys of actions named as keys.KeyMap.Override
	// takes them; an unknown action is ignored.
	Keys map[string][]string
	// Width and Height are the terminal's size when known before the
	// program starts, so the first frame is drawn whole rather than after
	// Bubble Tea reports the size; 0 waits for that report.
	Width, Height int
}

// RedirectPolicy says when the browser follows a redirect by itself.
type RedirectPolicy int

// The redirect policies.
const (
	RedirectAuto RedirectPolicy = iota
	RedirectAsk
	RedirectNever
)

// Model is the browser: the root Bubble Tea model. It composes the tabs,
// the page shown, the dialog stack and the status line, and is the only
// place that loads, shows and flashes.
type Model struct {
	opts   Options
	shared *dialog.Shared // styles and keys, for the dialogs too
	help   help.Model

	tabs   []*tabs.Tab
	active int
	nextID int

	width, height int
	loader        *load.Loader
	about         *about.Router
	dialogs       dialog.Stack
	visits        visits

	number   string      // digits typed towards "follow link N"
	gPending *render.Pos // "g" was pressed at this scroll position: maybe gt/gT
	spinner  spinner.Model
	message  string // a word in the status line until the next key
	msgError bool

	pics       pictures // the terminal's pictures: how to draw them, the one in view
	downloads  download.Set
	closed     []*tabs.Tab // the tabs closed, the last last (W reopens)
	ids        idents
	quitAnyway bool              // the session could not be saved, and the user was told
	nextJob    int               // the last Titan upload's ID
	uploading  []upload          // the Titan uploads in flight
	tokens     map[string]string // Titan tokens given this run, by host:port
	// after is the browser's timer, tea.Tick: the 44 countdown and the
	// download progress wait on it, and tests put a fake clock here.
	after func(d time.Duration, msg func(time.Time) tea.Msg) tea.Cmd
	// exec runs a program in the terminal, tea.ExecProcess: the editor of
	// a Titan edit; tests run it here.
	exec func(c *exec.Cmd, done tea.ExecCallback) tea.Cmd
}

// maxClosed is how many closed tabs W can reopen.
const maxClosed = 10

// New returns a browser with one tab per URL (the home page when none).
func New(opts Options, urls ...string) *Model {
	if opts.Home == "" {
		opts.Home = about.Home
	}
	if opts.ReadingWidth <= 0 {
		opts.ReadingWidth = 100
	}
	m := &Model{
		opts:    opts,
		shared:  &dialog.Shared{Keys: keys.With(opts.Keys)},
		help:    help.New(),
		loader:  load.New(opts.Client, opts.Hosts),
		spinner: spinner.New(spinner.WithSpinner(spinner.Dot)),
		after:   tea.Tick,
		exec:    tea.ExecProcess,
		tokens:  map[string]string{},
	}
	m.pics.Detector = picture.NewDetector(opts.Images, getenvFor(opts.NoColor))
	m.ids = idents{store: opts.Identities, scopes: opts.Scopes}
	if m.ids.scopes == nil {
		m.ids.scopes, m.ids.inMemory = &identity.Scopes{}, true
	}
	m.visits.seed(opts.History)
	m.about = about.NewRouter(&about.Env{
		Bookmarks: opts.Bookmarks, History: opts.History, Feeds: opts.Feeds, Hosts: opts.Hosts,
		Identities: opts.Identities, Scopes: m.ids.scopes, ScopesInMemory: m.ids.inMemory,
		Visited: m.visits.has, Context: m.loader.Context, Dialogs: m.shared,
		FetchFeed: func(ctx context.Context, u *url.URL) (feeds.Feed, error) {
			return feeds.Fetch(ctx, m.loader.Checked(), u, opts.MaxRedirects)
		},
	})
	m.restyle(true)
	m.resize(opts.Width, opts.Height)
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
		m.tabs[len(m.tabs)-1].Want = u
	}
	return m
}

// restyle picks the styles for a dark or light background.
func (m *Model) restyle(isDark bool) {
	if m.opts.NoColor {
		m.shared.Styles = style.PlainStyles()
	} else {
		m.shared.Styles = style.ThemedStyles(isDark, m.opts.Theme)
	}
	m.help.Styles = m.shared.Styles.Help
	for _, t := range m.tabs {
		if t.Page != nil {
			t.Page.View.Styles = m.shared.Styles.Page
		}
	}
}

// newTab returns a tab with an ID of its own.
func (m *Model) newTab() *tabs.Tab {
	m.nextID++
	return &tabs.Tab{ID: m.nextID}
}

// Init asks for the terminal's background colour and what pictures it
// draws, and starts the first loads.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.pics.Query()}
	if m.opts.Feeds != nil && m.opts.FeedsRefresh > 0 {
		cmds = append(cmds, dialog.Report(feedsDueMsg{}))
	}
	for _, t := range m.tabs {
		cmds = append(cmds, m.navigate(t, t.Want, false))
		if t.Restore != nil && t.Page != nil && t.Loading == "" {
			// An about: page shows at once: scroll it now.
			t.Page.View.Top = *t.Restore
			t.Restore = nil
		}
	}
	return tea.Batch(cmds...)
}

// tab is the tab in view.
func (m *Model) tab() *tabs.Tab { return m.tabs[m.active] }

// pageHeight is the number of rows the page gets: the screen less the
// tab bar, the status line and the help line.
func (m *Model) pageHeight() int { return max(m.height-3, 1) }

// current returns the tab of a load when the load is still that tab's
// current one, else nil: the one place that tells a stale reply.
func (m *Model) current(k load.Key) *tabs.Tab {
	if t := m.tabByID(k.Tab); t != nil && t.Seq == k.Seq {
		return t
	}
	return nil
}

// flash shows a message in the status line until the next key.
func (m *Model) flash(msg string, isErr bool) {
	m.message, m.msgError = msg, isErr
}

// resize sets the screen's size and fits every tab's page to it.
func (m *Model) resize(width, height int) {
	m.width, m.height = width, height
	m.help.SetWidth(width)
	for _, t := range m.tabs {
		if t.Page != nil {
			t.Page.View.Resize(column(m.width, m.opts.ReadingWidth, m.opts.Center), m.pageHeight())
		}
	}
}
