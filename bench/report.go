package main

import (
	"fmt"
	"strings"
	"time"

	"hubadmin/db"
)

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }

// lower says how a throughput compares with a reference, given their
// quotient (reference over it).
func lower(x float64) string {
	if x < 1 {
		return fmt.Sprintf("%.2f× higher", 1/x)
	}
	return fmt.Sprintf("%.2f× lower", x)
}

func verdict(ok bool, what string) string {
	if ok {
		return "met (" + what + ")"
	}
	return "**MISSED** (" + what + ")"
}

// targets judges a result against issue 7's targets.
func targets(r result, all []result, f facts) string {
	s := r.server
	switch {
	case r.name == "get":
		return verdict(r.ratio() >= 0.5 && s.p99 <= 5*time.Millisecond,
			fmt.Sprintf("≥ 50%% of ceiling: %.1f%%; p99 ≤ 5 ms: %s", 100*r.ratio(), ms(s.p99)))
	case r.name == "list-hub" && r.rows == "1M":
		var base *result
		for i := range all {
			if all[i].name == "list-hub" && all[i].rows != "1M" {
				base = &all[i]
			}
		}
		if base == nil {
			return "no 100k run to compare"
		}
		tp := base.server.throughput / max(s.throughput, 1)
		p99 := float64(s.p99) / float64(max(base.server.p99, 1))
		// The ceiling's change between the two steps says how much of a
		// difference is the machine's speed drifting over the minutes
		// between them.
		ceil := base.ceil.throughput / max(r.ceil.throughput, 1)
		earlier := fmt.Sprintf("against the %s step minutes before: throughput %s, p99 %.2f×, while the ceiling's throughput was %s",
			base.rows, lower(tp), p99, lower(ceil))
		if r.beside == nil {
			return verdict(tp <= 1.5 && p99 <= 1.5, "within 1.5× of "+earlier)
		}
		// The verdict is on the server's own numbers, against the data set
		// before it grew served in the same rounds.
		tp = r.beside.throughput / max(s.throughput, 1)
		p99 = float64(s.p99) / float64(max(r.beside.p99, 1))
		return verdict(tp <= 1.5 && p99 <= 1.5,
			fmt.Sprintf("within 1.5× of %s rows served in the same rounds (%.0f req/s, p99 %s): throughput %s, p99 %.2f×; %s",
				r.besideRows, r.beside.throughput, ms(r.beside.p99), lower(tp), p99, earlier))
	case r.name == "list-hub":
		return verdict(r.ratio() >= 0.25 && s.p99 <= 10*time.Millisecond,
			fmt.Sprintf("≥ 25%% of ceiling: %.1f%%; p99 ≤ 10 ms: %s", 100*r.ratio(), ms(s.p99)))
	case r.name == "create":
		return verdict(s.throughput >= 4000 && s.success == 1 && !strings.HasPrefix(r.extra, "NOT"),
			fmt.Sprintf("≥ 4,000/s: %.0f/s; %s", s.throughput, r.extra))
	case r.name == "hub-page":
		// Judged on the uncompressed HTML; what a browser downloads
		// (pages are gzipped) is reported beside it.
		return verdict(f.page.htmlBytes <= 60*1024 && s.serverP50 <= 3*time.Millisecond,
			fmt.Sprintf("HTML ≤ 60 KB: %.1f KB (%.1f KB gzipped as downloaded); server p50 ≤ 3 ms under this load: %s (one request at a time: %s)",
				float64(f.page.htmlBytes)/1024, float64(f.page.gzBytes)/1024, ms(s.serverP50), ms(f.page.aloneP50)))
	}
	return "no target"
}

// ratioText is the scenario's ratio with the range of its rounds; three
// places, so that one just under a target's line does not print as on it
// (0.496 was "0.50" beside a MISSED).
func ratioText(r result) string {
	if lo, hi, n := r.roundRatios(); n > 1 {
		return fmt.Sprintf("%.3f (%.2f–%.2f)", r.ratio(), lo, hi)
	}
	return fmt.Sprintf("%.3f", r.ratio())
}

func render(o options, results []result, f facts) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## %s — %d hubs, %d integrations\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), f.hubs, o.integrations)
	fmt.Fprintf(&b, "- Machine: %s\n", machine())
	fmt.Fprintf(&b, "- Commit: %s\n", gitDescribe())
	fmt.Fprintf(&b, "- Load: vegeta v12.13.0 as a library, closed loop of %d connections (keep-alive), %s per scenario and per server after 1 s of uncounted warm-up, on loopback, "+
		"in %d alternating rounds (server then ceiling, then ceiling then server, …; the ratio's range is that of the rounds); "+
		"CPU per request is this process's user and system time over a side's rounds divided by its successful requests (generator included); "+
		"the generator, the real server and the ceiling share this process and its CPUs.\n", o.load.concurrency, o.load.duration, o.load.rounds)
	for _, r := range results {
		if r.beside != nil {
			fmt.Fprintf(&b, "- The %s-row step: a copy of the data set made before it grew (%s rows) is served by a second real server in this process; the step's rounds rotate over the grown one, the ceiling and the copy, and its verdict compares the grown one with the copy.\n", r.rows, r.besideRows)
		}
	}
	fmt.Fprintf(&b, "- Ceiling: a bare echo server (no middleware) answering every request with the real server's response bytes for that scenario, from memory.\n")
	fmt.Fprintf(&b, "- Data: %d hubs, %d integrations over the six channels (WebChat has no secret; the other five have encrypted secrets), 10%% paused; seeded in %s.\n",
		f.hubs, o.integrations, f.seed.Round(time.Millisecond))
	fmt.Fprintf(&b, "- Server settings: sandbox providers, request log formatted then discarded, rate limit raised to 1e9/s, SQLite WAL with synchronous=%s.\n\n", db.Synchronous)
	b.WriteString("| Scenario | Rows | Server req/s | p50 | p99 | Handler p50 | Ceiling req/s | Ceiling p50 | Ceiling p99 | Ratio | CPU per request, server / ceiling | Success | Body | Target |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %s | %.0f | %s | %s | %s | %.0f | %s | %s | %s | %s / %s | %.2f%% | %d B | %s |\n",
			r.desc, r.rows, r.server.throughput, ms(r.server.p50), ms(r.server.p99), ms(r.server.serverP50),
			r.ceil.throughput, ms(r.ceil.p50), ms(r.ceil.p99), ratioText(r), us(r.server.cpuPerReq), us(r.ceil.cpuPerReq),
			100*r.server.success, r.sampleBytes, targets(r, results, f))
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "- Hub page: %d B HTML (%d table rows); static assets it links: %.1f KB gzipped; every servable file under static/: %.1f KB gzipped — %s\n",
		f.page.htmlBytes, f.page.rows, float64(f.assets)/1024, float64(f.assetsAll)/1024,
		verdict(f.assetsAll <= 120*1024, "all static assets ≤ 120 KB gzipped"))
	fmt.Fprintf(&b, "- Peak RSS of this benchmark process while serving (VmHWM reset after seeding; the in-process server with the load generator and the ceiling): %.1f MiB\n", float64(f.peakRSS)/(1<<20))
	fmt.Fprintf(&b, "- Load average (1/5/15 min) before the load phases: %s; after: %s (anything above the CPU count means other work competed for the CPUs)\n", f.loadBefore, f.loadAfter)
	if f.binErr != "" {
		fmt.Fprintf(&b, "- Binary: not measured, the tree did not build or start: %s\n", f.binErr)
		fmt.Fprintf(&b, "- Start-up to first 200 from /readyz: %s in process (db.Open + handlers.New + listen) on the seeded database\n", ms(f.startup))
		return b.String()
	}
	fmt.Fprintf(&b, "- Start-up to first 200 from /readyz: %s in process (db.Open + handlers.New + listen), %s for the built binary (exec to /readyz) on the seeded database — %s\n",
		ms(f.startup), ms(f.binStartup), verdict(f.binStartup <= 300*time.Millisecond, "built binary ≤ 300 ms"))
	fmt.Fprintf(&b, "- Peak RSS of the built binary serving the seeded database (%s): %.1f MiB — %s\n",
		f.binRSSNote, float64(f.binRSS)/(1<<20), verdict(f.binRSS > 0 && f.binRSS <= 100<<20, "≤ 100 MB under the load"))
	fmt.Fprintf(&b, "- Binary size (go build -trimpath): %.1f MiB\n", float64(f.binSize)/(1<<20))
	return b.String()
}
