// Command bench measures hubadmin under load against a ceiling: it seeds a
// realistic data set, starts the real server and a bare echo server on
// loopback in this process, drives both with the same closed-loop load
// (vegeta, same concurrency and duration), and prints throughput, p50/p99
// latency and the ratio to the ceiling for each scenario, with peak RSS,
// start-up time and binary size. With -out, the results are appended to
// that file (BENCHMARKS.md) with a description of the machine.
//
//	go tool task bench -- -integrations 1000000 -duration 10s
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/handlers"
)

type options struct {
	hubs, integrations, batch int
	million                   bool
	load                      loadSettings
	dbPath, out, cpuprofile   string
	only                      string
}

func main() {
	o := options{}
	flag.IntVar(&o.hubs, "hubs", 1000, "hubs to seed")
	flag.IntVar(&o.integrations, "integrations", 100000, "integrations to seed, spread over the hubs and the six channels")
	flag.IntVar(&o.batch, "batch", 20000, "integrations per seeding transaction")
	flag.BoolVar(&o.million, "million", false, "then grow the data set to 1,000,000 integrations and list a hub's integrations again, beside a copy of the data set before it grew")
	flag.IntVar(&o.load.concurrency, "concurrency", 32, "concurrent connections (closed loop)")
	flag.DurationVar(&o.load.duration, "duration", 5*time.Second, "load duration per scenario and per server")
	flag.IntVar(&o.load.rounds, "rounds", 5, "rounds the duration is cut into, alternating the server and the ceiling")
	flag.StringVar(&o.dbPath, "db", "", "database file (default: a new one in a temporary directory, removed afterwards)")
	flag.StringVar(&o.out, "out", "", "append the results to this Markdown file (e.g. BENCHMARKS.md)")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the load phases to this file")
	flag.StringVar(&o.only, "scenarios", "", "comma-separated scenario names to run (default all)")
	flag.Parse()
	if o.load.concurrency < 1 || o.load.duration <= 0 || o.load.rounds < 1 || o.load.duration/time.Duration(o.load.rounds) < 100*time.Millisecond || o.load.duration > 5*time.Minute || o.hubs < 1 || o.integrations < o.hubs {
		fmt.Fprintln(os.Stderr, "bench: need concurrency >= 1, rounds >= 1, 0 < duration <= 5m with at least 100ms per round, hubs >= 1, integrations >= hubs")
		os.Exit(2)
	}
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// app is the real server on loopback.
type app struct {
	db      *db.DB
	base    string
	srv     *http.Server
	timer   *timer
	startup time.Duration
}

func startApp(ctx context.Context, path string, seal *db.Sealer) (*app, error) {
	// As the binary's serve command does (main.go, gcPercent); the load
	// generator in this process gets the same setting.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	t0 := time.Now()
	d, err := db.Open(ctx, path, seal)
	if err != nil {
		return nil, err
	}
	// The request log is formatted as in production, then discarded.
	s := handlers.New(handlers.Config{DB: d, Providers: channels.Sandbox(), SessionKey: seal.MACKey(), SecureCookies: "false",
		RateLimit: 1e9, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "bench"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &app{db: d, base: "http://" + ln.Addr().String(), timer: &timer{}}
	a.srv = &http.Server{Handler: a.timer.wrap(s), ReadHeaderTimeout: 10 * time.Second}
	go a.srv.Serve(ln)
	if err := waitReady(a.base, 30*time.Second); err != nil {
		return nil, err
	}
	a.startup = time.Since(t0)
	return a, nil
}

func waitReady(base string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("%s/readyz not ready after %s", base, limit)
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "hubadmin-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.dbPath == "" {
		o.dbPath = filepath.Join(dir, "bench.db")
	}
	key, err := db.LoadOrCreateKey(o.dbPath + ".key")
	if err != nil {
		return err
	}
	seal, err := db.NewSealer(key)
	if err != nil {
		return err
	}

	// Seed through the store, in large transactions.
	fmt.Printf("seeding %d hubs and %d integrations into %s …\n", o.hubs, o.integrations, o.dbPath)
	t0 := time.Now()
	d, err := db.Open(ctx, o.dbPath, seal)
	if err != nil {
		return err
	}
	ds := &dataset{perHub: map[string]int{}}
	if ds.hubs, err = seedHubs(ctx, d, o.hubs); err != nil {
		return err
	}
	if err := seedIntegrations(ctx, d, ds, 0, o.integrations, o.batch); err != nil {
		return err
	}
	if err := d.Close(); err != nil {
		return err
	}
	ds.seedTime = time.Since(t0)
	settle()
	fmt.Printf("seeded in %s\n", ds.seedTime.Round(time.Millisecond))

	a, err := startApp(ctx, o.dbPath, seal)
	if err != nil {
		return err
	}
	defer a.db.Close()
	token, err := apiToken(ctx, a.db)
	if err != nil {
		return err
	}
	cookie, err := signIn(ctx, a)
	if err != nil {
		return err
	}
	ceil := newCeiling()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ceilSrv := &http.Server{Handler: ceil.e, ReadHeaderTimeout: 10 * time.Second}
	go ceilSrv.Serve(ln)
	ceilBase := "http://" + ln.Addr().String()

	loadBefore := loadAvg()
	resetPeakRSS() // from here: serving, not seeding
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	var results []result
	for _, sc := range scenarios(ds, token, cookie) {
		if !selected(o.only, sc.name) {
			continue
		}
		r, err := runScenario(a, nil, ceil, ceilBase, o.load, sc, fmt.Sprintf("%dk", ds.total/1000))
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		if sc.name == "create" {
			r.extra, err = durability(ctx, a.db, r)
			if err != nil {
				return err
			}
		}
		results = append(results, r)
		printResult(r)
	}
	page, err := hubPageFacts(a, ds, cookie)
	if err != nil {
		return err
	}

	if o.million && ds.total < 1000000 {
		a.srv.Close()
		a.db.Close()
		// A copy of the data set as it is now is listed beside the grown
		// one, in the same rounds: the two runs of the step are then not
		// minutes apart on a machine whose speed drifts.
		before := filepath.Join(dir, "before-1M.db")
		if err := copyDatabase(o.dbPath, before); err != nil {
			return err
		}
		fmt.Printf("growing to 1,000,000 integrations …\n")
		d, err := db.Open(ctx, o.dbPath, seal)
		if err != nil {
			return err
		}
		if err := seedIntegrations(ctx, d, ds, ds.total, 1000000-ds.total, o.batch); err != nil {
			return err
		}
		d.Close()
		settle()
		if a, err = startApp(ctx, o.dbPath, seal); err != nil {
			return err
		}
		defer a.db.Close()
		small, err := startApp(ctx, before, seal)
		if err != nil {
			return err
		}
		defer small.db.Close()
		defer small.srv.Close()
		_, n, err := small.db.Integrations(ctx, db.IntegrationFilter{TenantID: db.DefaultTenantID, Size: 1})
		if err != nil {
			return err
		}
		for _, sc := range scenarios(ds, token, cookie) {
			if sc.name != "list-hub" {
				continue
			}
			r, err := runScenario(a, small, ceil, ceilBase, o.load, sc, "1M")
			if err != nil {
				return err
			}
			r.besideRows = fmt.Sprintf("%dk", n/1000)
			results = append(results, r)
			printResult(r)
		}
	}
	ceilSrv.Close()

	f := facts{loadBefore: loadBefore, loadAfter: loadAvg(), page: page, peakRSS: peakRSS(), startup: a.startup, seed: ds.seedTime, total: ds.total, hubs: len(ds.hubs)}
	// The tree may not build while others edit it: report, do not fail.
	if f.binSize, err = binarySize(dir); err != nil {
		f.binErr = err.Error()
	} else if err = binaryPhase(o, dir, ds, token, cookie, &f); err != nil {
		f.binErr = err.Error()
	}
	f.assets, f.assetsAll, err = staticAssets(a, page.assetURLs)
	if err != nil {
		return err
	}
	report := render(o, results, f)
	fmt.Println()
	fmt.Print(report)
	if o.out != "" {
		fh, err := os.OpenFile(o.out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer fh.Close()
		if _, err := fh.WriteString(report); err != nil {
			return err
		}
		fmt.Println("appended to", o.out)
	}
	return nil
}

// binaryPhase measures the built binary on the seeded database: start-up
// to the first 200 from /readyz, then its own peak RSS while it serves
// every scenario (the in-process peak includes the load generator and the
// ceiling, so it cannot speak for the server alone).
func binaryPhase(o options, dir string, ds *dataset, token, cookie string, f *facts) error {
	b, startup, err := startBinary(o.dbPath, dir)
	if err != nil {
		return err
	}
	defer b.stop()
	f.binStartup = startup
	load := o.load
	load.duration = min(load.duration, 3*time.Second)
	var failed []string
	for _, sc := range scenarios(ds, token, cookie) {
		if !selected(o.only, sc.name) {
			continue
		}
		m := load.run(sc.name+"-binary", sc.target(b.base))
		if m.success < 1 {
			failed = append(failed, fmt.Sprintf("%s %.1f%% success %v", sc.name, 100*m.success, m.codes))
		}
	}
	f.binRSS = b.peakRSS()
	f.binRSSNote = fmt.Sprintf("each scenario for %s at concurrency %d; at the end %s", load.duration, load.concurrency, b.rssParts())
	if len(failed) > 0 {
		f.binRSSNote += "; NOT all answered 200: " + strings.Join(failed, "; ")
	}
	return nil
}

func selected(only, name string) bool {
	if only == "" {
		return true
	}
	for _, s := range strings.Split(only, ",") {
		if strings.TrimSpace(s) == name {
			return true
		}
	}
	return false
}

// apiToken makes a write token of the default tenant.
func apiToken(ctx context.Context, d *db.DB) (string, error) {
	_, plain, err := d.CreateToken(ctx, db.Token{TenantID: db.DefaultTenantID, Name: "bench", Scope: "write"})
	return plain, err
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// signIn creates a user and signs in through the real login form; it
// returns the Cookie header of the session.
func signIn(ctx context.Context, a *app) (string, error) {
	const email, password = "bench@example.com", "correct horse battery staple"
	hash, err := handlers.HashPassword(password)
	if err != nil {
		return "", err
	}
	if _, err := a.db.CreateUser(ctx, db.User{TenantID: db.DefaultTenantID, Email: email, PasswordHash: hash, Role: "admin"}); err != nil {
		return "", err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(a.base + "/login")
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("GET /login: %d, no csrf-token meta", res.StatusCode)
	}
	res, err = c.PostForm(a.base+"/login", url.Values{"email": {email}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /login: %d", res.StatusCode)
	}
	u, _ := url.Parse(a.base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// scenario is one kind of request; target builds its targeter for a base URL.
type scenario struct {
	name, desc string
	target     func(base string) vegeta.Targeter
}

func cycle[T any](items []T) func() T {
	var n atomic.Uint64
	return func() T { return items[(n.Add(1)-1)%uint64(len(items))] }
}

var createSeq atomic.Uint64

func scenarios(ds *dataset, token, cookie string) []scenario {
	auth := http.Header{"Authorization": {"Bearer " + token}}
	jsonAuth := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
	get := func(path func() string, h http.Header) func(string) vegeta.Targeter {
		return func(base string) vegeta.Targeter {
			return func(t *vegeta.Target) error {
				*t = vegeta.Target{Method: http.MethodGet, URL: base + path(), Header: h}
				return nil
			}
		}
	}
	hubIDs := make([]string, len(ds.hubs))
	for i, h := range ds.hubs {
		hubIDs[i] = h.ID
	}
	return []scenario{
		{name: "get", desc: "GET one integration (/api/v1/integrations/{id})",
			target: func(base string) vegeta.Targeter {
				next := cycle(ds.sample)
				return get(func() string { return "/api/v1/integrations/" + next() }, auth)(base)
			}},
		{name: "list-hub", desc: "List a hub's integrations, page of 50 with total (/api/v1/integrations?hubId=)",
			target: func(base string) vegeta.Targeter {
				next := cycle(hubIDs)
				return get(func() string { return "/api/v1/integrations?pageSize=50&hubId=" + next() }, auth)(base)
			}},
		{name: "list-channel", desc: "List a hub's integrations of one channel (/api/v1/integrations/hubs/{id}/WebChat)",
			target: func(base string) vegeta.Targeter {
				next := cycle(hubIDs)
				return get(func() string { return "/api/v1/integrations/hubs/" + next() + "/WebChat" }, auth)(base)
			}},
		{name: "create", desc: "Create a WebChat integration (POST /api/v1/integrations/hubs/{hubId})",
			target: func(base string) vegeta.Targeter {
				next := cycle(hubIDs)
				return func(t *vegeta.Target) error {
					n := createSeq.Add(1)
					body := fmt.Sprintf(`{"channelId":"WebChat","name":"bench web chat %d","configuration":{"allowedOrigins":["www.bench%d.example.com"],"start":[{"type":"text","text":"Hello!"}]}}`, n, n)
					*t = vegeta.Target{Method: http.MethodPost, URL: base + "/api/v1/integrations/hubs/" + next(), Header: jsonAuth, Body: []byte(body)}
					return nil
				}
			}},
		{name: "update", desc: "Update a WebChat integration (PUT /api/v1/integrations/{id})",
			target: func(base string) vegeta.Targeter {
				next := cycle(ds.webChats)
				var n atomic.Uint64
				return func(t *vegeta.Target) error {
					body := fmt.Sprintf(`{"statusId":3000,"configuration":{"allowedOrigins":["www.example.com","shop.example.com"],"start":[{"type":"text","text":"Hello %d"}]}}`, n.Add(1))
					*t = vegeta.Target{Method: http.MethodPut, URL: base + "/api/v1/integrations/" + next(), Header: jsonAuth, Body: []byte(body)}
					return nil
				}
			}},
		{name: "hub-page", desc: "Dashboard hub page, HTML, 50 rows, signed in (GET /hubs/{id})",
			target: func(base string) vegeta.Targeter {
				next := cycle(hubIDs)
				// As a browser asks for it: gzip accepted.
				return get(func() string { return "/hubs/" + next() }, http.Header{"Cookie": {cookie}, "Accept-Encoding": {"gzip"}})(base)
			}},
	}
}

// result is a scenario measured on the server and on the ceiling.
type result struct {
	name, desc, rows string
	server, ceil     measure
	sampleBytes      int
	extra            string
	rowsBefore       int // create: rows before the measured run
	// beside is the same scenario on a second server in the same rounds
	// (the 1,000,000-row step: the data set before it grew, of besideRows).
	beside     *measure
	besideRows string
}

func (r result) ratio() float64 {
	if r.ceil.throughput == 0 {
		return 0
	}
	return r.server.throughput / r.ceil.throughput
}

// roundRatios are the ratios of each round's server and ceiling runs, which
// ran back to back: their spread shows how much the machine's other load
// moved the numbers during the scenario.
func (r result) roundRatios() (lo, hi float64, n int) {
	n = min(len(r.server.rounds), len(r.ceil.rounds))
	for i := range n {
		if r.ceil.rounds[i] == 0 {
			continue
		}
		x := r.server.rounds[i] / r.ceil.rounds[i]
		if i == 0 || x < lo {
			lo = x
		}
		if i == 0 || x > hi {
			hi = x
		}
	}
	return lo, hi, n
}

// runScenario measures sc on the server a and the ceiling in alternating
// rounds; beside, when not nil, is a second real server driven in the same
// rounds (the 1,000,000-row step's data set as it was before it grew).
func runScenario(a, beside *app, ceil *ceiling, ceilBase string, load loadSettings, sc scenario, rows string) (result, error) {
	// One request to the real server gives the ceiling its bytes.
	var t vegeta.Target
	if err := sc.target(a.base)(&t); err != nil {
		return result{}, err
	}
	req, err := t.Request()
	if err != nil {
		return result{}, err
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return result{}, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return result{}, fmt.Errorf("sample request %s %s: %d %s", t.Method, t.URL, res.StatusCode, body)
	}
	ceil.set(res.Header.Get("Content-Type"), body)

	r := result{name: sc.name, desc: sc.desc, rows: rows, sampleBytes: len(body)}
	// A second of the same load first, not counted, on each server: the
	// first scenario would otherwise also measure cold page caches and
	// connection pools filling up.
	srvLoad, ceilLoad := load.newClient(), load.newClient()
	defer srvLoad.close()
	defer ceilLoad.close()
	srvLoad.attack(sc.name+"-warm-up", sc.target(a.base), time.Second, nil)
	if sc.name == "create" {
		if r.rowsBefore, err = createdRows(a.db); err != nil {
			return result{}, err
		}
	}
	ceilLoad.attack(sc.name+"-ceiling-warm-up", sc.target(ceilBase), time.Second, nil)
	var srv, cl, bs tally
	sides := []side{
		{sc.name, srvLoad, sc.target(a.base), &srv},
		{sc.name + "-ceiling", ceilLoad, sc.target(ceilBase), &cl},
	}
	if beside != nil {
		bsLoad := load.newClient()
		defer bsLoad.close()
		bsLoad.attack(sc.name+"-beside-warm-up", sc.target(beside.base), time.Second, nil)
		sides = append(sides, side{sc.name + "-beside", bsLoad, sc.target(beside.base), &bs})
	}
	a.timer.start()
	alternate(load, sides)
	r.server = srv.measure()
	r.server.serverP50, r.server.serverP99 = a.timer.stop()
	r.ceil = cl.measure()
	if beside != nil {
		m := bs.measure()
		r.beside = &m
	}
	// A side that answered nothing is a broken run, not a number to print.
	if r.server.requests == 0 || r.ceil.requests == 0 || r.server.throughput == 0 || r.ceil.throughput == 0 {
		return result{}, fmt.Errorf("no load was measured (server %d requests, ceiling %d): the load generator did not run", r.server.requests, r.ceil.requests)
	}
	return r, nil
}

// side is one server a scenario's rounds drive, with its own connections.
type side struct {
	name   string
	load   *client
	target vegeta.Targeter
	tally  *tally
}

// alternate cuts the measured time into rounds and runs every side once
// in each, starting each round one side further on (server then ceiling,
// then ceiling then server, …): a disturbance from outside (another
// process, the host) then touches the sides alike instead of whichever
// happened to run at the time.
func alternate(load loadSettings, sides []side) {
	slice := load.duration / time.Duration(load.rounds)
	for i := range load.rounds {
		for j := range sides {
			s := sides[(i+j)%len(sides)]
			s.load.attack(s.name, s.target, slice, s.tally)
		}
	}
}

// durability checks that every create answered 200 in the measured run is
// a committed row.
func durability(ctx context.Context, d *db.DB, r result) (string, error) {
	after, err := createdRows(d)
	if err != nil {
		return "", err
	}
	ok, rows := r.server.codes["200"], after-r.rowsBefore
	if rows != ok {
		return fmt.Sprintf("NOT durable: %d rows for %d answers 200", rows, ok), nil
	}
	return fmt.Sprintf("%d creates answered 200, %d rows committed", ok, rows), nil
}

// createdRows counts the integrations the create scenario made.
func createdRows(d *db.DB) (int, error) {
	_, total, err := d.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID, Query: "bench web chat", Size: 1})
	return total, err
}

func printResult(r result) {
	fmt.Printf("%-13s %5s  server %8.0f req/s p50 %-9s p99 %-9s (handler p50 %s)  ceiling %8.0f req/s p50 %-9s p99 %-9s ratio %.2f  success %.4f %v\n",
		r.name, r.rows, r.server.throughput, r.server.p50.Round(time.Microsecond), r.server.p99.Round(time.Microsecond),
		r.server.serverP50.Round(time.Microsecond), r.ceil.throughput, r.ceil.p50.Round(time.Microsecond), r.ceil.p99.Round(time.Microsecond),
		r.ratio(), r.server.success, r.server.codes)
	if lo, hi, n := r.roundRatios(); n > 1 {
		fmt.Printf("              ratio of each of %d rounds between %.2f and %.2f\n", n, lo, hi)
	}
	for _, e := range r.server.errors {
		fmt.Println("   error:", e)
	}
}

// pageFacts are the hub page's size and the assets it links.
type pageFacts struct {
	htmlBytes int
	gzBytes   int // as a browser downloads it (Accept-Encoding: gzip)
	rows      int
	assetURLs []string
	aloneP50  time.Duration // handler time, one request at a time
}

var staticRef = regexp.MustCompile(`/static/[^"'\s)]+`)

func hubPageFacts(a *app, ds *dataset, cookie string) (pageFacts, error) {
	req, _ := http.NewRequest(http.MethodGet, a.base+"/hubs/"+ds.hubs[0].ID, nil)
	req.Header.Set("Cookie", cookie)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return pageFacts{}, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return pageFacts{}, fmt.Errorf("hub page: %d", res.StatusCode)
	}
	seen := map[string]bool{}
	var urls []string
	for _, m := range staticRef.FindAll(body, -1) {
		if u := string(m); !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	gz, err := gzippedSize(a.base+"/hubs/"+ds.hubs[0].ID, cookie)
	if err != nil {
		return pageFacts{}, err
	}
	// The page's own cost, one request at a time over the hubs (gzipped,
	// as a browser asks): what a user waits for on a server with no other
	// load. Under the 32-way load the handler time also counts the waits
	// for a CPU.
	a.timer.start()
	for i := range 500 {
		req, _ := http.NewRequest(http.MethodGet, a.base+"/hubs/"+ds.hubs[i%len(ds.hubs)].ID, nil)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return pageFacts{}, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	alone, _ := a.timer.stop()
	return pageFacts{htmlBytes: len(body), gzBytes: gz, rows: bytes.Count(body, []byte("<tr")) - 1, assetURLs: urls, aloneP50: alone}, nil
}

// gzippedSize is the body size of a page fetched as browsers do, gzip accepted.
func gzippedSize(url, cookie string) (int, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	n, _ := io.Copy(io.Discard, res.Body)
	return int(n), nil
}

// staticAssets sums the gzipped bytes the server sends for the assets the
// hub page links, and for every servable file under static/.
func staticAssets(a *app, urls []string) (linked, all int, err error) {
	tr := &http.Transport{DisableCompression: true}
	get := func(u string) (int, error) {
		req, _ := http.NewRequest(http.MethodGet, a.base+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := tr.RoundTrip(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		n, _ := io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %d", u, res.StatusCode)
		}
		return int(n), nil
	}
	for _, u := range urls {
		n, err := get(u)
		if err != nil {
			return 0, 0, err
		}
		linked += n
	}
	all, err = allStaticGzipped()
	return linked, all, err
}

// moduleRoot is the directory of go.mod (the task runs from there).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}
