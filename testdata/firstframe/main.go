// Command firstframe is the smallest Bubble Tea v2 program that draws one
// line in the alternate screen and quits on a key: the floor that
// docs/first-frame.sh measures propus's first screen against.
package main

import (
	"flag"
	"os"

	tea "charm.land/bubbletea/v2"
)

type model struct{}

func (model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); ok {
		return m, tea.Quit
	}
	return m, nil
}

func (model) View() tea.View {
	v := tea.NewView("# First frame")
	v.AltScreen = true
	return v
}

func main() {
	// -fps, when given, is Bubble Tea's frame rate (its default is 60):
	// the first frame is drawn at the first tick.
	fps := flag.Int("fps", 0, "frames per second (0: Bubble Tea's default)")
	flag.Parse()
	var opts []tea.ProgramOption
	if *fps > 0 {
		opts = append(opts, tea.WithFPS(*fps))
	}
	if _, err := tea.NewProgram(model{}, opts...).Run(); err != nil {
		os.Exit(1)
	}
}
