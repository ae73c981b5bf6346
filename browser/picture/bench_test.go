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
