package picture

import (
	"image"
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
