package tofu

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"propus/tofu/hostport"
)

// fileHeader is the first line of every file the store writes. A file whose
// header names another version is refused (ParseError), so that an older
// propus never rewrites a newer format.
const fileHeader = "# propus known hosts v1"

// headerPrefix starts a version header; what follows "v" is the version.
const headerPrefix = "# propus known hosts v"

// fieldsComment is the second line of a written file, for people.
const fieldsComment = "# address fingerprint expires first-seen last-seen"

// storeName is the Store of the package's *ParseError and *SaveError.
const storeName = "known hosts"

// parseHosts parses a known-hosts file. It returns every well-formed entry
// and a *ParseError for the first bad line, if any (after an unsupported
// version header nothing is returned). Duplicate addresses are an error on
// the later line; the first entry is kept.
func parseHosts(path string, data []byte) (map[string]Host, error) {
	hosts := map[string]Host{}
	var first error
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	seen := map[string]int{}
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSpace(line) // also drops the \r of CRLF
		if line == "" {
			continue
		}
		if line[0] == '#' {
			if v, ok := strings.CutPrefix(line, headerPrefix); ok && v != "1" {
				return map[string]Host{}, &ParseError{Store: storeName, Path: path, Line: n,
					Err: fmt.Errorf("unsupported format version v%s (this propus reads v1)", v)}
			}
			continue
		}
		h, err := parseLine(line)
		if err == nil {
			if prev, dup := seen[h.Address]; dup {
				err = fmt.Errorf("%s is already listed on line %d", h.Address, prev)
			}
		}
		if err != nil {
			if first == nil {
				first = &ParseError{Store: storeName, Path: path, Line: n, Err: err}
			}
			continue
		}
		seen[h.Address] = n
		hosts[h.Address] = h
	}
	return hosts, first
}

// parseLine parses one entry:
// address fingerprint expires first-seen last-seen.
func parseLine(line string) (Host, error) {
	f := strings.Fields(line)
	if len(f) != 5 {
		return Host{}, fmt.Errorf("want 5 fields (address fingerprint expires first-seen last-seen), got %d", len(f))
	}
	var h Host
	var err error
	if h.Address, err = hostport.NormalizeAddress(f[0]); err != nil {
		return Host{}, err
	}
	if h.Fingerprint, err = parseFingerprint(f[1]); err != nil {
		return Host{}, err
	}
	for i, t := range []*time.Time{&h.Expires, &h.FirstSeen, &h.LastSeen} {
		name := [...]string{"expires", "first-seen", "last-seen"}[i]
		v, err := time.Parse(time.RFC3339, f[2+i])
		if err != nil {
			return Host{}, fmt.Errorf("%s time %q is not RFC 3339 (like 2006-01-02T15:04:05Z)", name, f[2+i])
		}
		*t = stamp(v)
	}
	return h, nil
}

// formatHosts renders the file: the header, a comment naming the fields,
// then one line per host sorted by address.
func formatHosts(hosts map[string]Host) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(fileHeader + "\n" + fieldsComment + "\n")
	for _, addr := range slices.Sorted(maps.Keys(hosts)) {
		h := hosts[addr]
		fmt.Fprintf(&b, "%s %s %s %s %s\n", h.Address, h.Fingerprint,
			formatTime(h.Expires), formatTime(h.FirstSeen), formatTime(h.LastSeen))
	}
	return b.Bytes(), nil
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
