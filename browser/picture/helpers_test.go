package picture

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
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

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name.golden (or writes it with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := range max(len(gl), len(wl)) {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s: row %d differs:\n got %q\nwant %q", path, i, g, w)
		}
	}
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
