package picture

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// testImage returns a w×h image of colour gradients, with a transparent
// rectangle in its top-left quarter when transparent is set.
func testImage(w, h int, transparent bool) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), uint8((x + y) * 7), 0xff}
			if transparent && x < w/4 && y < h/4 {
				c.A = 0
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// encodePNG returns m as a PNG.
func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeJPEG returns m as a JPEG.
func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encodeGIF returns a two-frame GIF of m, the second frame black.
func encodeGIF(t testing.TB, m image.Image) []byte {
	t.Helper()
	var first bytes.Buffer
	if err := gif.Encode(&first, m, nil); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&first)
	if err != nil {
		t.Fatal(err)
	}
	second := image.NewPaletted(g.Image[0].Rect, color.Palette{color.Black})
	g.Image = append(g.Image, second)
	g.Delay = append(g.Delay, 10)
	g.Disposal = append(g.Disposal, 0)
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// checkWidths fails unless every line is exactly cols cells wide.
func checkWidths(t *testing.T, lines []string, cols int) {
	t.Helper()
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != cols {
			t.Errorf("line %d is %d cells wide, want %d: %q", i, w, cols, l)
		}
	}
}
