package browser

import (
	"slices"
	"testing"
)

func TestKeyMapOverride(t *testing.T) {
	t.Parallel()
	k := DefaultKeyMap()
	if err := k.Override("back", []string{"H", "backspace"}); err != nil {
		t.Fatal(err)
	}
	if got := k.Back.Keys(); !slices.Equal(got, []string{"H", "backspace"}) || k.Back.Help().Key != "H/backspace" {
		t.Errorf("back = %v, help %q", got, k.Back.Help().Key)
	}
	if k.Override("fly", []string{"x"}) == nil || k.Override("quit", nil) == nil {
		t.Error("an unknown action or no keys should be an error")
	}
	if m := keyMapWith(map[string][]string{"quit": {"Q"}}); !slices.Equal(m.Quit.Keys(), []string{"Q"}) {
		t.Errorf("keyMapWith: quit = %v", m.Quit.Keys())
	}
	if len(KeyActions()) != 35 {
		t.Errorf("KeyActions() = %v", KeyActions())
	}
}
