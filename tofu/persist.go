package tofu

import (
	"maps"

	"propus/tofu/atomicfile"
)

// codec is the known-hosts file as an atomicfile.Store reads and writes
// it. A change that cannot be saved holds in memory (KeepUnsaved), so that
// a disk problem never undoes a TOFU decision.
var codec = atomicfile.Codec[map[string]Host]{
	Name:        storeName,
	Parse:       parseHosts,
	Format:      formatHosts,
	KeepUnsaved: true,
}

// update applies a change to a copy of the freshest pins and saves them
// (atomicfile.Store.Update): change reports whether it modified them. If
// the file cannot be locked, read or written, or does not parse, the
// change holds in memory only and the error is a *SaveError. change is
// called exactly once.
func (s *Store) update(change func(hosts map[string]Host) (modified bool)) error {
	return s.file.Update(func(cur map[string]Host) (map[string]Host, bool, error) {
		hosts := maps.Clone(cur)
		if hosts == nil {
			hosts = map[string]Host{}
		}
		return hosts, change(hosts), nil
	})
}
