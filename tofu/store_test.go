package tofu

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	goodFP = "SHA256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	goodT  = "2026-01-01T00:00:00Z"
)

// goodLine is a well-formed entry for addr.
func goodLine(addr string) string {
	return addr + " " + goodFP + " " + goodT + " " + goodT + " " + goodT
}

func TestOpenMissingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "known_hosts")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Hosts()) != 0 || s.Err() != nil || s.Path() != path {
		t.Errorf("Hosts = %v, Err = %v, Path = %q", s.Hosts(), s.Err(), s.Path())
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("Open created the data directory")
	}
}

func TestOpenEmptyPath(t *testing.T) {
	s, err := Open("")
	if err == nil || s == nil {
		t.Fatalf("Open(\"\") = %v, %v; want a memory store and an error", s, err)
	}
	mustCheck(t, s, "example.com", selfSigned(t, t0.AddDate(1, 0, 0)))
}

func TestOpenUnreadable(t *testing.T) {
	path := t.TempDir() // a directory cannot be read as a file
	s, err := Open(path)
	if err == nil {
		t.Fatal("no error")
	}
	if _, perr := errors.AsType[*ParseError](err); perr {
		t.Errorf("err = %v, want a read error, not a parse error", err)
	}
	_, err = s.Check("example.com", []*x509.Certificate{selfSigned(t, t0.AddDate(1, 0, 0))})
	if _, ok := errors.AsType[*SaveError](err); !ok {
		t.Errorf("Check: err = %v, want a *SaveError", err)
	}
}

// TestMalformedFile opens files with one bad line each: Open reports the
// line, the good lines are loaded, and no change ever touches the file.
func TestMalformedFile(t *testing.T) {
	tests := []struct {
		name     string
		content  string
		line     int
		keepGood bool // good.example is loaded
	}{
		{"too few fields", "# propus known hosts v1\n" + goodLine("good.example:1965") + "\nbad.example:1965 " + goodFP + " " + goodT + "\n", 3, true},
		{"extra field", goodLine("good.example:1965") + "\n\n" + goodLine("bad.example:1965") + " # note\n", 3, true},
		{"bad address", goodLine("good.example:1965") + "\n" + goodLine("bad!.example:1965") + "\n", 2, true},
		{"bad port", goodLine("bad.example:99999") + "\n" + goodLine("good.example:1965") + "\n", 1, true},
		{"fingerprint of another hash", "bad.example:1965 MD5:0123456789abcdef0123456789abcdef " + goodT + " " + goodT + " " + goodT + "\n" + goodLine("good.example"), 1, true},
		{"fingerprint too short", "# c\n" + strings.Replace(goodLine("bad.example"), "a08 ", "a0 ", 1) + "\n" + goodLine("good.example"), 2, true},
		{"fingerprint not hex", strings.Replace(goodLine("bad.example"), "9f86", "9g86", 1) + "\n" + goodLine("good.example"), 1, true},
		{"bad expires", goodLine("good.example") + "\nbad.example " + goodFP + " 2026-13-01T00:00:00Z " + goodT + " " + goodT, 2, true},
		{"bad first-seen", goodLine("good.example") + "\nbad.example " + goodFP + " " + goodT + " yesterday " + goodT, 2, true},
		{"bad last-seen", goodLine("good.example") + "\nbad.example " + goodFP + " " + goodT + " " + goodT + " 2026-01-01", 2, true},
		{"duplicate address", goodLine("good.example:1965") + "\n" + goodLine("Good.Example") + "\n", 2, true},
		{"newer format version", "# propus known hosts v2\n" + goodLine("good.example"), 1, false},
		{"garbage", goodLine("good.example") + "\r\n\x00\x01\x02\r\n", 2, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "known_hosts")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			pe, ok := errors.AsType[*ParseError](err)
			if !ok {
				t.Fatalf("Open: err = %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Path != path || pe.Err == nil {
				t.Errorf("ParseError = %+v, want line %d of %s", pe, tt.line, path)
			}
			t.Log(err)
			if _, ok := s.Lookup("good.example"); ok != tt.keepGood {
				t.Errorf("good line loaded: %v, want %v", ok, tt.keepGood)
			}
			if !errors.Is(s.Err(), err) {
				t.Errorf("Err = %v, want the Open error", s.Err())
			}

			// Every kind of change is refused on disk but holds in memory.
			s.Now = func() time.Time { return t0 }
			cert := selfSigned(t, t0.AddDate(1, 0, 0))
			r, err := s.Check("new.example", []*x509.Certificate{cert})
			_, isSave := errors.AsType[*SaveError](err)
			if _, isParse := errors.AsType[*ParseError](err); !isSave || !isParse {
				t.Errorf("Check: err = %v, want a *SaveError around the parse error", err)
			}
			if r.Outcome != FirstSight {
				t.Errorf("Check: outcome = %v, want first sight in memory", r.Outcome)
			}
			if err := s.TOFU("new2.example", []*x509.Certificate{cert}); err != nil {
				t.Errorf("TOFU failed because of the file: %v", err)
			}
			if _, ok := errors.AsType[*SaveError](s.Trust("trusted.example", cert)); !ok {
				t.Error("Trust did not report a *SaveError")
			}
			if _, ok := errors.AsType[*SaveError](s.Forget("new.example")); !ok {
				t.Error("Forget did not report a *SaveError")
			}
			if _, ok := s.Lookup("trusted.example"); !ok {
				t.Error("Trust did not hold in memory")
			}
			if _, ok := errors.AsType[*SaveError](s.Err()); !ok {
				t.Errorf("Err = %v, want the latest *SaveError", s.Err())
			}
			unchanged(t, path, []byte(tt.content))
		})
	}
}

// TestFileBrokenThenFixed breaks the file behind the store's back: changes
// stop reaching the file until it parses again.
func TestFileBrokenThenFixed(t *testing.T) {
	s, path, _ := openStore(t)
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	mustCheck(t, s, "a.example", cert)
	broken := []byte(goodLine("x.example") + "\nnonsense\n")
	if err := os.WriteFile(path, broken, 0o600); err != nil {
		t.Fatal(err)
	}

	_, err := s.Check("b.example", []*x509.Certificate{cert})
	if pe, ok := errors.AsType[*ParseError](err); !ok || pe.Line != 2 {
		t.Fatalf("err = %v, want a *SaveError around a *ParseError for line 2", err)
	}
	if !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), path) {
		t.Errorf("message %q does not name the file and the line", err)
	}
	unchanged(t, path, broken)

	if err := os.WriteFile(path, []byte(goodLine("x.example")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s, "c.example", cert)
	if s.Err() != nil {
		t.Errorf("Err = %v after a successful save", s.Err())
	}
	hosts := fileHosts(t, path)
	if _, ok := hosts["x.example:1965"]; !ok || len(hosts) != 2 {
		t.Errorf("file after repair: %v; want x.example (kept) and c.example", hosts)
	}
}

// TestFileFormat checks the exact bytes written, and the permissions.
func TestFileFormat(t *testing.T) {
	s, path, clock := openStore(t)
	certA := selfSigned(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	certB := selfSigned(t, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	mustCheck(t, s, "Zeta.example", certA)
	clock.Set(t0.Add(90 * time.Minute))
	mustCheck(t, s, "[2001:db8::1]", certB)
	mustCheck(t, s, "alpha.example:1966", certB)

	want := "# propus known hosts v1\n" +
		"# address fingerprint expires first-seen last-seen\n" +
		"[2001:db8::1]:1965 " + PublicKeyPin(certB) + " 2026-03-01T00:00:00Z 2025-06-01T13:30:00Z 2025-06-01T13:30:00Z\n" +
		"alpha.example:1966 " + PublicKeyPin(certB) + " 2026-03-01T00:00:00Z 2025-06-01T13:30:00Z 2025-06-01T13:30:00Z\n" +
		"zeta.example:1965 " + PublicKeyPin(certA) + " 2027-01-01T00:00:00Z 2025-06-01T12:00:00Z 2025-06-01T12:00:00Z\n"
	if got := string(readFile(t, path)); got != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	var addrs []string
	for _, h := range s.Hosts() {
		addrs = append(addrs, h.Address)
	}
	if strings.Join(addrs, " ") != "[2001:db8::1]:1965 alpha.example:1966 zeta.example:1965" {
		t.Errorf("Hosts order: %v", addrs)
	}

	if runtime.GOOS != "windows" {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode: %v, %v; want 0600", fi.Mode().Perm(), err)
		}
		if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("directory mode: %v, %v; want 0700", fi.Mode().Perm(), err)
		}
	}
}

// TestFileLeniency reads a hand-edited file: it parses and is written back
// in canonical form.
func TestFileLeniency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	content := "\uFEFF# my hosts\r\n\r\n" +
		"  Example.COM\t" + strings.ToUpper(goodFP) + "  2026-01-01T01:00:00+01:00 2025-01-01T00:00:00.75Z  " + goodT + "  \r\n" +
		"\t# indented comment\n" +
		"[::1]:1965 sha256:" + goodFP[7:] + " " + goodT + " " + goodT + " " + goodT
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Host{Address: "example.com:1965", Fingerprint: goodFP,
		Expires:   time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		FirstSeen: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		LastSeen:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if h, ok := s.Lookup("example.com"); !ok || !sameHost(h, want) {
		t.Errorf("pin = %+v, want %+v", h, want)
	}
	if h, ok := s.Lookup("[::1]"); !ok || h.Fingerprint != goodFP {
		t.Errorf("IPv6 pin = %+v, %v", h, ok)
	}
	if err := s.Forget("[::1]"); err != nil {
		t.Fatal(err)
	}
	wantFile := fileHeader + "\n" + fieldsComment + "\n" +
		"example.com:1965 " + goodFP + " 2026-01-01T00:00:00Z 2025-01-01T00:00:00Z 2026-01-01T00:00:00Z\n"
	if got := string(readFile(t, path)); got != wantFile {
		t.Errorf("rewritten file:\n%s\nwant:\n%s", got, wantFile)
	}
}

// TestRoundTrip: what the store writes, it reads back identically.
func TestRoundTrip(t *testing.T) {
	s, path, clock := openStore(t)
	for i, addr := range []string{"a.example", "b.example:1", "[::1]", "10.0.0.1:70"} {
		clock.Set(t0.Add(time.Duration(i) * 1500 * time.Millisecond))
		mustCheck(t, s, addr, selfSigned(t, t0.AddDate(0, i+1, 0).Add(123*time.Millisecond)))
	}
	reopened, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, want := reopened.Hosts(), s.Hosts()
	if len(got) != len(want) {
		t.Fatalf("%d hosts read back, want %d", len(got), len(want))
	}
	for i := range got {
		if !sameHost(got[i], want[i]) {
			t.Errorf("read back %+v, want %+v", got[i], want[i])
		}
	}
}
