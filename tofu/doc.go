// Package tofu is propus's known-hosts store: it pins the public key each
// Gemini server presents on first contact (trust on first use) and detects
// when it changes.
//
// A pin is the SHA-256 of the certificate's SubjectPublicKeyInfo (see
// PublicKeyPin), kept per "host:port" (as hostport.NormalizeAddress writes
// it) together with the certificate's expiry. A different key before that
// expiry is refused with a *ChangedError, for the user to decide; after
// it, the new key replaces the pin. The package knows nothing of the
// client or the UI: it is handed certificate chains and returns decisions
// and typed errors. Its subpackage hostport is the one address normaliser
// the client, identity scopes and the server share with it.
//
// # Usage
//
//	store, err := tofu.Open(filepath.Join(dataDir, "known_hosts"))
//	if err != nil {
//		// Tell the user (a *tofu.ParseError names the line). store still
//		// works, in memory, and will not overwrite the broken file.
//	}
//	client.TrustCertificate = store.TOFU // checked inside the TLS handshake
//
//	// After a failed request:
//	var changed *tofu.ChangedError
//	if errors.As(err, &changed) {
//		// Show changed.Old and changed.New; then, as the user decides:
//		store.TrustOnce(changed.Address, cert) // this run only, or
//		store.Trust(changed.Address, cert)     // from now on
//	}
//
// The zero Store is a valid store kept in memory only, which suits tests.
//
// # File format
//
// The known_hosts file is UTF-8 text, one pin per line:
//
//	# propus known hosts v1
//	# address fingerprint expires first-seen last-seen
//	example.com:1965 SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 2027-01-01T00:00:00Z 2025-06-01T12:00:00Z 2025-06-03T08:30:00Z
//	[2001:db8::1]:1965 SHA256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752 2026-03-01T00:00:00Z 2025-06-02T09:00:00Z 2025-06-02T09:00:00Z
//
// The five fields are separated by spaces or tabs:
//
//   - address: "host:port" as hostport.NormalizeAddress returns it
//     (lower-case host, IPv6 in brackets, port always written; other
//     spellings are accepted when reading and normalised);
//   - fingerprint: "SHA256:" and 64 lower-case hex digits, the SHA-256 of
//     the certificate's DER SubjectPublicKeyInfo (upper case is accepted
//     when reading);
//   - expires: the pinned certificate's NotAfter;
//   - first-seen: when this key was pinned;
//   - last-seen: when it was last presented (to within LastSeenInterval).
//
// Times are RFC 3339 in UTC with whole seconds. Blank lines and lines whose
// first non-blank character is '#' are ignored, except that a header
// "# propus known hosts vN" with N other than 1 makes the file unreadable
// to this version. Any other line that does not hold exactly these five
// valid fields, or that repeats an address, is a *ParseError naming its
// 1-based line number. CRLF line ends and a UTF-8 byte-order mark are
// tolerated.
//
// The store writes the file whole: the header, the field comment, then the
// pins sorted by address, so the output is stable. Comments added by hand
// are not kept.
//
// # Sharing the file
//
// Every change takes an exclusive lock (flock on "known_hosts.lock"),
// re-reads the file, applies the change to what it read and replaces the
// file atomically (tofu/atomicfile), mode 0600, creating the directory with
// mode 0700 if needed. Several propus processes can therefore share one
// file: each one's pins are merged, never lost. A file that does not parse
// is never written; the change then holds in memory only and is reported as
// a *SaveError.
package tofu
