package picture

import "testing"

func TestParseMode(t *testing.T) {
	for s, want := range map[string]Mode{
		"auto": Auto, "": Auto, "kitty": Kitty, " Sixel ": Sixel, "BLOCKS": Blocks, "off": Off,
	} {
		m, err := ParseMode(s)
		if err != nil || m != want {
			t.Errorf("ParseMode(%q) = %v, %v; want %v", s, m, err, want)
		}
	}
	for m := Auto; m <= Off; m++ {
		if got, err := ParseMode(m.String()); err != nil || got != m {
			t.Errorf("ParseMode(%v.String()) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseMode("iterm"); err == nil || err.Error() != `images mode "iterm" is not one of auto, kitty, sixel, blocks, off` {
		t.Errorf("ParseMode(iterm) err = %v", err)
	}
	if s := Mode(9).String(); s != "Mode(9)" {
		t.Errorf("Mode(9) = %q", s)
	}
}
