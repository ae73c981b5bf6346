package tofu

import (
	"crypto/x509"
	"slices"
	"strings"
	"sync"
	"time"

	"propus/tofu/atomicfile"
	"propus/tofu/hostport"
)

// LastSeenInterval is the resolution of Host.LastSeen: a matching key
// refreshes LastSeen only when the recorded value is at least this old, so
// that visiting a capsule does not write the file on every request.
const LastSeenInterval = time.Hour

// Store is a set of pinned keys, one per address. It is safe for concurrent
// use.
//
// The zero Store is an empty store kept in memory only. Open returns one
// backed by a file, which every change re-reads under a lock, updates and
// replaces atomically, so that several propus processes sharing the file
// merge their changes instead of losing them.
//
// The exported fields configure the store; set them before its first use.
type Store struct {
	// Now returns the current time. If nil, time.Now is used.
	Now func() time.Time

	// VerifyRoots lets a changed key replace an unexpired pin when the
	// new chain verifies against Roots for the host name (outcome
	// ChangedVerified): the server most likely renewed a CA-issued
	// certificate. When false, only expiry lets a key change.
	VerifyRoots bool

	// Roots is the pool of trusted roots for VerifyRoots. If nil, the
	// system pool is used.
	Roots *x509.CertPool

	mu      sync.Mutex                        // held across a decision and its save
	file    atomicfile.Store[map[string]Host] // the pins
	session map[string]Host                   // TrustOnce pins: this run only
}

// Open returns a store backed by the known-hosts file at path (the file
// format is described in the package documentation). A missing file is an
// empty store; neither the file nor its directory is created until the
// first change.
//
// Open always returns a usable store. If err is not nil, the store holds
// what could be read (for a *ParseError, every well-formed line) and works
// in memory, but it will not write to the file while the file fails to read
// or parse: a broken file is never overwritten. Each change then returns a
// *SaveError, and Err reports the problem until a later change reads the
// file.
func Open(path string) (*Store, error) {
	s := &Store{}
	err := s.file.Open(path, codec)
	return s, err
}

// Path returns the file the store is kept in, or "" for a memory-only
// store.
func (s *Store) Path() string { return s.file.Path() }

// Err returns the latest error reading or writing the file: the error from
// Open, or a *SaveError from a later change. It is nil again once a change
// has read the file and, if it changed the pins, saved them.
func (s *Store) Err() error { return s.file.Err() }

// Lookup returns the pin for an address (in any spelling hostport.NormalizeAddress
// accepts). A pin from TrustOnce takes precedence over the recorded one.
func (s *Store) Lookup(address string) (Host, bool) {
	addr, err := hostport.NormalizeAddress(address)
	if err != nil {
		return Host{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.session[addr]; ok {
		return h, true
	}
	h, ok := s.file.Get()[addr]
	return h, ok
}

// Hosts returns every pin, sorted by address, with TrustOnce pins in place
// of the recorded ones for their addresses. It reflects the file as of the
// store's latest read or change; it does not re-read the file.
func (s *Store) Hosts() []Host {
	s.mu.Lock()
	defer s.mu.Unlock()
	hosts := s.file.Get()
	all := make([]Host, 0, len(hosts)+len(s.session))
	for addr, h := range hosts {
		if _, ok := s.session[addr]; !ok {
			all = append(all, h)
		}
	}
	for _, h := range s.session {
		all = append(all, h)
	}
	slices.SortFunc(all, func(a, b Host) int { return strings.Compare(a.Address, b.Address) })
	return all
}

// now returns the current time from s.Now or the clock.
func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
