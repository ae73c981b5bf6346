package main

import (
	"bytes"
	"flag"
	"io"
	"strings"
)

// cliSpec is what one command line of propus takes, read from the flag set
// the command itself defines: the man page and the shell completions are
// made from it, so they cannot fall out of step with the flags.
type cliSpec struct {
	name        string // as typed: "propus", "propus fetch", "propus id new"
	summary     string // one line, from the command list ("" for propus)
	synopsis    string // what follows the name in the usage line
	description string
	flags       []*flag.Flag // in lexical order
}

// groups are the commands made of subcommands, by name.
var groups = map[string][]subcommand{
	"id":        idCommands,
	"hosts":     hostsCommands,
	"bookmarks": bookmarksCommands,
	"feeds":     feedsCommands,
}

// flagCollector is the stdout of a command run only to be described:
// parseFlags hands it the command's flag set and stops the command there,
// before it does anything.
type flagCollector struct {
	spec cliSpec
	seen bool
}

// Write discards what a described command prints.
func (c *flagCollector) Write(p []byte) (int, error) { return len(p), nil }

// collect records fs and what its usage function prints.
func (c *flagCollector) collect(fs *flag.FlagSet, usage func()) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	usage()
	text, _, _ := strings.Cut(buf.String(), "\n\nFlags:\n")
	line, desc, _ := strings.Cut(text, "\n\n")
	c.spec = cliSpec{
		name:        commandName(fs),
		synopsis:    strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(line, "Usage: "), commandName(fs))),
		description: desc,
	}
	fs.VisitAll(func(f *flag.Flag) { c.spec.flags = append(c.spec.flags, f) })
	c.seen = true
}

// describe runs a command with args and --help up to its flag parsing,
// and returns what it takes.
func describe(run func(*env, []string) int, summary string, args ...string) cliSpec {
	c := &flagCollector{}
	run(&env{stdin: strings.NewReader(""), stdout: c, stderr: io.Discard, paths: defaultPaths()}, append(args, "--help"))
	if !c.seen {
		panic("propus: a command does not parse its flags with parseFlags: " + strings.Join(args, " "))
	}
	c.spec.summary = summary
	return c.spec
}

// allSpecs describes every command line of propus: the browser's first,
// then each command, and each subcommand of a group.
func allSpecs() []cliSpec {
	specs := []cliSpec{describe(runBrowse, "")}
	for _, c := range commands {
		subs, ok := groups[c.name]
		if !ok {
			specs = append(specs, describe(c.run, c.summary))
			continue
		}
		for _, s := range subs {
			specs = append(specs, describe(c.run, s.summary, s.name))
		}
	}
	return specs
}
