package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"propus/browser/config"
	"propus/browser/picture"
)

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	path := filepath.Join(dir, "propus", "config.toml")

	code, out, errOut := propus(t, "config")
	if code != exitOK || errOut != "" || !strings.Contains(out, "reading_width = 100") ||
		!strings.Contains(out, "# Read from "+path) || !strings.Contains(out, "Default 100") {
		t.Fatalf("no file: exit %d, stderr %q, stdout\n%s", code, errOut, out)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("reading_width = 72\ncolour = \"red\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = propus(t, "config")
	if code != exitFailure || !strings.Contains(out, "reading_width = 72") ||
		!strings.Contains(errOut, `propus: config.toml:2: unknown key "colour"; using the default`) {
		t.Errorf("bad key: exit %d, stderr %q, stdout\n%s", code, errOut, out)
	}
	if code, _, _ := propus(t, "config", "extra"); code != exitUsage {
		t.Errorf("config extra: exit %d", code)
	}
}

func TestOptionsFromConfig(t *testing.T) {
	cfg := config.Default()
	cfg.MaxSize = 0
	cfg.Timeouts.Connect = 3 * time.Second
	cfg.Openers = map[string]string{"image/*": "feh %s"}
	cfg.ClipboardWrites = false
	cfg.Images = picture.Sixel
	opts := optionsFromConfig(cfg, paths{downloads: "/dl"})
	if opts.Client.MaxSize != -1 || opts.Client.DialTimeout != 3*time.Second || opts.DownloadDir != "/dl" ||
		opts.Openers["image/*"] != "feh %s" || !opts.NoClipboard || opts.SlowDown.Retries != 5 || opts.Images != picture.Sixel {
		t.Errorf("options: %+v, client %+v", opts, opts.Client)
	}
	cfg.RestoreSession = false
	opts = optionsFromConfig(cfg, paths{session: "/data/session"})
	if opts.Session != "/data/session" || opts.RestoreSession {
		t.Errorf("session %q, restore %t", opts.Session, opts.RestoreSession)
	}
	if opts = optionsFromConfig(config.Default(), paths{}); !opts.RestoreSession {
		t.Error("the default config does not restore the session")
	}
}
