package testserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"propus/client"
)

const benchReply = "20 text/gemini\r\n# hi\r\n"

// BenchmarkServer measures requests per second with parallel clients and
// a full TLS 1.3 handshake per request (no session resumption), for the
// testserver and, as the ceiling, for a bare crypto/tls listener that
// only handshakes, reads the request, writes the same fixed reply and
// closes.
func BenchmarkServer(b *testing.B) {
	b.Run("testserver", func(b *testing.B) {
		ts := NewUnstartedServer(b, Page("text/gemini", "# hi\r\n"))
		ts.Server.ErrorLog = log.New(io.Discard, "", 0)
		ts.Start()
		benchClients(b, ts.URL+"/")
	})
	b.Run("bare-crypto-tls", func(b *testing.B) {
		cert, err := GenerateCertificate([]string{"localhost", "127.0.0.1"}, 24*time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go serveBare(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}}))
		benchClients(b, "gemini://"+ln.Addr().String()+"/")
	})
}

// serveBare is the bare crypto/tls loop the benchmarks compare the
// server with: for each connection, handshake, read the request line,
// write benchReply, close. It returns when ln is closed.
func serveBare(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
				return
			}
			io.WriteString(c, benchReply)
		}()
	}
}

// benchClients fetches url from parallel clients, each request on a new
// connection with a full handshake, and reports requests per second.
func benchClients(b *testing.B, url string) {
	c := &client.Client{DisableResumption: true}
	req, err := client.NewRequest(url)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := c.Do(ctx, req)
			if err != nil {
				b.Error(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.TLS.DidResume || resp.TLS.Version != tls.VersionTLS13 ||
				"20 "+resp.Meta+"\r\n"+string(body) != benchReply {
				b.Errorf("got %d %q %q, %v (resumed %v, version %x)", resp.Status, resp.Meta, body, err, resp.TLS.DidResume, resp.TLS.Version)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
