// Package atomicfile writes files so that a reader, or the next run after a
// crash, sees either the old content or the new content in full, and never
// a half-written file; and it provides an advisory lock so that several
// processes can take turns at a read-modify-write cycle on one file.
//
// The usual pattern for a store that several propus processes share is
// Update, which does the whole cycle under the lock:
//
//	err := atomicfile.Update(path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
//		// old is the file as it is now: another process may have written.
//		// ... parse old, merge the change, return the new content ...
//	})
//
// Store wraps that cycle for a store whose file holds a value of type T:
// it keeps the value in memory, parses and formats it with a Codec, merges
// every change into what the file holds now, and never overwrites a file
// that does not parse (ParseError, SaveError). The bookmark, history, feed
// and known-hosts stores are built on it.
//
// Readers need no lock: WriteFile replaces the file with a rename, which is
// atomic, so os.ReadFile never sees a partial write.
package atomicfile
