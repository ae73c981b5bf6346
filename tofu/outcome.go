package tofu

import "strconv"

// Outcome says why Check accepted a certificate.
type Outcome int

// The outcomes of a successful Check. The zero Outcome is none of them.
const (
	// FirstSight: the address had no pin; the key is now pinned.
	FirstSight Outcome = iota + 1
	// Match: the key is the pinned one (or one trusted with TrustOnce).
	Match
	// ChangedAfterExpiry: the key differs from the pin, but the pinned
	// certificate had expired, so the new key replaced the pin.
	ChangedAfterExpiry
	// ChangedVerified: the key differs from an unexpired pin, but the new
	// chain verifies against the trusted roots (Store.VerifyRoots), so the
	// new key replaced the pin.
	ChangedVerified
)

var outcomeNames = [...]string{
	FirstSight:         "first sight",
	Match:              "match",
	ChangedAfterExpiry: "changed after expiry",
	ChangedVerified:    "changed, verified by a certificate authority",
}

// String returns a short lower-case description, such as "first sight".
func (o Outcome) String() string {
	if o > 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Result is what Check decided about a certificate.
type Result struct {
	// Outcome says why the certificate was accepted.
	Outcome Outcome
	// Host is the pin as it stands after the check.
	Host Host
	// Previous is the pin that was replaced, for ChangedAfterExpiry and
	// ChangedVerified; nil otherwise.
	Previous *Host
}
