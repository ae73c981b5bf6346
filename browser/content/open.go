package content

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"propus/browser/sanitize"
)

// Open runs the external program that command names for target, a URL or a
// file path, without a shell.
//
// command is an argv template from the configuration, split by
// SplitCommand, e.g. "xdg-open %s" or "mpv --no-video %s". Every "%s" in
// the arguments (not in the program name) is replaced by target, and the
// argument stays one argument whatever target holds: spaces, quotes, ";",
// "$(…)" reach the program as they are. Without a "%s", target is added as
// the last argument. A target that starts with "-" gets "./" in front, so
// that a file called "-rf" is not taken for an option. "%" is not special
// otherwise.
//
// The program's stdin and stdout are /dev/null, and so is its stderr
// unless Open waits, and on Unix it runs in a new session, without a
// controlling terminal, so it can neither read from nor draw on the
// browser's terminal. With wait false, Open returns as soon as the program
// has started, and the program outlives ctx. With wait true, Open returns
// when the program exits (not waiting for children it leaves running),
// kills it if ctx is done first, and a non-zero exit is an error quoting
// the last line or so of its stderr, sanitised.
//
// A program that cannot be found or started is an error that names it.
func Open(ctx context.Context, command, target string, wait bool) error {
	argv, err := SplitCommand(command)
	if err != nil {
		return fmt.Errorf("the command %q: %w", command, err)
	}
	if len(argv) == 0 {
		return errors.New("no program is set to open it with")
	}
	argv = expandCommand(argv, target)
	if err := ctx.Err(); err != nil {
		return err
	}

	var cmd *exec.Cmd
	var stderr *tail
	if wait {
		cmd = exec.CommandContext(ctx, argv[0], argv[1:]...)
		stderr = &tail{max: 512}
		cmd.Stderr = stderr
		// A program that leaves a child behind holding stderr (xdg-open
		// starting a browser) must not keep Wait waiting for the child.
		cmd.WaitDelay = time.Second
	} else {
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	detach(cmd) // nil Stdin, Stdout (and Stderr) are /dev/null
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return &wrapped{fmt.Sprintf("cannot open with %q: no such program in $PATH", argv[0]), err}
		}
		return fmt.Errorf("cannot open with %q: %w", argv[0], err)
	}
	if !wait {
		go cmd.Wait() // reap it when it exits
		return nil
	}
	err = cmd.Wait()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // it exited successfully; a child still holds stderr
	}
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("%s: %w", argv[0], cerr)
	}
	if msg := sanitize.Line(strings.TrimSpace(stderr.String())); msg != "" {
		return fmt.Errorf("%s: %w: %s", argv[0], err, msg)
	}
	return fmt.Errorf("%s: %w", argv[0], err)
}

// expandCommand returns argv with target put in place of "%s", or appended.
func expandCommand(argv []string, target string) []string {
	if strings.HasPrefix(target, "-") {
		target = "./" + target
	}
	out := make([]string, len(argv), len(argv)+1)
	out[0] = argv[0]
	found := false
	for i, a := range argv[1:] {
		if strings.Contains(a, "%s") {
			a = strings.ReplaceAll(a, "%s", target)
			found = true
		}
		out[i+1] = a
	}
	if !found {
		out = append(out, target)
	}
	return out
}

// SplitCommand splits a command template into its program and arguments,
// with a small part of the shell's quoting rules and nothing else (no
// variables, globs, pipes or ";"):
//
//   - spaces, tabs and newlines separate arguments; several count as one;
//   - '…' quotes everything up to the next ' literally, backslashes too;
//   - "…" quotes up to the next unescaped ", in which \" and \\ stand for
//     " and \ and any other backslash is literal;
//   - outside quotes a backslash makes the next character literal, so
//     a\ b is one argument;
//   - quoted and unquoted parts next to each other make one argument
//     (--title='My page' is one argument), and a pair of quotes with
//     nothing between them is an empty argument.
//
// Quoting cannot hide a %s from Open, which sees only the split arguments.
//
// An unterminated quote or a backslash at the very end is an error. An
// empty or all-space s gives no arguments and no error.
func SplitCommand(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inArg := false
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
			i++
		case '\\':
			if i+1 == len(s) {
				return nil, errors.New("backslash at the end")
			}
			inArg = true
			cur.WriteByte(s[i+1]) // bytes of a multi-byte rune follow as they are
			i += 2
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' quote at byte %d", i)
			}
			inArg = true
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 2
		case '"':
			start := i
			inArg = true
			closed := false
			for i++; i < len(s); i++ {
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				if s[i] == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					i++
				}
				cur.WriteByte(s[i])
			}
			if !closed {
				return nil, fmt.Errorf("unterminated \" quote at byte %d", start)
			}
		default:
			inArg = true
			cur.WriteByte(c)
			i++
		}
	}
	if inArg {
		args = append(args, cur.String())
	}
	return args, nil
}

// wrapped is an error with its own message that still unwraps to err.
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }

// tail keeps the last max bytes written to it; safe for concurrent use.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
