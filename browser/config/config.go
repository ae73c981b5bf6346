// Package config reads and writes propus's config.toml. Every key is
// optional; a bad key or value is reported with its line and the rest
// of the file still applies on top of the defaults.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"propus/browser/keys"
	"propus/browser/picture"
	"propus/browser/style"
)

// Config is the effective configuration. The TOML key of each field is
// given first; WriteTOML prints them all with their defaults.
type Config struct {
	// home: the page a new tab opens. Default "about:home".
	Home string
	// reading_width: the widest a line of text wraps, in columns (at
	// least 20). Default 100.
	ReadingWidth int
	// align: where the text column stands on a screen wider than the
	// reading width, "left" or "center". Default "left".
	Align string
	// download_dir: where downloads are saved. Default "" (the XDG
	// download directory, usually ~/Downloads).
	DownloadDir string
	// clipboard_writes: whether y copies the URL to the clipboard with
	// OSC 52. Default true.
	ClipboardWrites bool
	// restore_session: whether the tabs of the last run come back at the
	// next start. Default true.
	RestoreSession bool
	// [keys]: action = "key, key" replaces an action's keys, e.g.
	// back = "H, backspace". Default: none (the built-in keys; see ? in
	// the browser). keys.Actions lists the actions.
	Keys map[string][]string
	// [timeouts] connect, handshake, header, idle: how long to wait to
	// connect, for the TLS handshake, for the response header, and for
	// each read of the body. Defaults 15s, 15s, 30s, 30s.
	Timeouts Timeouts
	// max_size: the largest body read, in bytes; 0 means no cap. Default
	// 5242880 (5 MiB).
	MaxSize int64
	// [openers]: a MIME type ("image/png"), family ("image/*") or URL
	// scheme ("https") = the command that opens it, %s being the file or
	// URL. Default: none here (xdg-open or open, when installed, opens
	// web links and non-text files).
	Openers map[string]string
	// [redirects] policy: "auto" follows up to max hops on the same host
	// by itself and asks before another host, "ask" asks before every
	// hop, "never" shows the redirect. Default "auto". [redirects] max:
	// the most hops of one chain followed (1 to 20). Default 5.
	Redirects Redirects
	// [slow_down] max_delay, retries: the longest wait before retrying
	// after 44 SLOW DOWN, and how many retries. Defaults 60s and 5.
	SlowDown SlowDown
	// [feeds] refresh: how often, in minutes, the browser refreshes the
	// feeds by itself, in the background (the first time at start); 0
	// never. Default 60.
	FeedsRefresh int
	// [images] mode: how a followed link to an image is shown: "auto"
	// (kitty placeholders, sixel or half blocks, as the terminal
	// answers), "kitty", "sixel", "blocks", or "off" (offered for saving,
	// as any file). Default "auto". NO_COLOR gives "off".
	Images picture.Mode
	// [theme] accent, bar, dim, …: colours in place of the built-in ones,
	// each "#rrggbb", "#rgb", an ANSI number "0" to "255" or a name ("blue", "brightred");
	// style.ThemeKeys lists the keys. Default "" each (the built-in
	// colour, which depends on the terminal's background). NO_COLOR wins.
	Theme style.Theme
}

// Timeouts are the network timeouts.
type Timeouts struct {
	Connect, Handshake, Header, Idle time.Duration
}

// Redirects is the redirect policy.
type Redirects struct {
	Policy string // auto, ask or never
	Max    int    // the most hops of one chain followed
}

// SlowDown is the retry policy for 44 SLOW DOWN.
type SlowDown struct {
	MaxDelay time.Duration
	Retries  int
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Home:            "about:home",
		ReadingWidth:    100,
		Align:           "left",
		ClipboardWrites: true,
		RestoreSession:  true,
		Keys:            map[string][]string{},
		Timeouts:        Timeouts{15 * time.Second, 15 * time.Second, 30 * time.Second, 30 * time.Second},
		MaxSize:         5 << 20,
		Openers:         map[string]string{},
		Redirects:       Redirects{Policy: "auto", Max: 5},
		SlowDown:        SlowDown{MaxDelay: 60 * time.Second, Retries: 5},
		FeedsRefresh:    60,
	}
}

// entry is one key = value of the file, by its dotted path.
type entry struct {
	path   []string
	line   int
	header bool // a [table] header, whose keys are entries of their own
}

// Load reads the file at path. A missing file gives the defaults and no
// error. Otherwise it returns the defaults with every good value of the
// file applied, and an error naming the file and line for each bad key
// or value; a syntax error gives the defaults and that one error.
func Load(path string) (Config, []error) {
	c := Default()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, []error{err}
	}
	name := filepath.Base(path)
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return c, []error{fmt.Errorf("%s:%d: %s", name, row, de.Error())}
		}
		return c, []error{fmt.Errorf("%s: %w", name, err)}
	}
	var errs []error
	for _, e := range entries(data) {
		v, ok := lookup(doc, e.path)
		if !ok {
			continue
		}
		for _, err := range c.apply(e.path, v, e.header) {
			errs = append(errs, fmt.Errorf("%s:%d: %w", name, e.line, err))
		}
	}
	return c, errs
}

// entries lists the keys of a document that parsed, with their lines:
// table headers and key = value lines, in order.
func entries(data []byte) []entry {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	var out []entry
	for p.NextExpression() {
		e := p.Expression()
		var keys []string
		line := 0
		for it := e.Key(); it.Next(); {
			n := it.Node()
			if line == 0 {
				line = p.Shape(n.Raw).Start.Line
			}
			keys = append(keys, string(n.Data))
		}
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keys
			out = append(out, entry{slices.Clone(keys), line, true})
		case unstable.KeyValue:
			out = append(out, entry{append(slices.Clone(table), keys...), line, false})
		}
	}
	return out
}

func lookup(doc map[string]any, path []string) (any, bool) {
	var v any = doc
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

var tables = map[string]bool{"keys": true, "timeouts": true, "openers": true, "redirects": true, "slow_down": true, "theme": true, "feeds": true, "images": true}

// apply sets the key at path to v, or says why it cannot. A table given
// inline (timeouts = {connect = "5s"}) has its keys applied here.
func (c *Config) apply(path []string, v any, header bool) []error {
	top := path[0]
	if len(path) == 1 && tables[top] {
		m, ok := v.(map[string]any)
		if !ok {
			return []error{fmt.Errorf("%s must be a table", top)}
		}
		if header {
			return nil
		}
		var errs []error
		for _, k := range sortedKeys(m) {
			errs = append(errs, c.apply([]string{top, k}, m[k], false)...)
		}
		return errs
	}
	if len(path) == 1 && !header {
		if err := c.applyTop(top, v); err != nil {
			return []error{err}
		}
		return nil
	}
	if len(path) != 2 || !tables[top] || header {
		return []error{fmt.Errorf("unknown key %q", strings.Join(path, "."))}
	}
	if err := c.applyTable(top, path[1], v); err != nil {
		return []error{err}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (c *Config) applyTop(k string, v any) error {
	switch k {
	case "home":
		s, err := str(k, v)
		if err == nil && s == "" {
			err = fmt.Errorf("home must not be empty")
		}
		if err == nil {
			c.Home = s
		}
		return err
	case "reading_width":
		n, err := integer(k, v, 20, 10000)
		if err == nil {
			c.ReadingWidth = int(n)
		}
		return err
	case "align":
		s, err := str(k, v)
		if err == nil && s != "left" && s != "center" {
			err = fmt.Errorf("align is \"left\" or \"center\", not %q", s)
		}
		if err == nil {
			c.Align = s
		}
		return err
	case "download_dir":
		s, err := str(k, v)
		if err == nil {
			c.DownloadDir = s
		}
		return err
	case "clipboard_writes":
		b, err := boolean(k, v)
		if err == nil {
			c.ClipboardWrites = b
		}
		return err
	case "restore_session":
		b, err := boolean(k, v)
		if err == nil {
			c.RestoreSession = b
		}
		return err
	case "max_size":
		n, err := integer(k, v, 0, 1<<62)
		if err == nil {
			c.MaxSize = n
		}
		return err
	}
	return fmt.Errorf("unknown key %q", k)
}

func (c *Config) applyTable(table, k string, v any) error {
	name := table + "." + k
	switch table {
	case "keys":
		s, err := str(name, v)
		if err != nil {
			return err
		}
		if !slices.Contains(keys.Actions(), k) {
			return fmt.Errorf("unknown key action %q (one of %s)", k, strings.Join(keys.Actions(), ", "))
		}
		var keys []string
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				keys = append(keys, f)
			}
		}
		if len(keys) == 0 {
			return fmt.Errorf("%s: no keys", name)
		}
		c.Keys[k] = keys
		return nil
	case "openers":
		s, err := str(name, v)
		if err == nil && strings.TrimSpace(s) == "" {
			err = fmt.Errorf("%s: no command", name)
		}
		if err == nil {
			c.Openers[k] = s
		}
		return err
	case "timeouts":
		var d *time.Duration
		switch k {
		case "connect":
			d = &c.Timeouts.Connect
		case "handshake":
			d = &c.Timeouts.Handshake
		case "header":
			d = &c.Timeouts.Header
		case "idle":
			d = &c.Timeouts.Idle
		default:
			return fmt.Errorf("unknown key %q", name)
		}
		x, err := duration(name, v)
		if err == nil {
			*d = x
		}
		return err
	case "redirects":
		if k == "max" {
			n, err := integer(name, v, 1, 20)
			if err == nil {
				c.Redirects.Max = int(n)
			}
			return err
		}
		if k != "policy" {
			return fmt.Errorf("unknown key %q", name)
		}
		s, err := str(name, v)
		if err == nil && s != "auto" && s != "ask" && s != "never" {
			err = fmt.Errorf("%s must be \"auto\", \"ask\" or \"never\" (not %q)", name, s)
		}
		if err == nil {
			c.Redirects.Policy = s
		}
		return err
	case "theme":
		if !slices.ContainsFunc(style.ThemeKeys(), func(t style.ThemeKey) bool { return t.Name == k }) {
			return fmt.Errorf("unknown key %q", name)
		}
		s, err := str(name, v)
		if err != nil {
			return err
		}
		if c.Theme.SetColor(k, s) != nil {
			return fmt.Errorf("%s must be a colour: \"#rrggbb\", \"#rgb\", an ANSI number from \"0\" to \"255\" or a name such as \"blue\" or \"brightred\" (not %q)", name, s)
		}
		return nil
	case "feeds":
		if k == "refresh" {
			n, err := integer(name, v, 0, 7*24*60)
			if err == nil {
				c.FeedsRefresh = int(n)
			}
			return err
		}
	case "images":
		if k == "mode" {
			s, err := str(name, v)
			if err != nil {
				return err
			}
			m, err := picture.ParseMode(s)
			if err != nil {
				return fmt.Errorf("%s must be \"auto\", \"kitty\", \"sixel\", \"blocks\" or \"off\" (not %q)", name, s)
			}
			c.Images = m
			return nil
		}
	case "slow_down":
		switch k {
		case "max_delay":
			x, err := duration(name, v)
			if err == nil {
				c.SlowDown.MaxDelay = x
			}
			return err
		case "retries":
			n, err := integer(name, v, 1, 100)
			if err == nil {
				c.SlowDown.Retries = int(n)
			}
			return err
		}
	}
	return fmt.Errorf("unknown key %q", name)
}

func str(name string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string (not %s)", name, show(v))
	}
	return s, nil
}

func boolean(name string, v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%s must be true or false (not %s)", name, show(v))
	}
	return b, nil
}

func integer(name string, v any, lo, hi int64) (int64, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%s must be a whole number (not %s)", name, show(v))
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s must be between %d and %d (not %d)", name, lo, hi, n)
	}
	return n, nil
}

func duration(name string, v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		return 0, fmt.Errorf("%s must be a duration such as \"15s\" (not %s)", name, show(v))
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as \"15s\" (not %q)", name, s)
	}
	return d, nil
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

// WriteTOML writes c as TOML, every key with a comment saying what it
// does and its default.
func (c Config) WriteTOML(w io.Writer) error {
	d := Default()
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# propus configuration. Every key is optional; a missing key takes its default.\n\n")
	p("# The page a new tab opens. Default %s.\nhome = %s\n\n", quote(d.Home), quote(c.Home))
	p("# The widest a line of text wraps, in columns (at least 20). Default %d.\nreading_width = %d\n\n", d.ReadingWidth, c.ReadingWidth)
	p("# Where the text column stands on a wider screen: \"left\" or \"center\". Default %q.\nalign = %q\n\n", d.Align, c.Align)
	p("# Where downloads are saved; \"\" is the XDG download directory (~/Downloads). Default \"\".\ndownload_dir = %s\n\n", quote(c.DownloadDir))
	p("# Whether y copies the URL to the clipboard (OSC 52). Default %t.\nclipboard_writes = %t\n\n", d.ClipboardWrites, c.ClipboardWrites)
	p("# Whether the tabs of the last run come back at the next start. Default %t.\nrestore_session = %t\n\n", d.RestoreSession, c.RestoreSession)
	p("# The largest body read, in bytes; 0 means no cap. Default %d (5 MiB).\nmax_size = %d\n\n", d.MaxSize, c.MaxSize)
	p("# Network timeouts, as durations (\"15s\", \"1m\").\n[timeouts]\n")
	p("# Connecting. Default %s.\nconnect = %s\n", quote(d.Timeouts.Connect.String()), quote(c.Timeouts.Connect.String()))
	p("# The TLS handshake. Default %s.\nhandshake = %s\n", quote(d.Timeouts.Handshake.String()), quote(c.Timeouts.Handshake.String()))
	p("# From the request to the end of the response header. Default %s.\nheader = %s\n", quote(d.Timeouts.Header.String()), quote(c.Timeouts.Header.String()))
	p("# Each read of the body. Default %s.\nidle = %s\n\n", quote(d.Timeouts.Idle.String()), quote(c.Timeouts.Idle.String()))
	p("[redirects]\n# \"auto\" follows up to max hops on the same host by itself and asks before\n# another host; \"ask\" asks before every hop; \"never\" shows the redirect.\n# Default %s.\npolicy = %s\n", quote(d.Redirects.Policy), quote(c.Redirects.Policy))
	p("# The most hops of one redirect chain followed (1 to 20); past them propus\n# stops and shows the chain. Default %d.\nmax = %d\n\n", d.Redirects.Max, c.Redirects.Max)
	p("# The feeds (about:feeds).\n[feeds]\n")
	p("# How often, in minutes, the feeds refresh by themselves in the background (the first time at start); 0 never. Default %d.\nrefresh = %d\n\n", d.FeedsRefresh, c.FeedsRefresh)
	p("# Following a link to an image (PNG, JPEG, GIF, WebP).\n[images]\n")
	p("# How it is shown: \"auto\" (kitty placeholders, sixel or half blocks, as the\n# terminal answers), \"kitty\", \"sixel\", \"blocks\", or \"off\" (offered for\n# saving like any file). NO_COLOR gives \"off\". Default %s.\nmode = %s\n\n", quote(d.Images.String()), quote(c.Images.String()))
	p("# Retrying after 44 SLOW DOWN.\n[slow_down]\n")
	p("# The longest single wait. Default %s.\nmax_delay = %s\n", quote(d.SlowDown.MaxDelay.String()), quote(c.SlowDown.MaxDelay.String()))
	p("# Retries before giving up (1 to 100). Default %d.\nretries = %d\n\n", d.SlowDown.Retries, c.SlowDown.Retries)
	p("# Colours in place of the built-in ones: \"#rrggbb\", \"#rgb\" or an ANSI number\n# from \"0\" to \"255\". \"\" keeps the built-in colour, which suits the terminal's\n# background; a colour set here applies on light and dark ones. NO_COLOR wins.\n[theme]\n")
	for _, k := range style.ThemeKeys() {
		p("# %s Default %s.\n%s = %s\n", k.Doc, quote(d.Theme.Color(k.Name)), k.Name, quote(c.Theme.Color(k.Name)))
	}
	p("\n")
	p("# Commands that open things, by MIME type (\"image/png\"), family (\"image/*\")\n# or URL scheme (\"https\"); %%s is the file or URL. Default: none here\n# (xdg-open or open, when installed, opens web links and non-text files).\n[openers]\n")
	for _, k := range sortedKeys(c.Openers) {
		p("%s = %s\n", quote(k), quote(c.Openers[k]))
	}
	p("\n# Key overrides: action = \"key, key\", e.g. back = \"H, backspace\". Default: none.\n# Actions: %s.\n[keys]\n", strings.Join(keys.Actions(), ", "))
	for _, k := range sortedKeys(c.Keys) {
		p("%s = %s\n", k, quote(strings.Join(c.Keys[k], ", ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
