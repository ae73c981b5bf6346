package tofu

import (
	"bytes"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// TestCheck pins certificate A for example.com:1965 at t0 (unless pinned
// is false), then presents a certificate at a later time and looks at the
// outcome, the pin and the file.
func TestCheck(t *testing.T) {
	expA := t0.AddDate(1, 0, 0)
	certA, keyA := newCert(t, certSpec{notAfter: expA})
	renewedA, _ := newCert(t, certSpec{key: keyA, notBefore: t0, notAfter: t0.AddDate(2, 0, 0)})
	certB := selfSigned(t, t0.AddDate(3, 0, 0))
	fpA, fpB := PublicKeyPin(certA), PublicKeyPin(certB)

	tests := []struct {
		name         string
		pinned       bool
		at           time.Time
		present      *x509.Certificate
		want         Outcome // 0: refused with a *ChangedError
		wantFP       string  // the pin afterwards
		wantExpires  time.Time
		wantFirst    time.Time
		wantLast     time.Time
		wantPrevious bool
		fileChanges  bool
	}{
		{name: "first sight", at: t0, present: certA,
			want: FirstSight, wantFP: fpA, wantExpires: expA, wantFirst: t0, wantLast: t0, fileChanges: true},
		{name: "match", pinned: true, at: t0.Add(time.Minute), present: certA,
			want: Match, wantFP: fpA, wantExpires: expA, wantFirst: t0, wantLast: t0},
		{name: "match an hour later refreshes last seen", pinned: true, at: t0.Add(LastSeenInterval), present: certA,
			want: Match, wantFP: fpA, wantExpires: expA, wantFirst: t0, wantLast: t0.Add(LastSeenInterval), fileChanges: true},
		{name: "same key renewed counts as a match and moves the expiry", pinned: true, at: t0.Add(time.Minute), present: renewedA,
			want: Match, wantFP: fpA, wantExpires: renewedA.NotAfter, wantFirst: t0, wantLast: t0, fileChanges: true},
		{name: "changed before expiry is refused", pinned: true, at: t0.AddDate(0, 1, 0), present: certB,
			want: 0, wantFP: fpA, wantExpires: expA, wantFirst: t0, wantLast: t0},
		{name: "changed at the expiry instant is refused", pinned: true, at: expA, present: certB,
			want: 0, wantFP: fpA, wantExpires: expA, wantFirst: t0, wantLast: t0},
		{name: "changed after expiry is accepted", pinned: true, at: expA.Add(time.Second), present: certB,
			want: ChangedAfterExpiry, wantFP: fpB, wantExpires: certB.NotAfter,
			wantFirst: expA.Add(time.Second), wantLast: expA.Add(time.Second), wantPrevious: true, fileChanges: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path, clock := openStore(t)
			const addr = "example.com:1965"
			var pin Host
			if tt.pinned {
				mustCheck(t, s, addr, certA)
				pin, _ = s.Lookup(addr)
			}
			before := readFile(t, path)
			clock.Set(tt.at)

			r, err := s.Check(addr, []*x509.Certificate{tt.present})
			if tt.want == 0 {
				var ce *ChangedError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a *ChangedError", err)
				}
				if r != (Result{}) {
					t.Errorf("refusal came with a Result: %+v", r)
				}
				if !sameHost(ce.Old, pin) {
					t.Errorf("ChangedError.Old = %+v, want the pin %+v", ce.Old, pin)
				}
				if ce.New.Fingerprint != PublicKeyPin(tt.present) || !ce.New.Expires.Equal(tt.present.NotAfter) ||
					ce.NewSubject != "CN=test" || !ce.NewNotBefore.Equal(tt.present.NotBefore) || ce.Address != addr {
					t.Errorf("ChangedError describes the new certificate wrongly: %+v", ce)
				}
			} else {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if r.Outcome != tt.want {
					t.Errorf("outcome = %v, want %v", r.Outcome, tt.want)
				}
				if (r.Previous != nil) != tt.wantPrevious {
					t.Errorf("Previous = %v, want set: %v", r.Previous, tt.wantPrevious)
				}
				if r.Previous != nil && !sameHost(*r.Previous, pin) {
					t.Errorf("Previous = %+v, want the old pin %+v", *r.Previous, pin)
				}
				if got, _ := s.Lookup(addr); !sameHost(r.Host, got) {
					t.Errorf("Result.Host = %+v, but the store holds %+v", r.Host, got)
				}
			}

			want := Host{Address: addr, Fingerprint: tt.wantFP, Expires: tt.wantExpires, FirstSeen: tt.wantFirst, LastSeen: tt.wantLast}
			if got, ok := s.Lookup(addr); !ok || !sameHost(got, want) {
				t.Errorf("pin = %+v, want %+v", got, want)
			}
			after := readFile(t, path)
			if changed := !bytes.Equal(before, after); changed != tt.fileChanges {
				t.Errorf("file changed: %v, want %v\nbefore:\n%s\nafter:\n%s", changed, tt.fileChanges, before, after)
			}
			// What is in the file is what the store holds.
			if got := fileHosts(t, path)[addr]; !sameHost(got, want) {
				t.Errorf("file pin = %+v, want %+v", got, want)
			}
		})
	}
}

func TestCheckPersistsFirstSight(t *testing.T) {
	s, path, _ := openStore(t)
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	mustCheck(t, s, "example.com", cert)

	reopened, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h, ok := reopened.Lookup("example.com:1965")
	if !ok || h.Fingerprint != PublicKeyPin(cert) {
		t.Fatalf("after reopening: %+v, %v", h, ok)
	}
	reopened.Now = func() time.Time { return t0.Add(time.Minute) }
	if r := mustCheck(t, reopened, "example.com", cert); r.Outcome != Match {
		t.Errorf("outcome after reopening = %v, want match", r.Outcome)
	}
}

func TestCheckVerifyRoots(t *testing.T) {
	root, rootKey := newCert(t, certSpec{cn: "Test Root", isCA: true, notAfter: t0.AddDate(10, 0, 0)})
	inter, interKey := newCert(t, certSpec{cn: "Test Intermediate", isCA: true, parent: root, parentKey: rootKey, notAfter: t0.AddDate(5, 0, 0)})
	byRoot, _ := newCert(t, certSpec{dnsNames: []string{"example.com"}, parent: root, parentKey: rootKey})
	byInter, _ := newCert(t, certSpec{dnsNames: []string{"example.com"}, parent: inter, parentKey: interKey})
	forIP, _ := newCert(t, certSpec{ips: []net.IP{net.IPv6loopback}, parent: root, parentKey: rootKey})
	roots := x509.NewCertPool()
	roots.AddCert(root)

	tests := []struct {
		name        string
		addr        string
		verifyRoots bool
		roots       *x509.CertPool
		chain       []*x509.Certificate
		want        Outcome // 0: refused
	}{
		{"CA-issued, verification on", "example.com:1965", true, roots, []*x509.Certificate{byRoot}, ChangedVerified},
		{"CA-issued, verification off", "example.com:1965", false, roots, []*x509.Certificate{byRoot}, 0},
		{"with an intermediate", "example.com:1965", true, roots, []*x509.Certificate{byInter, inter}, ChangedVerified},
		{"intermediate missing", "example.com:1965", true, roots, []*x509.Certificate{byInter}, 0},
		{"wrong host name", "other.example:1965", true, roots, []*x509.Certificate{byRoot}, 0},
		{"untrusted root", "example.com:1965", true, x509.NewCertPool(), []*x509.Certificate{byRoot}, 0},
		{"self-signed", "example.com:1965", true, roots, []*x509.Certificate{selfSigned(t, t0.AddDate(1, 0, 0))}, 0},
		{"IPv6 address", "[::1]:1965", true, roots, []*x509.Certificate{forIP}, ChangedVerified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path, clock := openStore(t)
			s.VerifyRoots, s.Roots = tt.verifyRoots, tt.roots
			old := selfSigned(t, t0.AddDate(1, 0, 0))
			mustCheck(t, s, tt.addr, old)
			before := readFile(t, path)
			clock.Set(t0.AddDate(0, 1, 0))

			r, err := s.Check(tt.addr, tt.chain)
			if tt.want == 0 {
				if _, ok := errors.AsType[*ChangedError](err); !ok {
					t.Fatalf("err = %v, want a *ChangedError", err)
				}
				unchanged(t, path, before)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != tt.want || r.Previous == nil || r.Previous.Fingerprint != PublicKeyPin(old) {
				t.Errorf("result = %+v, want %v replacing the old pin", r, tt.want)
			}
			if h := fileHosts(t, path)[r.Host.Address]; h.Fingerprint != PublicKeyPin(tt.chain[0]) {
				t.Errorf("file pin = %s, want the new key", h.Fingerprint)
			}
		})
	}
}

func TestCheckInvalidArguments(t *testing.T) {
	var s Store
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	if _, err := s.Check("example.com", nil); !errors.Is(err, ErrNoCertificate) {
		t.Errorf("empty chain: err = %v", err)
	}
	if _, err := s.Check("example.com", []*x509.Certificate{nil}); !errors.Is(err, ErrNoCertificate) {
		t.Errorf("nil leaf: err = %v", err)
	}
	if _, err := s.Check("bad host", []*x509.Certificate{cert}); err == nil {
		t.Error("invalid address accepted")
	}
	if len(s.Hosts()) != 0 {
		t.Error("a failed Check recorded something")
	}
}

func TestTOFU(t *testing.T) {
	s, _, clock := openStore(t)
	a, b := selfSigned(t, t0.AddDate(1, 0, 0)), selfSigned(t, t0.AddDate(1, 0, 0))
	var hook func(string, []*x509.Certificate) error = s.TOFU // the client's hook type
	if err := hook("example.com:1965", []*x509.Certificate{a}); err != nil {
		t.Fatalf("first sight: %v", err)
	}
	clock.Set(t0.Add(time.Hour))
	if err := hook("example.com:1965", []*x509.Certificate{a}); err != nil {
		t.Fatalf("match: %v", err)
	}
	err := hook("example.com:1965", []*x509.Certificate{b})
	if _, ok := errors.AsType[*ChangedError](err); !ok {
		t.Fatalf("changed: err = %v, want a *ChangedError", err)
	}
}

func TestChangedErrorMessage(t *testing.T) {
	e := &ChangedError{
		Address: "example.com:1965",
		Old:     Host{Fingerprint: "SHA256:" + strings.Repeat("a", 64), Expires: t0.AddDate(1, 0, 0)},
		New:     Host{Fingerprint: "SHA256:" + strings.Repeat("b", 64), Expires: t0.AddDate(2, 0, 0)},
	}
	msg := e.Error()
	for _, want := range []string{"example.com:1965", e.Old.Fingerprint, e.New.Fingerprint, "2026-06-01", "2027-06-01"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	t.Log(msg)
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{
		0:                  "Outcome(0)",
		FirstSight:         "first sight",
		Match:              "match",
		ChangedAfterExpiry: "changed after expiry",
		ChangedVerified:    "changed, verified by a certificate authority",
		99:                 "Outcome(99)",
	} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d).String() = %q, want %q", int(o), got, want)
		}
	}
}

func TestFingerprint(t *testing.T) {
	key := newKey(t)
	a, _ := newCert(t, certSpec{key: key})
	b, _ := newCert(t, certSpec{key: key, notAfter: t0.AddDate(5, 0, 0), cn: "other"})
	c := selfSigned(t, t0.AddDate(1, 0, 0))
	fa := PublicKeyPin(a)
	if len(fa) != len("SHA256:")+64 || !strings.HasPrefix(fa, "SHA256:") || strings.ToLower(fa[7:]) != fa[7:] {
		t.Errorf("Fingerprint = %q, want SHA256: and 64 lower-case hex digits", fa)
	}
	if PublicKeyPin(b) != fa {
		t.Error("two certificates with one key have different fingerprints")
	}
	if PublicKeyPin(c) == fa {
		t.Error("different keys have the same fingerprint")
	}
	if got, err := parseFingerprint(strings.ToUpper(fa)); err != nil || got != fa {
		t.Errorf("parseFingerprint(upper case) = %q, %v", got, err)
	}
}
