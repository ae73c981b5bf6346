package client

import "testing"

func TestStatus(t *testing.T) {
	tests := []struct {
		s         Status
		class     Status
		canonical Status
		name      string
	}{
		{10, 10, 10, "INPUT"},
		{11, 10, 11, "SENSITIVE INPUT"},
		{20, 20, 20, "SUCCESS"},
		{29, 20, 20, "SUCCESS (29)"},
		{30, 30, 30, "REDIRECT - TEMPORARY"},
		{31, 30, 31, "REDIRECT - PERMANENT"},
		{40, 40, 40, "TEMPORARY FAILURE"},
		{41, 40, 41, "SERVER UNAVAILABLE"},
		{42, 40, 42, "CGI ERROR"},
		{43, 40, 43, "PROXY ERROR"},
		{44, 40, 44, "SLOW DOWN"},
		{45, 40, 40, "TEMPORARY FAILURE (45)"},
		{50, 50, 50, "PERMANENT FAILURE"},
		{51, 50, 51, "NOT FOUND"},
		{52, 50, 52, "GONE"},
		{53, 50, 53, "PROXY REQUEST REFUSED"},
		{59, 50, 59, "BAD REQUEST"},
		{60, 60, 60, "CLIENT CERTIFICATE REQUIRED"},
		{61, 60, 61, "CERTIFICATE NOT AUTHORISED"},
		{62, 60, 62, "CERTIFICATE NOT VALID"},
		{65, 60, 60, "CLIENT CERTIFICATE REQUIRED (65)"},
		{7, 0, 7, "UNKNOWN (7)"},
		{70, 70, 70, "UNKNOWN (70)"},
	}
	for _, tt := range tests {
		if got := tt.s.Class(); got != tt.class {
			t.Errorf("%d.Class() = %d, want %d", tt.s, got, tt.class)
		}
		if got := tt.s.Canonical(); got != tt.canonical {
			t.Errorf("%d.Canonical() = %d, want %d", tt.s, got, tt.canonical)
		}
		if got := tt.s.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", tt.s, got, tt.name)
		}
	}
}
