package browser

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"propus/browser/content"
	"propus/browser/internal/golden"
	"propus/browser/internal/testimage"
	"propus/browser/picture"
	"propus/client"
	"propus/testserver"
)

// gradient returns a w×h image of colour gradients.
func gradient(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / max(w-1, 1)), uint8(y * 255 / max(h-1, 1)), 0x80, 0xff})
		}
	}
	return m
}

// encoded returns m as a PNG, JPEG or GIF.
func encoded(t *testing.T, format string, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&b, m)
	case "jpeg":
		err = jpeg.Encode(&b, m, nil)
	case "gif":
		err = gif.Encode(&b, m, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageSite serves an index of links to images, each path → (type, body).
func imageSite(t *testing.T, images map[string][2]string) *testserver.TestServer {
	mux := testserver.NewMux()
	index := "# Pictures\n"
	for _, path := range []string{"/pic.png", "/pic.jpg", "/pic.gif", "/bomb.png", "/broken.png", "/text.gmi"} {
		index += "=> " + path + "\n"
	}
	mux.HandleStrict("/", testserver.Page("text/gemini", index))
	mux.HandleStrict("/text.gmi", testserver.Page("text/gemini", "# Just text\n"))
	for path, tb := range images {
		mux.HandleStrict(path, testserver.Page(tb[0], tb[1]))
	}
	return testserver.NewServer(t, mux)
}

// pictureSite is the image site with a PNG, a JPEG, a GIF, a decompression
// bomb and a PNG cut short; it returns the PNG's bytes too.
func pictureSite(t *testing.T) (*testserver.TestServer, []byte) {
	pngBytes := encoded(t, "png", gradient(40, 24))
	return imageSite(t, map[string][2]string{
		"/pic.png":    {"image/png", string(pngBytes)},
		"/pic.jpg":    {"image/jpeg", string(encoded(t, "jpeg", gradient(30, 20)))},
		"/pic.gif":    {"image/gif", string(encoded(t, "gif", gradient(16, 16)))},
		"/bomb.png":   {"image/png", string(testimage.BombPNG(100000, 100000))},
		"/broken.png": {"image/png", string(pngBytes[:len(pngBytes)/2])},
	}), pngBytes
}

// blockRows counts the rows of the screen that hold half blocks.
func blockRows(scr string) int {
	n := 0
	for _, row := range strings.Split(scr, "\n") {
		if strings.ContainsAny(row, "▀▄") {
			n++
		}
	}
	return n
}

// Following a link to a PNG shows it in half blocks, with its caption;
// the status line and i give its type and size.
func TestImagePNG(t *testing.T) {
	t.Parallel()
	s, pngBytes := pictureSite(t)
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("1")
	scr := d.wantLoaded()
	if !strings.Contains(scr, "PNG · 40×24 · ") || blockRows(scr) == 0 {
		t.Fatalf("the PNG is not shown:\n%s", scr)
	}
	checkFrame(t, d.m.screen(), 60, 20)
	golden.Check(t, "image-png-60x20", normalize(scr))
	d.press("i")
	if info := d.screen(); !strings.Contains(info, "Image     PNG · 40×24 · ") || !strings.Contains(info, "Type      image/png") {
		t.Errorf("the info overlay:\n%s", info)
	}
	if blockRows(d.screen()) != 0 {
		t.Error("the picture shows through the info overlay")
	}
	d.press("esc")
	if st := d.statusLine(); !strings.Contains(st, "image/png · "+content.HumanSize(int64(len(pngBytes)))) {
		t.Errorf("the status line: %q", st)
	}
}

// A JPEG and a GIF (its first frame) show too.
func TestImageJPEGAndGIF(t *testing.T) {
	t.Parallel()
	s, _ := pictureSite(t)
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("2")
	if scr := d.wantLoaded(); !strings.Contains(scr, "JPEG · 30×20 · ") || blockRows(scr) == 0 {
		t.Fatalf("the JPEG is not shown:\n%s", scr)
	}
	d.press("H", "3")
	if scr := d.wantLoaded(); !strings.Contains(scr, "GIF · 16×16 · ") || blockRows(scr) == 0 {
		t.Fatalf("the GIF is not shown:\n%s", scr)
	}
}

// s saves the image as it was received.
func TestImageSave(t *testing.T) {
	t.Parallel()
	s, pngBytes := pictureSite(t)
	dir := t.TempDir()
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Blocks, DownloadDir: dir}, s.URL+"/")
	d.waitLoaded()
	d.press("1", "s")
	path := filepath.Join(dir, "pic.png")
	d.expect(strings.Contains(d.statusLine(), "Saved "+path), "the image saved")
	if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, pngBytes) {
		t.Errorf("saved %d bytes (%v), want the %d received", len(b), err, len(pngBytes))
	}
}

// Under NO_COLOR, or with the images off, an image is offered for saving.
func TestImageOffAsks(t *testing.T) {
	t.Parallel()
	s, _ := pictureSite(t)
	for name, opts := range map[string]Options{"nocolor": {NoColor: true}, "off": {Images: picture.Off}} {
		t.Run(name, func(t *testing.T) {
			d := newDriverOpts(t, 80, 24, opts, s.URL+"/")
			d.waitLoaded()
			d.press("1")
			if scr := d.screen(); !strings.Contains(scr, "Not a page: pic.png (image/png)") || !d.asking() {
				t.Errorf("no download question:\n%s", scr)
			}
		})
	}
}

// An image that declares 100000×100000 pixels is refused from its
// header, with a message; a broken one says so. Both can be saved.
func TestImageRefused(t *testing.T) {
	t.Parallel()
	s, _ := pictureSite(t)
	d := newDriverOpts(t, 80, 24, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("4")
	scr := d.wantLoaded()
	if !strings.Contains(scr, "This image is not shown: the image is 100000×100000 pixels (10000 megapixels);") ||
		!strings.Contains(scr, "propus shows up to 50 megapixels.") || !strings.Contains(scr, "s saves it as received") {
		t.Errorf("the bomb:\n%s", scr)
	}
	d.press("H", "5")
	scr = d.wantLoaded()
	if !strings.Contains(scr, "This image is not shown: the PNG image is broken") {
		t.Errorf("the broken image:\n%s", scr)
	}
	d.press("i")
	if info := d.screen(); !strings.Contains(info, "Image     not shown: the PNG image is broken") {
		t.Errorf("the info overlay:\n%s", info)
	}
}

// slowImageSite serves an index that links to /slow.png, whose body
// stops after 100 bytes (sent is signalled then) until release is
// closed, and to /text.gmi.
func slowImageSite(t *testing.T) (s *testserver.TestServer, sent, release chan struct{}) {
	sent, release = make(chan struct{}, 1), make(chan struct{})
	pngBytes := encoded(t, "png", gradient(40, 24))
	mux := testserver.NewMux()
	mux.HandleStrict("/", testserver.Page("text/gemini", "# Pictures\n=> /slow.png\n=> /text.gmi\n"))
	mux.HandleStrict("/text.gmi", testserver.Page("text/gemini", "# Just text\n"))
	mux.HandleStrict("/slow.png", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		w.WriteHeader(client.StatusSuccess, "image/png")
		w.Write(pngBytes[:100])
		w.Flush()
		sent <- struct{}{}
		select {
		case <-release:
		case <-t.Context().Done():
		}
		w.Write(pngBytes[100:])
	}))
	return testserver.NewServer(t, mux), sent, release
}

// followSlow follows the link to /slow.png and waits until its header is
// in and its body is held back: the tab loads the image.
func (d *driver) followSlow(s *testserver.TestServer, sent chan struct{}) {
	d.t.Helper()
	d.waitLoaded()
	d.pressNoWait("1")
	d.waitChan(sent, "the image's first bytes")
	d.handleUntil(func() bool { return d.m.visits.has(s.URL + "/slow.png") }, "the image's header", false)
	if tb := d.m.tab(); tb.Loading == "" || tb.Cancel == nil {
		d.t.Fatalf("the tab is not loading the image: %q", tb.Loading)
	}
}

// A reply for an image the user has left behind is dropped: the page
// followed next stays.
func TestImageStaleReplyDropped(t *testing.T) {
	t.Parallel()
	s, sent, release := slowImageSite(t)
	d := newDriverOpts(t, 80, 24, Options{Images: picture.Blocks}, s.URL+"/")
	d.followSlow(s, sent)
	d.pressNoWait("2")
	close(release)
	d.waitFor("# Just text")
	d.settle()
	if scr := d.screen(); !strings.Contains(scr, "# Just text") || strings.Contains(scr, "image") {
		t.Errorf("the image's reply shows:\n%s", scr)
	}
}

// Esc cancels an image that is arriving: the page before stays.
func TestImageEscCancels(t *testing.T) {
	t.Parallel()
	s, sent, _ := slowImageSite(t)
	d := newDriverOpts(t, 80, 24, Options{Images: picture.Blocks}, s.URL+"/")
	d.followSlow(s, sent)
	d.press("esc") // settles: the image's read ends, cancelled
	if scr := d.screen(); !strings.Contains(scr, "# Pictures") || !strings.Contains(d.statusLine(), "Cancelled") || d.m.busy() {
		t.Errorf("after esc:\n%s", scr)
	}
}

// In kitty mode the page holds placeholders and the transmission is
// written raw, with a new image id on every rendering; a resize renders
// again, and releases the picture it replaces; quitting releases the
// last.
func TestImageKitty(t *testing.T) {
	t.Parallel()
	s, _ := pictureSite(t)
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Kitty}, s.URL+"/")
	d.waitLoaded()
	d.press("1")
	if !strings.ContainsRune(d.screen(), '\U0010EEEE') {
		t.Fatalf("no placeholder on the page:\n%s", d.screen())
	}
	if len(d.raw) == 0 || !strings.Contains(d.raw[len(d.raw)-1], "\x1b_G") || !strings.Contains(d.raw[len(d.raw)-1], "a=T") {
		t.Fatalf("no kitty transmission written: %q", d.raw)
	}
	n := len(d.raw)
	d.send(tea.WindowSizeMsg{Width: 40, Height: 16})
	d.settle()
	if len(d.raw) != n+1 || !strings.Contains(d.raw[n], "a=d") || !strings.Contains(d.raw[n], "a=T") || !strings.Contains(d.raw[n], "i=2") {
		t.Errorf("a resize wrote %q", d.raw[n:])
	}
	d.press("?") // a dialog over the page hides the placeholders
	if strings.ContainsRune(d.screen(), '\U0010EEEE') {
		t.Error("the placeholders show through the help")
	}
	d.press("esc")
	if len(d.raw) != n+1 || !strings.ContainsRune(d.screen(), '\U0010EEEE') {
		t.Errorf("the picture did not come back as it was: %d writes more", len(d.raw)-n-1)
	}
	// Quitting frees the image the terminal holds (the escape is wrapped
	// for passthrough inside tmux).
	d.press("q")
	if len(d.raw) != n+2 || !strings.Contains(d.raw[n+1], "a=d,d=I,i=2,") {
		t.Errorf("quitting wrote %q", d.raw[n+1:])
	}
}

// A resize renders the picture again to fit.
func TestImageResize(t *testing.T) {
	t.Parallel()
	big := encoded(t, "png", gradient(200, 100))
	s := imageSite(t, map[string][2]string{"/pic.png": {"image/png", string(big)}})
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("1")
	if n := blockRows(d.screen()); n != 15 { // 60×30 pixels of 60×32
		t.Fatalf("%d rows of blocks at 60 columns:\n%s", n, d.screen())
	}
	d.send(tea.WindowSizeMsg{Width: 40, Height: 20})
	d.settle()
	if n := blockRows(d.screen()); n != 10 { // 40×20 pixels of 40×32
		t.Errorf("%d rows of blocks at 40 columns:\n%s", n, d.screen())
	}
	checkFrame(t, d.m.screen(), 40, 20)
}

// In sixel mode the picture is written after the frame, at its place; a
// dialog over it clears the screen, and closing it draws it again.
func TestImageSixel(t *testing.T) {
	t.Parallel()
	s, _ := pictureSite(t)
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Sixel, Center: true, ReadingWidth: 40}, s.URL+"/")
	d.waitLoaded()
	d.raw = nil // the queries
	d.press("1")
	if len(d.raw) != 0 {
		t.Fatalf("the sixel was written before the frame: %q", d.raw)
	}
	d.advance(sixelDelay)
	if len(d.raw) != 1 || !strings.HasPrefix(d.raw[0], "\x1b7\x1b[2;10H\x1bP") || !strings.HasSuffix(d.raw[0], "\x1b\\\x1b8") {
		t.Fatalf("the sixel written: %q", d.raw)
	}
	d.press("?")
	if d.cleared != 1 {
		t.Errorf("the help over the picture cleared the screen %d times", d.cleared)
	}
	d.press("esc")
	d.advance(sixelDelay)
	if len(d.raw) != 2 || d.raw[1] != d.raw[0] {
		t.Errorf("the sixel was not drawn again: %d writes", len(d.raw))
	}
}

// v writes the page to a file and opens it with the opener of its type;
// with none it says how to set one.
func TestOpenPageOutside(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, pngBytes := pictureSite(t)
	d := newDriverOpts(t, 80, 24, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("1", "v")
	if st := d.statusLine(); !strings.Contains(st, "No program opens image/png: set one under [openers]") {
		t.Errorf("v with no opener: %q", st)
	}
	d.m.opts.Openers = map[string]string{"image/*": "true %s"}
	d.press("v")
	if st := d.statusLine(); !strings.Contains(st, "Opening pic.png with true") {
		t.Errorf("v: %q", st)
	}
	files, _ := filepath.Glob(filepath.Join(tmp, "propus-*", "pic.png"))
	if len(files) != 1 {
		t.Fatalf("files written: %v", files)
	}
	if b, _ := os.ReadFile(files[0]); !bytes.Equal(b, pngBytes) {
		t.Errorf("the copy opened holds %d bytes, want the %d received", len(b), len(pngBytes))
	}
}

// While an image is read whole before it shows, the status line counts
// its bytes beside the address.
func TestImageLoadingCounts(t *testing.T) {
	t.Parallel()
	s, sent, release := slowImageSite(t)
	d := newDriverOpts(t, 80, 24, Options{Images: picture.Blocks}, s.URL+"/")
	d.followSlow(s, sent)
	tb := d.m.tab()
	if tb.Received == nil {
		t.Fatal("the tab counts no bytes of the image")
	}
	tb.Received.Store(1536) // what the read has counted by now, whatever the scheduler did
	if st := d.statusLine(); !strings.Contains(st, "Loading "+s.URL+"/slow.png · 1.5 KiB") {
		t.Errorf("the status line while the image arrives: %q", st)
	}
	close(release)
	d.waitFor("PNG · 40×24")
	if d.m.tab().Received != nil {
		t.Error("the count outlives the load")
	}
}

// A page keeps a big image reduced to picture.KeepPixels once it is on
// screen, its caption still saying the size it came in.
func TestImageBigReduced(t *testing.T) {
	t.Parallel()
	big := image.NewGray(image.Rect(0, 0, 3000, 3000)) // 9 megapixels, a small PNG
	s := imageSite(t, map[string][2]string{"/pic.png": {"image/png", string(encoded(t, "png", big))}})
	d := newDriverOpts(t, 60, 20, Options{Images: picture.Blocks}, s.URL+"/")
	d.waitLoaded()
	d.press("1") // settles: shown, then reduced
	d.expect(strings.Contains(d.screen(), "PNG · 3000×3000 · "), "the caption with the size it came in")
	kept := d.m.tab().Page.Image.Decoded.Bounds().Size()
	if n := kept.X * kept.Y; n > picture.KeepPixels || kept.X != kept.Y {
		t.Errorf("the page keeps %v of the image", kept)
	}
}
