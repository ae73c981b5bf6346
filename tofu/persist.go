package tofu

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"propus/tofu/atomicfile"
)

// fileMode and dirMode are the permissions of the file and of a data
// directory created for it: what hosts a user visits is private.
const (
	fileMode = 0o600
	dirMode  = 0o700
)

// update applies a change to the freshest pins and saves them. s.mu must be
// held.
//
// For a file-backed store it takes the file lock, re-reads the file (so
// that other processes' changes are kept), calls change on what it read,
// and if change reports a modification writes the file atomically; the
// store's pins become what was read plus the change. If the lock or the
// read fails, or the file no longer parses, change is applied to the pins
// in memory instead and nothing is written. change is called exactly once.
//
// The returned error, if any, is a *SaveError.
func (s *Store) update(change func(hosts map[string]Host) (modified bool)) error {
	if s.hosts == nil {
		s.hosts = map[string]Host{}
	}
	if s.path == "" {
		change(s.hosts)
		return nil
	}
	fresh, unlock, err := s.lockAndRead()
	if err != nil {
		if change(s.hosts) {
			return s.saveFailed(err)
		}
		return nil // nothing to save: the read problem does not matter now
	}
	defer func() { _ = unlock() }() // releasing a lock we hold cannot usefully fail
	modified := change(fresh)
	s.hosts = fresh
	if !modified {
		return nil
	}
	if err := atomicfile.WriteFile(s.path, formatHosts(fresh), fileMode); err != nil {
		return s.saveFailed(err)
	}
	s.err = nil
	return nil
}

// lockAndRead takes the file lock, creating the directory if needed, and
// reads and parses the file. On success the caller must call unlock.
func (s *Store) lockAndRead() (hosts map[string]Host, unlock func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(s.path), dirMode); err != nil {
		return nil, nil, err
	}
	unlock, err = atomicfile.Lock(s.path)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return map[string]Host{}, unlock, nil
	case err != nil:
		_ = unlock()
		return nil, nil, err
	}
	hosts, perr := parseHosts(s.path, data)
	if perr != nil {
		_ = unlock()
		return nil, nil, perr
	}
	return hosts, unlock, nil
}

// saveFailed records and returns a *SaveError for err.
func (s *Store) saveFailed(err error) error {
	se := &SaveError{Path: s.path, Err: err}
	s.err = se
	return se
}
