package tofu

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"
)

func TestTrustOnce(t *testing.T) {
	s, path, clock := openStore(t)
	const addr = "example.com:1965"
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(2, 0, 0))
	mustCheck(t, s, addr, a)
	before := readFile(t, path)
	clock.Set(t0.Add(time.Minute))

	if _, err := s.Check(addr, []*x509.Certificate{b}); err == nil {
		t.Fatal("a changed key was accepted")
	}
	s.TrustOnce("EXAMPLE.com", b)
	if r := mustCheck(t, s, addr, b); r.Outcome != Match || r.Host.Fingerprint != PublicKeyPin(b) {
		t.Errorf("after TrustOnce: %+v, want a match with the new key", r)
	}
	if r := mustCheck(t, s, addr, a); r.Outcome != Match || r.Host.Fingerprint != PublicKeyPin(a) {
		t.Errorf("the recorded pin no longer matches: %+v", r)
	}
	if h, _ := s.Lookup(addr); h.Fingerprint != PublicKeyPin(b) {
		t.Errorf("Lookup = %s, want the TrustOnce key", h.Fingerprint)
	}
	if hs := s.Hosts(); len(hs) != 1 || hs[0].Fingerprint != PublicKeyPin(b) {
		t.Errorf("Hosts = %+v, want only the TrustOnce pin", hs)
	}
	unchanged(t, path, before)

	reopened, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := reopened.Lookup(addr); h.Fingerprint != PublicKeyPin(a) {
		t.Errorf("the TrustOnce pin reached the file: %+v", h)
	}

	// A new recorded pin, after the old one expired, ends the exception.
	clock.Set(t0.AddDate(1, 0, 1))
	c := selfSigned(t, t0.AddDate(3, 0, 0))
	if r := mustCheck(t, s, addr, c); r.Outcome != ChangedAfterExpiry {
		t.Fatalf("after expiry: %v", r.Outcome)
	}
	if h, _ := s.Lookup(addr); h.Fingerprint != PublicKeyPin(c) {
		t.Errorf("Lookup = %s, want the new recorded pin", h.Fingerprint)
	}
	if _, err := s.Check(addr, []*x509.Certificate{b}); err == nil {
		t.Error("the TrustOnce key outlived the pin it was an exception to")
	}

	// Invalid input is ignored.
	s.TrustOnce("bad host", b)
	s.TrustOnce("other.example", nil)
	if len(s.Hosts()) != 1 {
		t.Error("invalid TrustOnce calls recorded something")
	}
}

func TestTrust(t *testing.T) {
	s, path, clock := openStore(t)
	const addr = "example.com:1965"
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(2, 0, 0))
	mustCheck(t, s, addr, a)
	clock.Set(t0.Add(time.Minute))
	s.TrustOnce(addr, b)

	if err := s.Trust(addr, b); err != nil {
		t.Fatal(err)
	}
	want := Host{Address: addr, Fingerprint: PublicKeyPin(b), Expires: b.NotAfter, FirstSeen: t0.Add(time.Minute), LastSeen: t0.Add(time.Minute)}
	if h, _ := s.Lookup(addr); !sameHost(h, want) {
		t.Errorf("pin = %+v, want %+v", h, want)
	}
	if h := fileHosts(t, path)[addr]; !sameHost(h, want) {
		t.Errorf("file pin = %+v, want %+v", h, want)
	}
	if _, err := s.Check(addr, []*x509.Certificate{a}); err == nil {
		t.Error("the replaced key still matches")
	}

	// Trusting the pinned key again keeps FirstSeen.
	clock.Set(t0.Add(2 * time.Hour))
	if err := s.Trust(addr, b); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.Lookup(addr); !h.FirstSeen.Equal(want.FirstSeen) || !h.LastSeen.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("re-trusting the same key: %+v", h)
	}

	if err := s.Trust("bad host", b); err == nil {
		t.Error("invalid address accepted")
	}
	if err := s.Trust(addr, nil); !errors.Is(err, ErrNoCertificate) {
		t.Errorf("nil certificate: err = %v", err)
	}
}

func TestForget(t *testing.T) {
	s, path, clock := openStore(t)
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(1, 0, 0))
	mustCheck(t, s, "example.com", a)
	mustCheck(t, s, "other.example", a)
	s.TrustOnce("example.com", b)

	if err := s.Forget("Example.com:1965"); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup("example.com"); ok {
		t.Error("still pinned after Forget")
	}
	hosts := fileHosts(t, path)
	if _, ok := hosts["example.com:1965"]; ok || len(hosts) != 1 {
		t.Errorf("file after Forget: %v", hosts)
	}
	clock.Set(t0.Add(time.Minute))
	if r := mustCheck(t, s, "example.com", b); r.Outcome != FirstSight {
		t.Errorf("after Forget: %v, want first sight", r.Outcome)
	}

	before := readFile(t, path)
	if err := s.Forget("never.example"); err != nil {
		t.Errorf("forgetting an unknown host: %v", err)
	}
	unchanged(t, path, before)
	if err := s.Forget("bad host"); err == nil {
		t.Error("invalid address accepted")
	}
}

// TestZeroStore uses a Store without Open: everything works in memory.
func TestZeroStore(t *testing.T) {
	var s Store
	clock := newClock()
	s.Now = clock.Now
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(2, 0, 0))

	if r := mustCheck(t, &s, "example.com", a); r.Outcome != FirstSight {
		t.Errorf("first: %v", r.Outcome)
	}
	if r := mustCheck(t, &s, "example.com", a); r.Outcome != Match {
		t.Errorf("second: %v", r.Outcome)
	}
	if _, err := s.Check("example.com", []*x509.Certificate{b}); err == nil {
		t.Error("changed key accepted")
	}
	clock.Set(t0.AddDate(1, 0, 1))
	if r := mustCheck(t, &s, "example.com", b); r.Outcome != ChangedAfterExpiry {
		t.Errorf("after expiry: %v", r.Outcome)
	}
	if err := s.Trust("other.example", a); err != nil {
		t.Fatal(err)
	}
	if hs := s.Hosts(); len(hs) != 2 || hs[0].Address != "example.com:1965" || hs[1].Address != "other.example:1965" {
		t.Errorf("Hosts = %+v", hs)
	}
	if err := s.Forget("example.com"); err != nil {
		t.Fatal(err)
	}
	var fresh Store
	fresh.TrustOnce("x.example", a)
	if _, ok := fresh.Lookup("x.example"); !ok {
		t.Error("TrustOnce on a zero Store lost")
	}
	if s.Path() != "" || s.Err() != nil {
		t.Errorf("Path = %q, Err = %v", s.Path(), s.Err())
	}
}
