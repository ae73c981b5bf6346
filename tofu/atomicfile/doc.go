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
// Readers need no lock: WriteFile replaces the file with a rename, which is
// atomic, so os.ReadFile never sees a partial write.
package atomicfile
