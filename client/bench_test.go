package client

import (
	"context"
	"io"
	"testing"
)

// BenchmarkFetch fetches a small page from a TLS server on loopback, with
// a full handshake every time and with session resumption.
func BenchmarkFetch(b *testing.B) {
	f := newFixture(b, reply("20 text/gemini\r\n# Hello\r\n"))
	for _, bc := range []struct {
		name string
		c    *Client
	}{
		{"full-handshake", &Client{DisableResumption: true}},
		{"resumption", &Client{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			req, _ := NewRequest(f.url("/"))
			for b.Loop() {
				resp, err := bc.c.Do(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
