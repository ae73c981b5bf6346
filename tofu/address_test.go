package tofu

import "testing"

// TestAddressSpellingsShareOnePin checks the store, not just the function:
// every spelling of an address finds the same pin.
func TestAddressSpellingsShareOnePin(t *testing.T) {
	s, _, _ := openStore(t)
	cert := selfSigned(t, t0.AddDate(1, 0, 0))
	if r := mustCheck(t, s, "Example.COM:1965", cert); r.Outcome != FirstSight {
		t.Fatalf("outcome = %v, want first sight", r.Outcome)
	}
	for _, addr := range []string{"example.com:1965", "example.com", "EXAMPLE.com.:01965"} {
		if r := mustCheck(t, s, addr, cert); r.Outcome != Match || r.Host.Address != "example.com:1965" {
			t.Errorf("Check(%s) = %v for %s, want a match for example.com:1965", addr, r.Outcome, r.Host.Address)
		}
		if _, ok := s.Lookup(addr); !ok {
			t.Errorf("Lookup(%s) found nothing", addr)
		}
	}
	if _, ok := s.Lookup("example.com:1966"); ok {
		t.Error("another port shares the pin")
	}
	if n := len(s.Hosts()); n != 1 {
		t.Errorf("%d hosts, want 1", n)
	}
}

func TestHostOf(t *testing.T) {
	for addr, want := range map[string]string{
		"example.com:1965": "example.com",
		"[::1]:1965":       "::1",
		"127.0.0.1:1":      "127.0.0.1",
	} {
		if got := hostOf(addr); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", addr, got, want)
		}
	}
}
