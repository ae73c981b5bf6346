package picture

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds Decode arbitrary bytes (seeds in testdata/fuzz/FuzzDecode:
// one small image of each format, a truncated PNG and a PNG bomb): it must
// return an image within the limits or a typed error, never panic or
// stall, and what it returns must render.
func FuzzDecode(f *testing.F) {
	mimes := []string{"image/png", "image/jpeg", "image/gif", "image/webp"}
	lim := Limits{MaxPixels: 1 << 20} // small, so that an iteration stays fast
	f.Fuzz(func(t *testing.T, data []byte) {
		img, info, err := Decode(bytes.NewReader(data), mimes[len(data)%len(mimes)], lim)
		if err != nil {
			var tooLarge *TooLargeError
			var broken *BrokenError
			if !errors.As(err, &tooLarge) && !errors.As(err, &broken) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if img != nil {
				t.Fatal("an image with an error")
			}
			return
		}
		b := img.Bounds()
		if b.Empty() || int64(b.Dx())*int64(b.Dy()) > lim.MaxPixels ||
			b.Dx() > info.Width || b.Dy() > info.Height {
			t.Fatalf("image %v beyond the limits or the header's %d×%d", b, info.Width, info.Height)
		}
		p, err := Render(img, Blocks, 8, 4, Options{})
		if err != nil || len(p.Lines) == 0 || len(p.Lines) > 4 {
			t.Fatalf("Render: %d lines, %v", len(p.Lines), err)
		}
	})
}
