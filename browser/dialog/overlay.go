package dialog

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/sanitize"
)

// The overlays that only show something over the page: the outline of
// its headings, its details, and the full help.

// Heading is one heading of a page, for the Outline.
type Heading struct {
	Line  int // the source line it is on
	Level int // 1 to 3
	Text  string
}

// OutlineJump reports the heading chosen in the Outline: the page moves
// to Line.
type OutlineJump struct{ Line int }

// Outline lists a page's headings to jump to one.
type Outline struct {
	sh       *Shared
	headings []Heading
	selected int
}

// NewOutline lists headings, the one at index selected marked.
func NewOutline(sh *Shared, headings []Heading, selected int) *Outline {
	return &Outline{sh: sh, headings: headings, selected: selected}
}

// Update moves the selection, jumps or closes.
func (d *Outline) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	ks := d.sh.Keys
	switch {
	case key.Matches(k, ks.Down, ks.NextLink):
		d.selected = min(d.selected+1, len(d.headings)-1)
	case key.Matches(k, ks.Up, ks.PrevLink):
		d.selected = max(d.selected-1, 0)
	case key.Matches(k, ks.Top):
		d.selected = 0
	case key.Matches(k, ks.Bottom):
		d.selected = len(d.headings) - 1
	case key.Matches(k, ks.Accept):
		return Report(OutlineJump{Line: d.headings[d.selected].Line}), true
	case key.Matches(k, ks.Cancel, ks.Outline, ks.Quit):
		return nil, true
	}
	return nil, false
}

// View lists the headings around the selected one, indented by level.
func (d *Outline) View(width, height int) []string {
	lines := []string{d.sh.Styles.OverlayTitle.Render("Outline") + " (enter jumps, esc closes)", ""}
	first := max(0, min(d.selected-(height-3)/2, len(d.headings)-(height-2)))
	for i := first; i < len(d.headings) && len(lines) < height; i++ {
		h := d.headings[i]
		mark := "  "
		if i == d.selected {
			mark = d.sh.Mark()
		}
		lines = append(lines, mark+strings.Repeat("  ", max(h.Level-1, 0))+sanitize.Line(h.Text))
	}
	return lines
}

// ShortHelp lists the keys.
func (d *Outline) ShortHelp() []key.Binding {
	ks := d.sh.Keys
	return []key.Binding{Bind(ks.Down, "move"), Bind(ks.Accept, "jump"), Bind(ks.Cancel, "close")}
}

// FullHelp is ShortHelp.
func (d *Outline) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Field is one row of the Info overlay: a label and its value (already
// sanitised).
type Field struct{ Label, Value string }

// Info shows a page's details; any key closes it.
type Info struct {
	sh     *Shared
	fields []Field
}

// NewInfo shows fields.
func NewInfo(sh *Shared, fields []Field) *Info { return &Info{sh: sh, fields: fields} }

// Update closes on any key.
func (d *Info) Update(msg tea.Msg) (tea.Cmd, bool) {
	_, ok := msg.(tea.KeyPressMsg)
	return nil, ok
}

// infoIndent is where the values of the fields begin.
const infoIndent = 10

// View lists the fields; a value too wide for its row goes under its
// label, or wraps under itself, so that no URL or fingerprint is cut off.
func (d *Info) View(width, height int) []string {
	lines := []string{d.sh.Styles.OverlayTitle.Render("Page info") + " (any key closes this)", ""}
	for _, f := range d.fields {
		label := f.Label + strings.Repeat(" ", max(infoIndent-ansi.StringWidth(f.Label), 0))
		l := label + f.Value
		switch {
		case ansi.StringWidth(l) <= width || width < infoIndent+20:
			lines = append(lines, l)
		case ansi.StringWidth(f.Value) <= width-2:
			lines = append(lines, strings.TrimSpace(label), "  "+f.Value)
		default:
			for i, row := range strings.Split(ansi.Wrap(f.Value, width-infoIndent, "/&?"), "\n") {
				if i == 0 {
					lines = append(lines, label+row)
				} else {
					lines = append(lines, strings.Repeat(" ", infoIndent)+row)
				}
			}
		}
	}
	return lines
}

// ShortHelp says any key closes it.
func (d *Info) ShortHelp() []key.Binding { return []key.Binding{anyKey(d.sh)} }

// anyKey is the binding that stands for any key, to close an overlay.
func anyKey(sh *Shared) key.Binding {
	return key.NewBinding(key.WithKeys(sh.Keys.Cancel.Keys()...), key.WithHelp("any key", "close"))
}

// FullHelp is ShortHelp.
func (d *Info) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }

// Help is the full help: as many of its columns side by side as the
// width holds, the others in blocks below, so that no key is cut off.
// The page's scroll keys scroll it; any other key closes it.
type Help struct {
	sh     *Shared
	km     help.KeyMap
	footer string // said below the keys
	top    int
	height int // of the last View, for a page of scrolling
}

// NewHelp shows the full help of km, and footer (wrapped) below it.
func NewHelp(sh *Shared, km help.KeyMap, footer string) *Help {
	return &Help{sh: sh, km: km, footer: footer}
}

// Update scrolls or closes; View keeps the scroll in range.
func (d *Help) Update(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, false
	}
	ks := d.sh.Keys
	switch {
	case key.Matches(k, ks.Down):
		d.top++
	case key.Matches(k, ks.Up):
		d.top = max(d.top-1, 0)
	case key.Matches(k, ks.PageDown):
		d.top += max(d.height-1, 1)
	case key.Matches(k, ks.PageUp):
		d.top = max(d.top-max(d.height-1, 1), 0)
	case key.Matches(k, ks.Top):
		d.top = 0
	case key.Matches(k, ks.Bottom):
		d.top = 1 << 30
	default:
		return nil, true
	}
	return nil, false
}

// View draws the help from its scroll position.
func (d *Help) View(width, height int) []string {
	lines := d.lines(width, height)
	d.height = height
	d.top = max(min(d.top, len(lines)-height), 0)
	return lines[d.top:]
}

func (d *Help) lines(width, height int) []string {
	h := help.New()
	h.Styles = d.sh.Styles.Help
	groups := d.km.FullHelp()
	var blocks []string
	for len(groups) > 0 {
		n := 1
		for n < len(groups) && ansi.StringWidth(firstLine(h.FullHelpView(groups[:n+1]))) <= width {
			n++
		}
		blocks = append(blocks, h.FullHelpView(groups[:n]))
		groups = groups[n:]
	}
	title := "Keys (any key closes this)"
	body := strings.Join(blocks, "\n\n")
	if d.footer != "" {
		body += "\n\n" + strings.Join(Wrap(d.footer, width, 0), "\n")
	}
	if strings.Count(body, "\n")+3 > height {
		title = "Keys (j/k and space scroll, any other key closes this)"
	}
	return strings.Split(title+"\n\n"+body, "\n")
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// ShortHelp lists the scroll keys.
func (d *Help) ShortHelp() []key.Binding {
	return []key.Binding{Bind(d.sh.Keys.Down, "scroll"), anyKey(d.sh)}
}

// FullHelp is ShortHelp.
func (d *Help) FullHelp() [][]key.Binding { return [][]key.Binding{d.ShortHelp()} }
