//go:build unix

package testserver

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// benchServerEnv names, in the environment of the test binary run as a
// benchmark's server process, the server to run: "testserver" or
// "bare", a comma, and the key exchange ("X25519" or "X25519MLKEM768").
const benchServerEnv = "PROPUS_BENCH_SERVER"

// curves are the key exchanges the CPU benchmark measures apart.
var curves = map[string]tls.CurveID{"X25519": tls.X25519, "X25519MLKEM768": tls.X25519MLKEM768}

// BenchmarkServerCPU measures the server process's CPU time per request
// (user + system, from getrusage in the server's own process, so that
// the load generator's share of the cores does not count), with a full
// TLS 1.3 handshake per request and a small page, for the testserver and
// for a bare crypto/tls loop (handshake, read the line, write a fixed
// reply, close), each with X25519 and with X25519MLKEM768. The two
// servers run side by side and take turns, 100 requests at a time, so
// that a change in the machine's load hits both alike; each reports its
// µs per request, and "ratio" is the testserver's over the bare loop's.
func BenchmarkServerCPU(b *testing.B) {
	for _, kex := range []string{"X25519", "X25519MLKEM768"} {
		b.Run(kex, func(b *testing.B) {
			ts, bare := startBenchServer(b, "testserver", kex), startBenchServer(b, "bare", kex)
			var tsCPU, bareCPU time.Duration
			b.ResetTimer()
			for done := 0; done < b.N; {
				n := min(100, b.N-done)
				tsCPU += ts.run(b, n)
				bareCPU += bare.run(b, n)
				done += n
			}
			b.StopTimer()
			b.ReportMetric(float64(tsCPU.Microseconds())/float64(b.N), "testserver-µs/req")
			b.ReportMetric(float64(bareCPU.Microseconds())/float64(b.N), "bare-µs/req")
			b.ReportMetric(float64(tsCPU)/float64(bareCPU), "ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// benchServer is a server process of BenchmarkServerCPU.
type benchServer struct {
	addr  string
	stdin io.Writer
	out   *bufio.Reader
	tls   *tls.Config
}

// startBenchServer starts the test binary as a server of kind
// ("testserver" or "bare") with key exchange kex, and stops it when the
// benchmark ends.
func startBenchServer(b *testing.B, kind, kex string) *benchServer {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$")
	cmd.Env = append(os.Environ(), benchServerEnv+"="+kind+","+kex)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	bs := &benchServer{stdin: stdin, out: bufio.NewReader(stdout),
		tls: &tls.Config{InsecureSkipVerify: true, ServerName: "localhost", CurvePreferences: []tls.CurveID{curves[kex]}, MinVersion: tls.VersionTLS13}}
	addr, err := bs.out.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	bs.addr = strings.TrimSpace(addr)
	bs.run(b, 50) // warm up
	return bs
}

// run makes n requests from 4 clients at once and returns the CPU time
// the server spent meanwhile.
func (bs *benchServer) run(b *testing.B, n int) time.Duration {
	before := bs.cpu(b)
	var wg sync.WaitGroup
	work := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for range work {
				if err := bs.fetch(); err != nil {
					b.Error(err)
				}
			}
		})
	}
	for range n {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	return bs.cpu(b) - before
}

// cpu returns the server process's CPU time so far.
func (bs *benchServer) cpu(b *testing.B) time.Duration {
	io.WriteString(bs.stdin, "cpu\n")
	line, err := bs.out.ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return time.Duration(ns)
}

// fetch makes one request on a new connection.
func (bs *benchServer) fetch() error {
	c, err := tls.Dial("tcp", bs.addr, bs.tls)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, "gemini://localhost/\r\n"); err != nil {
		return err
	}
	reply, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if string(reply) != benchReply {
		return fmt.Errorf("reply %q", reply)
	}
	return nil
}

// TestBenchServerProcess is BenchmarkServerCPU's server process: it does
// nothing unless benchServerEnv is set. It prints its address, then
// answers each line on standard input with its CPU time so far in
// nanoseconds, and ends with standard input.
func TestBenchServerProcess(t *testing.T) {
	spec := os.Getenv(benchServerEnv)
	if spec == "" {
		return
	}
	kind, kex, _ := strings.Cut(spec, ",")
	cert, err := GenerateCertificate([]string{"localhost", "127.0.0.1"}, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, CurvePreferences: []tls.CurveID{curves[kex]}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch kind {
	case "testserver":
		srv := &Server{Handler: Page("text/gemini", "# hi\r\n"), TLSConfig: cfg, MaxConnsPerIP: -1,
			AccessLog: io.Discard, ErrorLog: log.New(io.Discard, "", 0)}
		go srv.Serve(ln)
		defer srv.Close()
	default:
		tln := tls.NewListener(ln, cfg)
		defer tln.Close()
		go serveBare(tln)
	}
	fmt.Println(ln.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		fmt.Println(time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Nanoseconds())
	}
}
