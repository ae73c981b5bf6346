package tofu

import (
	"errors"
	"fmt"
	"time"

	"propus/tofu/atomicfile"
)

// ErrNoCertificate is returned when a check or a trust is asked for without
// a certificate.
var ErrNoCertificate = errors.New("no certificate")

// ChangedError is returned by Check (and TOFU) when an address presents a
// key other than the pinned one while the pinned certificate has not yet
// expired: possibly a man-in-the-middle attack, possibly a server that
// changed its key early. Nothing is recorded. The UI should show both
// fingerprints and dates and let the user choose between refusing,
// Store.TrustOnce and Store.Trust.
type ChangedError struct {
	// Address is the canonical address that was checked.
	Address string
	// Old is the pin, unchanged.
	Old Host
	// New describes the presented certificate, as it would be pinned
	// (FirstSeen and LastSeen are the time of the check).
	New Host
	// NewSubject is the presented certificate's subject, for display.
	NewSubject string
	// NewNotBefore is the presented certificate's NotBefore.
	NewNotBefore time.Time
}

// Error names the address and both fingerprints.
func (e *ChangedError) Error() string {
	return fmt.Sprintf("the certificate of %s changed before its pin expired: "+
		"the pinned key is %s (valid until %s), the presented key is %s (valid until %s); "+
		"this may be a man-in-the-middle attack, so the new certificate was not trusted",
		e.Address, e.Old.Fingerprint, e.Old.Expires.Format(time.DateOnly),
		e.New.Fingerprint, e.New.Expires.Format(time.DateOnly))
}

// ParseError reports a known-hosts file that does not parse (Store is
// "known hosts"). The file is never overwritten while it does not parse.
type ParseError = atomicfile.ParseError

// SaveError reports that a change was made in memory but could not be
// written to the file: the lock or the write failed, or the file no longer
// parses (then Err is a *ParseError and the file was left alone). The change
// holds for the life of the Store. Check returns it together with a valid
// Result; TOFU ignores it, so that a disk problem never breaks a connection;
// Store.Err keeps the latest one.
type SaveError = atomicfile.SaveError
