package tofu

import (
	"crypto/x509"

	"propus/tofu/hostport"
)

// Trust pins cert's key for address from now on, replacing any pin: the
// user's answer to a ChangedError of "trust the new certificate". The pin
// is saved; a *SaveError means it holds in memory only. A TrustOnce pin for
// the address is dropped.
func (s *Store) Trust(address string, cert *x509.Certificate) error {
	addr, err := hostport.NormalizeAddress(address)
	if err != nil {
		return err
	}
	if cert == nil {
		return ErrNoCertificate
	}
	fp := PublicKeyPin(cert)
	now := s.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.session, addr)
	return s.update(func(hosts map[string]Host) bool {
		h := newHost(addr, fp, cert, now)
		if old, ok := hosts[addr]; ok && old.Fingerprint == fp {
			h.FirstSeen = old.FirstSeen
		}
		hosts[addr] = h
		return true
	})
}

// TrustOnce accepts cert's key for address for the life of this Store
// only: the user's answer "just this time". Check matches it from now on,
// alongside the recorded pin, which is left as it is; Lookup and Hosts
// show it in place of the recorded pin. It is never written to the file.
// An invalid address or a nil certificate is ignored.
func (s *Store) TrustOnce(address string, cert *x509.Certificate) {
	addr, err := hostport.NormalizeAddress(address)
	if err != nil || cert == nil {
		return
	}
	h := newHost(addr, PublicKeyPin(cert), cert, s.now())

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil {
		s.session = map[string]Host{}
	}
	s.session[addr] = h
}

// Forget removes the pin for address, recorded and TrustOnce alike, so
// that the next Check is a first sight. Forgetting an unknown address does
// nothing. A *SaveError means the pin is gone from memory but not from the
// file.
func (s *Store) Forget(address string) error {
	addr, err := hostport.NormalizeAddress(address)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.session, addr)
	return s.update(func(hosts map[string]Host) bool {
		_, ok := hosts[addr]
		delete(hosts, addr)
		return ok
	})
}
