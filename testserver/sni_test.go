package testserver

import (
	"context"
	"crypto/tls"
	"slices"
	"strconv"
	"testing"
	"time"

	"propus/client"
)

// TestSNICertificates connects by several names and checks which
// certificate each handshake presents.
func TestSNICertificates(t *testing.T) {
	mk := func(hosts ...string) *tls.Certificate {
		c, err := GenerateCertificate(hosts, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return &c
	}
	certA, certB, fallback := mk("a.test"), mk("b.test"), mk("fallback.test", "127.0.0.1")
	page := Page("text/gemini", "ok")

	tests := []struct {
		name     string
		fallback *tls.Certificate
		host     string
		want     string // the leaf's first DNS name; "" for a failed handshake
	}{
		{"first host", fallback, "a.test", "a.test"},
		{"second host", fallback, "b.test", "b.test"},
		{"no SNI", fallback, "127.0.0.1", "fallback.test"},
		{"unknown name", fallback, "c.test", "fallback.test"},
		{"no SNI, no fallback", nil, "127.0.0.1", ""},
		{"unknown name, no fallback", nil, "c.test", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := NewUnstartedServer(t, VirtualHosts{Hosts: map[string]Handler{"a.test": page, "b.test": page}})
			ts.Server.TLSConfig = &tls.Config{GetCertificate: SNICertificates(
				map[string]*tls.Certificate{"A.Test": certA, "b.test": certB}, tt.fallback)}
			ts.Start()

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, err := client.NewRequest("gemini://" + tt.host + ":" + strconv.Itoa(ts.Port) + "/")
			if err != nil {
				t.Fatal(err)
			}
			req.Host = ts.Addr
			resp, err := (&client.Client{DisableResumption: true}).Do(ctx, req)
			if tt.want == "" {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("handshake succeeded with %v, want it to fail", resp.Certificate.DNSNames)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Certificate.DNSNames; !slices.Equal(got, []string{tt.want}) {
				t.Errorf("certificate for %v, want %s", got, tt.want)
			}
		})
	}
}
