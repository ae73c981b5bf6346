package atomicfile

import (
	"bytes"
	"fmt"
	"sync"
)

// Codec says what a store's file holds and how to read and write it.
type Codec[T any] struct {
	// Name is what the file holds ("history", "bookmarks", "known
	// hosts"): the Store of every *ParseError and *SaveError.
	Name string
	// Parse parses the file's content (nil for a missing file). A bad
	// line is a *ParseError; what Parse returns with it is what Open
	// keeps (the zero T, or what could be read).
	Parse func(path string, data []byte) (T, error)
	// Format returns the file's content for v.
	Format func(v T) ([]byte, error)
	// KeepUnsaved keeps a change that could not be saved in memory, for
	// the life of the Store, as the known-hosts store does so that a disk
	// problem never undoes a decision; otherwise such a change is
	// dropped.
	KeepUnsaved bool
}

// Store is the shell every propus store is built on: the contents of one
// file, shared by several processes, kept in memory of type T. Every
// change (Update) takes the file's lock, re-reads the file (so that what
// another process wrote is kept), applies the change to what it read and
// replaces the file atomically. A file that does not read or parse is
// never overwritten: the change fails with a *SaveError wrapping the
// error, for as long as the file stays broken.
//
// The zero Store holds the zero T in memory only, and Update changes it
// there. A Store must not be copied after first use; it is safe for
// concurrent use.
type Store[T any] struct {
	mu    sync.Mutex
	codec Codec[T]
	path  string // "" for a memory-only store
	v     T      // as of the latest read or change; never changed in place
	data  []byte // the file's content v was parsed from or written as, or nil
	err   error  // the latest read or save error
}

// Open backs s, which must be a zero Store, with the file at path and
// reads it. A missing file holds the zero T; neither the file nor its
// directory is created until the first change. If the file does not read
// or parse, s holds what Parse returned, and the error is returned and
// kept for Err. An empty path is an error, and s stays in memory only.
func (s *Store[T]) Open(path string, c Codec[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codec = c
	if path == "" {
		s.err = fmt.Errorf("the %s store has no file", c.Name)
		return s.err
	}
	s.path = path
	s.v, s.err = Read(c.Name, path, c.Parse)
	return s.err
}

// Path returns the file the store is kept in, or "" for a memory-only
// store.
func (s *Store[T]) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.path
}

// Err returns the latest error reading or writing the file: the error of
// Open or Reload, or the *SaveError of a later change. It is nil again
// once a change has read the file and, if it changed it, written it.
func (s *Store[T]) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Get returns the contents as of the latest read or change. The caller
// must not change what it holds.
func (s *Store[T]) Get() T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v
}

// Reload re-reads the file, picking up what other processes wrote. If the
// file does not read or parse, the store keeps what it had and the error
// is returned (and kept for Err). A memory-only store has nothing to do.
func (s *Store[T]) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return nil
	}
	v, err := Read(s.codec.Name, s.path, s.codec.Parse)
	if err != nil {
		s.err = err
		return err
	}
	s.v, s.data, s.err = v, nil, nil
	return nil
}

// Update applies change to the freshest contents and saves the result.
// change gets the contents, which it must not modify, and returns the new
// contents, whether they differ, and an error that cancels the change
// (returned as it is).
//
// For a file-backed store Update takes the file lock, creating the
// directory if needed, re-reads the file (parsing it only when it differs
// from what the store last read or wrote), calls change once and writes
// the file atomically, unless it already holds the result. What a user
// keeps is private: the file gets mode 0600, a directory made for it
// 0700. The store's contents become what was read, plus the change if
// it was saved. If the lock, the read or the write fails, or the file
// does not parse, the file is left as it is and a *SaveError is
// returned; with Codec.KeepUnsaved the change is then made in memory
// (change is still called once), else the store keeps what it had.
func (s *Store[T]) Update(change func(cur T) (next T, write bool, err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		next, write, err := change(s.v)
		if err == nil && write {
			s.v = next
		}
		return err
	}
	var (
		next      T
		write     bool
		read      bool
		changeErr error
		written   []byte
	)
	err := Update(s.path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
		if s.data == nil || !bytes.Equal(old, s.data) {
			fresh, err := s.codec.Parse(s.path, old)
			if err != nil {
				return nil, false, err
			}
			s.v, s.data = fresh, old // what the file holds, whatever happens next
		}
		read = true
		next, write, changeErr = change(s.v)
		if changeErr != nil || !write {
			return nil, false, nil
		}
		data, err := s.codec.Format(next)
		if err != nil {
			return nil, false, err
		}
		written = data
		return data, !bytes.Equal(data, old), nil
	})
	switch {
	case changeErr != nil:
		s.err = nil // the file was read and parsed
		return changeErr
	case err == nil && !write:
		s.err = nil
		return nil
	case err == nil:
		s.v, s.data, s.err = next, written, nil
		return nil
	case !s.codec.KeepUnsaved:
		return s.saveFailed(err)
	case !read:
		if next, write, changeErr = change(s.v); changeErr != nil || !write {
			return changeErr // nothing to save: the read problem does not matter now
		}
	}
	s.v, s.data = next, nil
	return s.saveFailed(err)
}

// saveFailed records and returns a *SaveError for err. s.mu must be held.
func (s *Store[T]) saveFailed(err error) error {
	s.err = &SaveError{Store: s.codec.Name, Path: s.path, Err: err}
	return s.err
}
