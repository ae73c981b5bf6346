package tofu

import "strings"

// hostOf returns the host part of an address as hostport.NormalizeAddress
// writes it, without brackets: the name a certificate must be valid for.
func hostOf(addr string) string {
	host := addr[:strings.LastIndexByte(addr, ':')]
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}
