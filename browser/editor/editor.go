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
