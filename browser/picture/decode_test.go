package picture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"propus/browser/internal/testimage"
)

func TestDecodeFormats(t *testing.T) {
	src := testImage(40, 30, false)
	webpLossless, err := os.ReadFile("testdata/lossless.webp")
	if err != nil {
		t.Fatal(err)
	}
	webpLossy, err := os.ReadFile("testdata/lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, mime, format string
		data               []byte
	}{
		{"png", "image/png", "PNG", encodePNG(t, src)},
		{"jpeg", "image/jpeg", "JPEG", encodeJPEG(t, src)},
		{"gif", "image/gif", "GIF", encodeGIF(t, src)},
		{"webp lossless", "image/webp", "WebP", webpLossless},
		{"webp lossy", "image/webp", "WebP", webpLossy},
		{"parameters", "image/png; charset=binary", "PNG", encodePNG(t, src)},
		{"mislabelled", "image/png", "JPEG", encodeJPEG(t, src)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, info, err := Decode(bytes.NewReader(tc.data), tc.mime, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			if info.Format != tc.format || info.Width != b.Dx() || info.Height != b.Dy() ||
				info.Bytes != int64(len(tc.data)) {
				t.Errorf("info %+v for a %v image of %d bytes", info, b, len(tc.data))
			}
			if tc.format == "WebP" {
				return
			}
			if b != src.Bounds() {
				t.Fatalf("bounds %v, want %v", b, src.Bounds())
			}
			// The GIF's second frame is black; the first is not.
			r, g, _, _ := img.At(39, 29).RGBA()
			if r < 0x8000 || g < 0x8000 {
				t.Errorf("bottom-right pixel %v, want light (first frame)", img.At(39, 29))
			}
		})
	}
}

// bombGIF returns a small GIF whose logical screen is 65535×65535.
func bombGIF(t *testing.T) []byte {
	b := encodeGIF(t, testImage(4, 4, false))
	b[6], b[7], b[8], b[9] = 0xff, 0xff, 0xff, 0xff
	return b
}

// bombJPEG returns a small JPEG whose frame header declares 60000×60000.
func bombJPEG(t *testing.T) []byte {
	b := encodeJPEG(t, testImage(8, 8, false))
	i := bytes.Index(b, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 in the JPEG")
	}
	binary.BigEndian.PutUint16(b[i+5:], 60000) // after marker, length, precision
	binary.BigEndian.PutUint16(b[i+7:], 60000)
	return b
}

func TestDecodeRefusesBombs(t *testing.T) {
	for _, tc := range []struct {
		name, mime string
		data       []byte
		want       string
	}{
		{"png", "image/png", testimage.BombPNG(100000, 100000),
			"the image is 100000×100000 pixels (10000 megapixels); propus shows up to 50 megapixels"},
		{"gif", "image/gif", bombGIF(t),
			"the image is 65535×65535 pixels (4294 megapixels); propus shows up to 50 megapixels"},
		{"jpeg", "image/jpeg", bombJPEG(t),
			"the image is 60000×60000 pixels (3600 megapixels); propus shows up to 50 megapixels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, info, err := Decode(bytes.NewReader(tc.data), tc.mime, Limits{})
			runtime.ReadMemStats(&after)
			var tooLarge *TooLargeError
			if !errors.As(err, &tooLarge) {
				t.Fatalf("err = %v, want a *TooLargeError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
			if info.Width == 0 || info.Bytes != int64(len(tc.data)) {
				t.Errorf("info = %+v", info)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("refusing a %d-byte bomb allocated %d bytes", len(tc.data), n)
			}
		})
	}
	allocs := testing.AllocsPerRun(10, func() {
		Decode(bytes.NewReader(testimage.BombPNG(100000, 100000)), "image/png", Limits{})
	})
	if allocs > 30 {
		t.Errorf("refusing a PNG bomb took %v allocations", allocs)
	}
}

func TestDecodeLimits(t *testing.T) {
	data := encodePNG(t, testImage(100, 100, false))
	_, _, err := Decode(bytes.NewReader(data), "image/png", Limits{MaxPixels: 9999})
	if err == nil || !strings.Contains(err.Error(), "100×100 pixels (0 megapixels)") {
		t.Errorf("MaxPixels 9999: err = %v", err)
	}
	if _, _, err := Decode(bytes.NewReader(data), "image/png", Limits{MaxPixels: 10000}); err != nil {
		t.Errorf("MaxPixels 10000: err = %v", err)
	}
	_, _, err = Decode(bytes.NewReader(data), "image/png", Limits{MaxBytes: 100})
	var tooLarge *TooLargeError
	if !errors.As(err, &tooLarge) || err.Error() != "the image is larger than 100 B, the most propus shows" {
		t.Errorf("MaxBytes 100: err = %v", err)
	}
}

func TestDecodeBroken(t *testing.T) {
	png := encodePNG(t, testImage(64, 64, false))
	jpeg := encodeJPEG(t, testImage(64, 64, false))
	for _, tc := range []struct {
		name, mime string
		data       []byte
		want       string
	}{
		{"truncated png", "image/png", png[:len(png)/2], "the PNG image is broken: it ends too soon"},
		{"truncated header", "image/png", png[:20], "the PNG image is broken: it ends too soon"},
		{"truncated jpeg", "image/jpeg", jpeg[:len(jpeg)/2], "the JPEG image is broken: it ends too soon"},
		{"empty", "image/gif", nil, "the GIF image is broken: it ends too soon"},
		{"not an image", "image/webp", []byte("hello, world\n"), "the WebP image is broken: riff: missing RIFF chunk header"},
		{"bad crc", "image/png", append(bytes.Clone(png[:30]), 0, 0, 0, 0), "the PNG image is broken: png: invalid format: invalid checksum"},
		{"no pixels", "image/png", testimage.BombPNG(0, 5), "the PNG image is broken: png: invalid format: non-positive dimension"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, _, err := Decode(bytes.NewReader(tc.data), tc.mime, Limits{})
			var broken *BrokenError
			if img != nil || !errors.As(err, &broken) {
				t.Fatalf("Decode = %v, %v; want a *BrokenError", img, err)
			}
			if err.Error() != tc.want {
				t.Errorf("err = %q\nwant  %q", err, tc.want)
			}
		})
	}
}

func TestDecodeReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, _, err := Decode(iotest.ErrReader(boom), "image/png", Limits{}); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}

func TestDecodeUnsupported(t *testing.T) {
	for mime, want := range map[string]string{
		"image/tiff":         "propus cannot show image/tiff images",
		"IMAGE/SVG+XML; a=b": "propus cannot show image/svg+xml images",
		"text/gemini":        "propus cannot show text/gemini images",
		"\x1b[31mimage/png":  "propus cannot show this type of image",
		"":                   "propus cannot show this type of image",
	} {
		_, _, err := Decode(bytes.NewReader(encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))), mime, Limits{})
		var unsupported *UnsupportedError
		if !errors.As(err, &unsupported) || err.Error() != want {
			t.Errorf("Decode(%q) err = %v, want %q", mime, err, want)
		}
		if Supported(mime) {
			t.Errorf("Supported(%q) = true", mime)
		}
	}
	for _, mime := range []string{"image/png", "image/jpeg", "image/gif", "image/webp", "Image/JPEG; q=1"} {
		if !Supported(mime) {
			t.Errorf("Supported(%q) = false", mime)
		}
	}
}

// The first frame of a GIF is the frame itself, not composited: a frame
// smaller than the screen gives its own bounds.
func TestDecodeGIFFrameBounds(t *testing.T) {
	m := image.NewPaletted(image.Rect(2, 3, 6, 7), color.Palette{color.White, color.Black})
	data := encodeGIF(t, m)
	img, info, err := Decode(bytes.NewReader(data), "image/gif", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Empty() || info.Width < img.Bounds().Max.X {
		t.Errorf("bounds %v, info %+v", img.Bounds(), info)
	}
}
