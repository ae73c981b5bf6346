//go:build !unix

package content

import "os/exec"

// detach does nothing where there are no sessions to start cmd in.
func detach(cmd *exec.Cmd) {}
