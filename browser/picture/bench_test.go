package picture

import (
	"bytes"
	"testing"
)

// BenchmarkPicture decodes a 4000×3000 JPEG from bytes, fits it to 120×40
// cells and renders it in half blocks: the budget is 300 ms.
func BenchmarkPicture(b *testing.B) {
	data := encodeJPEG(b, testImage(4000, 3000, false))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		img, _, err := Decode(bytes.NewReader(data), "image/jpeg", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := Render(img, Blocks, 120, 40, Options{})
		if err != nil || len(p.Lines) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender renders a decoded 4000×3000 image into 120×40 cells of
// 10×20 pixels in each mode: kitty and sixel draw 1067×800 pixels.
func BenchmarkRender(b *testing.B) {
	img := testImage(4000, 3000, false)
	for _, m := range []Mode{Blocks, Kitty, Sixel} {
		b.Run(m.String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(img, m, 120, 40, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
