package gateway

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"propus/client"
	"propus/tofu"
)

// The robots.txt a gateway serves for itself: nothing here is for crawlers.
const ownRobots = "User-agent: *\nDisallow: /\n"

func serveRobots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, ownRobots)
}

// How long a capsule's robots.txt is kept, how long fetching it may take,
// and how much of it is read.
const (
	robotsTTL     = time.Hour
	robotsTimeout = 5 * time.Second
	robotsMaxSize = 64 << 10
)

// robotsCache holds the Disallow rules for web proxies of each capsule
// (host:port) seen lately.
type robotsCache struct {
	mu sync.Mutex
	m  map[string]robotsEntry
}

type robotsEntry struct {
	disallow []string
	expires  time.Time
}

// robotsAllow reports whether the capsule's robots.txt lets a web proxy
// fetch u. A robots.txt that cannot be fetched allows everything.
func (g *Gateway) robotsAllow(ctx context.Context, u *url.URL) bool {
	key := client.Address(u)
	now := time.Now()
	g.robots.mu.Lock()
	e, ok := g.robots.m[key]
	g.robots.mu.Unlock()
	if !ok || now.After(e.expires) {
		e = robotsEntry{disallow: g.fetchRobots(ctx, u), expires: now.Add(robotsTTL)}
		g.robots.mu.Lock()
		if g.robots.m == nil || len(g.robots.m) >= maxBuckets {
			g.robots.m = map[string]robotsEntry{}
		}
		g.robots.m[key] = e
		g.robots.mu.Unlock()
	}
	for _, prefix := range e.disallow {
		if strings.HasPrefix(u.Path, prefix) {
			return false
		}
	}
	return true
}

func (g *Gateway) fetchRobots(ctx context.Context, u *url.URL) []string {
	ctx, cancel := context.WithTimeout(ctx, robotsTimeout)
	defer cancel()
	c := g.client(robotsTimeout, new(tofu.Result))
	c.MaxSize = robotsMaxSize
	resp, err := c.Do(ctx, &client.Request{URL: &url.URL{Scheme: "gemini", Host: u.Host, Path: "/robots.txt"}})
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.Status != client.StatusSuccess {
		return nil
	}
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil
	}
	return parseRobots(string(text), "webproxy")
}

// parseRobots returns the Disallow prefixes of the groups of a robots.txt
// that name agent, or, when none does, of the groups for "*".
func parseRobots(text, agent string) []string {
	var named, star []string
	var agents []string
	inRules := false
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, value = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(value)
		switch key {
		case "user-agent":
			if inRules {
				agents, inRules = nil, false
			}
			agents = append(agents, strings.ToLower(value))
		case "disallow":
			inRules = true
			if value == "" {
				continue
			}
			for _, a := range agents {
				switch a {
				case agent:
					named = append(named, value)
				case "*":
					star = append(star, value)
				}
			}
		}
	}
	if named != nil || mentions(text, agent) {
		return named
	}
	return star
}

// mentions reports whether a robots.txt has a User-agent line for agent.
func mentions(text, agent string) bool {
	for line := range strings.Lines(strings.ToLower(text)) {
		key, value, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(key) == "user-agent" && strings.TrimSpace(strings.SplitN(value, "#", 2)[0]) == agent {
			return true
		}
	}
	return false
}
