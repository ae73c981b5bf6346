package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

const completionHelp = `Prints a completion script for SHELL (bash, zsh or fish), made from the
commands and flags propus defines. To use it:
  bash: source <(propus completion bash)          (e.g. in ~/.bashrc)
  zsh:  propus completion zsh > "${fpath[1]}/_propus"
  fish: propus completion fish > ~/.config/fish/completions/propus.fish`

// completionWriters write the script of each shell.
var completionWriters = map[string]func(io.Writer, []cliSpec){
	"bash": writeBashCompletion,
	"zsh":  writeZshCompletion,
	"fish": writeFishCompletion,
}

func runCompletion(e *env, args []string) int {
	fs := flag.NewFlagSet("completion", flag.ContinueOnError)
	fs.Usage = usageFunc(fs, "bash|zsh|fish", completionHelp)
	pos, code, ok := parseSub(e, fs, args, "SHELL")
	if !ok {
		return code
	}
	write, ok := completionWriters[pos[0]]
	if !ok {
		return usagef(e, fs, "unknown shell %q: use bash, zsh or fish", pos[0])
	}
	write(e.stdout, allSpecs())
	return exitOK
}

// completionWords maps what has been typed after "propus" (a command, or a
// group and its subcommand, space-separated; "" for nothing) to the words
// that may come next: subcommands, or flags as --name.
func completionWords(specs []cliSpec) map[string][]string {
	words := map[string][]string{}
	for _, s := range specs {
		key := strings.TrimPrefix(strings.TrimPrefix(s.name, "propus"), " ")
		for _, f := range s.flags {
			words[key] = append(words[key], dashed(f.Name))
		}
	}
	for _, c := range commands {
		words[""] = append(words[""], c.name)
		for _, sub := range groups[c.name] {
			words[c.name] = append(words[c.name], sub.name)
		}
	}
	return words
}

// dashed returns how flag name is typed: "-o" for one letter, else
// "--name".
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func writeBashCompletion(w io.Writer, specs []cliSpec) {
	words := completionWords(specs)
	fmt.Fprintf(w, `# bash completion for propus (propus completion bash)
_propus() {
	local cur="${COMP_WORDS[COMP_CWORD]}" key=""
	if ((COMP_CWORD > 1)); then
		key="${COMP_WORDS[1]}"
		case "$key" in
		%s)
			if ((COMP_CWORD > 2)); then key="$key ${COMP_WORDS[2]}"; fi ;;
		esac
	fi
	local words=""
	case "$key" in
`, strings.Join(slices.Sorted(maps.Keys(groups)), "|"))
	for _, k := range slices.Sorted(maps.Keys(words)) {
		fmt.Fprintf(w, "\t%q) words=%q ;;\n", k, strings.Join(words[k], " "))
	}
	fmt.Fprint(w, `	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _propus propus
`)
}

func writeZshCompletion(w io.Writer, specs []cliSpec) {
	words := completionWords(specs)
	fmt.Fprintf(w, `#compdef propus
# zsh completion for propus (propus completion zsh)
_propus() {
	local key=""
	if (( CURRENT > 2 )); then
		key="${words[2]}"
		case "$key" in
		(%s)
			if (( CURRENT > 3 )); then key="$key ${words[3]}"; fi ;;
		esac
	fi
	local -a next
	case "$key" in
`, strings.Join(slices.Sorted(maps.Keys(groups)), "|"))
	for _, k := range slices.Sorted(maps.Keys(words)) {
		fmt.Fprintf(w, "\t(%q) next=(%s) ;;\n", k, strings.Join(words[k], " "))
	}
	fmt.Fprint(w, `	esac
	compadd -a next
	_files
}
if [ "$funcstack[1]" = "_propus" ]; then
	_propus "$@"
else
	compdef _propus propus
fi
`)
}

func writeFishCompletion(w io.Writer, specs []cliSpec) {
	fmt.Fprint(w, "# fish completion for propus (propus completion fish)\ncomplete -c propus -e\n")
	var top []string
	for _, c := range commands {
		top = append(top, c.name)
	}
	for _, c := range commands {
		fmt.Fprintf(w, "complete -c propus -n '__fish_use_subcommand' -a %s -d %s\n", c.name, fishQuote(c.summary))
		var subs []string
		for _, s := range groups[c.name] {
			subs = append(subs, s.name)
		}
		for _, s := range groups[c.name] {
			fmt.Fprintf(w, "complete -c propus -n '__fish_seen_subcommand_from %s; and not __fish_seen_subcommand_from %s' -a %s -d %s\n",
				c.name, strings.Join(subs, " "), s.name, fishQuote(s.summary))
		}
	}
	for _, s := range specs {
		fields := strings.Fields(s.name)[1:]
		cond := "__fish_use_subcommand"
		switch len(fields) {
		case 1:
			cond = "__fish_seen_subcommand_from " + fields[0]
		case 2:
			cond = "__fish_seen_subcommand_from " + fields[0] + "; and __fish_seen_subcommand_from " + fields[1]
		}
		for _, f := range s.flags {
			arg, usage := flag.UnquoteUsage(f)
			req := ""
			if arg != "" {
				req = " -r"
			}
			opt := "-l " + f.Name
			if len(f.Name) == 1 {
				opt = "-s " + f.Name
			}
			fmt.Fprintf(w, "complete -c propus -n '%s' %s%s -d %s\n", cond, opt, req, fishQuote(usage))
		}
	}
}

// fishQuote quotes s for fish, in single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
