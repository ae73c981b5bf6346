package identity

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func names(ids []*Identity) []string {
	var out []string
	for _, id := range ids {
		out = append(out, id.Name)
	}
	return out
}

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "identities")
	s := Store{Dir: dir}

	// A store whose directory does not exist yet is empty.
	if ids, err := s.List(); err != nil || len(ids) != 0 {
		t.Fatalf("List of a missing directory = %v, %v", names(ids), err)
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Add: %v, want ErrNotFound", err)
	}

	alice := mustCreate(t, "alice", ECDSAP256)
	bob := mustCreate(t, "Bob the builder", Ed25519)
	carol := mustCreate(t, "carol.work", ECDSAP256)
	for _, id := range []*Identity{carol, alice, bob} {
		if err := s.Add(id); err != nil {
			t.Fatalf("Add(%q): %v", id.Name, err)
		}
	}
	if fi, err := os.Stat(dir); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o700) {
		t.Errorf("store directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "alice.key")); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("alice.key: %v, %v; want mode 0600", fi.Mode(), err)
	}

	// Duplicates are refused and leave the stored identity alone.
	err := s.Add(mustCreate(t, "alice", Ed25519))
	var exists *ExistsError
	if !errors.As(err, &exists) || exists.Name != "alice" || !errors.Is(err, ErrExists) {
		t.Errorf("duplicate Add: %v, want *ExistsError", err)
	}
	got, err := s.Get("alice")
	if err != nil || got.CertificateHash() != alice.CertificateHash() {
		t.Errorf("Get(alice) = %v, %v; want the first alice", got, err)
	}

	// Unrelated files and directories are ignored.
	for _, f := range []string{"README", ".alice.crt.tmp-123", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.crt"), 0o700); err != nil {
		t.Fatal(err)
	}

	ids, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(names(ids), ","), "Bob the builder,alice,carol.work"; got != want {
		t.Errorf("List = %s, want %s", got, want)
	}
	for _, id := range ids {
		if id.Leaf.Subject.CommonName != id.Name {
			t.Errorf("%q has CN %q", id.Name, id.Leaf.Subject.CommonName)
		}
	}

	// Rename keeps the certificate.
	if err := s.Rename("alice", "alice (old)"); err != nil {
		t.Fatal(err)
	}
	renamed, err := s.Get("alice (old)")
	if err != nil || renamed.CertificateHash() != alice.CertificateHash() || renamed.Name != "alice (old)" {
		t.Errorf("after Rename: %v, %v", renamed, err)
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old name after Rename: %v", err)
	}
	renameTests := []struct {
		old, new string
		want     error
	}{
		{"nobody", "x", ErrNotFound},
		{"alice (old)", "carol.work", ErrExists},
		{"alice (old)", "alice (old)", nil},
		{"alice (old)", "bad/name", ErrInvalidName},
		{"../escape", "x", ErrInvalidName},
	}
	for _, tt := range renameTests {
		if err := s.Rename(tt.old, tt.new); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("Rename(%q, %q) = %v, want %v", tt.old, tt.new, err, tt.want)
		}
	}

	// Remove.
	if err := s.Remove("carol.work"); err != nil {
		t.Fatal(err)
	}
	var nf *NotFoundError
	if err := s.Remove("carol.work"); !errors.As(err, &nf) || nf.Name != "carol.work" {
		t.Errorf("second Remove: %v, want *NotFoundError", err)
	}
	ids, err = s.List()
	if got, want := strings.Join(names(ids), ","), "Bob the builder,alice (old)"; err != nil || got != want {
		t.Errorf("List = %s, %v; want %s", got, err, want)
	}
	for _, f := range []string{"carol.work.crt", "carol.work.key", "alice.crt", "alice.key"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there: %v", f, err)
		}
	}
}

func TestStoreBrokenPairs(t *testing.T) {
	dir := t.TempDir()
	s := Store{Dir: dir}
	good := mustCreate(t, "good", Ed25519)
	if err := s.Add(good); err != nil {
		t.Fatal(err)
	}
	other := mustCreate(t, "other", Ed25519)
	cert, key, _ := other.MarshalPEM()
	_, goodKey, _ := good.MarshalPEM()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("garbage.crt", []byte("not PEM"))
	write("garbage.key", key)
	write("lonely.crt", cert)   // no key
	write("keyonly.key", key)   // no certificate
	write("mismatch.crt", cert) // key of another identity
	write("mismatch.key", goodKey)

	ids, err := s.List()
	if got := strings.Join(names(ids), ","); got != "good" {
		t.Errorf("List returned %s, want the good identity", got)
	}
	if err == nil {
		t.Fatal("List reported no broken pairs")
	}
	for _, want := range []string{"garbage.crt", "lonely.key", "mismatch.key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("List error does not name %s:\n%v", want, err)
		}
	}
	// A key alone is what a crash in the middle of Add leaves: no
	// identity, not an error, and the next Add of the name replaces it.
	if strings.Contains(err.Error(), "keyonly") {
		t.Errorf("List reports a leftover key:\n%v", err)
	}
	if _, err := s.Get("keyonly"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a leftover key: %v", err)
	}
	if err := s.Add(mustCreate(t, "keyonly", Ed25519)); err != nil {
		t.Errorf("Add over a leftover key: %v", err)
	} else if _, err := s.Get("keyonly"); err != nil {
		t.Errorf("Get after the Add over a leftover key: %v", err)
	}
	if !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("List error does not wrap ErrKeyMismatch")
	}

	// A half pair is found (not "not found"), blocks Add, and Remove clears it.
	if _, err := s.Get("lonely"); err == nil || errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "lonely.key") {
		t.Errorf("Get of a half pair: %v", err)
	}
	if err := s.Add(mustCreate(t, "lonely", Ed25519)); !errors.Is(err, ErrExists) {
		t.Errorf("Add over a half pair: %v", err)
	}
	if err := s.Remove("lonely"); err != nil {
		t.Errorf("Remove of a half pair: %v", err)
	}
	if _, err := s.Get("lonely"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Remove: %v", err)
	}
}

func TestStoreBadInput(t *testing.T) {
	if _, err := (Store{}).List(); err == nil {
		t.Error("List with empty Dir succeeded")
	}
	if err := (Store{}).Add(mustCreate(t, "x", Ed25519)); err == nil {
		t.Error("Add with empty Dir succeeded")
	}
	s := Store{Dir: t.TempDir()}
	if err := s.Add(nil); err == nil {
		t.Error("Add(nil) succeeded")
	}
	bad := mustCreate(t, "x", Ed25519)
	bad.Name = "../x"
	if err := s.Add(bad); !errors.Is(err, ErrInvalidName) {
		t.Errorf("Add with a bad name: %v", err)
	}
	for _, name := range []string{"", "../x", "a/b"} {
		if _, err := s.Get(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Get(%q): %v", name, err)
		}
		if err := s.Remove(name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Remove(%q): %v", name, err)
		}
	}
}
