package content

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \t ", nil},
		{"xdg-open", []string{"xdg-open"}},
		{"xdg-open %s", []string{"xdg-open", "%s"}},
		{"  mpv   --no-video\t%s \n", []string{"mpv", "--no-video", "%s"}},
		{`prog 'a b' "c d"`, []string{"prog", "a b", "c d"}},
		{`prog a\ b`, []string{"prog", "a b"}},
		{`prog \'x\" \\`, []string{"prog", `'x"`, `\`}},
		{`prog --title='My page' x`, []string{"prog", "--title=My page", "x"}},
		{`prog '' ""`, []string{"prog", "", ""}},
		{`prog "say \"hi\" \\ \n $HOME"`, []string{"prog", `say "hi" \ \n $HOME`}},
		{`prog 'it''s'`, []string{"prog", "its"}},
		{`prog "it's" 'say "x"'`, []string{"prog", "it's", `say "x"`}},
		{`prog 'a\b' 'c\'`, []string{"prog", `a\b`, `c\`}},
		{`prog a"b c"d`, []string{"prog", "ab cd"}},
		{`prog é\ ü \é`, []string{"prog", "é ü", "é"}},
		{`prog ; rm -rf $(x) | y`, []string{"prog", ";", "rm", "-rf", "$(x)", "|", "y"}},
		{`"/opt/My Viewer/bin/view" --file=%s`, []string{"/opt/My Viewer/bin/view", "--file=%s"}},
	}
	for _, tt := range tests {
		got, err := SplitCommand(tt.in)
		if err != nil {
			t.Errorf("SplitCommand(%q): %v", tt.in, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("SplitCommand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitCommandErrors(t *testing.T) {
	for _, in := range []string{`prog 'abc`, `prog "abc`, `prog abc\`, `prog "abc\"`, `'`, `"`, `\`, `prog 'a' 'b`} {
		if got, err := SplitCommand(in); err == nil {
			t.Errorf("SplitCommand(%q) = %q, want an error", in, got)
		}
	}
}

func TestExpandCommand(t *testing.T) {
	tests := []struct {
		argv   []string
		target string
		want   []string
	}{
		{[]string{"xdg-open", "%s"}, "gemini://h/a b", []string{"xdg-open", "gemini://h/a b"}},
		{[]string{"xdg-open"}, "/tmp/x y.png", []string{"xdg-open", "/tmp/x y.png"}},
		{[]string{"mpv", "--no-video"}, "f.ogg", []string{"mpv", "--no-video", "f.ogg"}},
		{[]string{"view", "--url=%s", "--title", "[%s]"}, "u", []string{"view", "--url=u", "--title", "[u]"}},
		{[]string{"%s", "x"}, "t", []string{"%s", "x", "t"}}, // never the program
		{[]string{"rm", "%s"}, "-rf", []string{"rm", "./-rf"}},
		{[]string{"echo", "%s"}, "a %s b", []string{"echo", "a %s b"}},
	}
	for _, tt := range tests {
		if got := expandCommand(tt.argv, tt.target); !slices.Equal(got, tt.want) {
			t.Errorf("expandCommand(%q, %q) = %q, want %q", tt.argv, tt.target, got, tt.want)
		}
	}
}

// script writes an executable shell script into a temporary directory and
// returns its path.
func script(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix shell")
	}
	p := filepath.Join(t.TempDir(), "prog.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// recorder is a script that writes its argument count and then each
// argument in brackets to the file named by its first argument.
const recorder = `out=$1; shift
printf '%s\n' "$#" > "$out.tmp"
for a in "$@"; do printf '[%s]\n' "$a" >> "$out.tmp"; done
mv "$out.tmp" "$out"`

func TestOpenWait(t *testing.T) {
	prog := script(t, recorder)
	dir := t.TempDir()
	tests := []struct {
		command, target string
		want            string
	}{
		{"'" + prog + "' OUT %s", `a b; echo pwned > x; $(touch y) "q" 'z' *`, "1\n[a b; echo pwned > x; $(touch y) \"q\" 'z' *]\n"},
		{"'" + prog + "' OUT", "gemini://h/x y", "1\n[gemini://h/x y]\n"},
		{"'" + prog + "' OUT --url=%s -v", "a b", "2\n[--url=a b]\n[-v]\n"},
		{"'" + prog + "' OUT %s", "-n", "1\n[./-n]\n"},
		{"'" + prog + "' OUT %s", "", "1\n[]\n"},
	}
	for i, tt := range tests {
		out := filepath.Join(dir, "out"+string(rune('a'+i)))
		command := strings.Replace(tt.command, "OUT", "'"+out+"'", 1)
		if err := Open(context.Background(), command, tt.target, true); err != nil {
			t.Errorf("Open(%q, %q): %v", command, tt.target, err)
			continue
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Errorf("Open(%q, %q): %v", command, tt.target, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("Open(%q, %q) passed\n%s\nwant\n%s", command, tt.target, got, tt.want)
		}
	}
	// Nothing was run by a shell.
	for _, name := range []string{"x", "y"} {
		if _, err := os.Stat(name); err == nil {
			t.Errorf("%s was created: the target went through a shell", name)
		}
	}
}

func TestOpenDetached(t *testing.T) {
	prog := script(t, recorder)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	if err := Open(ctx, "'"+prog+"' '"+out+"'", "a b", false); err != nil {
		t.Fatal(err)
	}
	cancel() // the program outlives the context
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := os.ReadFile(out)
		if err == nil {
			if string(got) != "1\n[a b]\n" {
				t.Errorf("got %q", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not run")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestOpenNoTerminal(t *testing.T) {
	// stdin is /dev/null (cat ends at once) and there is no controlling
	// terminal to open.
	prog := script(t, `cat > "$1"; if (: < /dev/tty) 2>/dev/null; then echo tty >> "$1"; fi`)
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := Open(ctx, "'"+prog+"' '"+out+"' %s", "x", true); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("the program read %q from stdin or opened /dev/tty", got)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("missing program", func(t *testing.T) {
		err := Open(context.Background(), "propus-no-such-program-7f3a %s", "x", false)
		if err == nil || !errors.Is(err, exec.ErrNotFound) || !strings.Contains(err.Error(), `"propus-no-such-program-7f3a"`) || !strings.Contains(err.Error(), "no such program") {
			t.Errorf("err = %v, want a not-found error naming the program", err)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nope", "prog")
		err := Open(context.Background(), p, "x", true)
		if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), p) {
			t.Errorf("err = %v, want a does-not-exist error naming %s", err, p)
		}
	})
	t.Run("empty command", func(t *testing.T) {
		if err := Open(context.Background(), "  ", "x", false); err == nil {
			t.Error("no error")
		}
	})
	t.Run("bad quoting", func(t *testing.T) {
		if err := Open(context.Background(), "xdg-open 'x", "x", false); err == nil {
			t.Error("no error")
		}
	})
	t.Run("exit status", func(t *testing.T) {
		prog := script(t, "echo 'cannot \033[31mopen' \"$1\" >&2; exit 3")
		err := Open(context.Background(), prog, "thing", true)
		if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "cannot open thing") {
			t.Errorf("err = %v, want the exit status and the stderr", err)
		}
		if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("err %q holds an ESC", err)
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		prog := script(t, recorder)
		out := filepath.Join(t.TempDir(), "out")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := Open(ctx, "'"+prog+"' '"+out+"'", "x", false); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		time.Sleep(50 * time.Millisecond)
		if _, err := os.Stat(out); err == nil {
			t.Error("the program ran")
		}
	})
	t.Run("cancelled while waiting", func(t *testing.T) {
		prog := script(t, "exec sleep 30")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := Open(ctx, prog, "x", true)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Open returned after %v", d)
		}
	})
	t.Run("child keeps stderr", func(t *testing.T) {
		// Like xdg-open starting a browser: the program exits at once, its
		// child lives on with stderr open.
		prog := script(t, "sleep 3 & exit 0")
		start := time.Now()
		if err := Open(context.Background(), prog, "x", true); err != nil {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("Open returned after %v", d)
		}
	})
}
