package picture

import (
	"fmt"
	"image"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// kittyQueryID is the image id of the kitty graphics query, and
// kittyQueryIDText the same in Queries.
const (
	kittyQueryID     = 31
	kittyQueryIDText = "31"
)

// Queries are the terminal queries Detector.Query sends, in this order: a
// kitty graphics query (a 1×1 image with a=q, which a terminal with the
// protocol answers "OK" without storing it), a request for the cell size
// in pixels (XTWINOPS 16), the terminal's name and version (XTVERSION:
// kitty draws placeholders only from 0.28), and primary device
// attributes, which every terminal answers, last: its answer marks the end
// of the answers.
const Queries = "\x1b_Gi=" + kittyQueryIDText + ",s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\" +
	"\x1b[16t" +
	ansi.RequestNameVersion +
	ansi.RequestPrimaryDeviceAttributes

// Detector resolves the configured Mode from the terminal's answers to
// Queries and the environment.
//
// Bubble Tea v2 passes the answers to the program's Update as the
// ultraviolet events its input decoder makes of them (tea.Msg is
// uv.Event; Bubble Tea translates only the version answer, into a
// tea.TerminalVersionMsg); the browser passes every message to
// Detector.Update before its own handling, or at least these:
//
//   - uv.KittyGraphicsEvent: the kitty graphics answer (APC G i=31;OK);
//   - uv.CellSizeEvent: the cell size in pixels (CSI 6;h;w t);
//   - tea.TerminalVersionMsg: the terminal's name and version (DCS >|…);
//   - uv.PrimaryDeviceAttributesEvent: primary device attributes
//     (CSI ? … c), where 4 means sixel.
type Detector struct {
	configured Mode
	env        func(string) string

	kittyOK  bool        // the terminal answered the kitty query with OK
	version  string      // its name and version (XTVERSION), "" until known
	sixel    bool        // its device attributes include 4, sixel
	answered bool        // its device attributes arrived
	cell     image.Point // its cell size in pixels, zero until known
}

// NewDetector returns a Detector for the configured mode, reading the
// environment through getenv (os.Getenv).
func NewDetector(configured Mode, getenv func(string) string) *Detector {
	return &Detector{configured: configured, env: getenv}
}

// Query returns the command that sends Queries, or nil when no answer is
// needed: the configured mode is blocks or off, or NO_COLOR is set. (A
// configured kitty or sixel still asks for the cell size.)
func (d *Detector) Query() tea.Cmd {
	if d.noColor() || d.configured == Blocks || d.configured == Off {
		return nil
	}
	return tea.Raw(Queries)
}

// Update takes in a message and reports whether it was an answer to
// Queries. The browser gives it every message, or at least those of the
// four types the Detector doc lists.
func (d *Detector) Update(msg tea.Msg) (handled bool) {
	switch msg := msg.(type) {
	case uv.KittyGraphicsEvent:
		if msg.Options.ID != kittyQueryID {
			return false
		}
		d.kittyOK = string(msg.Payload) == "OK"
	case uv.PrimaryDeviceAttributesEvent:
		d.answered = true
		d.sixel = slices.Contains(msg, 4)
	case tea.TerminalVersionMsg:
		d.version = msg.Name
	case uv.CellSizeEvent:
		if msg.Width <= 0 || msg.Height <= 0 {
			return false
		}
		d.cell = image.Pt(msg.Width, msg.Height)
	default:
		return false
	}
	return true
}

// Answered reports whether the terminal's device attributes arrived: the
// answers before them have arrived too, and Mode will not change again.
// Until then Mode is a guess from the environment.
func (d *Detector) Answered() bool { return d.answered }

// CellSize returns the cell size in pixels the terminal reported, or zero
// (Render then assumes DefaultCell).
func (d *Detector) CellSize() image.Point { return d.cell }

// Tmux reports whether propus runs inside tmux, so that kitty escapes
// must be wrapped for passthrough.
func (d *Detector) Tmux() bool { return d.env("TMUX") != "" }

// Options returns the Options for Render of a picture with kitty image id
// (1 to 255) on this terminal.
func (d *Detector) Options(id int) Options {
	return Options{Cell: d.cell, ID: id, Tmux: d.Tmux()}
}

// Mode returns the mode to show pictures in; never Auto.
//
// NO_COLOR set gives Off, whatever the configuration (NO_COLOR wins, as
// it does over the theme). A configured kitty, sixel, blocks or off is
// kept. Auto resolves to:
//
//   - Off on a dumb terminal (TERM=dumb);
//   - inside a multiplexer (tmux, GNU screen, zellij): Kitty when it is
//     tmux and the terminal around it shows kitty placeholders (see
//     below), with passthrough (Tmux); else Blocks; never Sixel, which a
//     multiplexer garbles;
//   - Kitty when the terminal shows kitty placeholders: it is kitty or
//     Ghostty by its environment (KITTY_WINDOW_ID, GHOSTTY_RESOURCES_DIR,
//     TERM xterm-kitty or xterm-ghostty, TERM_PROGRAM ghostty) and has not
//     answered otherwise: its kitty answer was OK, or no answer has come
//     yet, and it is not a kitty older than 0.28 by its version (which
//     has the graphics protocol but not its placeholders). Other
//     terminals that answer the kitty query (WezTerm, Konsole) do not
//     show placeholders;
//   - Sixel when the device attributes include 4;
//   - Blocks otherwise.
func (d *Detector) Mode() Mode {
	if d.noColor() {
		return Off
	}
	if d.configured != Auto {
		return d.configured
	}
	term := d.env("TERM")
	switch {
	case term == "dumb":
		return Off
	case d.multiplexed(term):
		if d.Tmux() && d.placeholders(term) {
			return Kitty
		}
		return Blocks
	case d.placeholders(term) && (d.kittyOK || !d.answered) && !d.oldKitty():
		return Kitty
	case d.sixel:
		return Sixel
	}
	return Blocks
}

// oldKitty reports whether the terminal said it is a kitty older than
// 0.28.0, the first to draw Unicode placeholders ("kitty(0.26.5)").
func (d *Detector) oldKitty() bool {
	v, ok := strings.CutPrefix(d.version, "kitty(")
	if !ok {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimSuffix(v, ")"), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major == 0 && minor < 28
}

// noColor reports whether NO_COLOR is set to anything.
func (d *Detector) noColor() bool { return d.env("NO_COLOR") != "" }

// multiplexed reports whether a terminal multiplexer stands between propus
// and the terminal.
func (d *Detector) multiplexed(term string) bool {
	return d.env("TMUX") != "" || d.env("STY") != "" || d.env("ZELLIJ") != "" ||
		d.env("TERM_PROGRAM") == "tmux" ||
		strings.HasPrefix(term, "tmux") || strings.HasPrefix(term, "screen")
}

// placeholders reports whether the environment names a terminal that shows
// kitty's Unicode placeholders: kitty or Ghostty. Inside tmux, TERM and
// TERM_PROGRAM are tmux's own, and the other variables are inherited from
// the terminal tmux was started in.
func (d *Detector) placeholders(term string) bool {
	return d.env("KITTY_WINDOW_ID") != "" || d.env("GHOSTTY_RESOURCES_DIR") != "" ||
		term == "xterm-kitty" || term == "xterm-ghostty" || d.env("TERM_PROGRAM") == "ghostty"
}
