package main

import (
	"context"
	"flag"
	"fmt"
	"sync"
	"text/tabwriter"
	"time"

	"propus/browser/config"
	"propus/browser/feeds"
	"propus/browser/history"
	"propus/browser/sanitize"
	"propus/client"
	"propus/tofu"
)

var feedsCommands = []subcommand{
	{"list", "list the subscriptions", runFeedsList},
	{"add", "subscribe to a gemlog or an Atom or RSS feed", runFeedsAdd},
	{"rm", "unsubscribe", runFeedsRm},
	{"refresh", "fetch every feed and record its new entries", runFeedsRefresh},
	{"new", "print the entries not read yet", runFeedsNew},
}

func runFeeds(e *env, args []string) int {
	return runGroup(e, "feeds", "Manages feed subscriptions (about:feeds in the browser), kept in\n"+e.paths.feeds+".", feedsCommands, args)
}

// openFeeds opens the store, printing the error if its file is broken.
func openFeeds(e *env, fs *flag.FlagSet) (*feeds.Store, bool) {
	store, err := feeds.Open(e.paths.feeds)
	if err != nil {
		failf(e, fs, "%v%s", err, brokenFile)
		return nil, false
	}
	return store, true
}

// feedFetcher returns what fetches a feed as the browser does: the
// config's timeouts, size cap and redirect limit, certificates checked
// against the known hosts (a new pin or a changed certificate said on
// stderr), no identity.
func feedFetcher(e *env, fs *flag.FlagSet) (func(context.Context, string) (feeds.Feed, error), bool) {
	cfg, errs := config.Load(e.paths.config)
	for _, err := range errs {
		fmt.Fprintf(e.stderr, "%s: %v; using the default\n", commandName(fs), err)
	}
	hosts, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		failf(e, fs, "%v%s", err, brokenFile)
		return nil, false
	}
	c := optionsFromConfig(cfg, e.paths).Client
	c.TrustCertificate = trustNotice(hosts, e.stderr)
	return func(ctx context.Context, raw string) (feeds.Feed, error) {
		u, err := client.ParseURL(raw)
		if err != nil {
			return feeds.Feed{}, err
		}
		return feeds.Fetch(ctx, c, u, cfg.Redirects.Max)
	}, true
}

func runFeedsList(e *env, args []string) int {
	fs := subFlags("feeds", "list", "", "Lists the subscriptions: title, URL, entries kept, and when each was last\nrefreshed or why it failed.")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	store, ok := openFeeds(e, fs)
	if !ok {
		return exitFailure
	}
	subs := store.Subscriptions()
	if len(subs) == 0 {
		fmt.Fprintln(e.stdout, "No subscriptions.")
		return exitOK
	}
	count := map[string]int{}
	for _, en := range feeds.Unique(store.Entries()) {
		count[en.Feed]++
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TITLE\tURL\tENTRIES\tREFRESHED")
	for _, s := range subs {
		state := "never"
		switch {
		case s.Error != "":
			state = "failed: " + s.Error
		case !s.Checked.IsZero():
			state = s.Checked.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", sanitize.Line(s.Title), sanitize.Line(s.URL), count[s.URL], sanitize.Line(state))
	}
	tw.Flush()
	return exitOK
}

func runFeedsAdd(e *env, args []string) int {
	fs := subFlags("feeds", "add", "URL", "Fetches URL and subscribes to it if it is a feed: a gemlog (links whose label\nstarts with a date) or an Atom or RSS feed. Subscribing again updates the title.")
	pos, code, ok := parseSub(e, fs, args, "URL")
	if !ok {
		return code
	}
	u, err := client.ParseURL(pos[0])
	if err != nil {
		return usagef(e, fs, "%v", err)
	}
	store, ok := openFeeds(e, fs)
	if !ok {
		return exitFailure
	}
	fetch, ok := feedFetcher(e, fs)
	if !ok {
		return exitFailure
	}
	addr := u.String()
	f, err := fetch(context.Background(), addr)
	if err != nil {
		return failf(e, fs, "not subscribed: %v", err)
	}
	title := f.Title
	if title == "" {
		title = addr
	}
	if err := store.Subscribe(addr, title); err != nil {
		return failf(e, fs, "%v", err)
	}
	added, err := store.Refreshed(addr, f, nil)
	if err != nil {
		return failf(e, fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "Subscribed to %s (%s): %s, %d new\n", sanitize.Line(title), sanitize.Line(addr), count(len(f.Entries), "entry", "entries"), added)
	return exitOK
}

func runFeedsRm(e *env, args []string) int {
	fs := subFlags("feeds", "rm", "URL", "Unsubscribes from URL; its entries are forgotten.")
	pos, code, ok := parseSub(e, fs, args, "URL")
	if !ok {
		return code
	}
	store, ok := openFeeds(e, fs)
	if !ok {
		return exitFailure
	}
	addr := pos[0]
	if u, err := client.ParseURL(addr); err == nil {
		if _, ok := store.Find(u.String()); ok {
			addr = u.String() // as subscribed: normalised
		}
	}
	if err := store.Unsubscribe(addr); err != nil {
		return failf(e, fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "Unsubscribed from %s\n", sanitize.Line(addr))
	return exitOK
}

func runFeedsRefresh(e *env, args []string) int {
	fs := subFlags("feeds", "refresh", "", "Fetches every subscribed feed, four at a time, and records the new entries.\nExits 1 if any feed failed (each failure is said, and kept for about:feeds).")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	store, ok := openFeeds(e, fs)
	if !ok {
		return exitFailure
	}
	fetch, ok := feedFetcher(e, fs)
	if !ok {
		return exitFailure
	}
	subs := store.Subscriptions()
	type result struct {
		added int
		err   error
	}
	results := make([]result, len(subs))
	slots := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, s := range subs {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			f, err := fetch(context.Background(), s.URL)
			added, serr := store.Refreshed(s.URL, f, err)
			if err == nil {
				err = serr
			}
			results[i] = result{added, err}
		})
	}
	wg.Wait()
	failed, total := 0, 0
	for i, s := range subs {
		r := results[i]
		if r.err != nil {
			failed++
			fmt.Fprintf(e.stderr, "%s: %s: %s\n", commandName(fs), sanitize.Line(s.URL), sanitize.Line(r.err.Error()))
			continue
		}
		total += r.added
		fmt.Fprintf(e.stdout, "%s: %d new\n", sanitize.Line(s.Title), r.added)
	}
	fmt.Fprintf(e.stdout, "%s refreshed, %s, %d failed\n", count(len(subs)-failed, "feed", "feeds"), count(total, "new entry", "new entries"), failed)
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

func runFeedsNew(e *env, args []string) int {
	fs := subFlags("feeds", "new", "[--all] [--mark-read]", "Prints the entries not read yet (neither marked read nor in your history),\nnewest first: date, feed, title and URL.")
	all := fs.Bool("all", false, "print every entry kept, read or not")
	markRead := fs.Bool("mark-read", false, "then mark every entry read")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	store, ok := openFeeds(e, fs)
	if !ok {
		return exitFailure
	}
	visited := map[string]bool{}
	if hs, err := history.Open(e.paths.history); err == nil {
		for _, v := range hs.List() {
			visited[v.URL] = true
		}
	}
	titles := map[string]string{}
	for _, s := range store.Subscriptions() {
		titles[s.URL] = s.Title
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	n := 0
	for _, en := range feeds.Unique(store.Entries()) {
		if !*all && (en.Read || visited[en.URL]) {
			continue
		}
		day := "-"
		if !en.Published.IsZero() {
			day = en.Published.UTC().Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", day, sanitize.Line(titles[en.Feed]), sanitize.Line(en.Title), sanitize.Line(en.URL))
		n++
	}
	tw.Flush()
	if n == 0 {
		fmt.Fprintln(e.stdout, "Nothing new.")
	}
	if *markRead {
		if err := store.MarkAllRead(); err != nil {
			return failf(e, fs, "%v", err)
		}
	}
	return exitOK
}
