package picture

import (
	"image"
	"testing"
)

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		src, box, want image.Point
	}{
		{image.Pt(4000, 3000), image.Pt(120, 80), image.Pt(107, 80)}, // limited by height
		{image.Pt(4000, 1000), image.Pt(120, 80), image.Pt(120, 30)}, // limited by width
		{image.Pt(16, 16), image.Pt(120, 80), image.Pt(16, 16)},      // small stays small
		{image.Pt(120, 80), image.Pt(120, 80), image.Pt(120, 80)},    // exact
		{image.Pt(100000, 1), image.Pt(120, 80), image.Pt(120, 1)},   // at least one pixel
		{image.Pt(1, 100000), image.Pt(120, 80), image.Pt(1, 80)},    //
		{image.Pt(300, 200), image.Pt(150, 100), image.Pt(150, 100)}, // same aspect
		{image.Pt(0, 10), image.Pt(120, 80), image.Pt(0, 0)},         // empty source
		{image.Pt(10, 10), image.Pt(0, 80), image.Pt(0, 0)},          // empty box
		{image.Pt(1<<30, 1<<30), image.Pt(7, 5), image.Pt(5, 5)},     // no overflow
	} {
		got := Fit(tc.src, tc.box)
		if got != tc.want {
			t.Errorf("Fit(%v, %v) = %v, want %v", tc.src, tc.box, got, tc.want)
		}
	}
}

// Fit keeps the aspect ratio to within a pixel's rounding, fits the box
// and never enlarges, over a sweep of sizes.
func TestFitProperties(t *testing.T) {
	for sw := 1; sw < 300; sw += 7 {
		for sh := 1; sh < 300; sh += 11 {
			for _, box := range []image.Point{{20, 20}, {120, 80}, {7, 200}, {500, 3}} {
				got := Fit(image.Pt(sw, sh), box)
				if got.X < 1 || got.Y < 1 || got.X > box.X || got.Y > box.Y || got.X > sw || got.Y > sh {
					t.Fatalf("Fit(%dx%d, %v) = %v", sw, sh, box, got)
				}
				if got.X != sw && got.X != box.X && got.Y != box.Y {
					t.Fatalf("Fit(%dx%d, %v) = %v touches no side of the box", sw, sh, box, got)
				}
				// |got.X/got.Y - sw/sh| within the rounding of the
				// side that was computed: half a pixel.
				if d := 2 * (got.X*sh - got.Y*sw); got.Y > 1 && got.X > 1 &&
					(d > max(sw, sh) || -d > max(sw, sh)) {
					t.Fatalf("Fit(%dx%d, %v) = %v changes the aspect", sw, sh, box, got)
				}
			}
		}
	}
}

// Reduce keeps a small image as it is and brings a big one down to
// about KeepPixels, its aspect ratio kept.
func TestReduce(t *testing.T) {
	small := image.NewRGBA(image.Rect(0, 0, 640, 480))
	if Reduce(small) != image.Image(small) {
		t.Error("a small image was copied")
	}
	big := image.NewRGBA(image.Rect(0, 0, 8000, 6000))
	got := Reduce(big).Bounds().Size()
	if n := got.X * got.Y; n > KeepPixels || n < KeepPixels*99/100 {
		t.Errorf("8000×6000 reduced to %v (%d pixels), want about %d", got, n, KeepPixels)
	}
	if r := float64(got.X) / float64(got.Y); r < 1.33 || r > 1.34 {
		t.Errorf("8000×6000 reduced to %v: aspect %.3f", got, r)
	}
}
