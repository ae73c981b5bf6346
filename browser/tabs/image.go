package tabs

import (
	"image"
	"strings"

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

	// Picture is Decoded rendered for Box cells (columns, rows) in Mode,
	// with kitty image id ID; Rendered is false until then, and again
	// once the terminal may have lost it (its id given to another).
	Picture  picture.Picture
	Box      image.Point
	Mode     picture.Mode
	ID       int
	Rendered bool
}

// RenderedFor reports whether Picture is rendered for box cells in mode.
func (im *Image) RenderedFor(box image.Point, mode picture.Mode) bool {
	return im.Rendered && im.Box == box && im.Mode == mode
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
