package identity

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"propus/tofu/atomicfile"
)

// File name extensions of a stored identity.
const (
	certExt = ".crt"
	keyExt  = ".key"
)

// ErrNotFound is matched by errors.Is for a *NotFoundError.
var ErrNotFound = errors.New("no such identity")

// ErrExists is matched by errors.Is for an *ExistsError.
var ErrExists = errors.New("the identity already exists")

// NotFoundError reports that a Store holds no identity of that name.
type NotFoundError struct {
	Name string
}

// Error returns a message naming the identity.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no identity named %q", e.Name)
}

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// ExistsError reports that a Store already holds an identity of that name.
type ExistsError struct {
	Name string
}

// Error returns a message naming the identity.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("an identity named %q already exists", e.Name)
}

// Is reports whether target is ErrExists.
func (e *ExistsError) Is(target error) bool { return target == ErrExists }

// Store is a directory of identities, each kept as a pair of files
// <Dir>/<name>.crt (the certificate chain, mode 0644) and <Dir>/<name>.key
// (the private key, mode 0600) in the PEM form MarshalPEM writes. Other files
// in the directory are ignored.
//
// A Store holds no state besides Dir, so copies may be used from several
// goroutines. It does not lock the directory: two processes that add or
// rename the same name at the same time may overwrite each other's files.
type Store struct {
	// Dir is the directory. Add creates it, with mode 0700, if it is
	// missing. It must not be empty.
	Dir string
}

func (s Store) paths(name string) (certPath, keyPath string) {
	return filepath.Join(s.Dir, name+certExt), filepath.Join(s.Dir, name+keyExt)
}

func (s Store) check(names ...string) error {
	if s.Dir == "" {
		return errors.New("the identity store has no directory")
	}
	for _, n := range names {
		if err := CheckName(n); err != nil {
			return err
		}
	}
	return nil
}

// present reports whether something exists at path, or might (it could not
// be checked).
func present(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// List returns the identities in the store, sorted by name. A missing
// directory holds none. A name with a .crt file is listed if the pair
// loads (a .key alone is what a crash in the middle of Add leaves: it is
// no identity); if some pairs do not (a file is missing, unreadable or not
// valid PEM, or the key does not match), List still returns all the others
// and, with them, an error joining one error per broken pair, each naming the
// file at fault.
func (s Store) List() ([]*Identity, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if stem, ok := strings.CutSuffix(e.Name(), certExt); ok && CheckName(stem) == nil {
			names = append(names, stem)
		}
	}
	slices.Sort(names)
	var ids []*Identity
	var errs []error
	for _, name := range names {
		certPath, keyPath := s.paths(name)
		id, err := Load(name, certPath, keyPath)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, id)
	}
	return ids, errors.Join(errs...)
}

// Get loads the identity called name. If its certificate does not exist
// the error is a *NotFoundError; if its key does not, the error names it.
func (s Store) Get(name string) (*Identity, error) {
	if err := s.check(name); err != nil {
		return nil, err
	}
	certPath, keyPath := s.paths(name)
	if !present(certPath) {
		return nil, &NotFoundError{Name: name}
	}
	return Load(name, certPath, keyPath)
}

// Add saves id under id.Name, creating the directory if needed. It refuses,
// with an *ExistsError, to replace an identity of that name. It writes the
// key first and the certificate last, each atomically, so a crash leaves
// either a whole identity or at most a key without its certificate,
// which is no identity and which the next Add of that name replaces. On
// failure it leaves no file behind.
func (s Store) Add(id *Identity) error {
	if id == nil {
		return errors.New("no identity to save")
	}
	if err := s.check(id.Name); err != nil {
		return err
	}
	certPEM, keyPEM, err := id.MarshalPEM()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	certPath, keyPath := s.paths(id.Name)
	if present(certPath) {
		return &ExistsError{Name: id.Name}
	}
	if err := atomicfile.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	if err := atomicfile.WriteFile(certPath, certPEM, 0o644); err != nil {
		_ = os.Remove(keyPath)
		_ = os.Remove(certPath)
		return fmt.Errorf("write %s: %w", certPath, err)
	}
	return nil
}

// Remove deletes the identity called name: both its files, or whichever of
// them exists. If neither exists the error is a *NotFoundError.
func (s Store) Remove(name string) error {
	if err := s.check(name); err != nil {
		return err
	}
	certPath, keyPath := s.paths(name)
	var errs []error
	removed := false
	for _, p := range []string{keyPath, certPath} {
		err := os.Remove(p)
		switch {
		case err == nil:
			removed = true
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, err)
		}
	}
	if !removed && errs == nil {
		return &NotFoundError{Name: name}
	}
	return errors.Join(errs...)
}

// Rename renames the identity called oldName to newName. Only the label and
// the file names change: the certificate, its common name and its
// fingerprint stay the same, so servers still recognise it. Rename fails
// with a *NotFoundError if oldName does not exist and with an *ExistsError if
// newName does. It does not update Scopes; call Scopes.Rename too.
func (s Store) Rename(oldName, newName string) error {
	if err := s.check(oldName, newName); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	oldCert, oldKey := s.paths(oldName)
	if !present(oldCert) && !present(oldKey) {
		return &NotFoundError{Name: oldName}
	}
	if oldName == newName {
		return nil
	}
	newCert, newKey := s.paths(newName)
	if present(newCert) || present(newKey) {
		return &ExistsError{Name: newName}
	}
	moves := [][2]string{{oldKey, newKey}, {oldCert, newCert}}
	for i, m := range moves {
		err := os.Rename(m[0], m[1])
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			continue
		}
		for _, done := range moves[:i] {
			_ = os.Rename(done[1], done[0])
		}
		return err
	}
	if err := atomicfile.SyncDir(s.Dir); err != nil {
		return err
	}
	return nil
}

// lock takes the store's lock (a file "store.lock" in Dir), so that two
// propus processes never add or rename an identity at once.
func (s Store) lock() (func() error, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, err
	}
	unlock, err := atomicfile.Lock(filepath.Join(s.Dir, "store"))
	if err != nil {
		return nil, err
	}
	return unlock, nil
}
