package browser

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"propus/browser/internal/golden"
	"propus/client"
	"propus/testserver"
)

// slowServer answers "44 meta" the first busy requests of /busy (every
// one when busy < 0), then a page.
func slowServer(t *testing.T, meta string, busy int) *hopSite {
	var n atomic.Int32
	mux := testserver.NewMux()
	mux.Handle("/", testserver.Page("text/gemini", "# Start\n=> /busy Busy\n=> /go Redirected\n"))
	mux.Handle("/go", redirect("/busy"))
	mux.Handle("/busy", testserver.HandlerFunc(func(w testserver.ResponseWriter, r *testserver.Request) {
		if i := int(n.Add(1)); busy < 0 || i <= busy {
			w.WriteHeader(client.StatusSlowDown, meta)
			return
		}
		w.Write([]byte("# Finally\n"))
	}))
	return newHopSite(t, mux)
}

// hasStatus reports whether one of the status lines seen starts with
// prefix.
func hasStatus(seen []string, prefix string) bool {
	return slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

func TestSlowDownRetries(t *testing.T) {
	t.Parallel()
	s := slowServer(t, "1", 2)
	d := newDriver(t, 100, 30, false, s.URL+"/")
	d.waitFor("# Start")
	seen := d.statusesDuring(func() {
		d.press("1")
		d.advance(time.Second - time.Millisecond)
		s.want(t, "/", "/busy") // no retry before the second is up
		d.advance(time.Millisecond)
		d.advance(time.Second)
	})
	if !strings.Contains(d.screen(), "# Finally") {
		t.Fatalf("two seconds on, the page has not come:\n%s", d.screen())
	}
	s.want(t, "/", "/busy", "/busy", "/busy")
	for _, want := range []string{
		"Slow down: retrying in 1 s · retry 1 of 5 · esc cancels",
		"Slow down: retrying now · retry 1 of 5",
		"Slow down: retrying in 1 s · retry 2 of 5 · esc cancels",
	} {
		if !slices.ContainsFunc(seen, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("the status line never said %q; it said %q", want, seen)
		}
	}
	if st := d.statusLine(); strings.Contains(st, "Slow down") {
		t.Errorf("after the page came: status %q", st)
	}
	if n := len(d.m.tab().Back); n != 1 {
		t.Errorf("the history holds %d pages, want 1 (a retry is no step of it)", n)
	}

	t.Run("after a redirect", func(t *testing.T) {
		t.Parallel()
		s := slowServer(t, "1", 1)
		d := newDriver(t, 100, 30, false, s.URL+"/go")
		d.waitFor("Slow down: retrying in 1 s")
		d.advance(time.Second)
		d.waitFor("# Finally")
		s.want(t, "/go", "/busy", "/busy")
		d.press("x")
		if st := d.statusLine(); !strings.HasPrefix(st, "↪ 1 redirect: /go → /busy · 20") {
			t.Errorf("status %q", st)
		}
	})
}

func TestSlowDownCancel(t *testing.T) {
	t.Parallel()
	s := slowServer(t, "10", -1)
	d := newDriver(t, 100, 30, false, s.URL+"/busy")
	d.waitFor("Slow down: retrying in 10 s")
	d.advance(time.Second)
	if st := d.statusLine(); !strings.Contains(st, "Slow down: retrying in 9 s") {
		t.Errorf("a second on: status %q", st)
	}
	d.press("esc")
	if st := d.statusLine(); !strings.Contains(st, "Cancelled") {
		t.Errorf("esc: status %q", st)
	}
	d.advance(time.Minute) // longer than the countdown
	s.want(t, "/busy")
	d.press("x")
	if st := d.statusLine(); strings.Contains(st, "Slow down") || !strings.Contains(st, "44 SLOW DOWN") {
		t.Errorf("after esc: status %q", st)
	}
	if !strings.Contains(d.screen(), "The server asks you to slow down.") {
		t.Errorf("after esc the 44 page is gone:\n%s", d.screen())
	}
}

func TestSlowDownBackoff(t *testing.T) {
	t.Parallel()
	s := slowServer(t, "Please come back later", 3)
	d := newDriver(t, 100, 30, false, s.URL+"/busy")
	seconds := 0
	seen := d.statusesDuring(func() {
		d.waitFor("Slow down: retrying in 1 s")
		for ; seconds < 10 && !strings.Contains(d.screen(), "# Finally"); seconds++ {
			d.advance(time.Second)
		}
	})
	if seconds != 1+2+4 {
		t.Errorf("the page came after %d s, want 7 (1, 2 and 4)", seconds)
	}
	s.want(t, "/busy", "/busy", "/busy", "/busy")
	// Each retry's countdown starts at 1, 2, then 4 seconds.
	for i, want := range []string{"1", "2", "4"} {
		at := slices.IndexFunc(seen, func(s string) bool { return strings.Contains(s, fmt.Sprintf("· retry %d of 5 · esc", i+1)) })
		if at < 0 || !strings.HasPrefix(seen[at], "Slow down: retrying in "+want+" s ·") {
			t.Errorf("retry %d: want a wait of %s s; the status line said %q", i+1, want, seen)
		}
	}
	if !hasStatus(seen, "Slow down: retrying in 3 s · retry 3 of 5") {
		t.Errorf("the countdown did not count: %q", seen)
	}
}

func TestSlowDownGiveUp(t *testing.T) {
	t.Parallel()
	s := slowServer(t, "1", -1)
	d := newDriverOpts(t, 100, 30, Options{SlowDown: client.Backoff{Retries: 2}}, s.URL+"/busy")
	d.waitFor("Slow down: retrying in 1 s · retry 1 of 2")
	d.advance(time.Second)
	d.waitFor("Slow down: retrying in 1 s · retry 2 of 2")
	d.advance(time.Second)
	scr := d.waitFor("gave up")
	s.want(t, "/busy", "/busy", "/busy")
	if !strings.Contains(scr, "propus retried 2 times and gave up.") {
		t.Errorf("the page:\n%s", scr)
	}
	d.press("x")
	if st := d.statusLine(); !strings.Contains(st, "44 SLOW DOWN · gave up after 2 retries") {
		t.Errorf("status %q", st)
	}
	d.advance(time.Hour)
	s.want(t, "/busy", "/busy", "/busy")
}

func TestGoldenSlowDown(t *testing.T) {
	t.Parallel()
	s := slowServer(t, "7", -1)
	for _, size := range []struct{ w, h int }{{40, 20}, {100, 30}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			t.Parallel()
			d := newDriver(t, size.w, size.h, false, s.URL+"/busy")
			d.waitUntil(d.m.tab().SlowingDown, "the countdown") // which stands still: the clock is the driver's
			golden.Check(t, fmt.Sprintf("slowdown-countdown-%dx%d", size.w, size.h), normalize(d.screen()))
		})
	}
}
