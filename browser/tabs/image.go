package tabs

import (
	"fmt"
	"image"
	"strings"

	"propus/browser/content"
	"propus/browser/picture"
	"propus/gemtext"
)

// Image is what a page that is an image holds: the body as received, the
// image decoded from it (or why not), and the picture last rendered of it
// for the page area.
type Image struct {
	Body    []byte       // the body as received: what s saves
	Decoded image.Image  // nil when Err is set
	Info    picture.Info // its format, size in pixels and in bytes
	Err     error        // why it could not be decoded

	// Picture is Decoded rendered for Target, with kitty image id ID.
	// Rendered is false until then, and again once the terminal may have
	// lost it (its id given to another); Rendering is true while a
	// rendering is under way.
	Picture   picture.Picture
	Target    Target
	ID        int
	Rendered  bool
	Rendering bool
}

// Target is what a picture is rendered for: Box cells (columns, rows), in
// Mode, on a terminal whose cells are Cell pixels (zero: not known).
type Target struct {
	Box  image.Point
	Mode picture.Mode
	Cell image.Point
}

// RenderedFor reports whether Picture is rendered for t.
func (im *Image) RenderedFor(t Target) bool { return im.Rendered && im.Target == t }

// Caption describes the image in a few words: "PNG · 1200×800 · 340.0
// KiB", its size in bytes said as the status line says it.
func (im *Image) Caption() string {
	i := im.Info
	return fmt.Sprintf("%s · %d×%d · %s", i.Format, i.Width, i.Height, content.HumanSize(i.Bytes))
}

// Shows reports whether the page draws the picture (else its text).
func (im *Image) Shows() bool { return im != nil && im.Decoded != nil }

// SetImage makes p the page of the image im. text is the gemtext the page
// shows in its place when it could not be decoded.
func (p *Page) SetImage(im *Image, text string) {
	p.Image, p.Size, p.Loading = im, int64(len(im.Body)), false
	if !im.Shows() {
		doc, _ := gemtext.ParseAll(strings.NewReader(text))
		p.Doc.Append(doc...)
	}
}
