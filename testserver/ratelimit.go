package testserver

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"sync"
	"time"

	"propus/client"
)

// RateLimit is a number of requests allowed per period.
type RateLimit struct {
	Requests int
	Period   time.Duration
}

// String returns l in the form ParseRateLimit reads, such as "60/5m"; a
// period of no whole number of seconds is written as a Go duration.
func (l RateLimit) String() string {
	for _, u := range rateUnits {
		if l.Period%u.d == 0 {
			if n := l.Period / u.d; n != 1 {
				return fmt.Sprintf("%d/%d%s", l.Requests, n, u.name)
			}
			return fmt.Sprintf("%d/%s", l.Requests, u.name)
		}
	}
	return fmt.Sprintf("%d/%v", l.Requests, l.Period)
}

// rateUnits are the period units of a rate limit, largest first.
var rateUnits = []struct {
	name string
	d    time.Duration
}{{"d", 24 * time.Hour}, {"h", time.Hour}, {"m", time.Minute}, {"s", time.Second}}

var rateLimitRE = regexp.MustCompile(`^([0-9]+)/([0-9]*)([smhd])$`)

// RateLimitError is a rate limit ParseRateLimit cannot read.
type RateLimitError struct {
	Input  string
	Reason string
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("testserver: bad rate limit %q: %s (want <requests>/<period>, such as 5/s, 60/5m, 100/2h or 1000/d)", e.Input, e.Reason)
}

// ParseRateLimit reads a rate limit written as jetforce's --rate-limit
// takes it: "<N>/<P><unit>" with the count P optional and the unit one of
// s, m, h or d: "5/s", "60/5m", "100/2h" (7200 s; jetforce reads 3602 s),
// "1000/d". Errors are *RateLimitError.
func ParseRateLimit(s string) (RateLimit, error) {
	m := rateLimitRE.FindStringSubmatch(s)
	if m == nil {
		return RateLimit{}, &RateLimitError{s, "not of the form N/[P]unit with unit s, m, h or d"}
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 {
		return RateLimit{}, &RateLimitError{s, "the number of requests must be a whole number from 1 up"}
	}
	p := 1
	if m[2] != "" {
		if p, err = strconv.Atoi(m[2]); err != nil || p < 1 {
			return RateLimit{}, &RateLimitError{s, "the period count must be a whole number from 1 up"}
		}
	}
	var unit time.Duration
	for _, u := range rateUnits {
		if u.name == m[3] {
			unit = u.d
		}
	}
	if p > int(math.MaxInt64/unit) {
		return RateLimit{}, &RateLimitError{s, "the period is too long"}
	}
	return RateLimit{Requests: n, Period: time.Duration(p) * unit}, nil
}

// RateLimiter counts requests per client IP address in a fixed window, as
// jetforce does: one window for all clients starts with the first request
// and lasts Period; the first request after it ends starts a new window
// with every count back at zero. A client that has made more than
// Requests requests in the window gets "44 Rate limit exceeded, wait S
// seconds.", S being the seconds left in the window. Clients are told
// apart by IP address, IPv6 clients by their /64 prefix.
//
// Counts are dropped when a window ends, and a window holds the counts of
// at most MaxClients clients: the clients seen after that share one count
// until the window ends, so memory stays bounded whatever the number of
// addresses.
//
// Set as Server.RateLimiter, it also counts the requests that never reach
// a handler (malformed, too long) and failed TLS handshakes, and a client
// at twice the limit has its connections closed before the handshake.
type RateLimiter struct {
	// Now returns the current time; nil means time.Now. Tests set it
	// before the first request.
	Now func() time.Time
	// MaxClients bounds the clients counted apart in one window; zero
	// means DefaultRateLimitClients.
	MaxClients int

	limit  RateLimit
	mu     sync.Mutex
	end    time.Time // end of the current window; zero before the first request
	counts map[string]int
}

// DefaultRateLimitClients is how many clients a RateLimiter counts apart
// in one window when its MaxClients is zero.
const DefaultRateLimitClients = 1 << 16

// overflowKey is the count the clients beyond MaxClients share.
const overflowKey = "*"

// NewRateLimiter returns a limiter that allows l.Requests requests per
// l.Period to each client.
func NewRateLimiter(l RateLimit) *RateLimiter {
	return &RateLimiter{limit: l, counts: map[string]int{}}
}

// Middleware returns next behind the limit. Every request that reaches
// it counts, those it refuses included, so that a client that keeps
// hammering stays refused; wrap the whole handler (VirtualHosts with it)
// so that requests for other hosts count too.
func (rl *RateLimiter) Middleware(next Handler) Handler {
	return HandlerFunc(func(w ResponseWriter, r *Request) {
		if wait, ok := rl.allow(clientKey(r.RemoteAddr)); !ok {
			w.WriteHeader(client.StatusSlowDown, fmt.Sprintf("Rate limit exceeded, wait %d seconds.", wait))
			return
		}
		next.ServeGemini(w, r)
	})
}

// allow counts a request from the client key. When the client is over
// the limit it returns the whole seconds left in the window (at least 1)
// and false.
func (rl *RateLimiter) allow(key string) (wait int, ok bool) {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.roll(now)
	if _, seen := rl.counts[key]; !seen && len(rl.counts) >= cmp.Or(rl.MaxClients, DefaultRateLimitClients) {
		key = overflowKey
	}
	rl.counts[key]++
	if rl.counts[key] <= rl.limit.Requests {
		return 0, true
	}
	left := rl.end.Sub(now)
	return max(1, int((left+time.Second-1)/time.Second)), false
}

// banned reports whether the client key has been counted twice the limit
// or more in the current window.
func (rl *RateLimiter) banned(key string) bool {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.roll(now)
	n, seen := rl.counts[key]
	if !seen && len(rl.counts) >= cmp.Or(rl.MaxClients, DefaultRateLimitClients) {
		n = rl.counts[overflowKey]
	}
	return n >= 2*rl.limit.Requests
}

// roll starts a new window when the current one has ended at now. The
// caller holds rl.mu.
func (rl *RateLimiter) roll(now time.Time) {
	if rl.end.IsZero() || now.After(rl.end) {
		rl.end = now.Add(rl.limit.Period)
		rl.counts = map[string]int{} // a new map: clear would keep the old one's size
	}
}

func (rl *RateLimiter) now() time.Time {
	if rl.Now != nil {
		return rl.Now()
	}
	return time.Now()
}
