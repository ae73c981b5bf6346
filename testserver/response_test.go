package testserver

import (
	"errors"
	"io"
	"strings"
	"testing"

	"propus/client"
)

func TestResponseWriter(t *testing.T) {
	long := strings.Repeat("m", client.MaxMetaLength+1)
	for _, tc := range []struct {
		name    string
		handler func(w ResponseWriter) error // returns the error of the Write under test
		want    string                       // the whole reply
		wantErr error
		log     string // a piece of the error log
	}{
		{
			name:    "first Write implies 20 text/gemini",
			handler: func(w ResponseWriter) error { _, err := w.Write([]byte("# hi\r\n")); return err },
			want:    "20 text/gemini\r\n# hi\r\n",
		},
		{
			name:    "nothing written",
			handler: func(w ResponseWriter) error { return nil },
			want:    "20 text/gemini\r\n",
		},
		{
			name: "WriteHeader twice: the first stands",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusSuccess, "text/plain")
				w.WriteHeader(client.StatusNotFound, "Not found")
				_, err := w.Write([]byte("body"))
				return err
			},
			want: "20 text/plain\r\nbody",
			log:  "superfluous WriteHeader",
		},
		{
			name: "no body after 51",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusNotFound, "Not found")
				_, err := w.Write([]byte("body"))
				return err
			},
			want:    "51 Not found\r\n",
			wantErr: ErrBodyNotAllowed,
		},
		{
			name: "no body after 31",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusPermanentRedirect, "/elsewhere")
				_, err := w.Write([]byte("body"))
				return err
			},
			want:    "31 /elsewhere\r\n",
			wantErr: ErrBodyNotAllowed,
		},
		{
			name: "no body after 10",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusInput, "Your name?")
				_, err := w.Write([]byte("body"))
				return err
			},
			want:    "10 Your name?\r\n",
			wantErr: ErrBodyNotAllowed,
		},
		{
			name: "meta too long",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusSuccess, long)
				_, err := w.Write([]byte("body"))
				return err
			},
			want:    "42 Internal server error\r\n",
			wantErr: ErrBodyNotAllowed,
			log:     "bad header",
		},
		{
			name: "meta with CRLF",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusSuccess, "text/gemini\r\n# injected")
				return nil
			},
			want: "42 Internal server error\r\n",
			log:  "bad header",
		},
		{
			name: "status out of range",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(70, "seventy")
				return nil
			},
			want: "42 Internal server error\r\n",
			log:  "bad header",
		},
		{
			name: "meta of exactly 1024 bytes",
			handler: func(w ResponseWriter) error {
				w.WriteHeader(client.StatusSuccess, long[1:])
				return nil
			},
			want: "20 " + long[1:] + "\r\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errc := make(chan error, 1)
			ts, errs := quietServer(t, HandlerFunc(func(w ResponseWriter, _ *Request) { errc <- tc.handler(w) }), 0)
			rep := rawExchange(t, ts.Addr, ts.URL+"/\r\n")
			if rep.Data != tc.want || !rep.CloseNotify || rep.Err != nil {
				t.Errorf("got %q (close_notify %v, error %v), want %q with close_notify", rep.Data, rep.CloseNotify, rep.Err, tc.want)
			}
			if err := <-errc; !errors.Is(err, tc.wantErr) {
				t.Errorf("Write: %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(errs.String(), tc.log) {
				t.Errorf("error log %q lacks %q", errs.String(), tc.log)
			}
		})
	}
}

func TestResponseWriterFlushStreams(t *testing.T) {
	release := make(chan struct{})
	done := make(chan struct{})
	ts, _ := quietServer(t, HandlerFunc(func(w ResponseWriter, _ *Request) {
		defer close(done)
		io.WriteString(w, "first\n")
		if err := w.Flush(); err != nil {
			t.Errorf("Flush: %v", err)
		}
		<-release
		io.WriteString(w, "second\n")
	}), 0)
	resp, err := ts.Client().Get(t.Context(), ts.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	want := "first\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(resp.Body, got); err != nil || string(got) != want {
		t.Fatalf("read %q, %v before the handler finished; want %q", got, err, want)
	}
	select {
	case <-done:
		t.Fatal("the handler finished before it was released")
	default:
	}
	close(release)
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "second\n" || resp.Truncated() {
		t.Fatalf("rest %q, %v (truncated %v)", rest, err, resp.Truncated())
	}
}

func TestHandlerPanic(t *testing.T) {
	ts, errs := quietServer(t, HandlerFunc(func(w ResponseWriter, r *Request) {
		switch r.URL.Path {
		case "/panic":
			panic("boom")
		case "/late-panic":
			io.WriteString(w, "partial\n")
			w.Flush()
			panic("late boom")
		}
		io.WriteString(w, "fine\n")
	}), 0)
	for _, tc := range []struct {
		path        string
		want        string
		closeNotify bool
	}{
		{"/panic", "42 An unexpected error occurred\r\n", true},
		{"/", "20 text/gemini\r\nfine\n", true},
		// After the header, the cut without close_notify tells the
		// client the body is incomplete.
		{"/late-panic", "20 text/gemini\r\npartial\n", false},
		{"/", "20 text/gemini\r\nfine\n", true},
	} {
		rep := rawExchange(t, ts.Addr, ts.URL+tc.path+"\r\n")
		if rep.Data != tc.want || rep.CloseNotify != tc.closeNotify {
			t.Errorf("%s: got %q (close_notify %v, error %v), want %q (close_notify %v)",
				tc.path, rep.Data, rep.CloseNotify, rep.Err, tc.want, tc.closeNotify)
		}
	}
	for _, want := range []string{"panic serving", "boom", "late boom"} {
		if !strings.Contains(errs.String(), want) {
			t.Errorf("error log %q lacks %q", errs.String(), want)
		}
	}
}

func TestRawReplies(t *testing.T) {
	for _, tc := range []struct {
		name        string
		handler     Handler
		want        string
		closeNotify bool
	}{
		{"header without CRLF", Raw("20 text/gemini"), "20 text/gemini", true},
		{"three-digit status", Raw("200 OK\r\n"), "200 OK\r\n", true},
		{"nothing at all", Raw(""), "", true},
		{"bare LF and a body", Raw("20 text/plain\nbody"), "20 text/plain\nbody", true},
		{"hijacked, closed without close_notify", HandlerFunc(func(w ResponseWriter, _ *Request) {
			tc, raw := w.(Hijacker).Hijack()
			tc.Write([]byte("20 text/gemini\r\ncut"))
			raw.Close()
		}), "20 text/gemini\r\ncut", false},
		{"header written, then hijacked", HandlerFunc(func(w ResponseWriter, _ *Request) {
			w.WriteHeader(client.StatusSuccess, "text/plain")
			tc, _ := w.(Hijacker).Hijack()
			tc.Write([]byte("by hand"))
			tc.Close()
		}), "20 text/plain\r\nby hand", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := quietServer(t, tc.handler, 0)
			rep := rawExchange(t, ts.Addr, ts.URL+"/\r\n")
			if rep.Data != tc.want || rep.CloseNotify != tc.closeNotify {
				t.Errorf("got %q (close_notify %v, error %v), want %q (close_notify %v)",
					rep.Data, rep.CloseNotify, rep.Err, tc.want, tc.closeNotify)
			}
		})
	}
}
