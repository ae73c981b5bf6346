package content

import (
	"fmt"
	"io"
	"sync/atomic"
)

// HumanSize formats a byte count: "512 B", "1.5 KiB", "4.2 MiB".
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// CountReader returns a reader of r that adds the bytes it reads to n:
// the progress of a body read whole, or of a file uploaded.
func CountReader(r io.Reader, n *atomic.Int64) io.Reader { return counter{r, n} }

// counter is CountReader's reader.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

// Read reads from r and counts what it read.
func (c counter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}
