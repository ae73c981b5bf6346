package tofu

import "propus/tofu/atomicfile"

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
	read, modified := false, false
	err := atomicfile.Update(s.path, dirMode, fileMode, func(old []byte) ([]byte, bool, error) {
		fresh, perr := parseHosts(s.path, old)
		if perr != nil {
			return nil, false, perr
		}
		read, s.hosts = true, fresh
		if modified = change(fresh); !modified {
			return nil, false, nil
		}
		return formatHosts(fresh), true, nil
	})
	switch {
	case !read: // the lock, the read or the parse failed
		if change(s.hosts) {
			return s.saveFailed(err)
		}
		return nil // nothing to save: the read problem does not matter now
	case err != nil:
		return s.saveFailed(err)
	case modified:
		s.err = nil
	}
	return nil
}

// saveFailed records and returns a *SaveError for err.
func (s *Store) saveFailed(err error) error {
	se := &SaveError{Path: s.path, Err: err}
	s.err = se
	return se
}
