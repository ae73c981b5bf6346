package testserver

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"propus/client"
)

// FileServer serves the files under Root, as jetforce's static
// application does, with its flaws fixed.
//
// The request's decoded URL path, stripped of leading and trailing "/"
// and cleaned, names a file under Root. A regular file is sent as
// "20 <type>" with the type from MIMEType, streamed in 16 KiB chunks; a
// trailing "/" on a file's name is ignored. A directory requested
// without a trailing "/" is redirected (31) to the same path with one
// (as an absolute path, percent-encoded, query kept), except the root,
// which the empty path and "/" both serve. A directory is served by its
// IndexFile when that is a regular file, else by a listing (jetforce's
// links, with directories first, sizes, gemtext titles and the
// directory's .header.gmi; see ServeGemini); an index file that exists but cannot be
// served makes the directory 51, so its contents are not revealed. The
// query string is otherwise ignored.
//
// A .meta file in a directory (Agate's format, see lookupMeta) changes
// the replies for the names in it: parameters for a file's type
// (";lang=fr"), a type of its own, or a whole reply, such as "51 Gone"
// or "31 /new/place", which is sent whether the name exists or not. The
// index file is looked up in its directory's .meta too.
//
// Everything else is "51 Not found", and the reason is never told:
//
//   - Containment: files are opened through an os.Root, so nothing
//     outside Root can be reached, neither by ".." segments (plain or
//     percent-encoded) nor through a symbolic link. A symbolic link is
//     followed only when it is relative and stays inside Root; one that
//     leaves Root, is absolute or dangles is neither served nor listed.
//   - Hidden names: a path with any segment starting with "." (".git",
//     ".env", "a/.secret/b") is refused and hidden names are left out of
//     listings, so dot files cannot be fetched by guessing their names.
//     (jetforce only hides them from listings; agate refuses them too.)
//   - Anything that is neither a regular file nor a directory (a FIFO,
//     a socket, a device), and any error from the file system, such as
//     a file the server may not read.
type FileServer struct {
	// Root is the directory served.
	Root string
	// IndexFile is the name of the file that serves its directory
	// (default "index.gmi"). Its type comes from MIMEType.
	IndexFile string
	// DefaultLang, when set, is added as "; lang=<DefaultLang>" to the
	// type of every text/gemini response (files, index files, listings).
	DefaultLang string
}

// chunkSize is the size of the pieces a file is sent in.
const chunkSize = 16 << 10

// The reasons not to serve a name; never shown to clients.
var (
	errNotServed  = errors.New("testserver: the path leaves the root or is hidden")
	errNotRegular = errors.New("testserver: not a regular file")
)

// ServeGemini answers r with the file or directory its path names.
//
// A listing is text/gemini with CRLF line ends: the directory's
// .header.gmi when it has one (its first 16 KiB, as they are), then
// "Directory: /<path>" (with a trailing "/" below the root), then, below
// the root, a link to the parent directory labelled "..", then one link
// per entry, directories first, each part sorted by name in byte order:
// "=>/<full path, percent-encoded>\t<label>". A directory's label is its
// name and a "/" (after the link too); a gemtext file's is its first
// heading (in its first 4 KiB), and any other file's, or a gemtext file
// without a heading, is its name and size, "notes.txt (1.5 KiB)". Hidden
// names, links that leave the root, and entries that are neither files
// nor directories are left out. Control characters and invalid UTF-8 in
// labels are shown as U+FFFD.
func (f *FileServer) ServeGemini(w ResponseWriter, r *Request) {
	urlPath, name, err := localName(r.URL.Path)
	if err != nil {
		NotFound(w, r)
		return
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		NotFound(w, r)
		return
	}
	defer root.Close()

	var p preset
	if urlPath != "" {
		p = lookupMeta(root, filepath.Dir(name), filepath.Base(name))
	}
	if p.status != 0 && p.status.Class() != client.StatusSuccess {
		w.WriteHeader(p.status, p.meta)
		return
	}
	info, err := root.Stat(name)
	switch {
	case err != nil:
		NotFound(w, r)
	case info.Mode().IsRegular():
		f.serveFile(w, r, root, p.typeOf(MIMEType(urlPath)), name)
	case !info.IsDir():
		NotFound(w, r)
	case urlPath != "" && !strings.HasSuffix(r.URL.Path, "/"):
		target := "/" + escapePath(urlPath) + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		w.WriteHeader(client.StatusPermanentRedirect, target)
	default:
		f.serveDir(w, r, root, urlPath, name)
	}
}

// localName turns a decoded URL path into the clean slash-separated
// path below the root ("" for the root itself) and the name to open in
// the root ("." for the root). It fails for a path that leaves the root
// or has a hidden segment.
func localName(urlPath string) (clean, name string, err error) {
	p := path.Clean(strings.Trim(urlPath, "/"))
	if p == "." {
		return "", ".", nil
	}
	for seg := range strings.SplitSeq(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", "", errNotServed
		}
	}
	// A separator other than "/" inside a segment could hide a ".."
	// or a hidden name from the checks above. (filepath.Localize would
	// also refuse names that are not valid UTF-8, which Unix allows.)
	if filepath.Separator != '/' && strings.ContainsRune(p, filepath.Separator) {
		return "", "", errNotServed
	}
	return p, filepath.FromSlash(p), nil
}

// serveFile sends the regular file name as type mime, or 51 when it
// cannot be opened.
func (f *FileServer) serveFile(w ResponseWriter, r *Request, root *os.Root, mime, name string) {
	file, err := openRegular(root, name)
	if err != nil {
		NotFound(w, r)
		return
	}
	defer file.Close()
	f.send(w, file, mime)
}

// openRegular opens name in root, failing with errNotRegular unless it
// is a regular file. It checks before opening, so that it never blocks
// opening a FIFO, and after, in case the file changed in between.
func openRegular(root *os.Root, name string) (*os.File, error) {
	info, err := root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errNotRegular
	}
	file, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	if info, err = file.Stat(); err != nil || !info.Mode().IsRegular() {
		file.Close()
		return nil, errNotRegular
	}
	return file, nil
}

// send answers "20 mime" (with the default language for text/gemini)
// and streams the body from src in chunkSize pieces.
func (f *FileServer) send(w ResponseWriter, src io.Reader, mime string) {
	w.WriteHeader(client.StatusSuccess, f.withLang(mime))
	// Hide any WriteTo method of src so that CopyBuffer uses buf.
	io.CopyBuffer(w, struct{ io.Reader }{src}, make([]byte, chunkSize))
}

// withLang adds the default language to a text/gemini type.
func (f *FileServer) withLang(mime string) string {
	if f.DefaultLang != "" && mime == "text/gemini" {
		return mime + "; lang=" + f.DefaultLang
	}
	return mime
}

// serveDir serves the directory dir (urlPath in the request) by its
// index file or a listing.
func (f *FileServer) serveDir(w ResponseWriter, r *Request, root *os.Root, urlPath, dir string) {
	index := f.IndexFile
	if index == "" {
		index = "index.gmi"
	}
	indexName := filepath.Join(dir, filepath.FromSlash(index))
	p := lookupMeta(root, filepath.Dir(indexName), filepath.Base(indexName))
	file, err := openRegular(root, indexName)
	switch {
	case err == nil && p.status != 0 && p.status.Class() != client.StatusSuccess:
		file.Close()
		w.WriteHeader(p.status, p.meta)
	case err == nil:
		defer file.Close()
		f.send(w, file, p.typeOf(MIMEType(index)))
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotRegular):
		listing, err := listDirectory(root, urlPath, dir)
		if err != nil {
			NotFound(w, r)
			return
		}
		w.WriteHeader(client.StatusSuccess, f.withLang("text/gemini"))
		io.WriteString(w, listing)
	default:
		// An index file that exists but cannot be served (unreadable,
		// or a link out of the root) must not reveal the directory's
		// contents through a listing.
		NotFound(w, r)
	}
}
