package main

import "propus/client"

// Exit codes of propus commands. For fetch, a response exits with the
// first digit of its status class, except that 2x exits 0.
const (
	exitOK          = 0
	exitUsage       = 2 // bad flags, a missing or bad URL
	exitError       = 7 // a network or protocol error: timeout, no response, malformed header, too large
	exitCertChanged = 8 // the server's certificate changed before the pinned one expired
	exitFailure     = 1 // anything else that stops a command (a broken file on disk, …)
)

// statusExit maps a response status to an exit code: 0 for 2x, else its
// first digit (1 input, 3 redirect not followed, 4, 5, 6).
func statusExit(s client.Status) int {
	if s.Class() == client.StatusSuccess {
		return exitOK
	}
	return int(s.Class() / 10)
}
