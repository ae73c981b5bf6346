package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// chromium returns a chromedp context on a fresh headless Chromium. Without
// a browser the test fails under CI (CI=true) and is skipped elsewhere.
func chromium(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-headless-shell", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found; .ci/run installs Debian's chromium")
		}
		t.Skip("no Chromium found (apt-get install chromium to run the browser tests)")
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(900, 1200),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a deadline
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// within runs actions on the browser's tab with a deadline.
func within(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// statusRecorder remembers the status of each request a handler answered.
type statusRecorder struct {
	h     http.Handler
	mu    sync.Mutex
	codes map[string][]int
}

func (s *statusRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &codeWriter{ResponseWriter: w, code: 200}
	s.h.ServeHTTP(rw, r)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[r.Method+" "+r.URL.Path] = append(s.codes[r.Method+" "+r.URL.Path], rw.code)
}

func (s *statusRecorder) get(key string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codes[key]
}

type codeWriter struct {
	http.ResponseWriter
	code int
}

func (w *codeWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// TestChromium reads a capsule through the gateway in a real browser.
func TestChromium(t *testing.T) {
	ctx := chromium(t)
	ts := capsuleMux(t)
	rec := &statusRecorder{h: local(ts.Port), codes: map[string][]int{}}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	base := srv.URL
	host := "127.0.0.1:" + strconv.Itoa(ts.Port)

	t.Run("a page renders with its links", func(t *testing.T) {
		within(t, ctx, chromedp.Navigate(base+"/gemini/"+host+"/"))
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("main p.link a").length`)); n != 4 {
			t.Errorf("%d links, want 4", n)
		}
		if h := run(t, ctx, chromedp.Text("main h1")); h != "Title <b>" {
			t.Errorf("h1 %q", h)
		}
		// The stylesheet applied (CSP allows 'self'): the header is sticky.
		if pos := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("header")).position`)); pos != "sticky" {
			t.Errorf("header position %q: the stylesheet did not apply", pos)
		}
		shot := run(t, ctx, chromedp.FullScreenshot(100))
		file := filepath.Join(t.TempDir(), "page.png")
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("PROPUS_SCREENSHOTS"); dir != "" {
			os.WriteFile(filepath.Join(dir, "gateway-page.png"), shot, 0o644)
		}
		t.Logf("screenshot: %s (%d bytes)", file, len(shot))
		within(t, ctx, chromedp.Click(`a[href$="/next"]`), chromedp.WaitVisible("main h1"))
		if loc := run(t, ctx, chromedp.Location()); loc != base+"/gemini/"+host+"/next" {
			t.Errorf("after the click: %s", loc)
		}
	})

	t.Run("a 10 form answers and lands on the answered page", func(t *testing.T) {
		within(t, ctx,
			chromedp.Navigate(base+"/gemini/"+host+"/ask"),
			chromedp.SendKeys("#input", "Ana & Bø?"),
			chromedp.Submit("#input"),
			chromedp.WaitVisible("main h1"),
		)
		want := base + "/gemini/" + host + "/ask?Ana%20%26%20B%C3%B8%3F"
		if loc := run(t, ctx, chromedp.Location()); loc != want {
			t.Errorf("landed on %s, want %s", loc, want)
		}
		if text := run(t, ctx, chromedp.Text("main")); !strings.Contains(text, "query=Ana%20%26%20B%C3%B8%3F") {
			t.Errorf("answered page: %q", text)
		}
	})

	t.Run("a 30 is followed", func(t *testing.T) {
		within(t, ctx, chromedp.Navigate(base+"/gemini/"+host+"/r30"), chromedp.WaitVisible("main h1"))
		if loc := run(t, ctx, chromedp.Location()); loc != base+"/gemini/"+host+"/target" {
			t.Errorf("landed on %s", loc)
		}
		if h := run(t, ctx, chromedp.Text("main h1")); h != "Target" {
			t.Errorf("h1 %q", h)
		}
	})

	t.Run("a hostile capsule's script never runs", func(t *testing.T) {
		messages, stop := context.WithTimeout(ctx, 20*time.Second)
		defer stop()
		console := chromedp.Console(messages)
		within(t, ctx, chromedp.Navigate(base+"/gemini/"+host+"/hostile"), chromedp.Click("p.link .bad"))
		if v := run(t, ctx, chromedp.Evaluate[string](`typeof window.pwned`)); v != "undefined" {
			t.Fatalf("window.pwned is %s: the capsule's script ran", v)
		}
		// What a capsule could slip past the template, were there a hole:
		// an inline script and an inline handler.
		run(t, ctx, chromedp.Evaluate[bool](`
			const s = document.createElement("script");
			s.textContent = "window.pwned = 1";
			document.body.appendChild(s);
			const i = document.createElement("img");
			i.setAttribute("onerror", "window.pwned = 2");
			i.src = "/nothing.png";
			document.body.appendChild(i);
			true`))
		var violation string
		for m, err := range console {
			if err != nil {
				t.Fatalf("no CSP violation reported: %v", err)
			}
			if strings.Contains(m.Text, "Content Security Policy") {
				violation = m.Text
				break
			}
		}
		t.Logf("reported: %s", violation)
		if v := run(t, ctx, chromedp.Evaluate[string](`typeof window.pwned`)); v != "undefined" {
			t.Errorf("window.pwned is %s: the script ran", v)
		}
	})

	t.Run("same-origin fetch of the API works", func(t *testing.T) {
		within(t, ctx, chromedp.Navigate(base+"/"),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				// A script of the gateway's own origin (the gateway itself
				// serves none: its CSP forbids scripts).
				_, err := cdp.Call(ctx, tg, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
				return err
			}),
			chromedp.Reload())
		got := run(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch("/api/gemini/fetch", {method: "POST",
			headers: {"Content-Type": "application/json"}, body: JSON.stringify({url: "gemini://%s/target"})})
			.then(r => r.text())`, host), chromedp.EvalAwaitPromise))
		if !strings.HasPrefix(got, `{"success":true,"status":20,`) {
			t.Errorf("same-origin fetch: %s", got)
		}
	})

	t.Run("a cross-origin fetch is refused", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!doctype html><title>other site</title><p>hello")
		}))
		defer other.Close()
		within(t, ctx, chromedp.Navigate(other.URL+"/"))
		body := fmt.Sprintf(`JSON.stringify({url: "gemini://%s/target"})`, host)
		got := run(t, ctx, chromedp.Evaluate[string](`Promise.all([
			fetch("`+base+`/api/gemini/fetch", {method: "POST", headers: {"Content-Type": "application/json"}, body: `+body+`})
				.then(r => "read: " + r.status, e => "refused: " + e.name),
			fetch("`+base+`/api/gemini/fetch", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: `+body+`})
				.then(r => "opaque", e => "refused: " + e.name),
		]).then(a => a.join(", "))`, chromedp.EvalAwaitPromise))
		if !strings.HasPrefix(got, "refused: TypeError") {
			t.Errorf("cross-origin fetch: %s", got)
		}
		// Both requests reached the gateway as a preflight or a POST and
		// were refused there, not only hidden by the browser.
		codes := append(rec.get("OPTIONS /api/gemini/fetch"), rec.get("POST /api/gemini/fetch")...)
		refused := 0
		for _, c := range codes {
			if c == http.StatusForbidden {
				refused++
			}
		}
		if refused < 2 {
			t.Errorf("statuses at the gateway: %v (want two 403s)", codes)
		}
	})
}
