package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-runewidth"

	"propus/browser"
	"propus/browser/bookmarks"
	"propus/browser/config"
	"propus/browser/feeds"
	"propus/browser/history"
	"propus/client"
	"propus/client/identity"
	"propus/tofu"
)

const browseHelp = `Opens the browser, a tab per URL (no URL: the home page). Keys: ? in the
browser, or README.md. NO_COLOR=1 turns colour off.`

// runBrowse opens the browser with the flags and URLs in args.
func runBrowse(e *env, args []string) int { return browse(e, args, "") }

// browse opens the browser with the flags and URLs in args; home, if not
// "", is the home page instead of the config's (the demo's capsule).
func browse(e *env, args []string, home string) int {
	// Problems with the files are said on stderr, which the browser's
	// screen hides until it quits, and the first in the status line.
	var problems []string
	warn := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		fmt.Fprintln(e.stderr, "propus: "+msg)
		problems = append(problems, msg)
	}
	// Bubble Tea measures the first frame's characters with go-runewidth,
	// whose table for characters above U+02FF takes some milliseconds to
	// build: build it now, on another core, while the files are read and
	// Bubble Tea waits for its first tick.
	go runewidth.RuneWidth('—')
	cfg, cfgErrs := config.Load(e.paths.config)
	for _, err := range cfgErrs {
		warn("%v; using the default", err)
	}
	if home != "" {
		cfg.Home = home
	}
	fs := flag.NewFlagSet("propus", flag.ContinueOnError)
	width := fs.Int("reading-width", 100, "widest a line of text wraps at, in `columns`")
	noClipboard := fs.Bool("no-clipboard", false, "never write the clipboard (y then only shows the URL)")
	redirects := fs.String("redirects", "auto", "redirect policy: `auto` (follow up to [redirects] max hops, 5 by default, on the same host, ask before another host), ask (ask before every hop) or never (show the redirect)")
	noRestore := fs.Bool("no-restore", false, "do not reopen the tabs of the last run (the config's restore_session)")
	fs.Usage = usageFunc(fs, "[flags] [URL...]", browseHelp)
	urls, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}
	// A flag given on the command line overrides the config file.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "reading-width":
			cfg.ReadingWidth = *width
		case "no-clipboard":
			cfg.ClipboardWrites = !*noClipboard
		case "redirects":
			cfg.Redirects.Policy = *redirects
		case "no-restore":
			cfg.RestoreSession = !*noRestore
		}
	})
	policy, ok := map[string]browser.RedirectPolicy{"auto": browser.RedirectAuto, "ask": browser.RedirectAsk, "never": browser.RedirectNever}[cfg.Redirects.Policy]
	if !ok {
		fmt.Fprintf(e.stderr, "propus: --redirects must be auto, ask or never (not %q)\n", *redirects)
		return exitUsage
	}
	if cfg.ReadingWidth < 20 {
		fmt.Fprintln(e.stderr, "propus: --reading-width must be at least 20")
		return exitUsage
	}
	hosts, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		// The pins that parsed still protect; the file is left as it is.
		warn("%v; new pins are kept for this run only until the file is fixed", err)
	}
	scopes, err := identity.LoadScopes(e.paths.scopes)
	if err != nil {
		// Left as it is: the browser keeps scope choices in memory.
		warn("%v; where you choose to use identities is kept for this run only until the file is fixed", err)
	}
	marks, err := bookmarks.Open(e.paths.bookmarks)
	if err != nil {
		// The store refuses writes, so the broken file is never overwritten.
		warn("%v; bookmarks are not saved until the file is fixed", err)
	}
	visits, err := history.Open(e.paths.history)
	if err != nil {
		warn("%v; visits are not recorded until the file is fixed", err)
	}
	subs, err := feeds.Open(e.paths.feeds)
	if err != nil {
		warn("%v; feeds are not saved until the file is fixed", err)
	}
	opts := optionsFromConfig(cfg, e.paths)
	opts.Hosts = hosts
	opts.NoColor = os.Getenv("NO_COLOR") != ""
	opts.Redirects = policy
	opts.Bookmarks = marks
	opts.History = visits
	opts.Feeds = subs
	opts.Identities = identity.Store{Dir: e.paths.identities}
	opts.Scopes = scopes
	if e.notice != "" {
		problems = append([]string{e.notice}, problems...)
	}
	if len(problems) > 0 {
		opts.Notice = problems[0]
		if n := len(problems) - 1; n > 0 {
			opts.Notice += fmt.Sprintf(" (and %d more, shown when propus quits)", n)
		}
	}
	// The size is known now, so the first frame holds the page.
	if w, h, err := term.GetSize(os.Stdout.Fd()); err == nil {
		opts.Width, opts.Height = w, h
	}
	m := browser.New(opts, urls...)
	// lipgloss detected the colour profile when it loaded (under tmux that
	// runs tmux info): Bubble Tea takes it rather than detect it again.
	if _, err := tea.NewProgram(m, tea.WithColorProfile(lipgloss.Writer.Profile), tea.WithFPS(120)).Run(); err != nil {
		fmt.Fprintf(e.stderr, "propus: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// optionsFromConfig is the part of the browser's options the config
// file sets (its redirect policy is checked by the caller).
func optionsFromConfig(cfg config.Config, p paths) browser.Options {
	maxSize := cfg.MaxSize
	if maxSize == 0 {
		maxSize = -1 // the config's "no cap"
	}
	openers := defaultOpeners()
	if openers == nil {
		openers = map[string]string{}
	}
	maps.Copy(openers, cfg.Openers)
	dir := cfg.DownloadDir
	if dir == "" {
		dir = p.downloads
	}
	return browser.Options{
		Client: &client.Client{
			DialTimeout:      cfg.Timeouts.Connect,
			HandshakeTimeout: cfg.Timeouts.Handshake,
			HeaderTimeout:    cfg.Timeouts.Header,
			IdleTimeout:      cfg.Timeouts.Idle,
			MaxSize:          maxSize,
		},
		Home:         cfg.Home,
		ReadingWidth: cfg.ReadingWidth,
		Center:       cfg.Align == "center",
		DownloadDir:  dir,
		Openers:      openers,
		NoClipboard:  !cfg.ClipboardWrites,
		SlowDown:     client.Backoff{MaxDelay: cfg.SlowDown.MaxDelay, Retries: cfg.SlowDown.Retries},
		FeedsRefresh: time.Duration(cfg.FeedsRefresh) * time.Minute,
		MaxRedirects: cfg.Redirects.Max,
		Keys:         cfg.Keys,
		Theme:        cfg.Theme,  // NO_COLOR, set by the caller, wins over it
		Images:       cfg.Images, // and over this
		// The session is saved at every quit; it is reopened when the
		// config says so and no URL is given.
		Session:        p.session,
		RestoreSession: cfg.RestoreSession,
	}
}

// defaultOpeners hands web links and non-text files to xdg-open (or
// open on macOS) when it is installed.
func defaultOpeners() map[string]string {
	for _, prog := range []string{"xdg-open", "open"} {
		if path, err := lookPath(prog); err == nil {
			return map[string]string{"http": path, "https": path, "mailto": path, "*/*": path}
		}
	}
	return nil
}
