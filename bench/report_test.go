package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TestMillionStepIsJudgedAgainstItsCopy: with a copy measured in the same
// rounds, the 1M step's verdict compares the grown data set with the copy,
// not with the 100k step run minutes before (which is still printed); with
// no copy it falls back to that step.
func TestMillionStepIsJudgedAgainstItsCopy(t *testing.T) {
	base := result{name: "list-hub", rows: "100k",
		server: measure{throughput: 10000, p99: 5 * time.Millisecond}, ceil: measure{throughput: 40000}}
	step := func(tp float64, p99 time.Duration, beside *measure) result {
		return result{name: "list-hub", rows: "1M", server: measure{throughput: tp, p99: p99},
			ceil: measure{throughput: 20000}, beside: beside, besideRows: "127k"}
	}
	for _, c := range []struct {
		name string
		r    result
		met  bool
		has  []string
	}{
		// The machine halved its speed between the steps: the earlier
		// step says 2× lower, the copy beside it 1.1×.
		{"slower machine, same cost", step(5000, 10*time.Millisecond, &measure{throughput: 5500, p99: 9 * time.Millisecond}), true,
			[]string{"127k rows served in the same rounds", "throughput 1.10× lower", "against the 100k step minutes before: throughput 2.00× lower"}},
		{"slower than its copy", step(5000, 10*time.Millisecond, &measure{throughput: 8000, p99: 6 * time.Millisecond}), false,
			[]string{"throughput 1.60× lower", "p99 1.67×"}},
		{"p99 only", step(9000, 9*time.Millisecond, &measure{throughput: 9000, p99: 5 * time.Millisecond}), false,
			[]string{"p99 1.80×"}},
		{"faster than its copy", step(11000, 4*time.Millisecond, &measure{throughput: 10000, p99: 5 * time.Millisecond}), true,
			[]string{"throughput 1.10× higher"}},
		{"no copy: the earlier step", step(5000, 10*time.Millisecond, nil), false,
			[]string{"within 1.5× of against the 100k step minutes before: throughput 2.00× lower"}},
	} {
		got := targets(c.r, []result{base, c.r}, facts{})
		if met := strings.HasPrefix(got, "met ("); met != c.met {
			t.Errorf("%s: %q, want met %v", c.name, got, c.met)
		}
		for _, s := range c.has {
			if !strings.Contains(got, s) {
				t.Errorf("%s: %q does not say %q", c.name, got, s)
			}
		}
	}
}

// TestAlternateRotatesTheSides: every side runs once a round, each round
// starting one side further on, so no side always runs first or last.
func TestAlternateRotatesTheSides(t *testing.T) {
	var mu sync.Mutex
	var hits []string
	load := loadSettings{concurrency: 1, duration: 600 * time.Millisecond, rounds: 3}
	var sides []side
	for _, name := range []string{"a", "b", "c"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			if len(hits) == 0 || hits[len(hits)-1] != name {
				hits = append(hits, name)
			}
			mu.Unlock()
		}))
		defer srv.Close()
		c := load.newClient()
		defer c.close()
		target := func(t *vegeta.Target) error {
			*t = vegeta.Target{Method: http.MethodGet, URL: srv.URL}
			return nil
		}
		sides = append(sides, side{name, c, target, &tally{}})
	}
	alternate(load, sides)
	if want := []string{"a", "b", "c", "b", "c", "a", "c", "a", "b"}; !slices.Equal(hits, want) {
		t.Errorf("sides ran in the order %v, want %v", hits, want)
	}
	for _, s := range sides {
		if m := s.tally.measure(); len(m.rounds) != 3 || m.requests == 0 {
			t.Errorf("side %s: %d rounds, %d requests; want 3 rounds with requests", s.name, len(m.rounds), m.requests)
		}
	}
}

// TestCopyDatabase copies the file and a write-ahead log left beside it,
// and refuses to overwrite.
func TestCopyDatabase(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	for name, body := range map[string]string{src: "main", src + "-wal": "wal", src + "-shm": "shm"} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyDatabase(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{dst: "main", dst + "-wal": "wal"} {
		if got, err := os.ReadFile(name); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
	if _, err := os.Stat(dst + "-shm"); err == nil {
		t.Error("the shared-memory index was copied; SQLite rebuilds it from the log")
	}
	if err := copyDatabase(src, dst); err == nil {
		t.Error("a second copy overwrote the first")
	}
	// Without a log, the file alone.
	os.Remove(src + "-wal")
	if err := copyDatabase(src, filepath.Join(dir, "c.db")); err != nil {
		t.Fatal(err)
	}
}
