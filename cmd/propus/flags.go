package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseFlags parses args with fs, allowing flags after positional
// arguments. Every command gets --version. It prints help to stdout for
// -h/--help, the version for --version, and returns done=true with the
// exit code to use when the command should stop. A command run by
// describe stops here, its flag set recorded.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (pos []string, done bool, code int) {
	showVersion := fs.Bool("version", false, "print the version")
	fs.SetOutput(stderr)
	// The flag package prints the usage itself on -help and on a bad flag;
	// it is printed here instead: once, on stdout, for -help, and not at
	// all after a bad flag, whose error names --help.
	usage := fs.Usage
	if c, ok := stdout.(*flagCollector); ok {
		c.collect(fs, usage)
		return nil, true, exitOK
	}
	fs.Usage = func() {}
	defer func() {
		if !done && *showVersion {
			fmt.Fprintln(stdout, versionString())
			done, code = true, exitOK
		}
	}()
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			usage()
			return nil, true, exitOK
		}
		if err != nil {
			fmt.Fprintf(stderr, "(see %s --help)\n", commandName(fs))
			return nil, true, exitUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, false, 0
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// usageFunc prints a command's usage line, description and flags.
func usageFunc(fs *flag.FlagSet, synopsis, description string) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: %s %s\n\n%s\n\nFlags:\n", commandName(fs), synopsis, description)
		fs.PrintDefaults()
	}
}

// commandName is how a command is typed: "propus fetch", or "propus" for
// the browser's own flags.
func commandName(fs *flag.FlagSet) string {
	if fs.Name() == "propus" {
		return "propus"
	}
	return "propus " + fs.Name()
}
