package testserver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"propus/client"
)

func TestParseRateLimit(t *testing.T) {
	good := []struct {
		in   string
		want RateLimit
		str  string
	}{
		{"5/s", RateLimit{5, time.Second}, "5/s"},
		{"60/5m", RateLimit{60, 5 * time.Minute}, "60/5m"},
		{"100/2h", RateLimit{100, 2 * time.Hour}, "100/2h"}, // jetforce: 3602 s
		{"1000/d", RateLimit{1000, 24 * time.Hour}, "1000/d"},
		{"1/1s", RateLimit{1, time.Second}, "1/s"},
		{"10/90s", RateLimit{10, 90 * time.Second}, "10/90s"},
		{"10/60s", RateLimit{10, time.Minute}, "10/m"},
	}
	for _, tt := range good {
		got, err := ParseRateLimit(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRateLimit(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if s := got.String(); s != tt.str {
			t.Errorf("%+v.String() = %q, want %q", got, s, tt.str)
		}
	}
	for _, in := range []string{"", "5", "5/", "/s", "5/x", "5/S", "0/s", "-1/s", "5/0s", "5/-1s", " 5/s", "5/s ",
		"5 / s", "5/1.5m", "99999999999999999999/s", "5/999999999999d"} {
		_, err := ParseRateLimit(in)
		var re *RateLimitError
		if !errors.As(err, &re) || re.Input != in {
			t.Errorf("ParseRateLimit(%q): error %v, want a *RateLimitError", in, err)
		}
	}
}

// headerRecorder is a ResponseWriter that keeps the header.
type headerRecorder struct {
	status client.Status
	meta   string
}

func (h *headerRecorder) WriteHeader(status client.Status, meta string) {
	if h.status == 0 {
		h.status, h.meta = status, meta
	}
}

func (h *headerRecorder) Write(p []byte) (int, error) {
	h.WriteHeader(client.StatusSuccess, "text/gemini")
	return len(p), nil
}

func (h *headerRecorder) Flush() error { return nil }

// serveDirect runs h for a request from remote without a network.
func serveDirect(h Handler, remote string) *headerRecorder {
	u, err := ParseRequest("gemini://localhost/")
	if err != nil {
		panic(err)
	}
	w := &headerRecorder{}
	h.ServeGemini(w, &Request{URL: u, RawURL: u.String(), RemoteAddr: remote})
	return w
}

// TestRateLimiterWindow drives the limiter with a fake clock through a
// window and into the next.
func TestRateLimiterWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var now time.Time
	rl := NewRateLimiter(RateLimit{Requests: 3, Period: time.Minute})
	rl.Now = func() time.Time { return now }
	h := rl.Middleware(Page("text/gemini", "ok"))
	const a, a2, b = "192.0.2.1:1000", "192.0.2.1:2000", "[2001:db8::1]:1965"

	steps := []struct {
		at     time.Duration // since t0
		remote string
		want   string // "" for a pass
	}{
		{0, a, ""},
		{time.Second, a2, ""}, // same IP, another port
		{2 * time.Second, a, ""},
		{2 * time.Second, a, "wait 58 seconds."},
		{2*time.Second + time.Millisecond, a, "wait 58 seconds."}, // 57.999 s rounded up
		{3 * time.Second, b, ""},
		{30*time.Second + 200*time.Millisecond, a2, "wait 30 seconds."},
		{59*time.Second + 900*time.Millisecond, a, "wait 1 seconds."},
		{time.Minute, a, "wait 1 seconds."}, // the window's last instant
		{time.Minute, b, ""},
		{time.Minute, b, ""},
		{time.Minute, b, "wait 1 seconds."},
		// A new window: every count starts again.
		{time.Minute + time.Millisecond, a, ""},
		{time.Minute + time.Millisecond, b, ""},
		{time.Minute + time.Millisecond, a, ""},
		{90 * time.Second, a, ""},
		{2 * time.Minute, a, "wait 1 seconds."},
		{5 * time.Minute, a, ""}, // after a gap, a window starts with the request
		{5 * time.Minute, a, ""},
		{5 * time.Minute, a, ""},
		{5 * time.Minute, a, "wait 60 seconds."},
	}
	for i, s := range steps {
		now = t0.Add(s.at)
		w := serveDirect(h, s.remote)
		want := "20 text/gemini"
		if s.want != "" {
			want = "44 Rate limit exceeded, " + s.want
		}
		if got := fmt.Sprintf("%d %s", w.status, w.meta); got != want {
			t.Errorf("step %d (%v, %s): got %q, want %q", i, s.at, s.remote, got, want)
		}
	}
	rl.mu.Lock()
	n := len(rl.counts)
	rl.mu.Unlock()
	if n != 1 {
		t.Errorf("%d counters kept, want 1 (only the current window's client)", n)
	}
}

// TestRateLimiterConcurrent counts exactly under concurrent requests.
func TestRateLimiterConcurrent(t *testing.T) {
	rl := NewRateLimiter(RateLimit{Requests: 50, Period: time.Hour})
	h := rl.Middleware(Page("text/gemini", "ok"))
	var mu sync.Mutex
	passed := 0
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if serveDirect(h, "192.0.2.7:1").status == client.StatusSuccess {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != 50 {
		t.Errorf("%d requests passed, want 50", passed)
	}
}

// TestRateLimiterServer limits a real server to 3 requests a minute: the
// fourth request from 127.0.0.1 is refused, a request for a foreign host
// counts too, and another client is unaffected.
func TestRateLimiterServer(t *testing.T) {
	limit, err := ParseRateLimit("3/m")
	if err != nil {
		t.Fatal(err)
	}
	rl := NewRateLimiter(limit)
	ts := hostsServer(t, func(port int) Handler {
		return rl.Middleware(SingleHost("localhost", port, Page("text/gemini", "ok")))
	})
	c := ts.Client()
	p := strconv.Itoa(ts.Port)
	tests := []struct {
		url    string
		status client.Status
	}{
		{"gemini://localhost:" + p + "/", client.StatusSuccess},
		{"gemini://localhost:" + p + "/", client.StatusSuccess},
		{"gemini://example.com:" + p + "/", client.StatusProxyRequestRefused},
		{"gemini://localhost:" + p + "/", client.StatusSlowDown},
		{"gemini://localhost:" + p + "/", client.StatusSlowDown},
	}
	for i, tt := range tests {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, err := client.NewRequest(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = ts.Addr
		resp, err := c.Do(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cancel()
		if resp.Status != tt.status {
			t.Fatalf("request %d: got %d %q, want %d", i+1, resp.Status, resp.Meta, tt.status)
		}
		if tt.status == client.StatusSlowDown {
			var s int
			if _, err := fmt.Sscanf(resp.Meta, "Rate limit exceeded, wait %d seconds.", &s); err != nil || s < 1 || s > 60 ||
				resp.Meta != fmt.Sprintf("Rate limit exceeded, wait %d seconds.", s) {
				t.Errorf("request %d: meta %q, want \"Rate limit exceeded, wait S seconds.\" with S in 1..60", i+1, resp.Meta)
			}
		}
	}
	if w := serveDirect(rl.Middleware(Page("text/gemini", "ok")), "192.0.2.9:4000"); w.status != client.StatusSuccess {
		t.Errorf("another client: got %d %q, want 20", w.status, w.meta)
	}
}
