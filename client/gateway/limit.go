package gateway

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter bounds upstream fetches: in progress (in all and per client IP)
// and a second (per client IP and per capsule host).
type limiter struct {
	mu                     sync.Mutex
	max, perClient         int
	inFlight               int
	clients, hosts         map[string]*bucket
	clientRate             rate.Limit
	hostRate               rate.Limit
	clientBurst, hostBurst int
}

// bucket is one client's or one host's rate and fetches in progress.
type bucket struct {
	lim      *rate.Limiter
	inFlight int
	seen     time.Time
}

// maxBuckets is how many clients or hosts are remembered before idle ones
// are forgotten.
const maxBuckets = 10000

func newLimiter(g *Gateway) *limiter {
	l := &limiter{
		max: orInt(g.MaxConns, DefaultMaxConns), perClient: orInt(g.MaxConnsPerClient, DefaultMaxConnsPerClient),
		clients: map[string]*bucket{}, hosts: map[string]*bucket{},
		clientRate: orRate(g.ClientRate, DefaultClientRate), clientBurst: orInt(g.ClientBurst, DefaultClientBurst),
		hostRate: orRate(g.HostRate, DefaultHostRate), hostBurst: orInt(g.HostBurst, DefaultHostBurst),
	}
	return l
}

// LimitError is a fetch refused for a limit: answered 429 with Retry-After.
type LimitError struct {
	What       string        // which limit
	RetryAfter time.Duration // when to try again
}

// Error says "Too many requests: ", which limit and when to retry.
func (e *LimitError) Error() string {
	return "Too many requests: " + e.What + "; retry after " + strconv.Itoa(retrySeconds(e.RetryAfter)) + " s"
}

// acquire takes a fetch slot for the client of r and a token of its rate
// and of the host's. It returns the func that gives the slot back.
func (l *limiter) acquire(r *http.Request, host string) (release func(), err error) {
	ip := clientIP(r)
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.bucket(l.clients, ip, l.clientRate, l.clientBurst, now)
	switch {
	case l.inFlight >= l.max:
		return nil, &LimitError{What: "the gateway is busy", RetryAfter: time.Second}
	case c.inFlight >= l.perClient:
		return nil, &LimitError{What: "too many fetches in progress from your address", RetryAfter: time.Second}
	}
	if d, ok := take(c.lim, now); !ok {
		return nil, &LimitError{What: "too many fetches from your address", RetryAfter: d}
	}
	h := l.bucket(l.hosts, host, l.hostRate, l.hostBurst, now)
	if d, ok := take(h.lim, now); !ok {
		return nil, &LimitError{What: "too many fetches from " + host, RetryAfter: d}
	}
	l.inFlight++
	c.inFlight++
	return func() {
		l.mu.Lock()
		l.inFlight--
		c.inFlight--
		l.mu.Unlock()
	}, nil
}

// bucket returns the bucket for key, forgetting idle ones when there are
// too many. l.mu is held.
func (l *limiter) bucket(m map[string]*bucket, key string, r rate.Limit, burst int, now time.Time) *bucket {
	b := m[key]
	if b == nil {
		if len(m) >= maxBuckets {
			for k, old := range m {
				if old.inFlight == 0 && now.Sub(old.seen) > time.Minute {
					delete(m, k)
				}
			}
		}
		b = &bucket{lim: rate.NewLimiter(r, burst)}
		m[key] = b
	}
	b.seen = now
	return b
}

// take takes a token if one is there now, else says how long until one is.
func take(lim *rate.Limiter, now time.Time) (time.Duration, bool) {
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Minute, false
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func orInt(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

func orRate(r, def rate.Limit) rate.Limit {
	if r <= 0 {
		return def
	}
	return r
}
