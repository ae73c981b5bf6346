package main

import (
	"flag"
	"fmt"

	"propus/browser/config"
)

const configHelp = `Prints the effective configuration as TOML — the config file's values over
the defaults, every key with a comment saying what it does and its default —
then the file it is read from and any errors in it (exit 1 if there are any).
Copy the output to that file to start one. Command-line flags of the browser
override the file.`

// runConfig prints the effective config, its path and its errors.
func runConfig(e *env, args []string) int {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.Usage = usageFunc(fs, "", configHelp)
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "propus config: takes no arguments (see propus config --help)\n")
		return exitUsage
	}
	cfg, errs := config.Load(e.paths.config)
	if err := cfg.WriteTOML(e.stdout); err != nil {
		fmt.Fprintf(e.stderr, "propus: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "\n# Read from %s\n", e.paths.config)
	for _, err := range errs {
		fmt.Fprintf(e.stderr, "propus: %v; using the default\n", err)
	}
	if len(errs) > 0 {
		return exitFailure
	}
	return exitOK
}
