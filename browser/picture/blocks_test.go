package picture

import (
	"image"
	"image/color"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"propus/browser/internal/golden"
)

// A 40×40 image with a transparent top-left quarter fills 20×10 cells:
// 20×20 pixels, two to a cell; the quarter is spaces.
func TestBlocksGolden(t *testing.T) {
	p, err := Render(testImage(40, 40, true), Blocks, 20, 10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Cells != image.Pt(20, 10) || len(p.Lines) != 10 || p.Escape != "" || p.Release != "" {
		t.Fatalf("Cells %v, %d lines, Escape %q, Release %q", p.Cells, len(p.Lines), p.Escape, p.Release)
	}
	checkWidths(t, p.Lines, 20)
	text := strings.Join(p.Lines, "\n") + "\n"
	golden.Check(t, "blocks", ansi.Strip(text))
	golden.Check(t, "blocks-ansi", text)
}

// A small image stays small, and the lines are padded to the box.
func TestBlocksSmallImage(t *testing.T) {
	p, err := Render(testImage(6, 4, false), Blocks, 30, 10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Cells != image.Pt(6, 2) || len(p.Lines) != 2 {
		t.Fatalf("Cells %v, %d lines; want 6×2", p.Cells, len(p.Lines))
	}
	checkWidths(t, p.Lines, 30)
	if got := ansi.Strip(p.Lines[0]); got != strings.Repeat("▀", 6)+strings.Repeat(" ", 24) {
		t.Errorf("line 0 = %q", got)
	}
}

// Each combination of transparent and opaque pixels in a cell, and the
// pixel row below an image of odd height.
func TestBlocksTransparency(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 2, 3))
	m.Set(0, 1, color.NRGBA{255, 0, 0, 255})
	m.Set(0, 2, color.NRGBA{0, 255, 0, 255})
	m.Set(1, 0, color.NRGBA{0, 0, 255, 255})
	p, err := Render(m, Blocks, 2, 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"\x1b[38;2;255;0;0m▄\x1b[38;2;0;0;255m▀\x1b[m",
		"\x1b[38;2;0;255;0m▀ \x1b[m", // the foreground of a space does not show
	}
	if strings.Join(p.Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines\n%q\nwant\n%q", p.Lines, want)
	}
}

// Pixels of an image whose bounds do not start at 0,0 are found.
func TestBlocksOffsetBounds(t *testing.T) {
	m := image.NewNRGBA(image.Rect(5, 7, 7, 9))
	for y := 7; y < 9; y++ {
		for x := 5; x < 7; x++ {
			m.Set(x, y, color.NRGBA{10, 20, 30, 255})
		}
	}
	p, err := Render(m, Blocks, 4, 4, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "\x1b[38;2;10;20;30;48;2;10;20;30m▀▀\x1b[m  "; len(p.Lines) != 1 || p.Lines[0] != want {
		t.Errorf("lines %q, want [%q]", p.Lines, want)
	}
}

func TestRenderEmptyBoxAndModes(t *testing.T) {
	img := testImage(4, 4, false)
	for _, m := range []Mode{Blocks, Kitty, Sixel} {
		if p, err := Render(img, m, 0, 5, Options{}); err != nil || len(p.Lines) != 0 {
			t.Errorf("%v in 0×5 cells: %v, %v", m, p, err)
		}
	}
	for _, m := range []Mode{Auto, Off} {
		if _, err := Render(img, m, 10, 5, Options{}); err != ErrNoDrawing {
			t.Errorf("%v: err = %v, want ErrNoDrawing", m, err)
		}
	}
	if _, err := Render(img, Kitty, 10, 5, Options{ID: 256}); err == nil {
		t.Error("kitty id 256 accepted")
	}
}
