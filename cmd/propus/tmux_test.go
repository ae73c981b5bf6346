package main

import (
	"os"
	"os/exec"
	"testing"
)

// needTmux skips an end-to-end test with -short, and fails it when tmux,
// which drives the real binary, is missing under CI (where .ci/run
// installs it, so a missing tmux is a broken CI); a developer without
// tmux gets a skip that says so.
func needTmux(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short (it builds propus and drives it in tmux)")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("end-to-end test: tmux is not installed, and CI is set: .ci/run must install it")
		}
		t.Skip("end-to-end test: tmux is not installed (.ci/run installs it); skipping")
	}
}
