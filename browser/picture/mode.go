package picture

import (
	"fmt"
	"strings"
)

// Mode is how pictures are shown: config.toml's [images] mode.
type Mode int

// The modes. Auto is resolved by a Detector into one of the others; Off
// shows no picture (the browser offers to save it instead).
const (
	Auto Mode = iota
	Kitty
	Sixel
	Blocks
	Off
)

var modeNames = [...]string{Auto: "auto", Kitty: "kitty", Sixel: "sixel", Blocks: "blocks", Off: "off"}

// String returns the mode's name in config.toml: "auto", "kitty", "sixel",
// "blocks" or "off".
func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// ParseMode reads a mode by its name in config.toml, ignoring case and
// surrounding spaces; an empty name is Auto.
func ParseMode(s string) (Mode, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return Auto, nil
	}
	for m, name := range modeNames {
		if s == name {
			return Mode(m), nil
		}
	}
	return Auto, fmt.Errorf("images mode %q is not one of auto, kitty, sixel, blocks, off", s)
}
