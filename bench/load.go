package main

import (
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadSettings are the same for the server and the ceiling.
type loadSettings struct {
	concurrency int
	duration    time.Duration
	rounds      int // of a scenario: see runScenario
}

// measure is one load run's numbers.
type measure struct {
	requests   uint64
	throughput float64 // successful requests per second
	p50, p99   time.Duration
	success    float64
	codes      map[string]int
	errors     []string
	serverP50  time.Duration // time inside the handler, real server only
	serverP99  time.Duration
	rounds     []float64 // throughput of each round, in order
	// cpuPerReq is this process's CPU time (user and system, every
	// goroutine: the generator and the server under test) per successful
	// request. Throughput on a shared machine moves with its neighbours;
	// CPU per request moves much less, so it shows what a change did.
	cpuPerReq time.Duration
}

// run drives target with a closed loop of exactly concurrency workers (an
// unbounded rate capped by MaxWorkers: each worker sends its next request
// when the previous one is answered), for the duration.
func (s loadSettings) run(name string, tr vegeta.Targeter) measure {
	c := s.newClient()
	defer c.close()
	var t tally
	c.attack(name, tr, s.duration, &t)
	return t.measure()
}

// client is one side's load generator in a scenario: one transport for
// its warm-up and every round, so the same connections serve throughout,
// closed when the scenario ends (a transport per round left each round's
// connections open on both sides for the rest of the run). An attacker
// runs one attack only, so each round has its own, on this transport.
type client struct {
	s  loadSettings
	tr *http.Transport
}

func (s loadSettings) newClient() *client {
	return &client{s: s, tr: &http.Transport{Proxy: nil, DialContext: (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext}}
}

func (c *client) attacker() *vegeta.Attacker {
	return vegeta.NewAttacker(
		vegeta.Client(&http.Client{Transport: c.tr}), // first: the options below set up its transport
		vegeta.Workers(uint64(c.s.concurrency)), vegeta.MaxWorkers(uint64(c.s.concurrency)),
		vegeta.Connections(c.s.concurrency), vegeta.MaxConnections(c.s.concurrency),
		vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second), vegeta.Redirects(vegeta.NoFollow),
		vegeta.MaxBody(0), // the body is not kept: only latency and status matter
	)
}

func (c *client) close() { c.tr.CloseIdleConnections() }

// attack drives target for d, adding the results to t (nil: not kept).
func (c *client) attack(name string, tr vegeta.Targeter, d time.Duration, t *tally) {
	var round vegeta.Metrics
	cpu0 := processCPU()
	for res := range c.attacker().Attack(tr, vegeta.Rate{Freq: 0, Per: time.Second}, d, name) {
		if t == nil {
			continue
		}
		round.Add(res)
		t.all.Add(res)
	}
	if t == nil {
		return
	}
	round.Close()
	t.cpu += processCPU() - cpu0
	ok := float64(round.Requests) * round.Success
	busy := round.Duration + round.Wait
	t.ok += ok
	t.busy += busy
	if busy > 0 {
		t.rounds = append(t.rounds, ok/busy.Seconds())
	}
}

// tally adds up the rounds of one server in a scenario: latencies, codes
// and errors over all of them, throughput as every success over the time
// under load (the gaps while the other server ran are not counted).
type tally struct {
	all    vegeta.Metrics
	ok     float64
	busy   time.Duration
	cpu    time.Duration
	rounds []float64 // each round's throughput
}

func (t *tally) measure() measure {
	t.all.Close()
	errs := t.all.Errors
	if len(errs) > 5 {
		errs = errs[:5]
	}
	m := measure{requests: t.all.Requests, p50: t.all.Latencies.P50, p99: t.all.Latencies.P99,
		success: t.all.Success, codes: t.all.StatusCodes, errors: errs, rounds: t.rounds}
	if t.busy > 0 {
		m.throughput = t.ok / t.busy.Seconds()
	}
	if t.ok > 0 {
		m.cpuPerReq = time.Duration(float64(t.cpu) / t.ok)
	}
	return m
}

// timer records how long the real server's handler takes (the "server
// time" of a request, without the load generator's queueing).
type timer struct {
	mu  sync.Mutex
	on  atomic.Bool
	obs []time.Duration
}

func (t *timer) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !t.on.Load() {
			h.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		t.mu.Lock()
		t.obs = append(t.obs, d)
		t.mu.Unlock()
	})
}

func (t *timer) start() {
	t.mu.Lock()
	t.obs = t.obs[:0]
	t.mu.Unlock()
	t.on.Store(true)
}

func (t *timer) stop() (p50, p99 time.Duration) {
	t.on.Store(false)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.obs) == 0 {
		return 0, 0
	}
	slices.Sort(t.obs)
	return t.obs[len(t.obs)*50/100], t.obs[min(len(t.obs)-1, len(t.obs)*99/100)]
}

// ceiling is a bare echo server whose one handler answers every request
// with the bytes it was given, from memory: no middleware, no database.
type ceiling struct {
	e           *echo.Echo
	contentType atomic.Pointer[string]
	body        atomic.Pointer[[]byte]
}

func newCeiling() *ceiling {
	c := &ceiling{e: echo.New()}
	c.e.HideBanner, c.e.HidePort = true, true
	c.e.Any("/*", func(ctx echo.Context) error {
		return ctx.Blob(http.StatusOK, *c.contentType.Load(), *c.body.Load())
	})
	c.set("application/json; charset=utf-8", []byte(`{}`))
	return c
}

func (c *ceiling) set(contentType string, body []byte) {
	c.contentType.Store(&contentType)
	c.body.Store(&body)
}
