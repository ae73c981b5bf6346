package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"propus/client"
	"propus/tofu"
	"propus/tofu/hostport"
)

var hostsCommands = []subcommand{
	{"list", "list known hosts: address, fingerprint, expiry, first and last seen", runHostsList},
	{"forget", "forget a host's pinned certificate (the next visit trusts anew)", runHostsForget},
}

func runHosts(e *env, args []string) int {
	return runGroup(e, "hosts", "Manages known hosts: the server keys propus pinned on first use, kept in\n"+e.paths.knownHosts+".", hostsCommands, args)
}

func runHostsList(e *env, args []string) int {
	fs := subFlags("hosts", "list", "", "Lists known hosts: address, key fingerprint, certificate expiry, and when\nthe key was first and last seen.")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	store, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		return failf(e, fs, "%v%s", err, brokenFile)
	}
	hosts := store.Hosts()
	if len(hosts) == 0 {
		fmt.Fprintln(e.stdout, "No known hosts.")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ADDRESS\tFINGERPRINT\tEXPIRES\tFIRST SEEN\tLAST SEEN")
	for _, h := range hosts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", h.Address, h.Fingerprint, expiry(h.Expires),
			h.FirstSeen.UTC().Format(time.DateTime), h.LastSeen.UTC().Format(time.DateTime))
	}
	tw.Flush()
	return exitOK
}

func runHostsForget(e *env, args []string) int {
	fs := subFlags("hosts", "forget", "HOST[:PORT]|URL", "Forgets the pinned key of HOST (port 1965 unless given), or of the server of a\ngemini:// URL, so that the next visit trusts its certificate anew.")
	pos, code, ok := parseSub(e, fs, args, "HOST[:PORT]|URL")
	if !ok {
		return code
	}
	addr, err := hostAddress(pos[0])
	if err != nil {
		return usagef(e, fs, "%v", err)
	}
	store, err := tofu.Open(e.paths.knownHosts)
	if err != nil {
		return failf(e, fs, "%v%s", err, brokenFile)
	}
	if _, ok := store.Lookup(addr); !ok {
		return failf(e, fs, "%s is not a known host (see propus hosts list)", addr)
	}
	if err := store.Forget(addr); err != nil {
		return failf(e, fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "Forgot %s\n", addr)
	return exitOK
}

// hostAddress returns the canonical HOST:PORT of a host, a HOST:PORT or a
// URL with a scheme, which must be gemini.
func hostAddress(arg string) (string, error) {
	if !strings.Contains(arg, "://") {
		return hostport.NormalizeAddress(arg)
	}
	u, err := client.ParseURL(arg)
	if err != nil {
		return "", err
	}
	if u.Scheme != "gemini" {
		return "", fmt.Errorf("%s is not a gemini URL", arg)
	}
	return client.Address(u), nil
}
