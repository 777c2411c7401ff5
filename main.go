// Command hubadmin is a self-hosted dashboard and REST API for the
// integrations of a messaging hub. See README.md.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/handlers"
)

// shutdownGrace is how long new requests get 503 before the listener closes.
const shutdownGrace = 2 * time.Second

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	if code := report(err, os.Stderr); code != 0 {
		os.Exit(code)
	}
}

// report tells a command's error on stderr, once, and is the exit
// status: 0 (none, or -h: the flags were printed, as asked), 2 for a
// command line that is not the command's (a flag it does not take, a
// flag given twice, a word left after the flags, an unknown command or
// action: flag.ExitOnError's status), 1 for any other error. A command's
// error is "hubadmin <command>: ...", followed for a flag the command
// does not know by a line saying where its flags are listed.
func report(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if ce := (*cmdError)(nil); errors.As(err, &ce) {
		fmt.Fprintln(stderr, "hubadmin "+ce.Error())
	} else {
		fmt.Fprintln(stderr, "hubadmin:", err)
	}
	if ue := (*usageError)(nil); errors.As(err, &ue) {
		if ue.hint != "" {
			fmt.Fprintln(stderr, ue.hint)
		}
		return 2
	}
	return 1
}

// cmdError is an error of a command ("token create"), which its message
// starts with, once.
type cmdError struct {
	cmd string
	err error
}

func (e *cmdError) Error() string {
	return e.cmd + ": " + strings.TrimPrefix(e.err.Error(), e.cmd+": ")
}

func (e *cmdError) Unwrap() error { return e.err }

// usageError is a command line that is not the command's: exit status 2,
// with hint (if any) on a line of its own after the error.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }

func (e *usageError) Unwrap() error { return e.err }

// helpHint is where a command's flags are listed.
func helpHint(cmd string) string {
	return fmt.Sprintf("Run 'hubadmin %s --help' for its flags.", cmd)
}

// gcPercent is the server's GOGC unless the environment sets one. The live
// heap of a serving hubadmin is a few megabytes (SQLite's page caches live
// outside it), so Go's default of 100 collected every ~10 ms under load;
// 400 lets the heap grow to ~15 MB between collections: the built binary
// then served ~13 % more list requests per second, for ~12 MB more RSS.
const gcPercent = 400

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

// options are the flags of SPEC 2, each with its environment variable.
// Every command takes them all and checks them as serve does (a script may
// pass one set to each); the database, its key and the log format are
// what the commands other than serve use.
type options struct {
	addr, dbPath, keyFile, providers, secureCookies, publicURL, logFormat string
	metricsToken, trustedProxies                                          string
	proxies                                                               []*net.IPNet // trustedProxies, parsed by checkSettings
	allowPrivate                                                          bool
	rateLimit                                                             float64
	// envErrs are environment variables that could not be read as their
	// flag's type: reported by checkSettings, not replaced by the default,
	// unless the flag itself is given, which wins over its variable.
	envErrs []envErr
}

type envErr struct {
	flag string
	err  error
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// commonFlags are the flags of every command: the database and its key.
func commonFlags(fs *flag.FlagSet) *options {
	o := &options{}
	fs.StringVar(&o.dbPath, "db", env("HUBADMIN_DB", "./data/hubadmin.db"), "SQLite database file (HUBADMIN_DB)")
	fs.StringVar(&o.keyFile, "secret-key-file", env("HUBADMIN_SECRET_KEY_FILE", ""), "secret key file, default <db>.key (HUBADMIN_SECRET_KEY_FILE)")
	return o
}

// serveFlags are the server's own flags.
func serveFlags(fs *flag.FlagSet, o *options) {
	fs.StringVar(&o.addr, "addr", env("HUBADMIN_ADDR", "127.0.0.1:8080"), "listen address (HUBADMIN_ADDR)")
	fs.StringVar(&o.providers, "providers", env("HUBADMIN_PROVIDERS", "live"), "live or sandbox (HUBADMIN_PROVIDERS)")
	allow, err := strconv.ParseBool(env("HUBADMIN_ALLOW_PRIVATE_WEBHOOKS", "false"))
	if err != nil {
		o.envErrs = append(o.envErrs, envErr{"allow-private-webhooks",
			fmt.Errorf("HUBADMIN_ALLOW_PRIVATE_WEBHOOKS must be true or false, not %q", os.Getenv("HUBADMIN_ALLOW_PRIVATE_WEBHOOKS"))})
	}
	fs.BoolVar(&o.allowPrivate, "allow-private-webhooks", allow, "let webhooks reach private addresses (HUBADMIN_ALLOW_PRIVATE_WEBHOOKS)")
	fs.StringVar(&o.secureCookies, "secure-cookies", env("HUBADMIN_SECURE_COOKIES", "auto"), "auto, true or false (HUBADMIN_SECURE_COOKIES)")
	rl, err := strconv.ParseFloat(env("HUBADMIN_RATE_LIMIT", "20"), 64)
	if err != nil {
		o.envErrs = append(o.envErrs, envErr{"rate-limit",
			fmt.Errorf("HUBADMIN_RATE_LIMIT must be a number of requests per second, not %q", os.Getenv("HUBADMIN_RATE_LIMIT"))})
	}
	fs.Float64Var(&o.rateLimit, "rate-limit", rl, "requests per second per API token, burst twice that (HUBADMIN_RATE_LIMIT)")
	fs.StringVar(&o.publicURL, "public-url", env("HUBADMIN_PUBLIC_URL", ""), "external base URL, e.g. https://hub.example.com (HUBADMIN_PUBLIC_URL)")
	fs.StringVar(&o.metricsToken, "metrics-token", env("HUBADMIN_METRICS_TOKEN", ""), "enables GET /metrics behind 'Authorization: Bearer <token>'; empty = /metrics is 404 (HUBADMIN_METRICS_TOKEN)")
	fs.StringVar(&o.trustedProxies, "trusted-proxies", env("HUBADMIN_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For names the client: comma-separated addresses or CIDR ranges, e.g. 127.0.0.1,10.0.0.0/8; empty = the connection's address (HUBADMIN_TRUSTED_PROXIES)")
	fs.StringVar(&o.logFormat, "log-format", env("HUBADMIN_LOG_FORMAT", "text"), "text or json (HUBADMIN_LOG_FORMAT)")
}

// checkSettings refuses settings that would not do what they say, for
// every command alike: a script may pass one set of flags and variables
// to migrate and serve, and a setting serve would refuse must not pass
// unnoticed until then. fs is parsed: it tells which flags were given.
func (o *options) checkSettings(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, e := range o.envErrs {
		if !given[e.flag] {
			return e.err
		}
	}
	// A refused value is named where it came from: the flag, or the
	// environment variable when no flag was given.
	from := func(flagName string) string {
		if v := "HUBADMIN_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_")); !given[flagName] && os.Getenv(v) != "" {
			return v
		}
		return "--" + flagName
	}
	if math.IsNaN(o.rateLimit) || o.rateLimit <= 0 {
		return fmt.Errorf("%s must be a number of requests per second above 0 (Inf for no limit), not %v", from("rate-limit"), o.rateLimit)
	}
	if o.secureCookies != "auto" && o.secureCookies != "true" && o.secureCookies != "false" {
		return fmt.Errorf("%s must be auto, true or false, not %q", from("secure-cookies"), o.secureCookies)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return fmt.Errorf("%s must be text or json, not %q", from("log-format"), o.logFormat)
	}
	if o.providers != "live" && o.providers != "sandbox" {
		return fmt.Errorf("%s must be live or sandbox, not %q", from("providers"), o.providers)
	}
	for _, p := range strings.Split(o.trustedProxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pre, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil || a.Zone() != "" {
				return fmt.Errorf("%s must list addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1), not %q", from("trusted-proxies"), p)
			}
			pre = netip.PrefixFrom(a, a.BitLen())
		}
		pre = pre.Masked()
		bits := 128
		if pre.Addr().Is4() {
			bits = 32
		}
		o.proxies = append(o.proxies, &net.IPNet{IP: pre.Addr().AsSlice(), Mask: net.CIDRMask(pre.Bits(), bits)})
	}
	if o.publicURL != "" {
		u, err := url.Parse(o.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%s must be the server's external base URL, like https://hub.example.com, not %q", from("public-url"), o.publicURL)
		}
	}
	return nil
}

// parseCommand reads a command's flags (parse) and checks the settings
// every command takes as serve does (checkSettings).
func parseCommand(fs *flag.FlagSet, o *options, args []string) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	return o.checkSettings(fs)
}

// parse reads a command's flags; its errors are usageErrors. The flag
// package's own message is not printed: main tells the error once, and
// -h prints the flags. A flag of another command is named as such, one of
// the command's own flags given twice is refused (the flag package would
// take the last without a word), and anything left over is refused: the
// flag package stops at the first word that is not a flag and leaves the
// rest unread, so "--name ci bot --scope read" would otherwise make a
// token named "ci" with the default scope, write.
func parse(fs *flag.FlagSet, args []string) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return flagError(fs.Name(), err)
	}
	given := givenFlags(fs, args[:len(args)-fs.NArg()])
	seen := map[string]string{}
	for _, g := range given {
		if _, own := commandFlags[g.name]; !own {
			continue // a setting: given again, the last wins (a wrapper's override)
		}
		if first, twice := seen[g.name]; twice {
			return &usageError{err: fmt.Errorf("--%s given twice (%q, then %q); give it once", g.name, first, g.value)}
		}
		seen[g.name] = g.value
	}
	if fs.NArg() == 0 {
		return nil
	}
	stray := fs.Arg(0)
	before := args[:len(args)-fs.NArg()]
	// A switch takes no separate value: "--allow-private-webhooks false"
	// sets it to true and leaves "false" over.
	if _, isBool := strconv.ParseBool(stray); isBool == nil && len(before) > 0 {
		if name := boolFlag(fs, before[len(before)-1]); name != "" {
			return &usageError{err: fmt.Errorf("unexpected argument %q: --%s is a switch, whose value goes after an equals sign: write --%s=%s",
				stray, name, name, stray)}
		}
	}
	// "hubadmin --db x.db migrate" is serve (the default) with a stray
	// word: the command comes first.
	if fs.Name() == "serve" && commands[stray] {
		return &usageError{err: fmt.Errorf("unexpected argument %q: the command comes first and its flags after it (hubadmin %s)",
			stray, shellWords(append(fs.Args(), before...)))}
	}
	// "--name ci bot": a value with a space, unquoted. The words up to
	// the next flag are what the value would have been. A value that
	// holds a space already was quoted: the word after it is a stray.
	if n := len(given); n > 0 && spacedValues[given[n-1].name] && strings.HasSuffix(before[len(before)-1], given[n-1].value) &&
		!strings.Contains(given[n-1].value, " ") {
		words := []string{given[n-1].value}
		for _, w := range fs.Args() {
			if strings.HasPrefix(w, "-") {
				break
			}
			words = append(words, w)
		}
		return &usageError{err: fmt.Errorf("unexpected argument %q: a value with spaces needs quotes: --%s %s",
			stray, given[n-1].name, shellWords([]string{strings.Join(words, " ")}))}
	}
	return &usageError{err: fmt.Errorf("unexpected argument %q: %s takes flags only, no arguments", stray, fs.Name()),
		hint: helpHint(fs.Name())}
}

// spacedValues are the flags whose values may hold a space, for parse's
// advice to quote them.
var spacedValues = map[string]bool{"name": true, "tenant": true, "db": true, "secret-key-file": true, "to": true}

// commandFlags are the flags of one command or a few, beside the settings
// every command takes, with the commands that take each.
var commandFlags = map[string][]string{
	"name":           {"tenant create", "token create", "client create"},
	"email":          {"user create", "user password"},
	"role":           {"user create"},
	"scope":          {"token create", "client create"},
	"tenant":         {"user create", "token create", "client create"},
	"password-stdin": {"user create", "user password"},
	"to":             {"backup"},
	"yes":            {"secrets forget"},
}

// flagError is a usageError for the flag package's error: a flag of
// another command says what this one takes instead.
func flagError(cmd string, err error) error {
	name, undefined := strings.CutPrefix(err.Error(), "flag provided but not defined: -")
	if !undefined {
		return &usageError{err: err, hint: helpHint(cmd)}
	}
	if owners, ok := commandFlags[name]; ok {
		return &usageError{err: fmt.Errorf("--%s is not a flag of %s (%s)", name, cmd, insteadOf(cmd, name, owners))}
	}
	return &usageError{err: fmt.Errorf("unknown flag --%s", name), hint: helpHint(cmd)}
}

// insteadOf says what cmd takes instead of the flag name, or which
// commands take it.
func insteadOf(cmd, name string, owners []string) string {
	switch {
	case name == "role" && cmd == "token create":
		return "tokens take --scope read|write"
	case name == "role" && cmd == "client create":
		return "API clients take --scope read|write"
	case name == "scope" && cmd == "user create":
		return "users take --role admin|editor|viewer"
	case name == "name" && strings.HasPrefix(cmd, "user "):
		return "a user is known by --email"
	case name == "tenant" && cmd == "tenant create":
		return "tenant create takes --name"
	case name == "tenant" && cmd == "user password":
		return "--email finds the user in any tenant"
	case cmd == "tenant create" && (name == "email" || name == "role" || name == "password-stdin"):
		return "tenant create makes no user: hubadmin user create --tenant T makes one"
	}
	list := owners[0]
	if n := len(owners); n > 1 {
		list = strings.Join(owners[:n-1], ", ") + " and " + owners[n-1]
	}
	return "it is a flag of " + list
}

// givenFlag is a flag as given on the command line.
type givenFlag struct{ name, value string }

// givenFlags are the flags in args, as the flag package read them: args
// are the words fs.Parse took, without error.
func givenFlags(fs *flag.FlagSet, args []string) []givenFlag {
	var out []givenFlag
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !hasValue {
			if boolFlag(fs, a) != "" {
				value = "true"
			} else if i+1 < len(args) {
				i++
				value = args[i]
			}
		}
		out = append(out, givenFlag{name, value})
	}
	return out
}

// commands are the binary's commands, for parse's advice.
var commands = map[string]bool{"serve": true, "migrate": true, "user": true, "tenant": true, "token": true,
	"client": true, "backup": true, "secrets": true, "version": true, "help": true}

// boolFlag is the name of the switch (a boolean flag) that arg sets
// without a value ("-x", "--x"), or "".
func boolFlag(fs *flag.FlagSet, arg string) string {
	name := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if name == arg || strings.Contains(name, "=") {
		return ""
	}
	f := fs.Lookup(name)
	if f == nil {
		return ""
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return name
	}
	return ""
}

// shellWords writes args as a shell command line, quoting what needs it.
func shellWords(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;!#~") {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}

func (o *options) key() string {
	if o.keyFile != "" {
		return o.keyFile
	}
	return o.dbPath + ".key"
}

const usage = `hubadmin — dashboard and REST API for a messaging hub's integrations

Commands:
  serve                     run the server (migrates the database first); the default
  migrate                   apply pending migrations and exit
  user create --email E --role admin|editor|viewer [--tenant T] --password-stdin
  user password --email E --password-stdin    set a user's password (a forgotten one); ends their sessions
  tenant create --name N    prints the new tenant's id
  token create --name N [--scope read|write] [--tenant T]    prints the token
  client create --name N [--scope read|write] [--tenant T]   prints client_id and client_secret
  backup --to FILE          consistent online copy of the database
  secrets rotate            replace the secret key (the server stopped); the old one is kept for old backups
  secrets forget [--yes]    a lost secret key: list (--yes: delete) the integrations whose secrets it sealed
  version                   version and build info

Run "hubadmin <command> -h" for its flags.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			// Before serve's flags would take it: the command list is the help.
			fmt.Fprint(stdout, usage)
			return nil
		case "-version", "--version":
			args = append([]string{"version"}, args[1:]...)
		}
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	// in names the command in its error: "hubadmin token create: ...".
	in := func(name string, err error) error {
		if err == nil || errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &cmdError{cmd: name, err: err}
	}
	sub := func(actions string) (string, []string, error) {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return "", nil, in(cmd, &usageError{err: fmt.Errorf("which action? (%s)", actions)})
		}
		return args[0], args[1:], nil
	}
	switch cmd {
	case "serve":
		return in("serve", serve(ctx, args, stderr))
	case "migrate":
		return in("migrate", migrate(ctx, args, stderr))
	case "user", "tenant", "token", "client":
		actions := "create"
		if cmd == "user" {
			actions = "create, password"
		}
		action, rest, err := sub(actions)
		if err != nil {
			return err
		}
		if cmd == "user" && action == "password" {
			return in("user password", userPassword(ctx, rest, stdin, stderr))
		}
		if action != "create" {
			return in(cmd, &usageError{err: fmt.Errorf("unknown action %q (%s)", action, actions)})
		}
		return in(cmd+" create", create(ctx, cmd, rest, stdin, stdout, stderr))
	case "secrets":
		action, rest, err := sub("forget, rotate")
		switch {
		case err != nil:
			return err
		case action == "forget":
			return in("secrets forget", secretsForget(ctx, rest, stdout, stderr))
		case action == "rotate":
			return in("secrets rotate", secretsRotate(ctx, rest, stdout, stderr))
		}
		return in("secrets", &usageError{err: fmt.Errorf("unknown action %q (forget, rotate)", action)})
	case "backup":
		return in("backup", backup(ctx, args, stderr))
	case "version":
		if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage of hubadmin version: prints the version, the Go version and the build's settings (commit, time) when the binary carries them; no flags.")
			return nil
		}
		if len(args) > 0 {
			return in("version", &usageError{err: fmt.Errorf("unexpected argument %q (version takes no arguments or flags)", args[0])})
		}
		fmt.Fprintln(stdout, "hubadmin", version)
		if bi, ok := debug.ReadBuildInfo(); ok {
			fmt.Fprintln(stdout, bi.GoVersion)
			for _, s := range bi.Settings {
				if strings.HasPrefix(s.Key, "vcs.") {
					fmt.Fprintf(stdout, "%s=%s\n", s.Key, s.Value)
				}
			}
		}
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{err: fmt.Errorf("unknown command %q", cmd)}
}

func migrate(ctx context.Context, args []string, stderr io.Writer) error {
	fs, o := newFlags("migrate", stderr)
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	if err := db.CheckPath(o.dbPath); err != nil {
		return err
	}
	// Not beside a running server: an older one would go on
	// writing a schema it does not know. One already at this binary's
	// schema has nothing to apply, so that is said and is no failure
	// (a deploy's "hubadmin migrate && restart" goes on).
	release, err := db.HoldAlone(o.dbPath)
	if errors.Is(err, db.ErrInUse) {
		if s, serr := db.ReadSchema(ctx, o.dbPath); serr == nil && s.Current == s.Latest {
			fmt.Fprintf(stderr, "database %s is up to date (schema %d); a server has it open\n", absPath(o.dbPath), s.Current)
			return nil
		}
	}
	if err != nil {
		return err
	}
	defer release()
	_, statErr := os.Stat(o.dbPath)
	from, to, err := db.Migrate(ctx, o.dbPath)
	if err != nil {
		return err
	}
	switch {
	case errors.Is(statErr, os.ErrNotExist):
		sayCreated(stderr, o.dbPath, to)
	case from == to:
		fmt.Fprintf(stderr, "database %s is up to date (schema %d)\n", absPath(o.dbPath), to)
	default:
		fmt.Fprintf(stderr, "database %s: schema %d → %d\n", absPath(o.dbPath), from, to)
	}
	return nil
}

func backup(ctx context.Context, args []string, stderr io.Writer) error {
	fs, o := newFlags("backup", stderr)
	to := fs.String("to", "", "destination file")
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("--to FILE is required")
	}
	// Never Open: it would create a missing database and migrate an
	// older one, and a backup taken before an upgrade must be the old
	// database, which the old binary opens.
	err := db.BackupFile(ctx, o.dbPath, *to)
	if missing := (*db.MissingError)(nil); errors.As(err, &missing) {
		return noDatabase("backup", missing.Path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, "backup written to", *to)
	return nil
}

// absPath is path made absolute for messages, as given when that fails.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// newFlags is a command's flag set. Every command takes the server's
// flags too, and checks them as serve does, though only serve uses them:
// a script may pass one set of flags to each command (hubadmin migrate
// "$@" && hubadmin serve "$@").
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *options) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := commonFlags(fs)
	serveFlags(fs, o)
	fs.Usage = func() { commandUsage(fs, name) }
	return fs, o
}

// commandUsage prints a command's flags: serve's all; another command's
// own and the database's first, then serve's by name only, which it takes
// and checks but does not use (see newFlags), so they do not bury the
// flags that matter to it.
func commandUsage(fs *flag.FlagSet, name string) {
	out := fs.Output()
	fmt.Fprintf(out, "Usage of hubadmin %s:\n", name)
	if name == "serve" {
		fs.PrintDefaults()
		return
	}
	served := flag.NewFlagSet("", flag.ContinueOnError)
	serveFlags(served, &options{})
	own := flag.NewFlagSet(name, flag.ContinueOnError)
	own.SetOutput(out)
	var others []string
	fs.VisitAll(func(f *flag.Flag) {
		if served.Lookup(f.Name) != nil {
			others = append(others, "-"+f.Name)
			return
		}
		own.Var(f.Value, f.Name, f.Usage)
		own.Lookup(f.Name).DefValue = f.DefValue
	})
	own.PrintDefaults()
	fmt.Fprintf(out, "\nIt also takes serve's flags (%s) and checks them as serve does, so one set of flags fits every command; \"hubadmin serve -h\" describes them.\n",
		strings.Join(others, ", "))
}

// readTimeout is how long a request, headers and body, may take to
// arrive. A body (1 MiB at most) sent a byte at a time, or one that stops
// coming, would otherwise hold its connection and goroutine for as long
// as the client likes; when it runs out the handler reading the body
// answers 408 (handlers' readBody). 30 s is ample for 1 MiB on any link a
// person would use, and a client left waiting longer only learns later.
const readTimeout = 30 * time.Second

// newHTTPServer is the server's HTTP side.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: readTimeout, IdleTimeout: 120 * time.Second}
}

// openStore opens the database with the secret key (created on first use).
// serve (upgrade) migrates; the other commands create and migrate a new
// database (one line on stderr says where, so a mistyped --db shows) and
// refuse one at an older schema, which a server of the older version may
// still be running on. A key file missing beside a database that holds
// sealed secrets is lost, not new: a new key would open none of them, so
// nothing is created and the error says what to restore. A key that is
// there but is not the one that sealed them is refused by db.Open. The
// database path is checked before anything is created, the key file
// included.
func openStore(ctx context.Context, o *options, logger *slog.Logger, stderr io.Writer, upgrade bool) (*db.DB, *db.Sealer, error) {
	if err := db.CheckPath(o.dbPath); err != nil {
		return nil, nil, err
	}
	schema, err := db.ReadSchema(ctx, o.dbPath)
	if err != nil {
		return nil, nil, err
	}
	if err := schema.Check(o.dbPath, upgrade); err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(o.key()); errors.Is(err, os.ErrNotExist) {
		sealed, err := db.HasSealedSecrets(ctx, o.dbPath)
		if err != nil {
			return nil, nil, err
		}
		if sealed {
			return nil, nil, fmt.Errorf("secret key file %s is missing, and the database %s holds secrets sealed with a key: "+
				"restore that key file (or point --secret-key-file at it); nothing was changed. If it is lost for good, "+
				"'hubadmin secrets forget' lists the integrations that cannot be opened, and with --yes deletes them", o.key(), o.dbPath)
		}
	}
	key, err := db.LoadOrCreateKey(o.key())
	if err != nil {
		return nil, nil, fmt.Errorf("secret key: %w", err)
	}
	// Made 0600; one others can read opens every stored credential.
	if fi, err := os.Stat(o.key()); err == nil && fi.Mode().Perm()&0o077 != 0 {
		logger.Warn("the secret key file can be read by other users of this machine: it opens every stored credential; make it private with chmod 600",
			"file", o.key(), "mode", fmt.Sprintf("%04o", fi.Mode().Perm()))
	}
	seal, err := db.NewSealer(key)
	if err != nil {
		return nil, nil, err
	}
	open := db.OpenCurrent
	if upgrade {
		open = db.Open
	}
	d, err := open(ctx, o.dbPath, seal)
	if errors.Is(err, db.ErrWrongKey) {
		if _, serr := os.Stat(o.key() + ".new"); serr == nil {
			return nil, nil, fmt.Errorf("%w. A 'hubadmin secrets rotate' was cut short after sealing them with the key in %s: run it again to finish", err, o.key()+".new")
		}
	}
	if err == nil && !upgrade && schema.Fresh() {
		sayCreated(stderr, o.dbPath, schema.Latest)
	}
	return d, seal, err
}

// sayCreated tells, on stderr, where a command made a new database: a
// mistyped --db shows at once.
func sayCreated(stderr io.Writer, path string, schema int64) {
	fmt.Fprintf(stderr, "created a new database at %s (schema %d)\n", absPath(path), schema)
}

// noDatabase refuses a command that needs an existing database.
func noDatabase(cmd, path string) error {
	return fmt.Errorf("%s: %w; --db names it", cmd, &db.MissingError{Path: absPath(path)})
}

// logger is the configured logger: text or json on stderr (checkSettings
// refuses any other --log-format).
func (o *options) logger(stderr io.Writer) *slog.Logger {
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, nil))
	}
	return slog.New(slog.NewTextHandler(stderr, nil))
}

// create is user, tenant, token and client create. Each takes only its
// own flags (besides the settings every command takes): a flag of
// another, which the command would ignore, is refused (parse). Each
// writes the audit entry the dashboard writes for the same change, with
// the actor "cli"; tenant create, which makes no user, writes none (the
// dashboard has no tenant action).
func create(ctx context.Context, what string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, o := newFlags(what+" create", stderr)
	var name, email, role, scope, tenantRef string
	var pwStdin bool
	switch what {
	case "user":
		fs.StringVar(&email, "email", "", "the user's email (required)")
		fs.StringVar(&role, "role", "", "admin, editor or viewer (required)")
		fs.StringVar(&tenantRef, "tenant", "", "tenant id or name (default tenant when empty)")
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from stdin")
	case "tenant":
		fs.StringVar(&name, "name", "", "the tenant's name (required)")
	case "token", "client":
		fs.StringVar(&name, "name", "", "the "+what+"'s name, as the dashboard lists it (required)")
		fs.StringVar(&scope, "scope", "write", "read or write")
		fs.StringVar(&tenantRef, "tenant", "", "tenant id or name (default tenant when empty)")
	}
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	// Every argument is checked before the database is opened: a refused
	// command leaves no new database or key file behind.
	if (what == "token" || what == "client") && scope != "read" && scope != "write" {
		return fmt.Errorf("--scope must be read or write, not %q", scope)
	}
	if what != "user" && strings.TrimSpace(name) == "" {
		return errors.New("--name is required")
	}
	if what != "user" {
		// The dashboard's rule for names: one line of visible text, no
		// control, text-direction or invisible characters, 100 at most.
		n, err := handlers.CheckName("--name", name)
		if err != nil {
			return err
		}
		name = n
	}
	if what == "tenant" {
		if err := db.CheckTenantName(name); err != nil {
			return fmt.Errorf("%q: %w", name, err)
		}
	}
	// A new database holds the default tenant only: any other --tenant is
	// refused before the database would be made for nothing.
	if ref := strings.TrimSpace(tenantRef); ref != "" && !db.IsDefaultTenantRef(ref) {
		if _, err := os.Stat(o.dbPath); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("tenant %q: %w (a new database at %s would hold the default tenant only; --db names the database)", tenantRef, db.ErrNotFound, absPath(o.dbPath))
		}
	}
	var pw string
	if what == "user" {
		if err := checkEmail("user create", email); err != nil {
			return err
		}
		if role != "admin" && role != "editor" && role != "viewer" {
			return errors.New("--role must be admin, editor or viewer")
		}
		var err error
		if pw, err = readPassword("user create", pwStdin, stdin, stderr); err != nil {
			return err
		}
	}
	logger := o.logger(stderr)
	d, _, err := openStore(ctx, o, logger, stderr, false)
	if err != nil {
		return err
	}
	defer d.Close()
	tenantID := db.DefaultTenantID
	if tenantRef != "" {
		t, err := d.TenantByRef(ctx, tenantRef)
		if err != nil {
			return fmt.Errorf("tenant %q: %w", tenantRef, err)
		}
		tenantID = t.ID
	}
	// audit writes the entry as the dashboard does, after the change; one
	// that cannot be written is warned about, and what was made is still
	// printed (it exists, and its secret is shown once).
	audit := func(a db.Audit, objType, objID, objName string) {
		a.Actor = "cli"
		if err := d.RecordAudit(ctx, tenantID, a, objType, objID, objName); err != nil {
			logger.Warn("unable to write audit entry", "action", a.Action, "err", err)
		}
	}
	switch what {
	case "tenant":
		t, err := d.CreateTenant(ctx, name)
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("a tenant named %q already exists", name)
		}
		if err != nil {
			return err
		}
		// Its own log's first line: when and by what it was made.
		tenantID = t.ID
		audit(db.Audit{Action: "tenant.create"}, "tenant", t.ID, t.Name)
		fmt.Fprintln(stdout, t.ID)
	case "token":
		t, plain, err := d.CreateToken(ctx, db.Token{TenantID: tenantID, Name: name, Scope: scope})
		if err != nil {
			return err
		}
		audit(db.Audit{Action: "token.create", Detail: "scope " + scope + ", …" + t.Hint}, "token", t.ID, t.Name)
		fmt.Fprintln(stdout, plain)
	case "client":
		cl, secret, err := d.CreateClient(ctx, db.Client{TenantID: tenantID, Name: name, Scope: scope})
		if err != nil {
			return err
		}
		audit(db.Audit{Action: "client.create", Detail: "scope " + scope}, "client", cl.ID, cl.Name)
		fmt.Fprintln(stdout, cl.ID)
		fmt.Fprintln(stdout, secret)
	case "user":
		hash, err := handlers.HashPassword(pw)
		if err != nil {
			return err
		}
		u, err := d.CreateUser(ctx, db.User{TenantID: tenantID, Email: email, PasswordHash: hash, Role: role})
		if err != nil {
			if errors.Is(err, db.ErrConflict) {
				return fmt.Errorf("a user with email %s already exists", email)
			}
			return err
		}
		audit(db.Audit{Action: "user.create", Detail: "role " + role}, "user", u.ID, u.Email)
		fmt.Fprintln(stderr, "user created:", u.Email, "("+u.Role+")")
	}
	return nil
}

// checkEmail is the dashboard's rule for a user's email (handlers), with
// the flag named.
func checkEmail(cmd, email string) error {
	if email == "" {
		return errors.New(cmd + ": --email is required")
	}
	if !handlers.ValidEmail(email) {
		return fmt.Errorf("%s: --email must be an email address like name@example.com, not %q", cmd, email)
	}
	return nil
}

// passwordTerminal is a terminal to read a password from without echo.
type passwordTerminal interface {
	ReadPassword() ([]byte, error)
}

// ttyFile is standard input when it is a terminal.
type ttyFile struct{ f *os.File }

func (t ttyFile) ReadPassword() ([]byte, error) { return term.ReadPassword(int(t.f.Fd())) }

// terminalOf is stdin as a terminal, or nil for a pipe or a file. A
// reader that is a passwordTerminal already (a test's) is taken as one.
func terminalOf(stdin io.Reader) passwordTerminal {
	if t, ok := stdin.(passwordTerminal); ok {
		return t
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return ttyFile{f}
	}
	return nil
}

// readPassword reads a password given with --password-stdin and checks it.
// On a terminal it asks for it and reads one line without echo (read to
// the end, the typed password would show and wait for Ctrl-D); from a pipe
// it reads everything, and the line break after it is dropped.
func readPassword(cmd string, fromStdin bool, stdin io.Reader, stderr io.Writer) (string, error) {
	if !fromStdin {
		return "", errors.New(cmd + ": --password-stdin is required (the password is read from standard input)")
	}
	var b []byte
	var err error
	if t := terminalOf(stdin); t != nil {
		fmt.Fprint(stderr, "Password: ")
		b, err = t.ReadPassword()
		fmt.Fprintln(stderr) // the Enter that ended it was not echoed
	} else {
		b, err = io.ReadAll(io.LimitReader(stdin, 4096))
	}
	if err != nil {
		return "", err
	}
	pw := strings.TrimRight(string(b), "\r\n")
	// No browser's password field can type one: the user could not sign in.
	if strings.ContainsAny(pw, "\r\n") {
		return "", fmt.Errorf("%s: the password holds a line break; it must be one line (only the line break after it is dropped)", cmd)
	}
	if err := handlers.CheckPassword(pw); err != nil {
		return "", fmt.Errorf("password %w", err)
	}
	return pw, nil
}

// userPassword sets a user's password from standard input: for a
// forgotten one, by whoever runs the server. The user's sessions end.
func userPassword(ctx context.Context, args []string, stdin io.Reader, stderr io.Writer) error {
	fs, o := newFlags("user password", stderr)
	email := fs.String("email", "", "the user's email")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from stdin")
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	if *email == "" { // looked up as stored: users made before today's email rule too
		return errors.New("user password: --email is required")
	}
	pw, err := readPassword("user password", *pwStdin, stdin, stderr)
	if err != nil {
		return err
	}
	// A new database has no users: a mistyped --db, not one to create.
	if err := db.CheckPath(o.dbPath); err != nil {
		return err
	}
	if _, err := os.Stat(o.dbPath); errors.Is(err, os.ErrNotExist) {
		return noDatabase("user password", o.dbPath)
	}
	d, _, err := openStore(ctx, o, o.logger(stderr), stderr, false)
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := d.UserByEmail(ctx, *email)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("no user with email %s", *email)
	}
	if err != nil {
		return err
	}
	hash, err := handlers.HashPassword(pw)
	if err != nil {
		return err
	}
	if err := d.SetPassword(ctx, u, hash, db.Audit{Actor: "cli", Action: "user.password", Detail: "set from the command line; sessions ended"}); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "password set for", u.Email+"; their sessions ended")
	return nil
}

// secretsRotate replaces the secret key, the server stopped: a new key is
// written beside the old (<key>.new), every stored secret is sealed again
// with it in one transaction (sessions end: their cookies were signed with
// the old key), the old key is kept as <key>.<id>.old for backups taken
// before, and the new one takes the key file's place by a rename. Each
// step can be cut short: run again, it finishes with the same new key
// (the key file opens the database at every point but between the commit
// and the rename, where the server's error names <key>.new).
func secretsRotate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, o := newFlags("secrets rotate", stderr)
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	if err := db.CheckPath(o.dbPath); err != nil {
		return err
	}
	if _, err := os.Stat(o.dbPath); err != nil {
		return noDatabase("secrets rotate", o.dbPath)
	}
	release, err := db.HoldAlone(o.dbPath)
	if err != nil {
		return fmt.Errorf("secrets rotate: %w", err)
	}
	defer release() // after d.Close, below: see db.Hold
	old, err := db.ReadKey(o.key())
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("secrets rotate: there is no secret key file at %s to replace (--secret-key-file); nothing was changed", o.key())
	}
	if err != nil {
		return err
	}
	next := o.key() + ".new"
	key, err := db.ReadKey(next)
	switch {
	case err == nil: // a rotation cut short: finish it with its key
		fmt.Fprintf(stderr, "finishing the rotation cut short, with the new key in %s\n", next)
	case errors.Is(err, os.ErrNotExist):
		key = make([]byte, db.KeySize)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		if err := db.WriteKey(next, key); err != nil {
			return fmt.Errorf("secrets rotate: %w", err)
		}
	default:
		return fmt.Errorf("secrets rotate: %w", err)
	}
	seal, err := db.NewSealer(key, old)
	if err != nil {
		return err
	}
	d, err := db.OpenCurrent(ctx, o.dbPath, seal)
	if err != nil {
		return fmt.Errorf("secrets rotate: %w", err)
	}
	n, err := d.Reseal(ctx, "cli")
	d.Close()
	if err != nil {
		if errors.As(err, new(*db.UnreadableSecretsError)) {
			return fmt.Errorf("secrets rotate: %w; neither the key file nor %s opens it, so nothing was changed. 'hubadmin secrets forget' lists the integrations whose key is lost", err, next)
		}
		return fmt.Errorf("secrets rotate: %w; nothing was changed", err)
	}
	kept := fmt.Sprintf("%s.%s.old", o.key(), db.KeyID(old))
	if err := db.WriteKey(kept, old); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("secrets rotate: the secrets are sealed with the new key in %s, but the old key could not be kept: %w; run again to finish", next, err)
	}
	if err := os.Rename(next, o.key()); err != nil {
		return fmt.Errorf("secrets rotate: the secrets are sealed with the new key in %s, but it could not take the place of %s: %w; run again to finish", next, o.key(), err)
	}
	if dir, err := os.Open(filepath.Dir(o.key())); err == nil {
		dir.Sync() // the rename on the disk too, where directories sync
		dir.Close()
	}
	what := "1 integration"
	if n != 1 {
		what = fmt.Sprintf("%d integrations", n)
	}
	fmt.Fprintln(stdout, kept) // the old key's file, for a script to move to where the backups are
	fmt.Fprintf(stderr, "secret key replaced: %s now holds key %s, and the secrets of %s were sealed again with it; every session ended, so everyone signs in again.\n"+
		"The old key (%s) is kept in %s: only backups taken before now need it; delete it once they are gone.\n",
		o.key(), db.KeyID(key), what, db.KeyID(old), kept)
	return nil
}

// secretsForget is the way out of a lost secret key: the integrations
// whose secrets the key file at hand cannot open (all that have secrets,
// when there is no key file) are deleted, each named on stdout and in the
// audit log, so that the server starts again and they can be made anew.
// Nothing else is touched. Without --yes it only lists them.
func secretsForget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, o := newFlags("secrets forget", stderr)
	yes := fs.Bool("yes", false, "delete them (without it, only list them)")
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	known := func(string) bool { return false } // no key file: none opens
	haveKey := false
	if b, err := db.ReadKey(o.key()); err == nil {
		seal, err := db.NewSealer(b)
		if err != nil {
			return fmt.Errorf("secret key file %s: %w", o.key(), err)
		}
		known, haveKey = seal.Knows, true
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	} else if o.keyFile != "" {
		// A path given and not there is far likelier a typo than the
		// key lost: taken as "no key", every secret would be listed, and
		// with --yes deleted.
		return fmt.Errorf("secrets forget: there is no secret key file at %s (--secret-key-file or HUBADMIN_SECRET_KEY_FILE); give the path of the key file. If the key is lost for good, leave the option out: then the secrets that <db>.key cannot open are the ones forgotten", o.key())
	}
	if err := db.CheckPath(o.dbPath); err != nil {
		return err
	}
	if _, err := os.Stat(o.dbPath); err != nil {
		return noDatabase("secrets forget", o.dbPath)
	}
	if *yes {
		// Not beside a running server: it would go on answering for
		// integrations deleted under it until it reads them again.
		release, err := db.HoldAlone(o.dbPath)
		if err != nil {
			return fmt.Errorf("secrets forget: %w", err)
		}
		defer release() // after d.Close, below: see db.Hold
	}
	d, err := db.OpenCurrent(ctx, o.dbPath, nil)
	if err != nil {
		return err
	}
	defer d.Close()
	if !*yes {
		gone, err := d.UnreadableIntegrations(ctx, known)
		if err != nil {
			return err
		}
		for _, u := range gone {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.ID, u.ChannelID, u.Name)
		}
		fmt.Fprintf(stderr, "%s secrets the key file %s cannot open; run again with --yes to delete them\n", integrationsHold(len(gone)), o.key())
		return nil
	}
	if haveKey {
		// A key that opens none of the secrets is another database's key
		// (or a new one put in place by hand), not this one's partly
		// rotated: deleting them all on its word is refused.
		lost, err := d.UnreadableIntegrations(ctx, known)
		if err != nil {
			return err
		}
		all, err := d.UnreadableIntegrations(ctx, func(string) bool { return false })
		if err != nil {
			return err
		}
		if len(lost) > 0 && len(lost) == len(all) {
			// Without a key file, every secret is forgotten. The default
			// key file moved away is no key; a key file named and not
			// there is refused (above), so it is left out instead.
			advice := fmt.Sprintf("move %s away and run again", o.key())
			if o.keyFile != "" {
				advice = fmt.Sprintf("run again without --secret-key-file (and without HUBADMIN_SECRET_KEY_FILE) and with no key file at %s", o.dbPath+".key")
				if _, err := os.Stat(o.dbPath + ".key"); err == nil {
					advice += " (move the one there away)"
				}
				advice += ": a key file named with them must be there, so moving it away would not do"
			}
			return fmt.Errorf("the key file %s opens none of the secrets of the %s, so it is not the key that sealed them; nothing was deleted. Give the right key with --secret-key-file; if that key is lost for good, %s",
				o.key(), integrationsThatHold(len(all)), advice)
		}
	}
	gone, err := d.DeleteUnreadableIntegrations(ctx, known,
		db.Audit{Actor: "cli", Action: "integration.delete", Detail: "its secrets could not be opened: the secret key that sealed them is lost (secrets forget)"})
	if err != nil {
		return err
	}
	for _, u := range gone {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.ID, u.ChannelID, u.Name)
	}
	fmt.Fprintf(stderr, "deleted: %s secrets that could not be opened; make them again with their credentials\n", integrationsHold(len(gone)))
	return nil
}

// integrationsThatHold counts integrations in words: "1 integration that
// holds them".
func integrationsThatHold(n int) string {
	if n == 1 {
		return "1 integration that holds some"
	}
	return fmt.Sprintf("%d integrations that hold some", n)
}

// integrationsHold counts integrations in words: "1 integration holds".
func integrationsHold(n int) string {
	if n == 1 {
		return "1 integration holds"
	}
	return fmt.Sprintf("%d integrations hold", n)
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs, o := newFlags("serve", stderr)
	if err := parseCommand(fs, o, args); err != nil {
		return err
	}
	logger := o.logger(stderr)
	tuneGC()
	// The address first: a port in use must not leave a new (or newly
	// migrated) database behind.
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	// Held shared while serving, so that migrate and secrets rotate are
	// refused beside it; taken before opening (not beside a rotation) or,
	// for a new database, once it exists. Released only after the
	// database is closed (see db.Hold).
	release, err := db.Hold(o.dbPath)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	d, seal, err := openStore(ctx, o, logger, stderr, true)
	if err != nil {
		if release != nil {
			release()
		}
		return err
	}
	if release == nil {
		if release, err = db.Hold(o.dbPath); err != nil {
			d.Close()
			return err
		}
	}
	defer func() {
		d.Close()
		release()
	}()

	var prov channels.Providers
	slackID, slackSecret := os.Getenv("HUBADMIN_SLACK_CLIENT_ID"), os.Getenv("HUBADMIN_SLACK_CLIENT_SECRET")
	switch o.providers {
	case "live":
		hc := channels.NewHTTPClient()
		prov = channels.Providers{
			Twilio:   channels.NewTwilio(env("HUBADMIN_TWILIO_API_URL", channels.DefaultTwilioURL), hc),
			Facebook: channels.NewFacebook(env("HUBADMIN_FACEBOOK_GRAPH_URL", channels.DefaultGraphURL), hc),
			Slack: channels.NewSlack(env("HUBADMIN_SLACK_API_URL", channels.DefaultSlackAPIURL),
				env("HUBADMIN_SLACK_AUTHORIZE_URL", channels.DefaultSlackAuthorizeURL), slackID, slackSecret,
				env("HUBADMIN_SLACK_SCOPES", channels.DefaultSlackScopes), hc),
		}
	case "sandbox":
		prov = channels.Sandbox()
	}

	// On a loopback address (the default), only local names may reach it.
	tcp, _ := ln.Addr().(*net.TCPAddr)
	loopback := tcp != nil && tcp.IP.IsLoopback()
	publicURL := strings.TrimRight(o.publicURL, "/")
	srv := handlers.New(handlers.Config{
		DB: d, Providers: prov, SessionKey: seal.MACKey(), SecureCookies: o.secureCookies, RateLimit: o.rateLimit,
		AllowPrivateWebhooks: o.allowPrivate, PublicURL: publicURL,
		SlackConfigured: prov.Sandbox || (slackID != "" && slackSecret != ""), Version: version, Logger: logger,
		MetricsToken: o.metricsToken, TrustedProxies: o.proxies, LoopbackOnly: loopback,
	})
	hs := newHTTPServer(srv)
	// Caught before the log says the server listens: a supervisor that
	// stops it on that line must find the graceful shutdown.
	sig, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	base := "http://" + ln.Addr().String()
	logger.Info("hubadmin listening", "url", base, "db", absPath(o.dbPath), "providers", o.providers, "version", version)
	if has, err := d.HasUsers(ctx); err == nil && !has {
		logger.Info("no users yet: open the setup page to create the first admin", "setup_url", setupURL(publicURL, ln.Addr())+"?token="+srv.SetupToken())
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-sig.Done():
	}
	// A second signal during the shutdown means now: an operator pressing
	// Ctrl-C again, or a supervisor's last word before SIGKILL. Caught
	// before the first handler stops, so that none falls between the two.
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(again)
	stop()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-again:
			logger.Error("second signal during shutdown: exiting now, without waiting for requests in flight", "signal", s.String())
			os.Exit(1)
		case <-done:
		}
	}()
	// Shutdown: for a short grace period new requests get 503 (and /readyz
	// says so, so a load balancer stops sending), then the listener closes
	// and in-flight requests finish; 15 s in all at most.
	logger.Info("shutting down; a second signal exits at once")
	srv.Drain()
	// Close each connection after its current response, so none is idle
	// (and cut) when the listener shuts.
	hs.SetKeepAlivesEnabled(false)
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	select {
	case <-time.After(shutdownGrace):
	case <-sctx.Done():
	}
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn("shutdown", "err", err)
	}
	return nil
}

// setupURL is the setup page's address for the log, one a browser can
// open: under --public-url when set, else the listening address, with
// localhost for an unspecified one (":18012", "0.0.0.0", "[::]"), which
// no browser opens.
func setupURL(publicURL string, addr net.Addr) string {
	if publicURL != "" {
		return publicURL + "/setup"
	}
	host := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("localhost", strconv.Itoa(tcp.Port))
	}
	return "http://" + host + "/setup"
}
