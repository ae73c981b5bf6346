package hostport

import (
	"errors"
	"testing"
)

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
		{"XN--BCHER-KVA.example", "xn--bcher-kva.example:1965"},
		{"bücher.example", "xn--bcher-kva.example:1965"},
		{"Bücher.example:1966", "xn--bcher-kva.example:1966"},
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
		{"user@example.com", ""},
		{"a/b", ""},
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
		case tt.want == "" && !errors.As(err, new(*AddressError)):
			t.Errorf("NormalizeAddress(%q): %v, want an *AddressError", tt.in, err)
		case tt.want != "" && err != nil:
			t.Errorf("NormalizeAddress(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("NormalizeAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeHost(t *testing.T) {
	tests := []struct {
		in, want string // want "" means an error
	}{
		{"example.com", "example.com"},
		{"Example.COM", "example.com"},
		{"example.com.", "example.com"},
		{"bücher.example", "xn--bcher-kva.example"},
		{"XN--BCHER-KVA.example", "xn--bcher-kva.example"},
		{"127.0.0.1", "127.0.0.1"},
		{"::1", "::1"},
		{"[::1]", "::1"},
		{"[2001:DB8::1]", "2001:db8::1"},
		{"", ""},
		{"a b", ""},
		{"a/b", ""},
		{"user@host", ""},
		{"host:1965", ""},
		{"host:70", ""},
		{"[127.0.0.1]", ""},
	}
	for _, tt := range tests {
		got, err := NormalizeHost(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("NormalizeHost(%q) = %q, want an error", tt.in, got)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePort(t *testing.T) {
	tests := []struct {
		in   string
		want int // 0 means an error
	}{
		{"", DefaultPort},
		{"1965", 1965},
		{"01966", 1966},
		{"1", 1},
		{"65535", 65535},
		{"0", 0},
		{"65536", 0},
		{"99999999999999999999", 0},
		{"+1", 0},
		{"-1", 0},
		{"http", 0},
	}
	for _, tt := range tests {
		got, err := ParsePort(tt.in)
		if tt.want == 0 && err == nil || tt.want != 0 && (err != nil || got != tt.want) {
			t.Errorf("ParsePort(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
