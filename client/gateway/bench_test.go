package gateway

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"propus/client"
	"propus/testserver"
)

// BenchmarkGateway fetches one small page from a local testserver, through
// the JSON API and directly with client.Do, in one run, so the two rates
// can be compared (docs/benchmarks.md).
func BenchmarkGateway(b *testing.B) {
	page := strings.Repeat("A line of gemtext, as a capsule's index has them.\n", 40)
	ts := testserver.NewServer(b, testserver.Page("text/gemini", page))

	b.Run("direct", func(b *testing.B) {
		c := &client.Client{}
		for b.Loop() {
			resp, err := c.Get(context.Background(), ts.URL+"/")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	b.Run("api", func(b *testing.B) {
		g := local(ts.Port)
		srv := httptest.NewServer(g)
		defer srv.Close()
		body := fmt.Sprintf(`{"url":"%s/"}`, ts.URL)
		hc := srv.Client()
		for b.Loop() {
			resp, err := hc.Post(srv.URL+"/api/gemini/fetch", "application/json", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("HTTP %d", resp.StatusCode)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
