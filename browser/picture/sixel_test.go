package picture

import (
	"bytes"
	"image"
	"image/color"
	"strconv"
	"strings"
	"testing"
)

func TestSixel(t *testing.T) {
	p, err := Render(testImage(200, 100, true), Sixel, 30, 10, Options{Cell: image.Pt(8, 16)})
	if err != nil {
		t.Fatal(err)
	}
	// 200×100 fits 240×160 pixels as it is: 25×7 cells (100/16 rounded up).
	if p.Cells != image.Pt(25, 7) || len(p.Lines) != 7 {
		t.Fatalf("Cells %v, %d lines; want 25×7", p.Cells, len(p.Lines))
	}
	checkWidths(t, p.Lines, 30)
	for i, l := range p.Lines {
		if strings.Trim(l, " ") != "" {
			t.Errorf("line %d is not blank: %q", i, l)
		}
	}
	s := p.Escape
	// DCS 0;1 q (transparent background), raster 1:1 and the size, ST.
	if !strings.HasPrefix(s, "\x1bP0;1q\"1;1;200;100") || !strings.HasSuffix(s, "\x1b\\") {
		t.Errorf("sixel %.40q … %q", s, s[max(len(s)-10, 0):])
	}
	if strings.Count(s, "\x1b") != 2 {
		t.Errorf("sixel holds %d escapes, want the DCS and ST only", strings.Count(s, "\x1b"))
	}
	if len(s) < 1000 || strings.Count(s, "-") < 100/6 {
		t.Errorf("sixel of %d bytes, %d bands", len(s), strings.Count(s, "-"))
	}
	if p.Release != "" {
		t.Errorf("Release = %q", p.Release)
	}
}

// quantize maps the cube's own colours to themselves and transparency to
// the transparent entry.
func TestQuantize(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := 0; i < len(m.Pix); i += 4 {
		copy(m.Pix[i:], []uint8{51, 102, 255, 255})
	}
	m.Pix[3] = 0
	q := quantize(m)
	if q.Pix[0] != uint8(len(cubePalette)-1) {
		t.Errorf("transparent pixel → %d", q.Pix[0])
	}
	for i, c := range q.Pix[1:] {
		if c != 1*36+2*6+5 {
			t.Errorf("pixel %d → %d (%v)", i+1, c, cubePalette[c])
		}
	}
}

// What encodeSixel writes decodes to the picture it was given: every
// pixel its palette colour, transparent pixels undrawn.
func TestEncodeSixelRoundTrip(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 37, 20)) // not a multiple of six rows
	img := testImage(37, 20, true)
	for i := range src.Pix {
		src.Pix[i] = img.Pix[i]
	}
	flatten(src)
	q := quantize(src)
	var data bytes.Buffer
	encodeSixel(&data, q)
	got := decodeSixel(t, data.String(), 37, 20)
	transparent := uint8(len(cubePalette) - 1)
	for y := range 20 {
		for x := range 37 {
			c := q.Pix[q.PixOffset(x, y)]
			r, g, b, a := got.At(x, y).RGBA()
			if c == transparent {
				if a != 0 {
					t.Fatalf("pixel %d,%d is transparent, decoded as %v", x, y, got.At(x, y))
				}
				continue
			}
			wr, wg, wb, _ := cubePalette[c].RGBA()
			near := func(a, b uint32) bool { return max(a, b)-min(a, b) <= 0xffff/100+1 }
			if !near(r, wr) || !near(g, wg) || !near(b, wb) {
				t.Fatalf("pixel %d,%d decoded as %v, want %v", x, y, got.At(x, y), cubePalette[c])
			}
		}
	}
}

// decodeSixel decodes the sixel data encodeSixel writes (colours defined
// in RGB percentages, # selects, !N repeats, $ returns, - goes to the
// next band) into a w×h picture. x/ansi's decoder will not do: it reads a
// repeat's character and the sixel after it as one ("!4?@").
func decodeSixel(t *testing.T, s string, w, h int) *image.NRGBA {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	colours := map[int]color.NRGBA{}
	number := func(i int) (int, int) {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil {
			t.Fatalf("no number at %d: %q", i, s[i:min(i+10, len(s))])
		}
		return n, j
	}
	i, x, band, c := strings.Index(s, "#"), 0, 0, 0
	for i < len(s) {
		switch ch := s[i]; {
		case ch == '#':
			c, i = number(i + 1)
			if i < len(s) && s[i] == ';' {
				var v [4]int
				for k := range v {
					v[k], i = number(i + 1)
				}
				colours[c] = color.NRGBA{uint8(v[1] * 255 / 100), uint8(v[2] * 255 / 100), uint8(v[3] * 255 / 100), 255}
			}
		case ch == '$':
			x, i = 0, i+1
		case ch == '-':
			x, band, i = 0, band+1, i+1
		case ch == '!' || ch >= '?' && ch <= '~':
			n := 1
			if ch == '!' {
				n, i = number(i + 1)
			}
			bits := s[i] - 63
			for range n {
				for dy := range 6 {
					if bits&(1<<dy) != 0 {
						img.Set(x, band*6+dy, colours[c])
					}
				}
				x++
			}
			i++
		default:
			t.Fatalf("unexpected %q at %d", ch, i)
		}
	}
	return img
}
