package picture

import (
	"image"
	"testing"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi/kitty"
)

// The terminal's answers, as Bubble Tea delivers them.
var (
	kittyOK     = uv.KittyGraphicsEvent{Options: kitty.Options{ID: 31}, Payload: []byte("OK")}
	kittyNo     = uv.KittyGraphicsEvent{Options: kitty.Options{ID: 31}, Payload: []byte("ENOTSUPPORTED:")}
	daSixel     = uv.PrimaryDeviceAttributesEvent{62, 4, 22}
	daPlain     = uv.PrimaryDeviceAttributesEvent{62, 22}
	kitty0265   = tea.TerminalVersionMsg{Name: "kitty(0.26.5)"} // Debian 12's: graphics, no placeholders
	kitty0280   = tea.TerminalVersionMsg{Name: "kitty(0.28.0)"}
	ghostty1    = tea.TerminalVersionMsg{Name: "ghostty 1.1.3"}
	kittyEnv    = map[string]string{"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
	ghosttyEnv  = map[string]string{"TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"}
	weztermEnv  = map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}
	tmuxInKitty = map[string]string{"TERM": "tmux-256color", "TERM_PROGRAM": "tmux", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"}
	tmuxInXterm = map[string]string{"TERM": "screen-256color", "TMUX": "/tmp/tmux-0/default,1,0"}
)

func TestDetectorMode(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured Mode
		env        map[string]string
		answers    []tea.Msg
		want       Mode
		tmux       bool
	}{
		{"kitty answers", Auto, kittyEnv, []tea.Msg{kittyOK, daPlain}, Kitty, false},
		{"kitty before answering", Auto, kittyEnv, nil, Kitty, false},
		{"kitty answering no", Auto, kittyEnv, []tea.Msg{kittyNo, daPlain}, Blocks, false},
		{"kitty too old for placeholders", Auto, kittyEnv, []tea.Msg{kittyOK, kitty0265, daPlain}, Blocks, false},
		{"kitty new enough", Auto, kittyEnv, []tea.Msg{kittyOK, kitty0280, daPlain}, Kitty, false},
		{"ghostty by its version", Auto, ghosttyEnv, []tea.Msg{kittyOK, ghostty1, daPlain}, Kitty, false},
		{"kitty not answering the query", Auto, kittyEnv, []tea.Msg{daPlain}, Blocks, false},
		{"ghostty", Auto, ghosttyEnv, []tea.Msg{kittyOK, daPlain}, Kitty, false},
		{"ssh from kitty", Auto, map[string]string{"TERM": "xterm-kitty"}, []tea.Msg{kittyOK, daPlain}, Kitty, false},
		{"wezterm: kitty graphics but no placeholders, sixel", Auto, weztermEnv, []tea.Msg{kittyOK, daSixel}, Sixel, false},
		{"xterm with sixel", Auto, map[string]string{"TERM": "xterm-256color"}, []tea.Msg{daSixel}, Sixel, false},
		{"xterm without sixel", Auto, map[string]string{"TERM": "xterm-256color"}, []tea.Msg{daPlain}, Blocks, false},
		{"silent terminal", Auto, map[string]string{"TERM": "xterm"}, nil, Blocks, false},
		{"tmux in kitty", Auto, tmuxInKitty, []tea.Msg{daSixel}, Kitty, true},
		{"tmux elsewhere, sixel answered", Auto, tmuxInXterm, []tea.Msg{daSixel}, Blocks, true},
		{"screen", Auto, map[string]string{"TERM": "screen", "STY": "1.pts-0", "KITTY_WINDOW_ID": "1"}, []tea.Msg{daSixel}, Blocks, false},
		{"zellij", Auto, map[string]string{"TERM": "xterm-256color", "ZELLIJ": "0"}, []tea.Msg{kittyOK, daSixel}, Blocks, false},
		{"dumb", Auto, map[string]string{"TERM": "dumb"}, nil, Off, false},
		{"NO_COLOR", Auto, map[string]string{"TERM": "xterm-kitty", "NO_COLOR": "1"}, []tea.Msg{kittyOK}, Off, false},
		{"NO_COLOR empty is unset", Auto, map[string]string{"TERM": "xterm-256color", "NO_COLOR": ""}, []tea.Msg{daPlain}, Blocks, false},
		{"NO_COLOR wins over a configured mode", Kitty, map[string]string{"TERM": "xterm-kitty", "NO_COLOR": "1"}, nil, Off, false},
		{"configured blocks in kitty", Blocks, kittyEnv, []tea.Msg{kittyOK, daSixel}, Blocks, false},
		{"configured sixel", Sixel, map[string]string{"TERM": "xterm"}, []tea.Msg{daPlain}, Sixel, false},
		{"configured kitty in tmux", Kitty, tmuxInXterm, nil, Kitty, true},
		{"configured off", Off, kittyEnv, []tea.Msg{kittyOK}, Off, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDetector(tc.configured, func(k string) string { return tc.env[k] })
			for _, msg := range tc.answers {
				if !d.Update(msg) {
					t.Errorf("Update(%T) not handled", msg)
				}
			}
			if got := d.Mode(); got != tc.want {
				t.Errorf("Mode() = %v, want %v", got, tc.want)
			}
			if d.Tmux() != tc.tmux || d.Options(7).Tmux != tc.tmux {
				t.Errorf("Tmux() = %v, want %v", d.Tmux(), tc.tmux)
			}
		})
	}
}

func TestDetectorUpdate(t *testing.T) {
	d := NewDetector(Auto, func(string) string { return "" })
	for _, msg := range []tea.Msg{
		tea.KeyPressMsg{Code: 'q'},
		uv.KittyGraphicsEvent{Options: kitty.Options{ID: 5}, Payload: []byte("OK")}, // another image's answer
		uv.CellSizeEvent{Width: 0, Height: 20},
		uv.SecondaryDeviceAttributesEvent{1, 2},
	} {
		if d.Update(msg) {
			t.Errorf("Update(%#v) handled", msg)
		}
	}
	if d.Answered() || d.CellSize() != (image.Point{}) {
		t.Errorf("Answered %v, CellSize %v before any answer", d.Answered(), d.CellSize())
	}
	if !d.Update(uv.CellSizeEvent{Width: 9, Height: 18}) || d.CellSize() != image.Pt(9, 18) {
		t.Errorf("CellSize() = %v, want 9×18", d.CellSize())
	}
	if o := d.Options(3); o != (Options{Cell: image.Pt(9, 18), ID: 3}) {
		t.Errorf("Options(3) = %+v", o)
	}
	if !d.Update(daPlain) || !d.Answered() {
		t.Error("device attributes not taken")
	}
}

func TestDetectorQuery(t *testing.T) {
	for _, tc := range []struct {
		configured Mode
		noColor    string
		want       bool
	}{
		{Auto, "", true}, {Kitty, "", true}, {Sixel, "", true},
		{Blocks, "", false}, {Off, "", false}, {Auto, "1", false},
	} {
		d := NewDetector(tc.configured, func(k string) string {
			if k == "NO_COLOR" {
				return tc.noColor
			}
			return ""
		})
		cmd := d.Query()
		if (cmd != nil) != tc.want {
			t.Errorf("%v, NO_COLOR=%q: Query() = %v, want a command: %v", tc.configured, tc.noColor, cmd, tc.want)
			continue
		}
		if cmd == nil {
			continue
		}
		if raw, ok := cmd().(tea.RawMsg); !ok || raw.Msg != Queries {
			t.Errorf("Query() sends %#v", cmd())
		}
	}
	const want = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[>q\x1b[c"
	if Queries != want {
		t.Errorf("Queries = %q, want %q", Queries, want)
	}
}
