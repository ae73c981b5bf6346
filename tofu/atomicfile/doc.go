// Package atomicfile writes files so that a reader, or the next run after a
// crash, sees either the old content or the new content in full, and never
// a half-written file; and it provides an advisory lock so that several
// processes can take turns at a read-modify-write cycle on one file.
//
// The usual pattern for a store that several propus processes share:
//
//	unlock, err := atomicfile.Lock(path)
//	if err != nil {
//		return err
//	}
//	defer unlock()
//	old, err := os.ReadFile(path) // re-read: another process may have written
//	// ... merge the change into old ...
//	return atomicfile.WriteFile(path, updated, 0o600)
//
// Readers need no lock: WriteFile replaces the file with a rename, which is
// atomic, so os.ReadFile never sees a partial write.
package atomicfile
