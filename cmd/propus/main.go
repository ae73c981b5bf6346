// Command propus is a terminal browser for the Gemini protocol, with a
// bundled Gemini server. Run `propus --help` for its commands.
package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand of propus.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) int
}

// env is what a command runs with: its streams and the paths on disk.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	paths          paths
	notice         string // said in the browser's status line at start (the demo's port)
}

var commands = []command{
	{"fetch", "fetch one URL without a UI and print its body", runFetch},
	{"put", "upload a file with Titan, or delete one", runPut},
	{"serve", "serve a directory over Gemini (jetforce's flags)", runServe},
	{"demo", "serve a demo capsule offline and open the browser on it", runDemo},
	{"id", "manage identities (client certificates)", runID},
	{"hosts", "list or forget known hosts", runHosts},
	{"bookmarks", "import, export or list bookmarks", runBookmarks},
	{"feeds", "subscribe to feeds, refresh them, print what is new", runFeeds},
	{"gateway", "serve Port of Call's HTTP API and Gemini as HTML, safe by default", runGateway},
	{"config", "print the effective config and where it is read from", runConfig},
}

const usage = `propus — a terminal browser for the Gemini protocol

Usage:
  propus [flags] [URL...]   browse (a tab per URL; no URL: the home page)
                            --reading-width N   widest text wraps (default 100)
                            --no-clipboard      never write the clipboard
                            --redirects auto|ask|never   when to follow redirects
                            --no-restore        do not reopen the last run's tabs
  propus COMMAND [flags]    run a command

Commands:
%s
Flags:
  -h, --help     show this help (propus COMMAND --help for a command's)
  -v, --version  print the version

Files: known hosts in %s
`

// The commands that describe the others are added here: listed in
// commands itself, they would make its initialisation refer to itself.
func init() {
	commands = append(commands,
		command{"man", "print the manual page (roff), made from the commands' flags", runMan},
		command{"completion", "print a bash, zsh or fish completion script", runCompletion})
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, paths: defaultPaths()}
	if len(args) == 0 {
		return runBrowse(e, nil)
	}
	switch args[0] {
	case "-h", "--help", "help":
		var list string
		for _, c := range commands {
			list += fmt.Sprintf("  %-10s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(stdout, usage, list, e.paths.knownHosts)
		return 0
	case "-v", "--version", "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	return runBrowse(e, args)
}

func versionString() string {
	v := "propus " + version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// lookPath is exec.LookPath, a variable for tests.
var lookPath = exec.LookPath
