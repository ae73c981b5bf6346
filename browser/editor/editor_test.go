package editor

import (
	"strings"
	"testing"
)

func TestCommand(t *testing.T) {
	for _, c := range []struct{ editor, want string }{
		{"", "vi /tmp/a.txt"},
		{"emacs -nw", "emacs -nw /tmp/a.txt"},
	} {
		t.Setenv("EDITOR", c.editor)
		if got := strings.Join(Command("/tmp/a.txt").Args, " "); got != c.want {
			t.Errorf("with EDITOR=%q the command is %q, want %q", c.editor, got, c.want)
		}
	}
}
