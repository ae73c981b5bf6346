package picture

import (
	"bytes"
	"image"
	"image/color"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/ansi/sixel"
)

// renderSixel encodes img, fitted into cols×rows cells, as one sixel DCS
// sequence, with blank lines for the cells it covers. Transparent pixels
// (alpha below one half) are left undrawn (P2 = 1), showing what was in
// the cell.
func renderSixel(img image.Image, cols, rows int, o Options) (Picture, error) {
	size := Fit(img.Bounds().Size(), image.Pt(cols*o.Cell.X, rows*o.Cell.Y))
	if size == (image.Point{}) {
		return Picture{}, nil
	}
	cells := image.Pt(divCeil(size.X, o.Cell.X), divCeil(size.Y, o.Cell.Y))
	px := scale(img, size)
	flatten(px)
	var data bytes.Buffer
	var enc sixel.Encoder
	if err := enc.Encode(&data, quantize(px)); err != nil {
		return Picture{}, err
	}
	blank := strings.Repeat(" ", cols)
	lines := make([]string, cells.Y)
	for i := range lines {
		lines[i] = blank
	}
	return Picture{Lines: lines, Cells: cells, Escape: ansi.SixelGraphics(0, 1, 0, data.Bytes())}, nil
}

// cubePalette is the 6×6×6 colour cube, and transparent at index
// len(cube).
var cubePalette = func() color.Palette {
	p := make(color.Palette, 0, 6*6*6+1)
	for r := range 6 {
		for g := range 6 {
			for b := range 6 {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 0xff})
			}
		}
	}
	return append(p, color.RGBA{})
}()

// bayer is the 4×4 ordered-dither matrix, in sixteenths.
var bayer = [4][4]int{{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}}

// quantize returns the flattened m in cubePalette with ordered dithering.
// The sixel encoder builds its palette from every distinct colour of the
// image it is given, which for a photograph takes seconds; from 217
// colours it takes milliseconds.
func quantize(m *image.RGBA) *image.Paletted {
	out := image.NewPaletted(m.Rect, cubePalette)
	transparent := uint8(len(cubePalette) - 1)
	for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
		for x := m.Rect.Min.X; x < m.Rect.Max.X; x++ {
			p := m.Pix[m.PixOffset(x, y):]
			i := out.PixOffset(x, y)
			if p[3] == 0 {
				out.Pix[i] = transparent
				continue
			}
			// level rounds c to one of 0…5, nudged by the dither
			// threshold by up to half a step either way.
			d := bayer[y&3][x&3]*51/16 - 25
			level := func(c uint8) int { return min(max(int(c)+d+25, 0), 255+25) / 51 }
			out.Pix[i] = uint8(level(p[0])*36 + level(p[1])*6 + level(p[2]))
		}
	}
	return out
}
