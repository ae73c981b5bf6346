package picture

import (
	"image"
	"math"

	"golang.org/x/image/draw"
)

// Fit returns the size an image of src pixels is drawn at to fit into box
// pixels: the aspect ratio kept (to within rounding), never enlarged, at
// least 1×1 when src and box are not empty; zero when either is.
func Fit(src, box image.Point) image.Point {
	if src.X <= 0 || src.Y <= 0 || box.X <= 0 || box.Y <= 0 {
		return image.Point{}
	}
	if src.X <= box.X && src.Y <= box.Y {
		return src
	}
	// Scale by the tighter of box.X/src.X and box.Y/src.Y, compared
	// exactly in integers: box.X*src.Y <= box.Y*src.X.
	w, h := int64(box.X), int64(box.Y)
	if w*int64(src.Y) <= h*int64(src.X) {
		h = (int64(src.Y)*w + int64(src.X)/2) / int64(src.X)
	} else {
		w = (int64(src.X)*h + int64(src.Y)/2) / int64(src.Y)
	}
	return image.Pt(int(max(w, 1)), int(max(h, 1)))
}

// scale returns img drawn at size, approximately bilinear: fast, but it
// samples only 4 source pixels per destination pixel, so a photograph
// reduced 30 times would come out speckled. A reduction of more than
// oversample times therefore goes in two steps: the approximate one to
// oversample times size, then a true bilinear one (slow per pixel, but
// averaging all the pixels under each destination pixel) to size — about
// a millisecond more for 120×80 pixels.
func scale(img image.Image, size image.Point) *image.RGBA {
	src := img.Bounds()
	dst := image.NewRGBA(image.Rectangle{Max: size})
	if src.Dx() <= oversample*size.X && src.Dy() <= oversample*size.Y {
		draw.ApproxBiLinear.Scale(dst, dst.Rect, img, src, draw.Src, nil)
		return dst
	}
	mid := image.NewRGBA(image.Rectangle{Max: size.Mul(oversample)})
	draw.ApproxBiLinear.Scale(mid, mid.Rect, img, src, draw.Src, nil)
	draw.BiLinear.Scale(dst, dst.Rect, mid, mid.Rect, draw.Src, nil)
	return dst
}

// oversample is how many times larger than its destination the first step
// of a big reduction makes the image.
const oversample = 4

// divCeil is a/b rounded up, for a ≥ 0 and b > 0.
func divCeil(a, b int) int { return (a + b - 1) / b }

// KeepPixels is the most pixels of a decoded image worth keeping to draw:
// a 4K screen's worth, more than any terminal shows an image at.
const KeepPixels = 3840 * 2160

// Reduce returns img, or, when it has more than KeepPixels pixels, a copy
// scaled down to about KeepPixels (the aspect ratio kept): what a page
// keeps of its image, so that a 50-megapixel photograph holds 33 MB
// rather than 200 while it is in the history.
func Reduce(img image.Image) image.Image {
	src := img.Bounds().Size()
	n := int64(src.X) * int64(src.Y)
	if n <= KeepPixels {
		return img
	}
	f := math.Sqrt(float64(KeepPixels) / float64(n))
	return scale(img, image.Pt(max(int(float64(src.X)*f), 1), max(int(float64(src.Y)*f), 1)))
}
