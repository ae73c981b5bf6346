// Package picture turns an image body into something a terminal can show:
// bounded decoding (Decode), fitting into a box of cells (Fit), and three
// renderers behind Render — half blocks in 24-bit colour, kitty graphics
// with Unicode placeholders, and sixel — plus the Detector that picks one
// of them from the terminal's answers and the environment.
//
// The browser calls it in this order:
//
//	img, info, err := picture.Decode(body, mime, picture.Limits{})
//	p, err := picture.Render(img, detector.Mode(), cols, rows, detector.Options(id))
//	// draw p.Lines in the page area; write p.Escape raw once (tea.Raw);
//	// write p.Release raw when the page goes away.
//
// Nothing a server sends reaches the screen through this package except
// pixels: the escape sequences are built here, and errors hold only text
// of our own and numbers.
package picture
