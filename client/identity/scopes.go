package identity

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"propus/tofu/atomicfile"
)

// Scopes maps identity names to the scopes where each is used, so that a
// browser can find the identity to present for a URL. Each scope belongs to
// at most one identity.
//
// The zero value is an empty mapping, usable in memory. LoadScopes reads one
// from a file, which Save then rewrites. A Scopes is safe for use by several
// goroutines.
//
// The file is UTF-8 text, one assignment per line:
//
//	<scope-url> <identity-name>
//
// where the scope is written as Scope.String writes it (ParseScope's other
// forms are accepted too) and the name runs to the end of the line, so it may
// contain spaces. Blank lines and lines beginning with '#' are ignored. For
// example:
//
//	# propus identity scopes
//	gemini://example.com:1965/alice/ alice
//	gemini://station.example:1965/ Alice at the station
type Scopes struct {
	mu      sync.Mutex
	path    string
	byName  scopeMap
	pending []func(scopeMap) // the changes since the file was last read, for Save to replay
}

// scopeMap is the mapping itself: identity name to its sorted scopes.
type scopeMap map[string][]Scope

// ParseError reports a malformed line in a scopes file (Store is
// "identity").
type ParseError = atomicfile.ParseError

// LoadScopes reads the scopes file at path. A missing file gives an empty
// mapping. A malformed line gives a *ParseError naming the line, and no
// Scopes, so the file cannot be overwritten by mistake. The result's Save
// writes back to path.
func LoadScopes(path string) (*Scopes, error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	m, err := parseScopes(path, data)
	if err != nil {
		return nil, err
	}
	return &Scopes{path: path, byName: m}, nil
}

// parseScopes parses the content of the scopes file at path.
func parseScopes(path string, data []byte) (scopeMap, error) {
	m := scopeMap{}
	owner := map[Scope]int{} // scope -> line that assigned it
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		j := strings.IndexAny(line, " \t")
		if j < 0 {
			return nil, &ParseError{Store: "identity", Path: path, Line: n, Err: errors.New("want \"<scope-url> <identity-name>\"")}
		}
		scopeText, name := line[:j], strings.TrimSpace(line[j+1:])
		sc, err := parseScope(scopeText)
		if err != nil {
			return nil, &ParseError{Store: "identity", Path: path, Line: n, Err: fmt.Errorf("invalid scope %q: %w", scopeText, err)}
		}
		if p := nameProblem(name); p != "" {
			return nil, &ParseError{Store: "identity", Path: path, Line: n, Err: fmt.Errorf("invalid identity name %q: %s", name, p)}
		}
		if prev, dup := owner[sc]; dup {
			if slices.Contains(m[name], sc) {
				continue // the same line twice
			}
			return nil, &ParseError{Store: "identity", Path: path, Line: n,
				Err: fmt.Errorf("scope %s is already given to another identity on line %d", sc, prev)}
		}
		owner[sc] = n
		m[name] = append(m[name], sc)
	}
	for _, scopes := range m {
		sortScopes(scopes)
	}
	return m, nil
}

// format returns the file's content for m.
func (m scopeMap) format() []byte {
	var b bytes.Buffer
	b.WriteString("# propus identity scopes: \"<scope-url> <identity-name>\" per line.\n")
	b.WriteString("# Each identity is used for its scopes' URLs; the longest matching path wins.\n")
	for _, name := range slices.Sorted(maps.Keys(m)) {
		for _, sc := range m[name] {
			fmt.Fprintf(&b, "%s %s\n", sc, name)
		}
	}
	return b.Bytes()
}

// Save writes the mapping to the file it was loaded from, atomically, with
// mode 0600, creating the directory (mode 0700) if needed. Lines are sorted
// by identity name, then by scope. A Scopes not made by LoadScopes has no
// file and Save returns an error.
//
// Save merges: under the file's lock it re-reads the file and replays on
// it the changes made since it was last read, so what another process
// saved meanwhile is kept (and now seen here too). A file that no longer
// parses is left as it is and Save returns its *ParseError.
func (s *Scopes) Save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.path == "" {
		return errors.New("Scopes has no file; use LoadScopes")
	}
	var fresh scopeMap
	err := atomicfile.Update(s.path, 0o700, 0o600, func(old []byte) ([]byte, bool, error) {
		var err error
		if fresh, err = parseScopes(s.path, old); err != nil {
			return nil, false, err
		}
		for _, change := range s.pending {
			change(fresh)
		}
		return fresh.format(), true, nil
	})
	if _, ok := errors.AsType[*ParseError](err); ok {
		return err
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", s.path, err)
	}
	s.byName, s.pending = fresh, nil
	return nil
}

// change applies fn to the mapping, and keeps it for Save to replay on
// the file.
func (s *Scopes) change(fn func(scopeMap)) {
	if s.byName == nil {
		s.byName = scopeMap{}
	}
	fn(s.byName)
	if s.path != "" {
		s.pending = append(s.pending, fn)
	}
}

// Add gives scope to the identity called name, taking it from any other
// identity that had it. The scope is normalised first (host lower-case,
// port explicit, path cleaned); it must have a host and a valid port, and
// name must pass CheckName.
func (s *Scopes) Add(name string, scope Scope) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if p := scope.problem(); p != "" {
		return errors.New(p)
	}
	sc := scope.normalize()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.change(func(m scopeMap) {
		for other := range m {
			if other != name {
				m.remove(other, sc)
			}
		}
		if !slices.Contains(m[name], sc) {
			m[name] = sortScopes(append(m[name], sc))
		}
	})
	return nil
}

// Remove takes scope away from the identity called name, if it had it.
func (s *Scopes) Remove(name string, scope Scope) {
	sc := scope.normalize()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.change(func(m scopeMap) { m.remove(name, sc) })
}

func (m scopeMap) remove(name string, sc Scope) {
	scopes := slices.DeleteFunc(m[name], func(x Scope) bool { return x == sc })
	if len(scopes) == 0 {
		delete(m, name)
	} else {
		m[name] = scopes
	}
}

// RemoveAll takes every scope away from the identity called name, as when
// the identity is deleted.
func (s *Scopes) RemoveAll(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.change(func(m scopeMap) { delete(m, name) })
}

// Rename moves the scopes of the identity called oldName to newName, adding
// them to any newName already has. newName must pass CheckName.
func (s *Scopes) Rename(oldName, newName string) error {
	if err := CheckName(newName); err != nil {
		return err
	}
	if oldName == newName {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.change(func(m scopeMap) {
		if len(m[oldName]) == 0 {
			return
		}
		merged := append(m[newName], m[oldName]...)
		delete(m, oldName)
		m[newName] = slices.Compact(sortScopes(merged))
	})
	return nil
}

// For returns the name of the identity to use for u: the one with the most
// specific (longest path) scope that matches u. ok is false if none does.
func (s *Scopes) For(u *url.URL) (name string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	best := -1
	for n, scopes := range s.byName {
		for _, sc := range scopes {
			if l := len(sc.Path); l > best && sc.Matches(u) {
				name, best = n, l
			}
		}
	}
	return name, best >= 0
}

// List returns a copy of the mapping: for each identity that has scopes, its
// scopes sorted by their String form.
func (s *Scopes) List() map[string][]Scope {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string][]Scope, len(s.byName))
	for n, scopes := range s.byName {
		m[n] = slices.Clone(scopes)
	}
	return m
}

func sortScopes(scopes []Scope) []Scope {
	slices.SortFunc(scopes, func(a, b Scope) int { return strings.Compare(a.String(), b.String()) })
	return scopes
}
