package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
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
	encodeSixel(&data, quantize(px))
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

// quantize returns the flattened m in cubePalette with ordered dithering:
// sixel draws from a palette.
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

// encodeSixel writes m, whose palette is cubePalette, as sixel data: the
// raster attributes, the palette, then each band of six rows as one run-
// length encoded row per colour the band uses. Transparent pixels are not
// drawn. x/ansi's encoder builds its palette from the image's colours
// through a map, a pixel at a time, which takes it 0.2–0.3 s for a
// picture the size of a terminal; this one is a few milliseconds.
func encodeSixel(w *bytes.Buffer, m *image.Paletted) {
	width, height := m.Rect.Dx(), m.Rect.Dy()
	transparent := uint8(len(cubePalette) - 1)
	w.WriteString(`"1;1;` + strconv.Itoa(width) + ";" + strconv.Itoa(height))
	for i, c := range cubePalette[:transparent] {
		r, g, b, _ := c.RGBA()
		fmt.Fprintf(w, "#%d;2;%d;%d;%d", i, r*100/0xffff, g*100/0xffff, b*100/0xffff)
	}
	// bits[c*width+x] is the band's six pixels of column x in colour c.
	bits := make([]byte, int(transparent)*width)
	var used [256]bool
	for top := 0; top < height; top += 6 {
		clear(bits)
		used = [256]bool{}
		for dy := 0; dy < 6 && top+dy < height; dy++ {
			row := m.Pix[(top+dy)*m.Stride:][:width]
			for x, c := range row {
				if c != transparent {
					bits[int(c)*width+x] |= 1 << dy
					used[c] = true
				}
			}
		}
		first := true
		for c := range int(transparent) {
			if !used[c] {
				continue
			}
			if !first {
				w.WriteByte('$') // back to the band's start, for the next colour
			}
			first = false
			w.WriteByte('#')
			w.WriteString(strconv.Itoa(c))
			row := bits[c*width:][:width]
			for len(row) > 0 && row[len(row)-1] == 0 {
				row = row[:len(row)-1] // nothing to draw after the last pixel
			}
			for x := 0; x < len(row); {
				n := 1
				for x+n < len(row) && row[x+n] == row[x] {
					n++
				}
				ch := 63 + row[x]
				if n > 3 {
					w.WriteByte('!')
					w.WriteString(strconv.Itoa(n))
					w.WriteByte(ch)
				} else {
					for range n {
						w.WriteByte(ch)
					}
				}
				x += n
			}
		}
		w.WriteByte('-')
	}
}
