package render

import (
	"unicode"
	"unicode/utf8"
)

// Case-insensitive matching compares rune by rune after unicode.ToLower,
// which is exactly what strings.Contains(strings.ToLower(s),
// strings.ToLower(q)) does, without building the lowered strings, and with
// match offsets in s itself.

// lowerRune returns the rune at s[i:] lowered, and its length in s.
func lowerRune(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return rune(c), 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return unicode.ToLower(r), n
}

// lowerQuery returns q's runes lowered.
func lowerQuery(q string) []rune {
	rs := make([]rune, 0, len(q))
	for i := 0; i < len(q); {
		r, n := lowerRune(q, i)
		rs = append(rs, r)
		i += n
	}
	return rs
}

// matchAt reports whether q (lowered runes, not empty) occurs in s at byte
// i, and where the occurrence ends.
func matchAt(s string, i int, q []rune) (int, bool) {
	for _, qr := range q {
		if i >= len(s) {
			return 0, false
		}
		r, n := lowerRune(s, i)
		if r != qr {
			return 0, false
		}
		i += n
	}
	return i, true
}

// indexFold returns the first occurrence of q (lowered, not empty) in s at
// or after byte from, as a byte range of s, or ok false.
func indexFold(s string, from int, q []rune) (start, end int, ok bool) {
	first := q[0]
	for i := from; i < len(s); {
		r, n := lowerRune(s, i)
		if r == first {
			if e, ok := matchAt(s, i, q); ok {
				return i, e, true
			}
		}
		i += n
	}
	return 0, 0, false
}

// containsFold reports whether s contains q (lowered, not empty).
func containsFold(s string, q []rune) bool {
	if q[0] < utf8.RuneSelf && q[0] != 'k' && q[0] != 'i' {
		// Only one or two bytes can start a match: skip to them. (Of the
		// non-ASCII runes, only U+212A KELVIN SIGN and U+0130 lower to
		// ASCII, to k and i.)
		lo := byte(q[0])
		up := lo
		if 'a' <= lo && lo <= 'z' {
			up -= 'a' - 'A'
		}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == lo || c == up {
				if _, ok := matchAt(s, i, q); ok {
					return true
				}
			}
		}
		return false
	}
	_, _, ok := indexFold(s, 0, q)
	return ok
}

// occurrences returns the non-overlapping occurrences of q (lowered, not
// empty) in s, leftmost first, as byte ranges; dst is reused.
func occurrences(s string, q []rune, dst [][2]int) [][2]int {
	dst = dst[:0]
	for i := 0; ; {
		a, b, ok := indexFold(s, i, q)
		if !ok {
			return dst
		}
		dst = append(dst, [2]int{a, b})
		i = b
	}
}
