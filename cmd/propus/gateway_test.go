package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestGatewayFlags: personal mode on loopback uses your known hosts;
// public mode a file of its own, with robots.txt honoured; the Host names
// follow --listen and --hostname.
func TestGatewayFlags(t *testing.T) {
	dir := t.TempDir()
	newEnv := func() (*env, *bytes.Buffer) {
		var stderr bytes.Buffer
		return &env{stdout: &bytes.Buffer{}, stderr: &stderr,
			paths: paths{dataDir: dir, knownHosts: filepath.Join(dir, "known_hosts")}}, &stderr
	}

	e, _ := newEnv()
	g, listen, hosts, code := gatewayFromFlags(e, nil)
	if g == nil || code != exitOK || listen != "127.0.0.1:8065" || hosts != filepath.Join(dir, "known_hosts") ||
		g.Public || g.AllowPrivate || !slices.Contains(g.Hostnames, "localhost") {
		t.Errorf("defaults: %+v %s %s %d", g, listen, hosts, code)
	}

	e, _ = newEnv()
	g, _, hosts, _ = gatewayFromFlags(e, []string{"--listen", "192.0.2.7:80", "--hostname", "gw.example",
		"--allow-port", "1966", "--block-host", "optout.example", "--cors-origin", "https://app.example"})
	if g == nil || !g.Public || hosts != filepath.Join(dir, "gateway_known_hosts") ||
		!slices.Equal(g.Hostnames, []string{"gw.example", "192.0.2.7"}) || !slices.Equal(g.AllowPorts, []int{1966}) ||
		!slices.Equal(g.BlockHosts, []string{"optout.example"}) || !slices.Equal(g.CORSOrigins, []string{"https://app.example"}) {
		t.Errorf("public: %+v %s", g, hosts)
	}

	for _, args := range [][]string{
		{"--listen", "0.0.0.0:8065"},
		{"--listen", "8065"},
		{"--allow-port", "http"},
		{"extra"},
	} {
		e, stderr := newEnv()
		if g, _, _, code := gatewayFromFlags(e, args); g != nil || code != exitUsage || !strings.HasPrefix(stderr.String(), "propus gateway: ") {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
	if code, out, _ := propus(t, "gateway", "--help"); code != 0 || !strings.Contains(out, "-allow-private") || !strings.Contains(out, "robots.txt") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
}
