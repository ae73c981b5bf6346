package browser

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"propus/testserver"
)

// Writing to a capsule with Titan: E, P and titan:// links, against the
// bundled server's Titan writer with a token.

// titanSite serves dir and takes Titan uploads into it with token.
func titanSite(t *testing.T, dir, token string) *testserver.TestServer {
	t.Helper()
	return titanServer(t, &testserver.Titan{Dir: dir, Tokens: []string{token}})
}

// titanServer serves titan's directory and takes Titan uploads with it.
func titanServer(t *testing.T, titan *testserver.Titan) *testserver.TestServer {
	t.Helper()
	ts := testserver.NewUnstartedServer(t, &testserver.FileServer{Root: titan.Dir})
	titan.Log = func(testserver.TitanRecord) {}
	ts.Server.TitanHandler = titan
	ts.Start()
	return ts
}

// writeFile is what the editor does in these tests: it saves text.
func writeFile(text string) func(string) error {
	return func(path string) error { return os.WriteFile(path, []byte(text), 0o644) }
}

// E edits the page in $EDITOR; u (never Enter) uploads it; the server's
// 59 asks for the token; the page then shows as the capsule serves it.
func TestTitanEditPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	ts := titanSite(t, dir, "sesame")
	d := newDriver(t, 100, 30, false, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")

	d.edit = writeFile("# New notes\n")
	d.press("E")
	d.expect(strings.Contains(d.screen(), "Upload 12 B of text/gemini to "+ts.URLFor("/notes.gmi")+" with Titan?"), "the upload asked about")
	d.expect(strings.Contains(d.screen(), "u upload") && strings.Contains(d.screen(), "esc keep the text"), "its keys named")
	d.press("enter")
	d.expect(d.asking(), "Enter not to upload")
	d.press("u")
	d.expect(strings.Contains(d.screen(), "Titan token: the server answered 59 Titan upload needs a token"), "the token asked for")
	d.typeText("sesame")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "# New notes"), "the page as uploaded")
	d.expect(strings.Contains(d.screen(), "Uploaded 12 B to "+ts.URLFor("/notes.gmi")), "the upload said")
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.gmi")); string(b) != "# New notes\n" {
		t.Errorf("the capsule's file holds %q", b)
	}

	// The token is remembered for the host, this run: no question now.
	d.edit = writeFile("# Newer notes\n")
	d.press("E", "u")
	d.expect(strings.Contains(d.screen(), "# Newer notes"), "the second upload, with the token given before")
}

// Text that is not uploaded is never lost: it is kept beside the
// downloads, and the message names the file. An edit that changes
// nothing uploads nothing.
func TestTitanEditKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	ts := titanSite(t, dir, "sesame")
	downloads := t.TempDir()
	d := newDriverOpts(t, 200, 30, Options{DownloadDir: downloads}, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")

	d.edit = writeFile("# Old notes\n")
	d.press("E")
	d.expect(strings.Contains(d.screen(), "Nothing changed: nothing uploaded") && !d.asking(), "an unchanged edit said, with no question")

	d.edit = writeFile("# Draft I typed for an hour\n")
	d.press("E", "u")
	d.typeText("wrong")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "Titan token not accepted"), "a wrong token refused, and asked again")
	d.press("esc")
	kept, _ := filepath.Glob(filepath.Join(downloads, "notes.edited-*.gmi"))
	if len(kept) != 1 {
		t.Fatalf("kept files: %v; the screen shows:\n%s", kept, d.screen())
	}
	d.expect(strings.Contains(strings.Join(strings.Fields(d.screen()), " "), "Not uploaded: your text is kept in "+kept[0]), "the kept file named")
	if b, _ := os.ReadFile(kept[0]); string(b) != "# Draft I typed for an hour\n" {
		t.Errorf("the kept file holds %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.gmi")); string(b) != "# Old notes\n" {
		t.Errorf("the capsule's file changed: %q", b)
	}
}

// A titan:// link asks what to write: e writes a new page in $EDITOR,
// sent with the link's token.
func TestTitanLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ts := titanSite(t, dir, "sesame")
	titanURL := strings.Replace(ts.URLFor("/fresh.gmi"), "gemini://", "titan://", 1) + ";token=sesame"
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n=> "+titanURL+" Write a new page\n"), 0o644)
	d := newDriver(t, 100, 30, false, ts.URLFor("/"))
	d.waitFor("# Home")
	d.press("1")
	d.expect(strings.Contains(d.screen(), "Write to "+ts.URLFor("/fresh.gmi")+" with Titan:"), "the link's question")
	d.expect(strings.Contains(d.screen(), "e write it in $EDITOR") && strings.Contains(d.screen(), "f upload a file"), "its answers")
	d.edit = writeFile("# Fresh page\n")
	d.press("e", "u")
	d.expect(strings.Contains(d.screen(), "# Fresh page") && strings.Contains(d.screen(), "fresh.gmi"), "the new page")
}

// P uploads a file beside the page; the page (a listing) shows again.
func TestTitanUploadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "pics"), 0o755)
	ts := titanSite(t, dir, "sesame")
	local := filepath.Join(t.TempDir(), "photo.png")
	os.WriteFile(local, []byte("\x89PNG fake"), 0o644)
	d := newDriver(t, 120, 30, false, ts.URLFor("/pics/"))
	d.waitFor("pics")
	d.press("P")
	d.expect(strings.Contains(d.screen(), "File to upload: its path; it goes to "+ts.URLFor("/pics/")), "the file asked for")
	d.typeText(local)
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "Upload photo.png (9 B, image/png) to "+ts.URLFor("/pics/photo.png")+" with Titan?"), "the upload asked about")
	d.press("u")
	d.typeText("sesame")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "photo.png") && strings.Contains(d.screen(), "Uploaded 9 B to "+ts.URLFor("/pics/photo.png")), "the listing with the file")
	if b, _ := os.ReadFile(filepath.Join(dir, "pics", "photo.png")); string(b) != "\x89PNG fake" {
		t.Errorf("the capsule's file holds %q", b)
	}
	if b, _ := os.ReadFile(local); string(b) != "\x89PNG fake" {
		t.Errorf("the local file changed: %q", b)
	}
}

// Only a gemini page can be edited; an about: page says so.
func TestTitanEditRefused(t *testing.T) {
	t.Parallel()
	d := newDriver(t, 100, 30, false, "about:home")
	d.press("E")
	d.expect(strings.Contains(d.screen(), "Only a page of a gemini:// capsule can be edited with Titan"), "the refusal")
}

// A server that takes uploads only from an identity answers 60: the
// identity picker opens, and the upload goes again with the one chosen.
func TestTitanIdentity(t *testing.T) {
	t.Parallel()
	opts, _ := idOptions(t)
	alice := addIdentity(t, opts.Identities, "alice", time.Hour)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	ts := titanServer(t, &testserver.Titan{Dir: dir, Identities: []string{alice.CertificateHash()}})
	d := newDriverOpts(t, 100, 30, opts, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")
	d.edit = writeFile("# Alice's notes\n")
	d.press("E", "u")
	d.expect(strings.Contains(d.screen(), "Choose the identity to send"), "the identity picker")
	d.press("enter", "t")
	d.expect(strings.Contains(d.screen(), "# Alice's notes"), "the page uploaded with alice's certificate")
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.gmi")); string(b) != "# Alice's notes\n" {
		t.Errorf("the capsule's file holds %q", b)
	}
}

// A directory's page is edited as its index file, since Titan cannot
// write a directory.
func TestTitanEditDirectoryPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n"), 0o644)
	ts := titanSite(t, dir, "sesame")
	d := newDriver(t, 120, 30, false, ts.URLFor("/"))
	d.waitFor("# Home")
	d.edit = writeFile("# New home\n")
	d.press("E")
	d.expect(strings.Contains(d.screen(), "to "+ts.URLFor("/index.gmi")+" with Titan?"), "the index file as the target")
	d.press("u")
	d.typeText("sesame")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "# New home"), "the new home page")
}

// A refusal a token cannot lift (too large, with the token sent) keeps
// the text at once rather than ask for a token again.
func TestTitanRefusedKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old\n"), 0o644)
	ts := titanServer(t, &testserver.Titan{Dir: dir, Tokens: []string{"sesame"}, MaxSize: 10})
	downloads := t.TempDir()
	d := newDriverOpts(t, 200, 30, Options{DownloadDir: downloads}, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old")
	d.edit = writeFile("# Far too long for the limit\n")
	d.press("E", "u")
	d.typeText("sesame")
	d.press("enter")
	d.expect(!d.asking() && strings.Contains(d.screen(), "Not uploaded: the server answered 59 Upload too large"), "the refusal said, with no question")
	if kept, _ := filepath.Glob(filepath.Join(downloads, "notes.edited-*.gmi")); len(kept) != 1 {
		t.Errorf("kept files: %v", kept)
	}
}

// While an upload runs, the status line says what goes where and counts
// the bytes sent; then the answer replaces it.
func TestTitanUploadProgress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	release := make(chan struct{})
	titan := &testserver.Titan{Dir: dir, Tokens: []string{"sesame"}, Log: func(testserver.TitanRecord) {}}
	ts := testserver.NewUnstartedServer(t, &testserver.FileServer{Root: dir})
	ts.Server.TitanHandler = testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		select {
		case <-release:
		case <-t.Context().Done():
		}
		titan.ServeGemini(w, r)
	})
	ts.Start()
	d := newDriver(t, 120, 30, false, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")
	d.edit = writeFile("# New notes\n")
	d.press("E")
	d.pressNoWait("u")
	d.waitForNoSettle("Uploading notes.gmi")
	if st := d.statusLine(); !strings.Contains(st, "Uploading notes.gmi to "+mustURL(t, ts.URLFor("/")).Host+": ") || !strings.Contains(st, " of 12 B") {
		t.Errorf("the status line while uploading: %q", st)
	}
	close(release)
	d.waitFor("Titan token:") // the server's 59: no token was sent
}

// heldTitan is a Titan server whose answers wait for release, and whose
// answer for path /moved is a redirect to another host.
func heldTitan(t *testing.T, dir string, release chan struct{}) *testserver.TestServer {
	t.Helper()
	titan := &testserver.Titan{Dir: dir, Tokens: []string{"sesame"}, Log: func(testserver.TitanRecord) {}}
	ts := testserver.NewUnstartedServer(t, &testserver.FileServer{Root: dir})
	ts.Server.TitanHandler = testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		select {
		case <-release:
		case <-t.Context().Done():
		}
		if r.URL.Path == "/moved.gmi" {
			io.Copy(io.Discard, r.Upload.Body)
			w.WriteHeader(30, "gemini://elsewhere.example/moved.gmi")
			return
		}
		titan.ServeGemini(w, r)
	})
	ts.Start()
	return ts
}

// An upload answered with a redirect to another host shows the page
// written, not the other host: a hop there takes its own consent.
func TestTitanRedirectElsewhereNotFollowed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "moved.gmi"), []byte("# Moved\n"), 0o644)
	release := make(chan struct{})
	close(release)
	ts := heldTitan(t, dir, release)
	d := newDriver(t, 120, 30, false, ts.URLFor("/moved.gmi"))
	d.waitFor("# Moved")
	d.edit = writeFile("# Moved again\n")
	d.press("E", "u")
	if tb := d.m.tab(); tb.Page == nil || tb.Page.URL.Host == "elsewhere.example" || tb.Target.Host == "elsewhere.example" {
		t.Fatalf("the tab went to the other host:\n%s", d.screen())
	}
	d.expect(strings.Contains(d.screen(), "Uploaded 14 B to "+ts.URLFor("/moved.gmi")), "the upload said, at its own address")
}

// The answer to an upload does not move a tab the user has taken
// elsewhere meanwhile; Esc, with nothing loading, cancels an upload.
func TestTitanAnswerAfterTheTabMoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "other.gmi"), []byte("# Other page\n"), 0o644)
	release := make(chan struct{})
	ts := heldTitan(t, dir, release)
	downloads := t.TempDir()
	d := newDriverOpts(t, 200, 30, Options{DownloadDir: downloads}, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")
	d.edit = writeFile("# New notes\n")
	d.press("E")
	d.pressNoWait("u")
	d.waitForNoSettle("Uploading notes.gmi")
	d.pressNoWait("o") // the upload is held in flight: no settling
	d.typeText(ts.URLFor("/other.gmi"))
	d.pressNoWait("enter")
	d.waitForNoSettle("# Other page")
	close(release)
	d.waitFor("Titan token:") // the 59: no token was sent
	d.typeText("sesame")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "# Other page") && strings.Contains(d.screen(), "Uploaded 12 B"), "the uploaded text said, the tab where the user took it")
}

// Esc, with nothing loading, cancels an upload; the text stays.
func TestTitanUploadCancelled(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.gmi"), []byte("# Old notes\n"), 0o644)
	ts := heldTitan(t, dir, make(chan struct{}))
	downloads := t.TempDir()
	d := newDriverOpts(t, 200, 30, Options{DownloadDir: downloads}, ts.URLFor("/notes.gmi"))
	d.waitFor("# Old notes")
	d.edit = writeFile("# New notes\n")
	d.press("E")
	d.pressNoWait("u")
	d.waitForNoSettle("Uploading notes.gmi")
	d.press("esc")
	d.expect(strings.Contains(d.screen(), "Upload cancelled: your text is kept in "), "the cancel said")
	if kept, _ := filepath.Glob(filepath.Join(downloads, "notes.edited-*.gmi")); len(kept) != 1 {
		t.Errorf("kept files: %v", kept)
	}
}

// A token the server refused is not sent again unasked; a titan:// link's
// token goes with a file chosen there too.
func TestTitanTokens(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ts := titanSite(t, dir, "sesame")
	titanURL := strings.Replace(ts.URLFor("/pic.png"), "gemini://", "titan://", 1) + ";token=sesame"
	os.WriteFile(filepath.Join(dir, "index.gmi"), []byte("# Home\n=> "+titanURL+" Upload a picture\n"), 0o644)
	d := newDriver(t, 200, 30, false, ts.URLFor("/"))
	d.waitFor("# Home")
	d.edit = writeFile("# Home, edited\n")
	d.press("E", "u")
	d.typeText("wrong")
	d.press("enter")
	d.expect(strings.Contains(d.screen(), "Titan token not accepted"), "the wrong token refused")
	d.press("esc")
	d.press("E", "u")
	d.expect(strings.Contains(d.screen(), "Titan upload needs a token"), "no token sent after the refusal: asked again")
	d.press("esc")

	local := filepath.Join(t.TempDir(), "pic.png")
	os.WriteFile(local, []byte("\x89PNG fake"), 0o644)
	d.press("1")
	d.press("f")
	d.typeText(local)
	d.press("enter", "u")
	d.expect(strings.Contains(d.screen(), "Uploaded 9 B to "+ts.URLFor("/pic.png")), "the file uploaded with the link's token")
	d.press("1", "esc")
	d.expect(strings.Contains(d.screen(), "Nothing uploaded"), "Esc at the link's question said")
}
