package testserver

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"propus/client"
)

// titanRefusal is a path Titan will not write, and why.
type titanRefusal struct {
	status client.Status
	meta   string
}

func (e *titanRefusal) Error() string { return e.meta }

// The paths Titan refuses.
var (
	errTitanDir     = &titanRefusal{client.StatusBadRequest, "Cannot upload to a directory (the path ends in /)"}
	errTitanHidden  = &titanRefusal{client.StatusPermanentFailure, "Uploads to hidden names are not allowed"}
	errTitanCGI     = &titanRefusal{client.StatusPermanentFailure, "Uploads to the CGI directory are not allowed"}
	errTitanOutside = &titanRefusal{client.StatusPermanentFailure, "Uploads through a link that leaves the directory are not allowed"}
	errTitanReplace = &titanRefusal{client.StatusPermanentFailure, "Cannot replace or delete a directory"}
	errTitanParent  = &titanRefusal{client.StatusPermanentFailure, "A parent of the path is not a directory"}
)

// store writes or deletes the file the request names.
func (t *Titan) store(r *Request, rec *TitanRecord) (client.Status, string) {
	fail := func(err error) (client.Status, string) {
		var refusal *titanRefusal
		if errors.As(err, &refusal) {
			if refusal != err {
				rec.Err = err
			}
			return refusal.status, refusal.meta
		}
		rec.Err = err
		return client.StatusTemporaryFailure, "Upload failed"
	}
	name, err := t.target(r.URL.Path)
	if err != nil {
		return fail(err)
	}
	root, err := os.OpenRoot(t.Dir)
	if err != nil {
		return fail(err)
	}
	defer root.Close()
	info, err := root.Lstat(name)
	switch {
	case err == nil && info.IsDir():
		return fail(errTitanReplace)
	case r.Upload.Size == 0 && errors.Is(err, fs.ErrNotExist):
		return client.StatusNotFound, "Not found"
	case r.Upload.Size == 0 && err != nil:
		return fail(err)
	case r.Upload.Size == 0:
		if err := root.Remove(name); err != nil {
			return fail(err)
		}
		syncDir(root, filepath.Dir(name))
		parent := path.Dir("/" + filepath.ToSlash(name))
		return client.StatusRedirect, geminiURL(r.URL, strings.TrimSuffix(parent, "/")+"/")
	}
	n, err := t.write(root, name, r.Upload.Body)
	rec.Received = n
	if errors.Is(err, errShortBody) {
		rec.Err = err
		return client.StatusBadRequest, fmt.Sprintf("Upload incomplete: received %d of %d bytes", n, r.Upload.Size)
	}
	if err != nil {
		return fail(err)
	}
	return client.StatusRedirect, geminiURL(r.URL, "/"+filepath.ToSlash(name))
}

// target returns the name under Dir that the URL path of an upload
// names, or why it may not be written.
func (t *Titan) target(urlPath string) (string, error) {
	if strings.HasSuffix(urlPath, "/") {
		return "", errTitanDir
	}
	clean, name, err := localName(urlPath)
	switch {
	case err != nil:
		return "", errTitanHidden
	case clean == "":
		return "", errTitanDir
	case t.inCGIDir(clean):
		return "", errTitanCGI
	}
	// The parent, its symbolic links resolved, must stay in Dir, clear of
	// hidden names and of the CGI directory. (The os.Root that writes
	// keeps every write inside Dir in any case.)
	base, err := filepath.EvalSymlinks(t.Dir)
	if err != nil {
		return "", err
	}
	parent, err := resolveExisting(filepath.Join(base, filepath.Dir(name)))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(base, parent)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: %s", errTitanOutside, parent)
	}
	if rel == "." {
		return name, nil
	}
	rel = filepath.ToSlash(rel)
	for seg := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", fmt.Errorf("%w: %s", errTitanHidden, parent)
		}
	}
	if t.inCGIDir(rel) {
		return "", fmt.Errorf("%w: %s", errTitanCGI, parent)
	}
	return name, nil
}

// inCGIDir reports whether the clean slash-separated path p lies in the
// CGI directory (or is it), ignoring case, as a file system may.
func (t *Titan) inCGIDir(p string) bool {
	cgi := (&CGI{Dir: t.CGIDir}).dir()
	return strings.EqualFold(p, cgi) || len(p) > len(cgi) && p[len(cgi)] == '/' && strings.EqualFold(p[:len(cgi)], cgi)
}

// resolveExisting resolves the symbolic links of the longest part of p
// that exists, and returns it with the rest of p added.
func resolveExisting(p string) (string, error) {
	rest := ""
	for {
		resolved, err := filepath.EvalSymlinks(p)
		if err == nil {
			return filepath.Join(resolved, rest), nil
		}
		parent := filepath.Dir(p)
		if !errors.Is(err, fs.ErrNotExist) || parent == p {
			return "", err
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// errShortBody is a body that ended, or stalled, before its size.
var errShortBody = errors.New("testserver: upload body cut short")

// write writes body to name in root through a temporary file, making the
// missing parent directories, and returns the bytes read. On failure it
// leaves nothing behind: no temporary file, no directory it made.
func (t *Titan) write(root *os.Root, name string, body io.Reader) (n int64, err error) {
	dir := filepath.Dir(name)
	made, err := mkdirs(root, dir)
	defer func() {
		if err != nil {
			for i := len(made) - 1; i >= 0; i-- {
				root.Remove(made[i])
			}
		}
	}()
	if err != nil {
		return 0, err
	}
	tmp := filepath.Join(dir, ".titan-"+rand.Text()+".tmp")
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	src := &readCounter{r: body}
	// Hide the file's ReadFrom, so that the copy reads in pieces of
	// chunkSize whatever the size says.
	_, err = io.CopyBuffer(struct{ io.Writer }{f}, src, make([]byte, chunkSize))
	if src.err != nil {
		err = fmt.Errorf("%w: %w", errShortBody, src.err)
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		root.Remove(tmp)
		return src.n, err
	}
	syncDir(root, dir)
	return src.n, nil
}

// mkdirs makes the directory dir in root and its missing parents, and
// returns those it made, outermost first.
func mkdirs(root *os.Root, dir string) ([]string, error) {
	if dir == "." {
		return nil, nil
	}
	var made []string
	p := ""
	for seg := range strings.SplitSeq(filepath.ToSlash(dir), "/") {
		p = filepath.Join(p, seg)
		err := root.Mkdir(p, 0o755)
		switch {
		case err == nil:
			made = append(made, p)
			continue
		case !errors.Is(err, fs.ErrExist):
			return made, err
		}
		if info, err := root.Stat(p); err != nil || !info.IsDir() {
			return made, errTitanParent
		}
	}
	return made, nil
}

// syncDir syncs the directory dir of root, so that a rename or removal in
// it lasts. Errors are ignored: not every file system can sync a
// directory, and the change is made.
func syncDir(root *os.Root, dir string) {
	if d, err := root.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// readCounter counts the bytes read from r and keeps the error that
// ended reading, other than io.EOF.
type readCounter struct {
	r   io.Reader
	n   int64
	err error
}

func (c *readCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}
