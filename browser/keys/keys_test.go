package keys

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
	if m := With(map[string][]string{"quit": {"Q"}, "follow_redirect": {"F"}}); !slices.Equal(m.Quit.Keys(), []string{"Q"}) ||
		!slices.Equal(m.FollowRedirect.Keys(), []string{"F"}) || m.FollowRedirect.Help().Key != "F" {
		t.Errorf("With: quit = %v, follow_redirect = %v", m.Quit.Keys(), m.FollowRedirect.Keys())
	}
	if len(Actions()) != 65 {
		t.Errorf("Actions() = %d %v", len(Actions()), Actions())
	}
}

// No default key of a consent (follow a redirect, trust a certificate,
// yes, upload) is Enter.
func TestConsentIsNeverEnter(t *testing.T) {
	k := DefaultKeyMap()
	for name, b := range map[string][]string{"yes": k.Yes.Keys(), "follow_redirect": k.FollowRedirect.Keys(),
		"trust_once": k.TrustOnce.Keys(), "trust_always": k.TrustAlways.Keys(), "upload": k.Upload.Keys()} {
		if slices.Contains(b, "enter") {
			t.Errorf("%s is bound to enter", name)
		}
	}
}

// No two of the page's actions share a key.
func TestPageKeysDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, group := range DefaultKeyMap().FullHelp() {
		for _, b := range group {
			for _, k := range b.Keys() {
				if other, ok := seen[k]; ok {
					t.Errorf("%q is both %s and %s", k, other, b.Help().Desc)
				}
				seen[k] = b.Help().Desc
			}
		}
	}
}
