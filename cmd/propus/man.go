package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

const manHelp = `Prints the manual page, propus(1), in roff: made from the flags the
commands define, so it is always true. To read it: propus man | man -l -
To install it: propus man > ~/.local/share/man/man1/propus.1`

func runMan(e *env, args []string) int {
	fs := flag.NewFlagSet("man", flag.ContinueOnError)
	fs.Usage = usageFunc(fs, "", manHelp)
	if _, code, ok := parseSub(e, fs, args); !ok {
		return code
	}
	writeMan(e.stdout, allSpecs())
	return exitOK
}

// writeMan writes the man page of the command lines specs, the browser's
// first.
func writeMan(w io.Writer, specs []cliSpec) {
	fmt.Fprintf(w, ".TH PROPUS 1 \"\" \"%s\" \"User Commands\"\n", roff(versionString()))
	fmt.Fprint(w, ".SH NAME\npropus \\- a terminal browser for the Gemini protocol, with a bundled server\n")
	fmt.Fprint(w, ".SH SYNOPSIS\n.B propus\n[\\fIflags\\fR] [\\fIURL\\fR...]\n.br\n.B propus\n\\fICOMMAND\\fR [\\fIflags\\fR] [\\fIARGS\\fR]\n")
	fmt.Fprintf(w, ".SH DESCRIPTION\n%s\n", roffText(specs[0].description))
	fmt.Fprint(w, ".SH OPTIONS\n")
	writeManFlags(w, specs[0].flags)
	fmt.Fprint(w, ".SH COMMANDS\n")
	for _, s := range specs[1:] {
		fmt.Fprintf(w, ".SS \"%s %s\"\n", roff(s.name), roff(s.synopsis))
		if s.summary != "" {
			fmt.Fprintf(w, "%s.\n.PP\n", roffText(strings.ToUpper(s.summary[:1])+s.summary[1:]))
		}
		fmt.Fprintf(w, "%s\n", roffText(s.description))
		writeManFlags(w, s.flags)
	}
	fmt.Fprint(w, `.SH ENVIRONMENT
.TP
.B NO_COLOR
when set and not empty, the browser draws no colour and no other SGR attribute
.TP
.B XDG_CONFIG_HOME
the configuration, propus/config.toml under it (default ~/.config)
.TP
.B XDG_DATA_HOME
known hosts, identities, bookmarks, history, feeds and the session, under propus/ (default ~/.local/share)
.SH FILES
.TP
.I $XDG_CONFIG_HOME/propus/config.toml
the configuration; propus config prints it
.TP
.I $XDG_DATA_HOME/propus/known_hosts
the pinned server certificates (trust on first use)
.TP
.I $XDG_DATA_HOME/propus/identities/
client certificates and their scopes
.TP
.I $XDG_DATA_HOME/propus/bookmarks.xml
bookmarks, in XBEL
.SH EXIT STATUS
0 on success, 1 when a command fails (a broken file on disk, for one), 2 on a usage error,
7 on a network or protocol error, 8 when a server's certificate changed before the pinned one expired.
.SH SEE ALSO
.UR https://geminiprotocol.net/
The Gemini protocol
.UE
`)
}

// writeManFlags writes flags as a tagged list.
func writeManFlags(w io.Writer, flags []*flag.Flag) {
	for _, f := range flags {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, ".TP\n\\fB%s\\fR", roff(dashed(f.Name)))
		if arg != "" {
			fmt.Fprintf(w, " \\fI%s\\fR", roff(arg))
		}
		fmt.Fprintf(w, "\n%s", roffText(usage))
		if d := f.DefValue; d != "" && d != "false" && d != "0" {
			fmt.Fprintf(w, " (default %s)", roff(d))
		}
		fmt.Fprint(w, "\n")
	}
}

// roff escapes s for use inside a roff line; the result is ASCII, with
// other characters as \[uXXXX].
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, `-`, `\-`, `"`, `\(dq`).Replace(s)
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, `\[u%04X]`, r)
		}
	}
	return b.String()
}

// roffText escapes s as running text: no line may start with a control
// character: a period or an apostrophe.
func roffText(s string) string {
	lines := strings.Split(roff(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
