package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// flagLine is a flag in the usage that --help prints (flag.PrintDefaults);
// browseFlag one in propus --help, which describes the browser's flags in
// words.
var (
	flagLine   = regexp.MustCompile(`(?m)^  -(\S+)`)
	browseFlag = regexp.MustCompile(`  --([a-z][a-z-]+)`)
)

// TestManPage: the man page names every command and subcommand with the
// flags its --help lists, and groff reads it without a warning.
func TestManPage(t *testing.T) {
	man := want(t, args("man"), exitOK, ".TH PROPUS 1", "")
	lines := []string{""}
	for _, c := range commands {
		if subs, ok := groups[c.name]; ok {
			for _, s := range subs {
				lines = append(lines, c.name+" "+s.name)
			}
		} else {
			lines = append(lines, c.name)
		}
	}
	for _, l := range lines {
		if l != "" && !strings.Contains(man, `.SS "propus `+roff(l)+" ") {
			t.Errorf("the man page has no section for propus %s", l)
		}
		help := want(t, append(args(l), "--help"), exitOK, "Usage", "")
		found := flagLine.FindAllStringSubmatch(help, -1)
		if l == "" {
			found = browseFlag.FindAllStringSubmatch(help, -1)
		}
		if len(found) == 0 {
			t.Errorf("propus %s --help lists no flag", l)
		}
		for _, m := range found {
			if !strings.Contains(man, `\fB`+roff(dashed(m[1]))+`\fR`) {
				t.Errorf("the man page lacks propus %s's flag %s", l, dashed(m[1]))
			}
		}
	}
	if strings.ContainsFunc(man, func(r rune) bool { return r >= 0x80 }) {
		t.Error("the man page is not ASCII")
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("groff is not installed: the man page was not read by groff")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(man)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Errorf("groff: %v\n%s", err, stderr.String())
	}
}

// TestCompletion: each script parses in its shell (a shell that is not
// installed is skipped), and bash completes commands, subcommands and
// flags.
func TestCompletion(t *testing.T) {
	check := map[string][]string{"bash": {"-n"}, "zsh": {"-n"}, "fish": {"--no-execute"}}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			script := want(t, args("completion "+shell), exitOK, "propus", "")
			path, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed: its completion script was not parsed", shell)
			}
			file := filepath.Join(t.TempDir(), "propus."+shell)
			if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(path, append(check[shell], file)...).CombinedOutput(); err != nil {
				t.Errorf("%s %v: %v\n%s", shell, check[shell], err, out)
			}
			if shell != "bash" {
				return
			}
			for line, want := range map[string]string{
				"propus fe":            "fetch feeds",
				"propus id n":          "new",
				"propus fetch -":       "--follow --identity --input --json --max-size -o --timeout --version",
				"propus feeds new --m": "--mark-read",
			} {
				words := strings.Fields(line)
				if strings.HasSuffix(line, " ") {
					words = append(words, "")
				}
				probe := `source "$1"; COMP_WORDS=(` + strings.Join(words, " ") + `); COMP_CWORD=` +
					string(rune('0'+len(words)-1)) + `; _propus; echo "${COMPREPLY[*]}"`
				out, err := exec.Command(path, "-c", probe, "bash", file).CombinedOutput()
				if got := strings.TrimSpace(string(out)); err != nil || got != want {
					t.Errorf("completing %q: %q, %v; want %q", line, got, err, want)
				}
			}
		})
	}
	want(t, args("completion"), exitUsage, "", "SHELL is required")
	want(t, args("completion tcsh"), exitUsage, "", `unknown shell "tcsh"`)
}
