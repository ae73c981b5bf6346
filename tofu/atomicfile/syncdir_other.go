//go:build !unix

package atomicfile

// SyncDir does nothing where directories cannot be opened and synced (on
// Windows, os.Open of a directory cannot be fsynced; NTFS journals the rename
// itself).
func SyncDir(string) error { return nil }
