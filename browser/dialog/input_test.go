package dialog

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/editor"
)

func ctrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

func typeText(d Dialog, s string) {
	for _, r := range s {
		d.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// ctrl+x edits the answer in $EDITOR: the answer so far goes to a temp
// file, keys wait while the editor runs, and what it saved comes back in
// the multi-line field; the temp file goes.
func TestInputEditor(t *testing.T) {
	script := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf ' from editor\\n' >> \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EDITOR", script)
	d, _ := NewInput(shared(nil), mustURL(t, "gemini://a.example/search"), "Search", false, "tag")
	typeText(d, "draft")

	// tea.ExecProcess needs a terminal: the test runs the command itself
	// and hands its result to the callback.
	write, _ := d.Update(ctrl('x'))
	ready, ok := write().(editorReadyMsg)
	if !ok || ready.err != nil {
		t.Fatalf("writing the temp file gave %#v", ready)
	}
	if b, _ := os.ReadFile(ready.path); string(b) != "draft" {
		t.Errorf("the temp file holds %q, want the answer so far", b)
	}
	if exec, _ := d.Update(ready); exec == nil {
		t.Fatal("no command runs the editor")
	}
	typeText(d, "z") // keys wait while the editor runs
	if got := d.value(); got != "draft" {
		t.Errorf("a key reached the field while the editor ran: %q", got)
	}
	cmd := editor.Command(ready.path)
	if !slices.Equal(cmd.Args, []string{script, ready.path}) || cmd.Env != nil {
		t.Errorf("the editor command is %q (env %q), want %q with the browser's environment", cmd.Args, cmd.Env, []string{script, ready.path})
	}
	d.Update(editorDone(d, ready.path)(cmd.Run()))
	if _, err := os.Stat(ready.path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temp file is still there: %v", err)
	}
	if !d.multi || d.value() != "draft from editor" || !strings.Contains(screen(d, 80, 20), "┃ draft from editor") {
		t.Errorf("after the editor the dialog holds %q (several lines: %v):\n%s", d.value(), d.multi, screen(d, 80, 20))
	}
	send, done := d.Update(ctrl('s'))
	if a, ok := report(send).(InputAnswer); !done || !ok || a.URL.String() != "gemini://a.example/search?draft%20from%20editor" {
		t.Errorf("ctrl+s: %#v", report(send))
	}
}

func TestInputEditorFails(t *testing.T) {
	t.Parallel()
	d, _ := NewInput(shared(nil), mustURL(t, "gemini://a.example/search"), "", false, nil)
	typeText(d, "kept")
	d.editing = true
	d.Update(editorDoneMsg{d: d, err: errors.New("exit status 1")})
	if v := screen(d, 80, 20); !strings.Contains(v, "The editor failed, the answer is unchanged: exit status 1") || d.value() != "kept" {
		t.Errorf("after a failed edit, %q:\n%s", d.value(), v)
	}
	// A message for another dialog is dropped.
	other, _ := NewInput(shared(nil), mustURL(t, "gemini://a.example/search"), "", false, nil)
	d.Update(editorDoneMsg{d: other, text: "stale"})
	if got := d.value(); got != "kept" {
		t.Errorf("another dialog's editor message changed the answer to %q", got)
	}
}
