package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"propus/browser/sanitize"
	"propus/client/identity"
)

// subcommand is one subcommand of a command group such as `propus id`.
type subcommand struct {
	name, summary string
	run           func(e *env, args []string) int
}

// runGroup runs the subcommand args[0] of the group called name, or prints
// the group's usage: to stdout for --help, to stderr (exit 2) when the
// subcommand is missing or unknown.
func runGroup(e *env, name, description string, subs []subcommand, args []string) int {
	printUsage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: propus %s COMMAND [flags] [ARGS]\n\n%s\n\nCommands:\n", name, description)
		for _, s := range subs {
			fmt.Fprintf(w, "  %-8s %s\n", s.name, s.summary)
		}
		fmt.Fprintf(w, "\npropus %s COMMAND --help shows a command's flags.\n", name)
	}
	if len(args) == 0 {
		fmt.Fprintf(e.stderr, "propus %s: a command is required\n", name)
		printUsage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		printUsage(e.stdout)
		return exitOK
	case "-v", "--version", "-version":
		fmt.Fprintln(e.stdout, versionString())
		return exitOK
	}
	for _, s := range subs {
		if s.name == args[0] {
			return s.run(e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "propus %s: unknown command %q\n", name, sanitize.Line(args[0]))
	printUsage(e.stderr)
	return exitUsage
}

// subFlags makes the flag set of `propus GROUP SUB`, with its usage.
func subFlags(group, sub, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(group+" "+sub, flag.ContinueOnError)
	fs.Usage = usageFunc(fs, synopsis, description)
	return fs
}

// parseSub parses a subcommand's flags and checks its positional
// arguments: a missing or an extra one is a usage error naming it. When
// ok is false the command is done and returns code (0 after --help or
// --version, exitUsage else).
func parseSub(e *env, fs *flag.FlagSet, args []string, names ...string) (pos []string, code int, ok bool) {
	return parseSubRange(e, fs, args, len(names), names...)
}

// parseSubRange is parseSub where only the first min of names are
// required.
func parseSubRange(e *env, fs *flag.FlagSet, args []string, min int, names ...string) (pos []string, code int, ok bool) {
	pos, done, code := parseFlags(fs, args, e.stdout, e.stderr)
	if done {
		return nil, code, false
	}
	switch {
	case len(pos) < min:
		fmt.Fprintf(e.stderr, "%s: %s is required (see %s --help)\n", commandName(fs), strings.Join(names[len(pos):min], " and "), commandName(fs))
		return nil, exitUsage, false
	case len(pos) > len(names):
		fmt.Fprintf(e.stderr, "%s: unexpected argument %q (see %s --help)\n", commandName(fs), sanitize.Line(pos[len(names)]), commandName(fs))
		return nil, exitUsage, false
	}
	return pos, 0, true
}

// failf prints an error of a command and returns exitFailure.
func failf(e *env, fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", commandName(fs), sanitize.Text(fmt.Sprintf(format, a...)))
	return exitFailure
}

// usagef prints a usage error of a command and returns exitUsage.
func usagef(e *env, fs *flag.FlagSet, format string, a ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s (see %s --help)\n", commandName(fs), sanitize.Text(fmt.Sprintf(format, a...)), commandName(fs))
	return exitUsage
}

const brokenFile = " (fix or move the file; propus will not overwrite it)"

// stringsFlag collects the values of a repeated flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, " ") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

var idCommands = []subcommand{
	{"new", "create an identity (a client certificate)", runIDNew},
	{"list", "list identities with fingerprint, expiry and scopes", runIDList},
	{"show", "show one identity in full", runIDShow},
	{"rm", "delete an identity and its scopes", runIDRemove},
	{"rename", "rename an identity and its scopes", runIDRename},
	{"import", "import a PEM certificate and key (Lagrange, Telescope)", runIDImport},
	{"export", "write an identity's certificate and key as PEM", runIDExport},
	{"scope", "add or remove a URL where an identity is used", runIDScope},
}

func runID(e *env, args []string) int {
	return runGroup(e, "id", "Manages identities (client certificates), kept in\n"+e.paths.identities+"\nwith their scopes in "+e.paths.scopes+".", idCommands, args)
}

func (e *env) idStore() identity.Store { return identity.Store{Dir: e.paths.identities} }

// loadScopes loads the scopes file, printing the error if it is broken.
func loadScopes(e *env, fs *flag.FlagSet) (*identity.Scopes, bool) {
	scopes, err := identity.LoadScopes(e.paths.scopes)
	if err != nil {
		failf(e, fs, "%v%s", err, brokenFile)
		return nil, false
	}
	return scopes, true
}

func runIDNew(e *env, args []string) int {
	fs := subFlags("id", "new", "NAME [--days N] [--key ecdsa|ed25519] [--scope URL ...]",
		"Creates an identity: a self-signed client certificate with common name NAME.\nEach --scope URL makes propus present it for that URL and everything below.")
	days := fs.Int("days", 365, "validity in `days`")
	key := fs.String("key", "ecdsa", "key `type`: ecdsa (P-256) or ed25519")
	var scopeArgs stringsFlag
	fs.Var(&scopeArgs, "scope", "use the identity for `URL` and below (repeatable)")
	pos, code, ok := parseSub(e, fs, args, "NAME")
	if !ok {
		return code
	}
	name := pos[0]
	if err := identity.CheckName(name); err != nil {
		return usagef(e, fs, "%v", err)
	}
	kt, err := identity.ParseKeyType(*key)
	if err != nil {
		return usagef(e, fs, "bad --key %q: use ecdsa or ed25519", *key)
	}
	if *days <= 0 {
		return usagef(e, fs, "--days must be a positive number")
	}
	var scopeList []identity.Scope
	for _, s := range scopeArgs {
		sc, err := identity.ParseScope(s)
		if err != nil {
			return usagef(e, fs, "bad --scope %q: %v", s, err)
		}
		scopeList = append(scopeList, sc)
	}
	var scopes *identity.Scopes
	if len(scopeList) > 0 {
		var ok bool
		if scopes, ok = loadScopes(e, fs); !ok {
			return exitFailure
		}
	}
	id, err := identity.Create(name, kt, time.Duration(*days)*24*time.Hour)
	if err != nil {
		return failf(e, fs, "%v", err)
	}
	if err := e.idStore().Add(id); err != nil {
		return failf(e, fs, "%v", err)
	}
	if scopes != nil {
		for _, sc := range scopeList {
			if err := scopes.Add(name, sc); err != nil {
				return failf(e, fs, "%v", err)
			}
		}
		if err := scopes.Save(); err != nil {
			return failf(e, fs, "identity created, but its scopes were not saved: %v", err)
		}
	}
	fmt.Fprintf(e.stdout, "Created identity %s (%s, %s), valid until %s\n", sanitize.Line(name), kt, id.CertificateHash(), id.Expires().UTC().Format(time.DateOnly))
	for _, sc := range scopeList {
		fmt.Fprintf(e.stdout, "  used for %s\n", sc)
	}
	return exitOK
}

func expiry(t time.Time) string {
	s := t.UTC().Format(time.DateOnly)
	if time.Now().After(t) {
		s += " (expired)"
	}
	return s
}

func scopeStrings(scs []identity.Scope) string {
	if len(scs) == 0 {
		return "-"
	}
	var ss []string
	for _, sc := range scs {
		ss = append(ss, sc.String())
	}
	return strings.Join(ss, " ")
}

func runIDList(e *env, args []string) int {
	fs := subFlags("id", "list", "", "Lists identities: name, short fingerprint, expiry and scopes.")
	_, code, ok := parseSub(e, fs, args)
	if !ok {
		return code
	}
	scopes, ok := loadScopes(e, fs)
	if !ok {
		return exitFailure
	}
	ids, listErr := e.idStore().List()
	if len(ids) == 0 && listErr == nil {
		fmt.Fprintln(e.stdout, "No identities. Create one with: propus id new NAME")
		return exitOK
	}
	all := scopes.List()
	if len(ids) > 0 {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tFINGERPRINT\tEXPIRES\tSCOPES")
		for _, id := range ids {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", sanitize.Line(id.Name), identity.ShortHash(id.CertificateHash(), 16), expiry(id.Expires()), scopeStrings(all[id.Name]))
		}
		tw.Flush()
	}
	if listErr != nil {
		return failf(e, fs, "%v", listErr)
	}
	return exitOK
}

// getIdentity loads the identity called name, printing the error.
func getIdentity(e *env, fs *flag.FlagSet, name string) (*identity.Identity, bool) {
	id, err := e.idStore().Get(name)
	if err != nil {
		if errors.Is(err, identity.ErrNotFound) {
			failf(e, fs, "no identity called %q (see propus id list)", name)
		} else {
			failf(e, fs, "%v", err)
		}
		return nil, false
	}
	return id, true
}

func keyType(id *identity.Identity) string {
	switch k := id.Certificate.PrivateKey.(type) {
	case *ecdsa.PrivateKey:
		return "ecdsa-" + strings.ToLower(strings.ReplaceAll(k.Curve.Params().Name, "-", ""))
	case ed25519.PrivateKey:
		return "ed25519"
	case *rsa.PrivateKey:
		return fmt.Sprintf("rsa-%d", k.N.BitLen())
	}
	return "unknown"
}

func runIDShow(e *env, args []string) int {
	fs := subFlags("id", "show", "NAME", "Shows an identity: fingerprint, subject, validity, key type, scopes and files.")
	pos, code, ok := parseSub(e, fs, args, "NAME")
	if !ok {
		return code
	}
	scopes, ok := loadScopes(e, fs)
	if !ok {
		return exitFailure
	}
	id, ok := getIdentity(e, fs, pos[0])
	if !ok {
		return exitFailure
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Name:\t%s\n", sanitize.Line(id.Name))
	fmt.Fprintf(tw, "Fingerprint:\t%s\n", id.CertificateHash())
	fmt.Fprintf(tw, "Subject:\t%s\n", sanitize.Line(id.Leaf.Subject.String()))
	fmt.Fprintf(tw, "Valid from:\t%s\n", id.Leaf.NotBefore.UTC().Format(time.RFC3339))
	fmt.Fprintf(tw, "Valid until:\t%s\n", id.Leaf.NotAfter.UTC().Format(time.RFC3339)+map[bool]string{true: " (expired)"}[time.Now().After(id.Leaf.NotAfter)])
	fmt.Fprintf(tw, "Key type:\t%s\n", keyType(id))
	scs := scopes.List()[id.Name]
	if len(scs) == 0 {
		fmt.Fprintf(tw, "Scopes:\tnone\n")
	}
	for i, sc := range scs {
		label := ""
		if i == 0 {
			label = "Scopes:"
		}
		fmt.Fprintf(tw, "%s\t%s\n", label, sc)
	}
	fmt.Fprintf(tw, "Certificate:\t%s\n", filepath.Join(e.paths.identities, id.Name+".crt"))
	fmt.Fprintf(tw, "Key:\t%s\n", filepath.Join(e.paths.identities, id.Name+".key"))
	tw.Flush()
	return exitOK
}

func runIDRemove(e *env, args []string) int {
	fs := subFlags("id", "rm", "NAME", "Deletes an identity (its certificate and key) and its scopes.")
	pos, code, ok := parseSub(e, fs, args, "NAME")
	if !ok {
		return code
	}
	name := pos[0]
	scopes, ok := loadScopes(e, fs)
	if !ok {
		return exitFailure
	}
	if err := e.idStore().Remove(name); err != nil {
		if errors.Is(err, identity.ErrNotFound) {
			return failf(e, fs, "no identity called %q (see propus id list)", name)
		}
		return failf(e, fs, "%v", err)
	}
	if len(scopes.List()[name]) > 0 {
		scopes.RemoveAll(name)
		if err := scopes.Save(); err != nil {
			return failf(e, fs, "identity removed, but its scopes were not: %v", err)
		}
	}
	fmt.Fprintf(e.stdout, "Removed identity %s\n", sanitize.Line(name))
	return exitOK
}

func runIDRename(e *env, args []string) int {
	fs := subFlags("id", "rename", "OLD NEW", "Renames an identity and its scopes. The certificate and its fingerprint stay\nthe same, so servers still recognise it.")
	pos, code, ok := parseSub(e, fs, args, "OLD", "NEW")
	if !ok {
		return code
	}
	oldName, newName := pos[0], pos[1]
	if err := identity.CheckName(newName); err != nil {
		return usagef(e, fs, "%v", err)
	}
	scopes, ok := loadScopes(e, fs)
	if !ok {
		return exitFailure
	}
	if err := e.idStore().Rename(oldName, newName); err != nil {
		if errors.Is(err, identity.ErrNotFound) {
			return failf(e, fs, "no identity called %q (see propus id list)", oldName)
		}
		if errors.Is(err, identity.ErrExists) {
			return failf(e, fs, "an identity called %q already exists", newName)
		}
		return failf(e, fs, "%v", err)
	}
	if len(scopes.List()[oldName]) > 0 {
		if err := scopes.Rename(oldName, newName); err != nil {
			return failf(e, fs, "%v", err)
		}
		if err := scopes.Save(); err != nil {
			return failf(e, fs, "identity renamed, but its scopes were not: %v", err)
		}
	}
	fmt.Fprintf(e.stdout, "Renamed identity %s to %s\n", sanitize.Line(oldName), sanitize.Line(newName))
	return exitOK
}

func runIDImport(e *env, args []string) int {
	fs := subFlags("id", "import", "NAME CERT.pem [KEY.pem]",
		"Imports an identity from a PEM certificate and an unencrypted PEM private key\n(PKCS #8, SEC 1 or PKCS #1), as Lagrange, Telescope and openssl write them:\none file holding both, or two files.")
	pos, code, ok := parseSubRange(e, fs, args, 2, "NAME", "CERT.pem", "KEY.pem")
	if !ok {
		return code
	}
	name, certPath := pos[0], pos[1]
	keyPath := certPath
	if len(pos) == 3 {
		keyPath = pos[2]
	}
	if err := identity.CheckName(name); err != nil {
		return usagef(e, fs, "%v", err)
	}
	id, err := identity.Load(name, certPath, keyPath)
	if err != nil {
		return failf(e, fs, "%v", err)
	}
	if err := e.idStore().Add(id); err != nil {
		if errors.Is(err, identity.ErrExists) {
			return failf(e, fs, "an identity called %q already exists", name)
		}
		return failf(e, fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "Imported identity %s (%s), valid until %s\n", sanitize.Line(name), id.CertificateHash(), expiry(id.Expires()))
	return exitOK
}

func runIDExport(e *env, args []string) int {
	fs := subFlags("id", "export", "NAME [--out DIR]",
		"Writes an identity as PEM: with --out, to DIR/NAME.crt and DIR/NAME.key (mode\n0600), refusing to replace existing files; without, the certificate and then\nthe private key to stdout, the single-file form `propus id import` reads.")
	out := fs.String("out", "", "write NAME.crt and NAME.key into `DIR`")
	pos, code, ok := parseSub(e, fs, args, "NAME")
	if !ok {
		return code
	}
	id, ok := getIdentity(e, fs, pos[0])
	if !ok {
		return exitFailure
	}
	if *out == "" {
		certPEM, keyPEM, err := id.MarshalPEM()
		if err != nil {
			return failf(e, fs, "%v", err)
		}
		e.stdout.Write(certPEM)
		e.stdout.Write(keyPEM)
		return exitOK
	}
	certPath := filepath.Join(*out, id.Name+".crt")
	keyPath := filepath.Join(*out, id.Name+".key")
	for _, p := range []string{certPath, keyPath} {
		if _, err := os.Lstat(p); err == nil {
			return failf(e, fs, "%s already exists; not replacing it", p)
		}
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return failf(e, fs, "%v", err)
	}
	if err := id.Save(certPath, keyPath); err != nil {
		return failf(e, fs, "%v", err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s and %s\n", certPath, keyPath)
	return exitOK
}

func runIDScope(e *env, args []string) int {
	fs := subFlags("id", "scope", "NAME add|rm URL",
		"Adds or removes a scope of an identity: a URL where propus presents it, with\neverything below it. A scope belongs to one identity; adding it moves it.")
	pos, code, ok := parseSub(e, fs, args, "NAME", "add|rm", "URL")
	if !ok {
		return code
	}
	name, op := pos[0], pos[1]
	if op != "add" && op != "rm" {
		return usagef(e, fs, "unknown action %q: use add or rm", op)
	}
	sc, err := identity.ParseScope(pos[2])
	if err != nil {
		return usagef(e, fs, "bad URL %q: %v", pos[2], err)
	}
	scopes, ok := loadScopes(e, fs)
	if !ok {
		return exitFailure
	}
	if op == "add" {
		if _, ok := getIdentity(e, fs, name); !ok {
			return exitFailure
		}
		if err := scopes.Add(name, sc); err != nil {
			return failf(e, fs, "%v", err)
		}
	} else {
		found := false
		for _, s := range scopes.List()[name] {
			found = found || s == sc
		}
		if !found {
			return failf(e, fs, "%s is not a scope of %q (see propus id show %s)", sc, name, name)
		}
		scopes.Remove(name, sc)
	}
	if err := scopes.Save(); err != nil {
		return failf(e, fs, "%v", err)
	}
	if op == "add" {
		fmt.Fprintf(e.stdout, "%s now uses %s\n", sc, sanitize.Line(name))
	} else {
		fmt.Fprintf(e.stdout, "%s no longer uses %s\n", sc, sanitize.Line(name))
	}
	return exitOK
}
