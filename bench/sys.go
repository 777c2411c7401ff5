package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// facts are the run's whole-process numbers.
type facts struct {
	page                pageFacts
	peakRSS             int64 // bytes, this process (server, generator, ceiling)
	binRSS              int64 // bytes, the built binary serving every scenario
	binRSSNote          string
	startup, binStartup time.Duration
	seed                time.Duration
	binSize             int64
	assets, assetsAll   int
	total, hubs         int
	binErr              string
	// loadBefore and loadAfter are /proc/loadavg around the load phases:
	// other work on the machine shares the CPUs.
	loadBefore, loadAfter string
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// resetPeakRSS resets VmHWM (Linux: "5" to clear_refs), so the peak is of
// serving under load, not of seeding.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is VmHWM of this process.
func peakRSS() int64 { return vmHWM("/proc/self/status") }

// vmHWM reads the peak resident set size from a /proc status file.
func vmHWM(path string) int64 { return procKB(path, "VmHWM") * 1024 }

// procKB reads the "key: N kB" line of a /proc file (status, meminfo);
// 0 when the file or the key is missing.
func procKB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// binarySize builds hubadmin as the build task does and stats it.
func binarySize(dir string) (int64, error) {
	root, err := moduleRoot()
	if err != nil {
		return 0, err
	}
	out := filepath.Join(dir, "hubadmin")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("go build: %w", err)
	}
	st, err := os.Stat(out)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// binaryServer is the built binary serving the seeded database.
type binaryServer struct {
	cmd  *exec.Cmd
	base string
}

// startBinary runs the built binary on the seeded database (sandbox
// providers, rate limit raised as for the in-process server, request log
// to /dev/null) and returns once /readyz answers 200, with the time that
// took from exec.
func startBinary(dbPath, dir string) (*binaryServer, time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(filepath.Join(dir, "hubadmin"), "serve", "--addr", addr, "--db", dbPath, "--providers", "sandbox",
		"--log-format", "json", "--rate-limit", "1e9")
	cmd.Stdout, cmd.Stderr = nil, nil
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	b := &binaryServer{cmd: cmd, base: "http://" + addr}
	if err := waitReady(b.base, 30*time.Second); err != nil {
		b.stop()
		return nil, 0, err
	}
	return b, time.Since(t0), nil
}

// peakRSS is VmHWM of the binary's process.
func (b *binaryServer) peakRSS() int64 {
	return vmHWM(fmt.Sprintf("/proc/%d/status", b.cmd.Process.Pid))
}

// rssParts is the binary's resident memory now, anonymous (Go heap,
// SQLite's page caches) and file-backed (the executable, mapped files).
func (b *binaryServer) rssParts() string {
	path := fmt.Sprintf("/proc/%d/status", b.cmd.Process.Pid)
	return fmt.Sprintf("RssAnon %.1f MiB, RssFile %.1f MiB", float64(procKB(path, "RssAnon"))/1024, float64(procKB(path, "RssFile"))/1024)
}

func (b *binaryServer) stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
}

// allStaticGzipped sums, over every servable file under static/, the
// smaller of its size and its gzipped size (as the server sends it).
func allStaticGzipped() (int, error) {
	root, err := moduleRoot()
	if err != nil {
		return 0, err
	}
	served := map[string]bool{".css": true, ".js": true, ".svg": true, ".png": true, ".ico": true, ".webp": true, ".woff2": true}
	total := 0
	err = filepath.WalkDir(filepath.Join(root, "static"), func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !served[filepath.Ext(p)] {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		total += min(len(b), buf.Len())
		return nil
	})
	return total, err
}

// machine describes the computer: CPU model, cores, memory, kernel, Go.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if kb := procKB("/proc/meminfo", "MemTotal"); kb > 0 {
		mem = fmt.Sprintf(", %.1f GiB RAM", float64(kb)/(1<<20))
	}
	kernel := ""
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = ", Linux " + strings.TrimSpace(string(b))
	}
	return fmt.Sprintf("%s, %d logical CPUs (GOMAXPROCS %d)%s%s, %s %s/%s", model, runtime.NumCPU(), runtime.GOMAXPROCS(0), mem, kernel,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func gitDescribe() string {
	root, err := moduleRoot()
	if err != nil {
		return "unknown"
	}
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "-C", root, "status", "--porcelain").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		rev += " (with uncommitted changes)"
	}
	return rev
}

// processCPU is the CPU time this process has used so far, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// settle writes the seeded database out to disk before the load: otherwise
// the kernel's writeback of a gigabyte of seed competes with the measured
// load for the CPUs (it did, in the 1M-row step).
func settle() { syscall.Sync() }

// copyDatabase copies a closed database to dst byte for byte, with its
// write-ahead log if one was left (SQLite rebuilds the shared-memory index
// from it). Not VACUUM INTO (db.BackupFile): that writes every b-tree
// afresh, packed and in order, and the copy would no longer be laid out as
// the data set it stands beside was.
func copyDatabase(src, dst string) error {
	for _, suffix := range []string{"", "-wal"} {
		in, err := os.Open(src + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return err
		}
		out, err := os.OpenFile(dst+suffix, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			in.Close()
			return err
		}
		_, err = io.Copy(out, in)
		in.Close()
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
