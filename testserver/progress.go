package testserver

import (
	"os"
	"time"
)

// progress is the minimum-progress rule of one direction of a connection
// (see Server.WriteTimeout): one operation may block for timeout at most,
// and all of them together for no longer than timeout plus the time the
// bytes moved so far take at minRate bytes per second. Time spent between
// operations does not count.
type progress struct {
	timeout time.Duration
	minRate int           // bytes per second
	blocked time.Duration // time spent in operations so far
}

// run runs op, which moves bytes over the connection, under the deadline
// the rule leaves (set with setDeadline), given that done bytes have moved
// so far. It fails with os.ErrDeadlineExceeded, without running op, when
// no time is left.
func (p *progress) run(setDeadline func(time.Time) error, done int64, op func() error) error {
	earned := time.Duration(float64(done) / float64(p.minRate) * float64(time.Second))
	budget := min(p.timeout, p.timeout+earned-p.blocked)
	if budget <= 0 {
		return os.ErrDeadlineExceeded
	}
	start := time.Now()
	setDeadline(start.Add(budget))
	err := op()
	p.blocked += time.Since(start)
	return err
}
