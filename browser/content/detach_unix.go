//go:build unix

package content

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a new session, without a controlling terminal, so
// that it cannot open /dev/tty and draw on the browser's screen, and the
// terminal's signals (Ctrl-C, hang-up) do not reach it.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
}
