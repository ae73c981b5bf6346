package main

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"

	"propus/browser"
	"propus/client"
	"propus/tofu"
)

// runBrowse opens the browser on urls (the home page when none).
func runBrowse(e *env, urls []string) int {
	hosts, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		// The pins that parsed still protect; the file is left as it is.
		fmt.Fprintf(e.stderr, "propus: %v\npropus: continuing; new pins are kept for this run only until the file is fixed\n", err)
	}
	opts := browser.Options{
		Client:      &client.Client{},
		Hosts:       hosts,
		DownloadDir: e.paths.downloads,
		NoColor:     os.Getenv("NO_COLOR") != "",
		Openers:     defaultOpeners(),
	}
	m := browser.New(opts, urls...)
	if _, err := tea.NewProgram(m).Run(); err != nil {
		fmt.Fprintf(e.stderr, "propus: %v\n", err)
		return exitFailure
	}
	return exitOK
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
