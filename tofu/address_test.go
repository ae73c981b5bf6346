package tofu

import "testing"

func TestNormalizeAddress(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"example.com:1965", "example.com:1965"},
		{"Example.COM:1965", "example.com:1965"},
		{"example.com", "example.com:1965"},
		{"example.com:", "example.com:1965"},
		{"example.com.:1965", "example.com:1965"},
		{"example.com:01965", "example.com:1965"},
		{"example.com:443", "example.com:443"},
		{"xn--bcher-kva.example:1965", "xn--bcher-kva.example:1965"},
		{"my_host.local", "my_host.local:1965"},
		{"127.0.0.1", "127.0.0.1:1965"},
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"[::1]:1965", "[::1]:1965"},
		{"[::1]", "[::1]:1965"},
		{"::1", "[::1]:1965"},
		{"[2001:DB8:0:0:0:0:0:1]:1966", "[2001:db8::1]:1966"},
		{"2001:db8::1", "[2001:db8::1]:1965"},
		{"[fe80::1%eth0]:1965", "[fe80::1%eth0]:1965"},
		{"", ""},
		{":1965", ""},
		{"example.com:0", ""},
		{"example.com:65536", ""},
		{"example.com:+1", ""},
		{"example.com:http", ""},
		{"exa mple.com", ""},
		{"#example.com", ""},
		{"bücher.example", ""},
		{"[::1", ""},
		{"[::1]x", ""},
		{"[1.2.3.4]:1965", ""},
		{"[example.com]:1965", ""},
		{"2001:db8::zz", ""},
		{".", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeAddress(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("NormalizeAddress(%q) = %q, want an error", tt.in, got)
		case tt.want != "" && err != nil:
			t.Errorf("NormalizeAddress(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("NormalizeAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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
