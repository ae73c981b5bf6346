package main

import "strconv"

// count says n things in words that agree with it: "1 bookmark",
// "2 bookmarks", "0 bookmarks".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
