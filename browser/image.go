package browser

import (
	"errors"
	"image"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
	"weak"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"propus/browser/content"
	"propus/browser/dialog"
	"propus/browser/load"
	"propus/browser/picture"
	"propus/browser/tabs"
	"propus/client"
)

// Images: a followed link to an image is fetched whole (up to
// picture.DefaultMaxBytes), decoded in a command, and shown in the page
// area, scaled to fit, above a caption. View only draws the lines of a
// picture rendered before: syncPicture, after every Update, has the
// active tab's picture rendered again when the page area, the mode or
// the cell size changed, and writes to the terminal what kitty and sixel
// need raw. Half blocks render in Update (a few milliseconds); kitty and
// sixel, which scale and encode up to half a second for a large photo,
// in a command whose pictureMsg installs the picture, one rendering of
// an image at a time.
//
// Kitty pictures are transmitted once (tea.Raw) and shown by placeholder
// characters in the page's lines, so they come and go with the lines
// like text: a dialog over the page hides them. Each rendering gets an
// image id of its own, 1 to 255 in turn; a picture whose id was given to
// another is rendered anew when it is shown again.
//
// Sixel pictures are drawn over blank lines after the frame is on the
// screen (sixelDelay later, with the cursor saved and restored around
// them), since Bubble Tea writes raw output before the frame. The
// renderer does not know of them: a picture leaving the screen (another
// page, a dialog over it, a resize) clears the screen so that none of it
// stays behind, and it is drawn again when it comes back. Anything that
// redraws the terminal behind Bubble Tea's back (a multiplexer, which is
// why auto never picks sixel inside one) may leave a stale sixel or erase
// one until the next redraw.

// sixelDelay is how long after the Update that put a sixel picture on the
// page its image is written: Bubble Tea draws frames on a ticker (120 a
// second), so the frame that blanks its cells is out by then.
const sixelDelay = 50 * time.Millisecond

// pictures is what the browser knows of the terminal's pictures: the
// detector of its capabilities, the kitty image ids given, and the
// picture on the screen.
type pictures struct {
	*picture.Detector
	lastID    int                           // the kitty image id given last
	owner     [256]weak.Pointer[tabs.Image] // the image each kitty id was given to
	releases  [256]string                   // what frees the terminal's image of each id
	onScreen  *tabs.Image                   // the picture in view after the last Update
	installed *tabs.Image                   // the picture rendered anew since, if any
	sixelOut  bool                          // a sixel is on the terminal
	sixelGen  int                           // bumped by every sixel drawing asked for
}

// imageMsg: the body of an image arrived and was decoded (or not).
type imageMsg struct {
	h         load.HeaderMsg
	image     *tabs.Image
	truncated bool // no close_notify at the end
}

// LoadKey returns the load of the image.
func (i imageMsg) LoadKey() load.Key { return i.h.Key }

// sixelMsg: the frame is out; write the sixel of im, the gen'th asked for.
type sixelMsg struct {
	im  *tabs.Image
	gen int
}

// showsImages reports whether a 2x response of type mime is shown as a
// picture rather than offered for saving.
func (m *Model) showsImages(mime string) bool {
	return picture.Supported(mime) && m.pics.Mode() != picture.Off
}

// fetchImage returns the command that reads the body of the image h,
// at most picture.DefaultMaxBytes, counting the bytes in received, and
// decodes it; the tab stays loading (Esc cancels) until it reports.
func fetchImage(h load.HeaderMsg, received *atomic.Int64) tea.Cmd {
	resp := h.Resp
	resp.SetMaxSize(picture.DefaultMaxBytes)
	return func() tea.Msg {
		defer resp.Body.Close()
		body, err := io.ReadAll(content.CountReader(resp.Body, received))
		im := &tabs.Image{Body: body}
		switch tooLarge, ok := errors.AsType[*client.TooLargeError](err); {
		case ok:
			im.Err = &picture.TooLargeError{MaxBytes: tooLarge.Max}
		case err != nil:
			im.Err = err
		default:
			im.Decoded, im.Info, im.Err = picture.DecodeBytes(body, h.MIME, picture.Limits{})
		}
		return imageMsg{h: h, image: im, truncated: resp.Truncated()}
	}
}

// showImage shows the image that arrived on tab t: its picture, or a text
// that says why not.
func (m *Model) showImage(t *tabs.Tab, msg imageMsg) tea.Cmd {
	if t.Cancel != nil {
		t.Cancel() // the load is over: free its context
		t.Cancel = nil
	}
	t.Loading, t.Received = "", nil
	m.showResponse(t, msg.h)
	p := t.Page
	p.Truncated = msg.truncated
	text := ""
	if err := msg.image.Err; err != nil {
		ks := m.shared.Keys
		text = "This image is not shown: " + err.Error() + ".\n\n" +
			ks.SavePage.Help().Key + " saves it as received; " + ks.OpenPage.Help().Key + " opens it with another program.\n"
	}
	p.SetImage(msg.image, text)
	return tea.Batch(m.recordVisit(t, p, ""), reduceImage(msg.image))
}

// reducedMsg: a smaller copy of im's decoded image, to keep instead.
type reducedMsg struct {
	im  *tabs.Image
	img image.Image
}

// reduceImage returns the command that makes the copy of a big image
// the page keeps (picture.Reduce), after it is on screen: a 50-megapixel
// photograph would hold 200 MB in every history entry, and reducing it
// before showing it would cost more than decoding it. nil when the image
// is small enough as it is.
func reduceImage(im *tabs.Image) tea.Cmd {
	img := im.Decoded
	if img == nil || int64(img.Bounds().Dx())*int64(img.Bounds().Dy()) <= picture.KeepPixels {
		return nil
	}
	return func() tea.Msg { return reducedMsg{im, picture.Reduce(img)} }
}

// imageView is the page area of a page showing a picture, in a column of
// width cells: the picture's lines, then its caption and keys.
func (m *Model) imageView(im *tabs.Image, width int) []string {
	ks := m.shared.Keys
	caption := im.Caption() + " · " + ks.SavePage.Help().Key + " save · " + ks.OpenPage.Help().Key + " open outside"
	lines := append([]string(nil), im.Picture.Lines...)
	return append(lines, " "+m.shared.Styles.Page.AltText.Render(ansi.Truncate(caption, max(width-1, 1), "…")))
}

// covered reports whether a dialog covers the page area.
func (m *Model) covered() bool {
	top := m.dialogs.Top()
	_, inline := top.(dialog.Inline)
	return top != nil && !inline
}

// syncPicture renders the picture of the page in view again when the
// page area, the mode or the cell size changed since it was last
// rendered, and returns the raw output that goes with what it shows: a
// sixel after the frame, and a cleared screen when a sixel leaves it.
// msg is the message Update has just handled.
func (m *Model) syncPicture(msg tea.Msg) tea.Cmd {
	ps := &m.pics
	var im *tabs.Image
	if p := m.tab().Page; p != nil && p.Image.Shows() && !m.covered() {
		im = p.Image
	}
	var cmds []tea.Cmd
	if im != nil {
		want := tabs.Target{
			Box:  image.Pt(column(m.width, m.opts.ReadingWidth, m.opts.Center), m.pageHeight()-1),
			Mode: ps.Mode(), Cell: ps.CellSize(),
		}
		if !im.RenderedFor(want) && !im.Rendering {
			cmds = append(cmds, m.renderPicture(im, want))
		}
	}
	_, resized := msg.(tea.WindowSizeMsg) // the screen is drawn anew
	redraw := resized || im != nil && ps.installed == im
	ps.installed = nil
	prev := ps.onScreen
	ps.onScreen = im
	if ps.sixelOut && (prev != im || redraw) {
		ps.sixelOut = false
		cmds = append(cmds, tea.ClearScreen)
	}
	if im != nil && im.Rendered && im.Target.Mode == picture.Sixel && (prev != im || redraw) {
		ps.sixelGen++
		gen := ps.sixelGen
		cmds = append(cmds, m.after(sixelDelay, func(time.Time) tea.Msg { return sixelMsg{im, gen} }))
	}
	return tea.Batch(cmds...)
}

// pictureMsg: a picture of im was rendered for target with kitty image
// id id (err: it could not be).
type pictureMsg struct {
	im      *tabs.Image
	target  tabs.Target
	id      int
	picture picture.Picture
	err     error
}

// renderPicture renders im for target: half blocks at once (they take a
// few milliseconds), kitty and sixel, which take up to half a second for
// a large image, in a command that reports a pictureMsg.
func (m *Model) renderPicture(im *tabs.Image, target tabs.Target) tea.Cmd {
	ps := &m.pics
	id := 1
	if target.Mode == picture.Kitty {
		ps.lastID = ps.lastID%255 + 1
		id = ps.lastID
	}
	img, opts := im.Decoded, ps.Options(id)
	render := func() pictureMsg {
		p, err := picture.Render(img, target.Mode, target.Box.X, target.Box.Y, opts)
		return pictureMsg{im, target, id, p, err}
	}
	if target.Mode != picture.Kitty && target.Mode != picture.Sixel {
		return m.installPicture(render())
	}
	im.Rendering = true
	return func() tea.Msg { return render() }
}

// installPicture makes the picture of msg its image's, and returns the
// raw output that goes with it: for kitty the release of the picture it
// replaces and its transmission.
func (m *Model) installPicture(msg pictureMsg) tea.Cmd {
	ps, im := &m.pics, msg.im
	if msg.err != nil && !errors.Is(msg.err, picture.ErrNoDrawing) {
		m.flash("The picture could not be drawn: "+msg.err.Error(), true)
	}
	raw := ""
	if im.Rendered && im.Target.Mode == picture.Kitty {
		raw = im.Picture.Release
		if ps.owner[im.ID].Value() == im {
			ps.owner[im.ID], ps.releases[im.ID] = weak.Pointer[tabs.Image]{}, ""
		}
	}
	if msg.target.Mode == picture.Kitty {
		if old := ps.owner[msg.id].Value(); old != nil && old != im {
			old.Rendered = false // the terminal's image of that id is about to be another's
		}
		ps.owner[msg.id], ps.releases[msg.id] = weak.Make(im), msg.picture.Release
		raw += msg.picture.Escape
	}
	im.Picture, im.Target, im.ID, im.Rendered, im.Rendering = msg.picture, msg.target, msg.id, true, false
	ps.installed = im
	if raw == "" {
		return nil
	}
	return tea.Raw(raw)
}

// drawSixel writes the sixel picture of msg when it is still the one in
// view: at the top left of the picture's lines, the cursor saved and
// restored around it so that Bubble Tea's idea of it stays true.
func (m *Model) drawSixel(msg sixelMsg) tea.Cmd {
	if msg.gen != m.pics.sixelGen || m.pics.onScreen != msg.im || msg.im.Target.Mode != picture.Sixel {
		return nil
	}
	m.pics.sixelOut = true
	col := m.margin() + 1
	return tea.Raw(ansi.SaveCursor + ansi.CursorPosition(col, 2) + msg.im.Picture.Escape + ansi.RestoreCursor)
}

// release is what frees every kitty image the terminal holds for
// propus, written at quit; "" when it holds none.
func (ps *pictures) release() string { return strings.Join(ps.releases[:], "") }

// getenvFor returns os.Getenv, with NO_COLOR set when noColor is.
func getenvFor(noColor bool) func(string) string {
	return func(k string) string {
		if k == "NO_COLOR" && noColor {
			return "1"
		}
		return os.Getenv(k)
	}
}
