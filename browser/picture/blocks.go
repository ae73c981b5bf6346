package picture

import (
	"image"
	"strconv"
)

// Half blocks: one cell shows two pixels, the top one in the foreground
// colour of ▀ and the bottom one in its background colour; cells being
// about twice as tall as wide, the pixels come out square.
const (
	upperHalf = "▀"
	lowerHalf = "▄"
)

// noColour is the terminal's default colour in a pen.
const noColour = -1

// renderBlocks draws img in half blocks with 24-bit colour, fitted into
// cols×rows cells at one pixel per half cell at most. A transparent pixel
// (alpha below one half) shows the terminal's default background.
//
// The colours are always 24-bit: Bubble Tea's renderer converts each
// cell's colours to the terminal's colour profile as it draws
// (uv.ConvertStyle), so a 256- or 16-colour terminal gets its nearest
// colours without this package knowing the profile.
func renderBlocks(img image.Image, cols, rows int) Picture {
	size := Fit(img.Bounds().Size(), image.Pt(cols, 2*rows))
	if size == (image.Point{}) {
		return Picture{}
	}
	px := scale(img, size)
	flatten(px)
	cells := image.Pt(size.X, divCeil(size.Y, 2))
	lines := make([]string, cells.Y)
	buf := make([]byte, 0, size.X*40)
	for row := range cells.Y {
		buf = buf[:0]
		fg, bg := noColour, noColour
		for x := range size.X {
			top := colourAt(px, x, 2*row)
			bottom := colourAt(px, x, 2*row+1)
			glyph := upperHalf
			wantFG, wantBG := top, bottom
			switch {
			case top == noColour && bottom == noColour:
				glyph, wantFG = " ", fg // the foreground does not show
			case top == noColour:
				glyph, wantFG, wantBG = lowerHalf, bottom, noColour
			}
			buf = appendPen(buf, fg, bg, wantFG, wantBG)
			fg, bg = wantFG, wantBG
			buf = append(buf, glyph...)
		}
		if fg != noColour || bg != noColour {
			buf = append(buf, "\x1b[m"...)
		}
		lines[row] = padLine(string(buf), size.X, cols)
	}
	return Picture{Lines: lines, Cells: cells}
}

// flatten makes each pixel of m either transparent (alpha below one half)
// or opaque with its colour un-premultiplied.
func flatten(m *image.RGBA) {
	p := m.Pix
	for i := 0; i+3 < len(p); i += 4 {
		a := uint32(p[i+3])
		switch {
		case a < 0x80:
			p[i], p[i+1], p[i+2], p[i+3] = 0, 0, 0, 0
		case a < 0xff:
			p[i] = uint8(min(uint32(p[i])*0xff/a, 0xff))
			p[i+1] = uint8(min(uint32(p[i+1])*0xff/a, 0xff))
			p[i+2] = uint8(min(uint32(p[i+2])*0xff/a, 0xff))
			p[i+3] = 0xff
		}
	}
}

// colourAt returns the pixel of the flattened m at x, y as 0xRRGGBB, or
// noColour where it is transparent or below the image.
func colourAt(m *image.RGBA, x, y int) int {
	if y >= m.Rect.Max.Y {
		return noColour
	}
	i := m.PixOffset(x, y)
	p := m.Pix[i : i+4 : i+4]
	if p[3] == 0 {
		return noColour
	}
	return int(p[0])<<16 | int(p[1])<<8 | int(p[2])
}

// appendPen appends the SGR that changes the pen from fg, bg to wantFG,
// wantBG, nothing when they are the same.
func appendPen(b []byte, fg, bg, wantFG, wantBG int) []byte {
	if fg == wantFG && bg == wantBG {
		return b
	}
	b = append(b, "\x1b["...)
	if fg != wantFG {
		b = appendColour(b, 38, wantFG)
		if bg != wantBG {
			b = append(b, ';')
		}
	}
	if bg != wantBG {
		b = appendColour(b, 48, wantBG)
	}
	return append(b, 'm')
}

// appendColour appends the SGR parameters that set a colour: 38 (or 48)
// ;2;r;g;b, or 39 (49) for the default colour.
func appendColour(b []byte, which, c int) []byte {
	if c == noColour {
		return strconv.AppendInt(b, int64(which+1), 10)
	}
	b = strconv.AppendInt(b, int64(which), 10)
	b = append(b, ";2;"...)
	b = strconv.AppendInt(b, int64(c>>16), 10)
	b = append(b, ';')
	b = strconv.AppendInt(b, int64(c>>8&0xff), 10)
	b = append(b, ';')
	return strconv.AppendInt(b, int64(c&0xff), 10)
}
