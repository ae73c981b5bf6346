package client

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Backoff is the retry policy for 44 SLOW DOWN. Its zero value waits at
// most DefaultMaxDelay and tries DefaultRetries times.
type Backoff struct {
	MaxDelay time.Duration // longest single wait; 0 means DefaultMaxDelay
	Retries  int           // retries before giving up; 0 means DefaultRetries
}

// The Backoff defaults.
const (
	DefaultMaxDelay = 60 * time.Second
	DefaultRetries  = 5
)

var waitSeconds = regexp.MustCompile(`(?i)\b(\d{1,9})\s*s(?:ec(?:ond)?s?)?\b`)

// Delay returns how long to wait before retry number attempt (1 for the
// first) after a 44 whose META is meta, and false when no retry is left.
// A META that is a number of seconds ("30"), or that says one ("wait 30
// seconds"), is used as it is; otherwise the wait doubles from one second
// (1, 2, 4 … s). Every wait is capped at MaxDelay.
func (b Backoff) Delay(attempt int, meta string) (time.Duration, bool) {
	retries := b.Retries
	if retries <= 0 {
		retries = DefaultRetries
	}
	max := b.MaxDelay
	if max <= 0 {
		max = DefaultMaxDelay
	}
	if attempt < 1 || attempt > retries {
		return 0, false
	}
	d := time.Second << min(attempt-1, 30)
	if s, ok := metaSeconds(meta); ok {
		d = time.Duration(s) * time.Second
	}
	return min(d, max), true
}

func metaSeconds(meta string) (int, bool) {
	meta = strings.TrimSpace(meta)
	if n, err := strconv.Atoi(meta); err == nil && n >= 0 {
		return n, true
	}
	if m := waitSeconds.FindStringSubmatch(meta); m != nil {
		n, err := strconv.Atoi(m[1])
		return n, err == nil
	}
	return 0, false
}
