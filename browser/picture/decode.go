package picture

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"mime"
	"strings"

	"golang.org/x/image/webp"

	"propus/browser/content"
)

// Default limits of Decode, used where a Limits field is zero or less.
const (
	DefaultMaxPixels = 50_000_000
	DefaultMaxBytes  = 64 << 20
)

// Limits bound what Decode accepts. A zero field takes its default.
type Limits struct {
	// MaxPixels is the largest width×height decoded; a larger image is
	// refused from its header, before any pixel memory is allocated.
	MaxPixels int64
	// MaxBytes is the most bytes read from the body.
	MaxBytes int64
}

func (l Limits) withDefaults() Limits {
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// Info describes a decoded image: its format and size.
type Info struct {
	Format        string // "PNG", "JPEG", "GIF" or "WebP"
	Width, Height int    // in pixels, as the header declares
	Bytes         int64  // the size of the body
}

// TooLargeError is Decode refusing an image over its Limits: by the pixel
// count its header declares (Width, Height set) or by its size in bytes
// (Width, Height zero).
type TooLargeError struct {
	Width, Height int
	MaxPixels     int64
	MaxBytes      int64
}

func (e *TooLargeError) Error() string {
	if e.Width == 0 && e.Height == 0 {
		return fmt.Sprintf("the image is larger than %s, the most propus shows", content.HumanSize(e.MaxBytes))
	}
	mp := int64(e.Width) * int64(e.Height) / 1_000_000
	return fmt.Sprintf("the image is %d×%d pixels (%d megapixels); propus shows up to %d megapixels",
		e.Width, e.Height, mp, e.MaxPixels/1_000_000)
}

// BrokenError is an image that its decoder could not read: damaged,
// truncated, or not the format it claims. Err is the decoder's error.
type BrokenError struct {
	Format string
	Err    error
}

func (e *BrokenError) Error() string {
	if truncated(e.Err) {
		return fmt.Sprintf("the %s image is broken: it ends too soon", e.Format)
	}
	return fmt.Sprintf("the %s image is broken: %v", e.Format, e.Err)
}

// truncated reports whether a decoder's error says that its input ended
// before the image did.
func truncated(err error) bool {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"unexpected EOF", "not enough pixel data", "short Huffman data"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (e *BrokenError) Unwrap() error { return e.Err }

// UnsupportedError is a media type that Decode does not read. Type is the
// parsed media type ("image/tiff"), empty when the header did not parse.
type UnsupportedError struct {
	Type string
}

func (e *UnsupportedError) Error() string {
	if e.Type == "" {
		return "propus cannot show this type of image"
	}
	return fmt.Sprintf("propus cannot show %s images", e.Type)
}

// format is one image format Decode reads.
type format struct {
	name   string
	magic  func([]byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

var (
	formatPNG = &format{"PNG",
		func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) },
		png.DecodeConfig, png.Decode}
	formatJPEG = &format{"JPEG",
		func(b []byte) bool { return bytes.HasPrefix(b, []byte("\xff\xd8\xff")) },
		jpeg.DecodeConfig, jpeg.Decode}
	formatGIF = &format{"GIF",
		func(b []byte) bool {
			return bytes.HasPrefix(b, []byte("GIF87a")) || bytes.HasPrefix(b, []byte("GIF89a"))
		},
		gif.DecodeConfig, gif.Decode} // gif.Decode reads the first frame only
	formatWebP = &format{"WebP",
		func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" },
		webp.DecodeConfig, webp.Decode}

	formats = []*format{formatPNG, formatJPEG, formatGIF, formatWebP}

	mediaTypes = map[string]*format{
		"image/png":   formatPNG,
		"image/x-png": formatPNG,
		"image/apng":  formatPNG, // its first frame is a PNG
		"image/jpeg":  formatJPEG,
		"image/jpg":   formatJPEG,
		"image/pjpeg": formatJPEG,
		"image/gif":   formatGIF,
		"image/webp":  formatWebP,
	}
)

// formatOf returns the format of a media type (parameters allowed), or an
// UnsupportedError.
func formatOf(mimeType string) (*format, error) {
	mt, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		return nil, &UnsupportedError{}
	}
	if f, ok := mediaTypes[mt]; ok {
		return f, nil
	}
	return nil, &UnsupportedError{Type: mt}
}

// Supported reports whether Decode reads images of the media type
// mimeType (image/png, image/jpeg, image/gif, image/webp; parameters
// allowed).
func Supported(mimeType string) bool {
	_, err := formatOf(mimeType)
	return err == nil
}

// Decode reads an image of media type mimeType from r within lim: at most
// lim.MaxBytes bytes are read, and the header is read before the pixels,
// so an image declaring more than lim.MaxPixels pixels is refused without
// allocating them. A GIF gives its first frame. When the bytes are one of
// the other supported formats (a server mislabelling a JPEG as PNG), they
// are read as what they are, and Info.Format says so.
//
// Errors are *UnsupportedError, *TooLargeError, *BrokenError, or the
// error reading r. Decode does not panic on any input.
func Decode(r io.Reader, mimeType string, lim Limits) (image.Image, Info, error) {
	lim = lim.withDefaults()
	b, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, Info{}, err
	}
	return DecodeBytes(b, mimeType, lim)
}

// DecodeBytes is Decode of a body already read whole: b itself is
// decoded, not a copy of it.
func DecodeBytes(b []byte, mimeType string, lim Limits) (image.Image, Info, error) {
	f, err := formatOf(mimeType)
	if err != nil {
		return nil, Info{}, err
	}
	lim = lim.withDefaults()
	if int64(len(b)) > lim.MaxBytes {
		return nil, Info{}, &TooLargeError{MaxBytes: lim.MaxBytes}
	}
	for _, g := range formats {
		if g.magic(b) {
			f = g
			break
		}
	}
	info := Info{Format: f.name, Bytes: int64(len(b))}
	cfg, err := f.config(bytes.NewReader(b))
	if err != nil {
		return nil, info, &BrokenError{Format: f.name, Err: err}
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, info, &BrokenError{Format: f.name, Err: errNoPixels}
	}
	if int64(cfg.Width)*int64(cfg.Height) > lim.MaxPixels {
		return nil, info, &TooLargeError{Width: cfg.Width, Height: cfg.Height, MaxPixels: lim.MaxPixels}
	}
	img, err := decodeSafely(f, b)
	if err != nil {
		return nil, info, &BrokenError{Format: f.name, Err: err}
	}
	if img.Bounds().Empty() {
		return nil, info, &BrokenError{Format: f.name, Err: errNoPixels}
	}
	return img, info, nil
}

var errNoPixels = errors.New("it has no pixels")

// decodeSafely runs f's decoder on b, turning a panic of the decoder on
// hostile input into an error.
func decodeSafely(f *format, b []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("the decoder failed: %v", r)
		}
	}()
	return f.decode(bytes.NewReader(b))
}
