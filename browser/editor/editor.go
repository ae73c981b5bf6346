// Package editor runs the user's editor on a file, in the terminal: the
// input dialog's long answers and the Titan edit of a page use it.
package editor

import (
	"os"
	"os/exec"
	"strings"
)

// Command returns the command that edits path: $EDITOR (which may carry
// arguments, "emacs -nw"), else vi. It runs in the terminal, with the
// browser's environment.
func Command(path string) *exec.Cmd {
	args := strings.Fields(os.Getenv("EDITOR"))
	if len(args) == 0 {
		args = []string{"vi"}
	}
	return exec.Command(args[0], append(args[1:], path)...)
}

// TempFile writes text to a new file of its own in dir (made if missing;
// "" is the temporary directory), named after pattern as os.CreateTemp
// names it, for the editor; on an error nothing is left behind.
func TempFile(dir, pattern string, text []byte) (string, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	_, err = f.Write(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
