package tofu

import (
	"crypto/x509"
	"errors"
	"time"

	"propus/tofu/hostport"
)

// Check decides whether to accept the certificate chain that address
// presented (chain[0] is the leaf; the rest, if any, are intermediates) and
// records the decision:
//
//   - no pin for the address: accept and pin the key (FirstSight);
//   - the pinned key (or one trusted with TrustOnce): accept (Match),
//     refreshing the recorded expiry, which a renewed certificate with the
//     same key moves, and LastSeen (see LastSeenInterval);
//   - another key, after the pinned certificate's expiry: accept and pin
//     the new key (ChangedAfterExpiry);
//   - another key before that, but VerifyRoots is set and the chain
//     verifies for the host name: accept and pin it (ChangedVerified);
//   - another key otherwise: refuse with a *ChangedError and record
//     nothing.
//
// A new pin (any outcome but Match) also drops a TrustOnce pin for the
// address.
//
// A decision that changes the file is made against the file as it is now,
// re-read under the lock, so a pin added or replaced by another process
// counts.
//
// A *SaveError means the certificate was accepted and recorded in memory,
// but the file could not be written; Result is valid. Any other error means
// the certificate was refused (or the arguments were invalid) and Result is
// the zero value.
func (s *Store) Check(address string, chain []*x509.Certificate) (Result, error) {
	addr, err := hostport.NormalizeAddress(address)
	if err != nil {
		return Result{}, err
	}
	if len(chain) == 0 || chain[0] == nil {
		return Result{}, ErrNoCertificate
	}
	fp := PublicKeyPin(chain[0])
	now := s.now()

	s.mu.Lock()
	defer s.mu.Unlock()

	if h, ok := s.session[addr]; ok && h.Fingerprint == fp {
		h, _ = refresh(h, chain[0], now)
		s.session[addr] = h
		return Result{Outcome: Match, Host: h}, nil
	}
	// Fast path: the pinned key, nothing to record. No file access.
	if h, ok := s.file.Get()[addr]; ok && h.Fingerprint == fp {
		if _, modified := refresh(h, chain[0], now); !modified {
			return Result{Outcome: Match, Host: h}, nil
		}
	}

	var res Result
	var refused error
	saveErr := s.update(func(hosts map[string]Host) bool {
		var modified bool
		res, modified, refused = s.decide(hosts, addr, fp, chain, now)
		return modified
	})
	if refused != nil {
		return Result{}, refused
	}
	if res.Outcome != Match {
		// A new pin supersedes a TrustOnce exception made for the old one.
		delete(s.session, addr)
	}
	return res, saveErr
}

// TOFU is Check without the Result, with the signature of the Gemini
// client's certificate hook, so that a method value can be passed to it:
//
//	client.TrustCertificate = store.TOFU
//
// It returns nil when the certificate is accepted, even if the decision
// could not be saved (a disk problem must not break connections; Err
// reports it), and the *ChangedError or other error when it is refused.
func (s *Store) TOFU(address string, chain []*x509.Certificate) error {
	_, err := s.Check(address, chain)
	if _, ok := errors.AsType[*SaveError](err); ok {
		return nil
	}
	return err
}

// decide applies the rules of Check to hosts, changing it when the
// certificate is accepted. It reports whether hosts was modified.
func (s *Store) decide(hosts map[string]Host, addr, fp string, chain []*x509.Certificate, now time.Time) (Result, bool, error) {
	leaf := chain[0]
	old, known := hosts[addr]
	switch {
	case !known:
		h := newHost(addr, fp, leaf, now)
		hosts[addr] = h
		return Result{Outcome: FirstSight, Host: h}, true, nil
	case old.Fingerprint == fp:
		h, modified := refresh(old, leaf, now)
		hosts[addr] = h
		return Result{Outcome: Match, Host: h}, modified, nil
	}
	var outcome Outcome
	switch {
	case now.After(old.Expires):
		outcome = ChangedAfterExpiry
	case s.VerifyRoots && s.verifies(addr, chain, now):
		outcome = ChangedVerified
	default:
		return Result{}, false, &ChangedError{
			Address:      addr,
			Old:          old,
			New:          newHost(addr, fp, leaf, now),
			NewSubject:   leaf.Subject.String(),
			NewNotBefore: stamp(leaf.NotBefore),
		}
	}
	h := newHost(addr, fp, leaf, now)
	hosts[addr] = h
	return Result{Outcome: outcome, Host: h, Previous: &old}, true, nil
}

// newHost returns a fresh pin of leaf's key, first and last seen now.
func newHost(addr, fp string, leaf *x509.Certificate, now time.Time) Host {
	t := stamp(now)
	return Host{Address: addr, Fingerprint: fp, Expires: stamp(leaf.NotAfter), FirstSeen: t, LastSeen: t}
}

// refresh updates a matching pin for a new sighting: the expiry of the
// certificate now presented, and LastSeen when it is LastSeenInterval old
// (or that far in the future, after a clock change). It reports whether
// anything changed.
func refresh(h Host, leaf *x509.Certificate, now time.Time) (Host, bool) {
	modified := false
	if exp := stamp(leaf.NotAfter); !exp.Equal(h.Expires) {
		h.Expires = exp
		modified = true
	}
	if d := now.Sub(h.LastSeen); d >= LastSeenInterval || d <= -LastSeenInterval {
		h.LastSeen = stamp(now)
		modified = true
	}
	return h, modified
}

// verifies reports whether chain verifies against s.Roots (or the system
// roots) for the host of addr at time now.
func (s *Store) verifies(addr string, chain []*x509.Certificate, now time.Time) bool {
	intermediates := x509.NewCertPool()
	for _, c := range chain[1:] {
		if c != nil {
			intermediates.AddCert(c)
		}
	}
	_, err := chain[0].Verify(x509.VerifyOptions{
		DNSName:       hostOf(addr),
		Intermediates: intermediates,
		Roots:         s.Roots,
		CurrentTime:   now,
	})
	return err == nil
}
