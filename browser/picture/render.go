package picture

import (
	"errors"
	"fmt"
	"image"
	"strings"
)

// Picture is an image made ready for the page area.
type Picture struct {
	// Lines are what the view draws: one per row the picture covers, each
	// exactly as many cells wide as Render was given, the picture at the
	// left and spaces after it. Blocks draws the picture in them; kitty
	// draws placeholder characters the terminal covers with the image;
	// sixel leaves them blank for Escape to draw over.
	Lines []string
	// Cells is the size of the picture itself in cells (columns, rows),
	// at most what Render was given.
	Cells image.Point
	// Escape is written to the terminal raw (tea.Raw), once: for kitty
	// the transmission of the image, anywhere on the screen; for sixel
	// the image itself, with the cursor at the top left of Lines. Empty
	// for blocks.
	Escape string
	// Release is written raw when the picture leaves the screen for good:
	// for kitty it frees the image the terminal holds. Empty otherwise.
	Release string
}

// Options are what Render needs beyond the image and the box of cells.
type Options struct {
	// Cell is the size of a terminal cell in pixels (Detector.CellSize),
	// used by kitty and sixel; zero means DefaultCell.
	Cell image.Point
	// ID is the kitty image id, 1 to 255, one per picture on the screen
	// at a time; zero means 1. It is sent as a 256-colour index, which
	// survives a renderer that downsamples 24-bit colour.
	ID int
	// Tmux wraps the kitty escapes for tmux passthrough (Detector.Tmux);
	// tmux must have allow-passthrough on.
	Tmux bool
}

// DefaultCell is the cell size in pixels assumed when the terminal did not
// report one.
var DefaultCell = image.Pt(10, 20)

// ErrNoDrawing is Render given Auto or Off, modes that draw nothing.
var ErrNoDrawing = errors.New("picture: Auto and Off draw no picture")

// Render draws img to fit into cols×rows cells in mode m (Kitty, Sixel or
// Blocks), never enlarged beyond one image pixel per half cell (blocks)
// or per screen pixel (kitty, sixel). A box with no cells gives an empty
// Picture.
func Render(img image.Image, m Mode, cols, rows int, o Options) (Picture, error) {
	if cols <= 0 || rows <= 0 {
		return Picture{}, nil
	}
	if o.Cell.X <= 0 || o.Cell.Y <= 0 {
		o.Cell = DefaultCell
	}
	if o.ID <= 0 {
		o.ID = 1
	}
	if o.ID > 255 {
		return Picture{}, fmt.Errorf("picture: kitty image id %d is not within 1 to 255", o.ID)
	}
	switch m {
	case Blocks:
		return renderBlocks(img, cols, rows), nil
	case Kitty:
		return renderKitty(img, cols, rows, o)
	case Sixel:
		return renderSixel(img, cols, rows, o)
	}
	return Picture{}, ErrNoDrawing
}

// padLine returns line, which is used cells wide, made cols wide with
// spaces.
func padLine(line string, used, cols int) string {
	if used >= cols {
		return line
	}
	return line + strings.Repeat(" ", cols-used)
}
