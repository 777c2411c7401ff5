package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hubadmin/db"
	"hubadmin/handlers"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hubadmin-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "hubadmin")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cli runs the binary with a database in dir.
func cli(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "HUBADMIN_DB="+filepath.Join(dir, "h.db"))
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, errb.String())
	}
	return out.String(), nil
}

type server struct {
	cmd  *exec.Cmd
	base string
	done chan error
}

// startServer runs the built binary on a port it picks itself (:0) and
// reads the address from its "hubadmin listening" line. A port picked here
// and handed over could be taken meanwhile by another package's test
// server, and then this test would talk to that one.
func startServer(t *testing.T, dir string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--providers", "sandbox", "--rate-limit", "100000")
	cmd.Env = append(os.Environ(), "HUBADMIN_DB="+filepath.Join(dir, "h.db"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan error, 1)}
	t.Cleanup(func() { cmd.Process.Kill() })
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if line := sc.Text(); strings.Contains(line, "hubadmin listening") {
				if _, rest, ok := strings.Cut(line, "url="); ok {
					url, _, _ := strings.Cut(rest, " ")
					listening <- url
				}
			}
		}
		io.Copy(io.Discard, stderr)
		s.done <- cmd.Wait()
	}()
	select {
	case s.base = <-listening:
	case err := <-s.done:
		t.Fatalf("server exited before listening: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not say where it listens")
	}
	for i := 0; i < 200; i++ {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
	return nil
}

func call(method, url, token, body string) (int, []byte, error) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, b, &cutError{err}
	}
	return res.StatusCode, b, nil
}

// cutError is a response that started but did not finish.
type cutError struct{ err error }

func (e *cutError) Error() string { return "response cut: " + e.err.Error() }

func seedHub(t *testing.T, base, token string) string {
	t.Helper()
	code, b, err := call("POST", base+"/api/v1/hubs", token, `{"name":"Load"}`)
	if err != nil || code != 200 {
		t.Fatalf("hub: %d %s %v", code, b, err)
	}
	var h struct{ HubID string }
	json.Unmarshal(b, &h)
	return h.HubID
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, dir, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "h.db")); err != nil || fi.Size() == 0 {
		t.Fatalf("migrate made no database: %v", err)
	}
	tid, err := cli(t, dir, "", "tenant", "create", "--name", "Acme")
	if err != nil || len(strings.TrimSpace(tid)) != 36 {
		t.Fatalf("tenant create: %q %v", tid, err)
	}
	tok, err := cli(t, dir, "", "token", "create", "--name", "ci", "--tenant", "acme", "--scope", "read")
	if err != nil || !strings.HasPrefix(tok, "hub_") || strings.Count(tok, "\n") != 1 {
		t.Fatalf("token create: %q %v", tok, err)
	}
	if _, err := cli(t, dir, "", "token", "create", "--name", "x", "--scope", "admin"); err == nil {
		t.Fatal("token with a bad scope was created")
	}
	if _, err := cli(t, dir, "s3cret-password\n", "user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, dir, "short\n", "user", "create", "--email", "b@example.com", "--role", "admin", "--password-stdin"); err == nil {
		t.Fatal("a 5-character password was accepted")
	}
	// A forgotten password is set again from the command line.
	if _, err := cli(t, dir, "another-password\n", "user", "password", "--email", "a@example.com", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, dir, "another-password\n", "user", "password", "--email", "nobody@example.com", "--password-stdin"); err == nil {
		t.Fatal("a password was set for a user that does not exist")
	}
	if _, err := cli(t, dir, "short\n", "user", "password", "--email", "a@example.com", "--password-stdin"); err == nil {
		t.Fatal("a 5-character password was set")
	}
	{
		d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		u, err := d.UserByEmail(context.Background(), "a@example.com")
		d.Close()
		if err != nil || !handlers.VerifyPassword(u.PasswordHash, "another-password") || handlers.VerifyPassword(u.PasswordHash, "s3cret-password") {
			t.Fatalf("after user password: %v", err)
		}
	}
	out, err := cli(t, dir, "", "client", "create", "--name", "dotnet")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 2 || !strings.HasPrefix(lines[0], "hubster.portal.api.") {
		t.Fatalf("client create: %q %v", out, err)
	}
	if out, err := cli(t, dir, "", "version"); err != nil || !strings.HasPrefix(out, "hubadmin ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if _, err := cli(t, dir, "", "frobnicate"); err == nil {
		t.Fatal("unknown command succeeded")
	}
	key, err := os.Stat(filepath.Join(dir, "h.db.key"))
	if err != nil || key.Mode().Perm() != 0o600 || key.Size() != 32 {
		t.Fatalf("key file: %v %v", key, err)
	}
}

// TestSIGTERMDrains: during a load, SIGTERM cuts no response, new requests
// get 503, the process exits 0 within 15 s, and the database is intact.
func TestSIGTERMDrains(t *testing.T) {
	dir := t.TempDir()
	tok, err := cli(t, dir, "", "token", "create", "--name", "load")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	s := startServer(t, dir)
	// Listening on 127.0.0.1, it answers as a local name only.
	req, _ := http.NewRequest("GET", s.base+"/login", nil)
	req.Host = "rebound.example:80"
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("Host rebound.example on the loopback server: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	hub := seedHub(t, s.base, tok)
	var mu sync.Mutex
	counts := map[string]int{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := call("POST", s.base+"/api/v1/integrations/hubs/"+hub, tok,
					fmt.Sprintf(`{"channelId":"WebChat","name":"w%d-%d","configuration":{"allowedOrigins":["a.com"]}}`, w, i))
				mu.Lock()
				var cut *cutError
				switch {
				case errors.As(err, &cut):
					counts["cut: "+err.Error()]++
				case err != nil:
					// The connection closed before the request was read
					// (refused, or closed while idle): nothing was answered.
					counts["unanswered"]++
				case code == 200 && json.Valid(body):
					counts["200"]++
				case code == 503:
					counts["503"]++
				default:
					counts[fmt.Sprintf("other %d", code)]++
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	start := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	var exitErr error
	select {
	case exitErr = <-s.done:
	case <-time.After(16 * time.Second):
		t.Fatal("no exit within 15 s of SIGTERM")
	}
	close(stop)
	wg.Wait()
	if exitErr != nil {
		t.Fatalf("exit: %v", exitErr)
	}
	t.Logf("exited %v after SIGTERM; outcomes %v", time.Since(start).Round(time.Millisecond), counts)
	for k := range counts {
		if strings.HasPrefix(k, "cut") || strings.HasPrefix(k, "other") {
			t.Errorf("outcome %q", k)
		}
	}
	if counts["200"] == 0 || counts["503"] == 0 {
		t.Errorf("want successes before and 503s during the drain: %v", counts)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if res, err := d.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity: %s %v", res, err)
	}
}

// load creates integrations until stop, sending every acknowledged id to acked.
func load(base, tok, hub string, workers int, stop <-chan struct{}, acked func(string)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, body, err := call("POST", base+"/api/v1/integrations/hubs/"+hub, tok,
					fmt.Sprintf(`{"channelId":"System","name":"s%d-%d","configuration":{"webhookUrl":"https://a.example","events":["message"]}}`, w, i))
				if err != nil {
					if strings.Contains(err.Error(), "refused") {
						return
					}
					continue
				}
				if code == 200 {
					var in struct{ IntegrationID string }
					json.Unmarshal(body, &in)
					acked(in.IntegrationID)
				}
			}
		}()
	}
	return &wg
}

// TestCrashKeepsAcknowledgedWrites: SIGKILL during a write load; after a
// restart the database is intact and every acknowledged create is there.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	tok, _ := cli(t, dir, "", "token", "create", "--name", "load")
	tok = strings.TrimSpace(tok)
	s := startServer(t, dir)
	hub := seedHub(t, s.base, tok)
	var mu sync.Mutex
	var ids []string
	stop := make(chan struct{})
	wg := load(s.base, tok, hub, 6, stop, func(id string) { mu.Lock(); ids = append(ids, id); mu.Unlock() })
	time.Sleep(1500 * time.Millisecond)
	s.cmd.Process.Kill()
	<-s.done
	close(stop)
	wg.Wait()
	if len(ids) < 10 {
		t.Fatalf("only %d writes before the crash", len(ids))
	}
	s2 := startServer(t, dir)
	d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if res, err := d.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity after crash: %s %v", res, err)
	}
	for _, id := range ids {
		if code, _, _ := call("GET", s2.base+"/api/v1/integrations/"+id, tok, ""); code != 200 {
			t.Fatalf("acknowledged integration %s lost after crash: %d", id, code)
		}
	}
	t.Logf("%d acknowledged creates survived SIGKILL", len(ids))
}

// TestBackupDuringLoad: a backup taken during writes opens, passes
// integrity_check and holds every row committed before it started.
func TestBackupDuringLoad(t *testing.T) {
	dir := t.TempDir()
	tok, _ := cli(t, dir, "", "token", "create", "--name", "load")
	tok = strings.TrimSpace(tok)
	s := startServer(t, dir)
	hub := seedHub(t, s.base, tok)
	var mu sync.Mutex
	var ids []string
	stop := make(chan struct{})
	wg := load(s.base, tok, hub, 4, stop, func(id string) { mu.Lock(); ids = append(ids, id); mu.Unlock() })
	time.Sleep(800 * time.Millisecond)
	mu.Lock()
	before := append([]string(nil), ids...)
	mu.Unlock()
	dst := filepath.Join(t.TempDir(), "backup.db")
	if _, err := cli(t, dir, "", "backup", "--to", dst); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	b, err := db.Open(context.Background(), dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if res, err := b.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("backup integrity: %s %v", res, err)
	}
	// Secrets cannot be opened without the key; ask the rows by id only.
	for _, id := range before {
		if !b.HasIntegration(context.Background(), id) {
			t.Fatalf("backup lacks integration %s committed before it started", id)
		}
	}
	t.Logf("backup holds all %d integrations committed before it began", len(before))
}

// TestGCPercent: serve sets GOGC to gcPercent unless the environment
// chose one, which it leaves alone.
func TestGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	debug.SetGCPercent(100)
	tuneGC()
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("GOGC unset: GC percent %d, want %d", got, gcPercent)
	}
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(50)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GOGC=50: GC percent %d, want 50", got)
	}
}

// TestCommandsRefuseWhatTheyWouldGetWrong: a stray word ends flag parsing
// (the flags after it would be ignored: a token made with the default
// write scope, a server on the default address), server options that
// cannot work, a malformed email, a taken tenant name, and a lost key
// file beside sealed secrets are all errors with a message and a non-zero
// exit, and change nothing. -h is not an error.
func TestCommandsRefuseWhatTheyWouldGetWrong(t *testing.T) {
	dir := t.TempDir()
	if _, err := cli(t, dir, "", "tenant", "create", "--name", "Acme"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		env  string
		says string
	}{
		{[]string{"token", "create", "--name", "ci", "bot", "--scope", "read"}, "", `unexpected argument "bot"`},
		{[]string{"tenant", "create", "--name", "Acme", "Corp"}, "", `unexpected argument "Corp"`},
		{[]string{"migrate", "now"}, "", `unexpected argument "now"`},
		{[]string{"serve", "sandbox", "--addr", "127.0.0.1:0"}, "", `unexpected argument "sandbox"`},
		{[]string{"serve", "--rate-limit", "NaN"}, "", "--rate-limit must be"},
		{[]string{"serve", "--rate-limit", "0"}, "", "--rate-limit must be"},
		{[]string{"serve", "--rate-limit", "-5"}, "", "--rate-limit must be"},
		{[]string{"serve"}, "HUBADMIN_RATE_LIMIT=abc", "HUBADMIN_RATE_LIMIT must be"},
		{[]string{"serve"}, "HUBADMIN_ALLOW_PRIVATE_WEBHOOKS=maybe", "HUBADMIN_ALLOW_PRIVATE_WEBHOOKS must be true or false"},
		{[]string{"serve", "--log-format", "xml"}, "", "--log-format must be text or json"},
		{[]string{"serve", "--public-url", "not a url"}, "", "--public-url must be"},
		{[]string{"serve", "--public-url", "https://hub.example.com/?x=1"}, "", "--public-url must be"},
		{[]string{"serve", "--trusted-proxies", "nginx"}, "", "--trusted-proxies must list"},
		{[]string{"serve"}, "HUBADMIN_TRUSTED_PROXIES=10.0.0.0/8,fe80::1%eth0", "HUBADMIN_TRUSTED_PROXIES must list"},
		{[]string{"user", "create", "--email", "a@", "--role", "admin", "--password-stdin"}, "", "--email must be an email address"},
		{[]string{"user", "create", "--email", "notanemail", "--role", "admin", "--password-stdin"}, "", "--email must be an email address"},
		{[]string{"tenant", "create", "--name", "acme"}, "", `a tenant named "acme" already exists`},
	} {
		cmd := exec.Command(binary, c.args...)
		cmd.Env = append(os.Environ(), "HUBADMIN_DB="+filepath.Join(dir, "h.db"))
		if c.env != "" {
			cmd.Env = append(cmd.Env, c.env)
		}
		cmd.Stdin = strings.NewReader("a-long-enough-password\n")
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.says) || strings.Contains(string(out), "goroutine") {
			t.Errorf("%v %s: %v, output %q; want a failure saying %q", c.args, c.env, err, out, c.says)
		}
	}
	// Nothing above made a token or a user.
	d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if has, _ := d.HasUsers(context.Background()); has {
		t.Error("a refused user create made a user")
	}
	d.Close()
	if out, err := exec.Command(binary, "token", "create", "-h").CombinedOutput(); err != nil || !strings.Contains(string(out), "-scope") {
		t.Errorf("-h: %v %q", err, out)
	}
}

// TestLostKeyFileIsNotMadeAnew: with secrets sealed in the database and
// its key file gone, commands refuse to start (a new key would open none
// of them) and create no key file; with the key back they work.
func TestLostKeyFileIsNotMadeAnew(t *testing.T) {
	dir := t.TempDir()
	tok, err := cli(t, dir, "", "token", "create", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	s := startServer(t, dir)
	hub := seedHub(t, s.base, strings.TrimSpace(tok))
	code, b, err := call("POST", s.base+"/api/v1/integrations/hubs/"+hub, strings.TrimSpace(tok),
		`{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://example.com/hook","events":["message"]}}`)
	if err != nil || code != 200 {
		t.Fatalf("integration: %d %s %v", code, b, err)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	keyFile := filepath.Join(dir, "h.db.key")
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(keyFile)
	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"token", "create", "--name", "again"}} {
		if _, err := cli(t, dir, "", args...); err == nil || !strings.Contains(err.Error(), "secret key file") || !strings.Contains(err.Error(), "is missing") {
			t.Errorf("%v without its key: %v", args, err)
		}
		if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%v made a new key file", args)
		}
	}
	// Another key is refused too.
	os.WriteFile(keyFile, bytes.Repeat([]byte{9}, 32), 0o600)
	if _, err := cli(t, dir, "", "token", "create", "--name", "again"); err == nil || !strings.Contains(err.Error(), "does not open") {
		t.Errorf("with another key: %v", err)
	}
	os.WriteFile(keyFile, key, 0o600)
	if _, err := cli(t, dir, "", "token", "create", "--name", "again"); err != nil {
		t.Errorf("with the key back: %v", err)
	}
}

// TestSecretsForgetIsTheWayOut: with the key lost for good, "secrets
// forget" lists the integrations it cannot open and changes nothing;
// with --yes it deletes those alone (a web chat without secrets and the
// hub stay), says so in the audit log, and the commands start again with
// a new key.
func TestSecretsForgetIsTheWayOut(t *testing.T) {
	dir := t.TempDir()
	tok, err := cli(t, dir, "", "token", "create", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	s := startServer(t, dir)
	hub := seedHub(t, s.base, tok)
	for _, body := range []string{
		`{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://example.com/hook","events":["message"]}}`,
		`{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["example.com"]}}`,
	} {
		if code, b, err := call("POST", s.base+"/api/v1/integrations/hubs/"+hub, tok, body); err != nil || code != 200 {
			t.Fatalf("integration: %d %s %v", code, b, err)
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	os.Remove(filepath.Join(dir, "h.db.key"))

	// A mistyped key path, or another database's key, deletes nothing
	// (the list below still shows Events).
	if _, err := cli(t, dir, "", "secrets", "forget", "--yes", "--secret-key-file", filepath.Join(dir, "h.db.kye")); err == nil || !strings.Contains(err.Error(), "no secret key file at") {
		t.Errorf("a key path given that is not there: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "h.db.key"), bytes.Repeat([]byte{9}, 32), 0o600)
	if _, err := cli(t, dir, "", "secrets", "forget", "--yes"); err == nil || !strings.Contains(err.Error(), "opens none of the secrets of the 1 integration") {
		t.Errorf("a key that opens none: %v", err)
	}
	os.Remove(filepath.Join(dir, "h.db.key"))

	out, err := cli(t, dir, "", "secrets", "forget")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.Contains(out, "Events") {
		t.Fatalf("secrets forget (a list): %q %v", out, err)
	}
	if _, err := cli(t, dir, "", "token", "create", "--name", "again"); err == nil {
		t.Fatal("listing deleted something: the key is still needed")
	}
	out, err = cli(t, dir, "", "secrets", "forget", "--yes")
	if err != nil || !strings.Contains(out, "Events") {
		t.Fatalf("secrets forget --yes: %q %v", out, err)
	}
	if _, err := cli(t, dir, "", "token", "create", "--name", "again"); err != nil {
		t.Fatalf("after forgetting: %v", err)
	}
	d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	list, total, err := d.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID, HubID: hub, Size: 10, Summary: true})
	if err != nil || total != 1 || list[0].Name != "Chat" {
		t.Fatalf("left: %v %d %v", list, total, err)
	}
	entries, _, err := d.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Action: "integration.delete", Size: 10})
	if err != nil || len(entries) != 1 || entries[0].ObjectName != "Events" || !strings.Contains(entries[0].Detail, "secrets forget") {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}

// A key file others can read is used, with a warning that says how to
// make it private (it is made 0600; a copy or an archive may loosen it).
func TestReadableKeyFileIsWarnedAbout(t *testing.T) {
	dir := t.TempDir()
	warn := func() bool {
		t.Helper()
		cmd := exec.Command(binary, "token", "create", "--name", "t")
		cmd.Env = append(os.Environ(), "HUBADMIN_DB="+filepath.Join(dir, "h.db"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return strings.Contains(string(out), "chmod 600")
	}
	if warn() {
		t.Error("a new key file (0600) is warned about")
	}
	if err := os.Chmod(filepath.Join(dir, "h.db.key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !warn() {
		t.Error("a key file readable by all is not warned about")
	}
}

// A client trickling its request (headers or body) is cut off: it would
// otherwise hold a connection and a goroutine for as long as it likes.
// Shown with the server's own settings, on a short clock; within 30 s on
// the real one (a stalled body had waited a minute). What the client is
// told, a 408, is handlers' TestStalledBodyIs408.
func TestSlowRequestsAreCutOff(t *testing.T) {
	hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.ReadTimeout > 30*time.Second {
		t.Fatalf("read timeouts %v / %v", hs.ReadHeaderTimeout, hs.ReadTimeout)
	}
	hs.ReadTimeout = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
	start := time.Now()
	for range 20 { // a byte every 100 ms: 2 s if nothing cuts it
		if _, err := conn.Write([]byte("x")); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	io.Copy(io.Discard, conn) // returns when the server closes
	if d := time.Since(start); d > 1800*time.Millisecond {
		t.Errorf("a trickled body held its connection for %v", d)
	}
}

// runCmd runs a command in this process, as main does, with stdin given.
func runCmd(t *testing.T, stdin io.Reader, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	err = run(context.Background(), args, stdin, &out, &errb)
	return out.String(), errb.String(), err
}

// downgrade makes a database look one migration older to the commands, as
// one last written by the previous release is: its version table loses
// the last row.
func downgrade(t *testing.T, path string) int64 {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var v int64
	if err := raw.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM goose_db_version WHERE version_id = ?`, v); err != nil {
		t.Fatal(err)
	}
	return v - 1
}

func schemaOf(t *testing.T, path string) db.Schema {
	t.Helper()
	s, err := db.ReadSchema(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files lists a directory's entries, for "nothing was created".
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestBackupLeavesTheDatabaseAsItWas: backup taken with this binary of a
// database at an older schema copies it at that schema and leaves it
// there (the old binary opens both); a missing database is an error
// naming its absolute path, and nothing is created.
func TestBackupLeavesTheDatabaseAsItWas(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "h.db")
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "ci", "--db", live); err != nil {
		t.Fatal(err)
	}
	older := downgrade(t, live)
	backup := filepath.Join(dir, "b.db")
	if _, _, err := runCmd(t, nil, "backup", "--db", live, "--to", backup); err != nil {
		t.Fatal(err)
	}
	if s := schemaOf(t, live); s.Current != older {
		t.Errorf("the live database went from schema %d to %d", older, s.Current)
	}
	if s := schemaOf(t, backup); s.Current != older {
		t.Errorf("the backup is at schema %d, want %d", s.Current, older)
	}
	t.Chdir(dir)
	_, _, err := runCmd(t, nil, "backup", "--db", "none.db", "--to", "c.db")
	if want := "no database at " + filepath.Join(dir, "none.db") + "; --db names it"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("backup of a missing database: %v, want %q", err, want)
	}
	for _, name := range []string{"none.db", "none.db.key", "c.db"} {
		if _, err := os.Stat(name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused backup made %s: %v", name, err)
		}
	}
}

// TestCommandsDoNotUpgrade: on a new database the commands create and
// migrate it, saying where; on one at an older schema they refuse, say
// what to do, and leave it at its version; migrate says what it did.
func TestCommandsDoNotUpgrade(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "h.db")
	_, stderr, err := runCmd(t, strings.NewReader("a-long-enough-password\n"),
		"user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin", "--db", path)
	if err != nil || !strings.Contains(stderr, "created a new database at "+path+" (schema ") {
		t.Fatalf("user create on a new database: %v, stderr %q", err, stderr)
	}
	if _, stderr, err := runCmd(t, nil, "token", "create", "--name", "ci", "--db", path); err != nil || strings.Contains(stderr, "created") {
		t.Fatalf("token create on an existing database: %v, stderr %q", err, stderr)
	}
	older := downgrade(t, path)
	latest := schemaOf(t, path).Latest
	want := fmt.Sprintf("database %s is at schema %d; this hubadmin needs %d: stop the server, take a backup (hubadmin backup --db %s --to FILE), then run hubadmin migrate",
		path, older, latest, path)
	for _, args := range [][]string{
		{"token", "create", "--name", "again"},
		{"tenant", "create", "--name", "Acme"},
		{"client", "create", "--name", "dotnet"},
		{"user", "create", "--email", "b@example.com", "--role", "viewer", "--password-stdin"},
		{"user", "password", "--email", "a@example.com", "--password-stdin"},
	} {
		_, _, err := runCmd(t, strings.NewReader("a-long-enough-password\n"), append(args, "--db", path)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v on schema %d: %v, want %q", args, older, err, want)
		}
		if s := schemaOf(t, path); s.Current != older {
			t.Fatalf("%v migrated the database to %d", args, s.Current)
		}
		// Reading the schema left no -wal or -shm beside it.
		if got := files(t, filepath.Dir(path)); len(got) != 2 {
			t.Errorf("%v left %v", args, got)
		}
	}
	_, stderr, err = runCmd(t, nil, "migrate", "--db", path)
	if want := fmt.Sprintf("database %s: schema %d → %d\n", path, older, latest); err != nil || stderr != want {
		t.Fatalf("migrate: %v, stderr %q, want %q", err, stderr, want)
	}
	_, stderr, err = runCmd(t, nil, "migrate", "--db", path)
	if want := fmt.Sprintf("database %s is up to date (schema %d)\n", path, latest); err != nil || stderr != want {
		t.Fatalf("migrate again: %v, stderr %q, want %q", err, stderr, want)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "again", "--db", path); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
}

// TestRefusedCommandsLeaveNothingBehind: the commands check their own
// arguments before they open (and would create) the database or its key.
func TestRefusedCommandsLeaveNothingBehind(t *testing.T) {
	for _, c := range []struct {
		stdin string
		args  []string
		says  string
	}{
		{"", []string{"token", "create", "--name", "x", "--scope", "admin"}, "--scope must be read or write"},
		{"", []string{"client", "create", "--name", "x", "--scope", "admin"}, "--scope must be read or write"},
		{"", []string{"token", "create"}, "--name is required"},
		{"", []string{"client", "create", "--name", " "}, "--name is required"},
		{"", []string{"tenant", "create"}, "--name is required"},
		{"pw-long-enough\n", []string{"user", "create", "--email", "nope", "--role", "admin", "--password-stdin"}, "--email must be"},
		{"pw-long-enough\n", []string{"user", "create", "--email", "a@example.com", "--role", "root", "--password-stdin"}, "--role must be"},
		{"short\n", []string{"user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin"}, "password"},
		{"", []string{"user", "create", "--email", "a@example.com", "--role", "admin"}, "--password-stdin is required"},
		{"short\n", []string{"user", "password", "--email", "a@example.com", "--password-stdin"}, "password"},
		{"pw-long-enough\n", []string{"user", "password", "--email", "a@example.com", "--password-stdin"}, "no database at"},
		// A new database would hold the default tenant only.
		{"", []string{"token", "create", "--name", "x", "--tenant", "nosuch"}, `tenant "nosuch": not found`},
		{"pw-long-enough\n", []string{"user", "create", "--email", "a@example.com", "--role", "admin", "--tenant", "Acme", "--password-stdin"}, `tenant "Acme": not found`},
		{"", []string{"tenant", "create", "--name", "00000000-0000-0000-0000-000000000001"}, "cannot have the form of an id"},
		{"", []string{"tenant", "create", "--name", "6F9619FF-8B86-D011-B42D-00C04FC964FF"}, "cannot have the form of an id"},
	} {
		dir := t.TempDir()
		_, _, err := runCmd(t, strings.NewReader(c.stdin), append(c.args, "--db", filepath.Join(dir, "h.db"))...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: %v, want an error saying %q", c.args, err, c.says)
		}
		if got := files(t, dir); len(got) > 0 {
			t.Errorf("%v left %v behind", c.args, got)
		}
	}
}

// TestPathErrorsSayWhatIsWrong: a --db that is a directory, under a file,
// or empty, a key file of the wrong size, and a backup target naming a
// missing directory are refused with what is wrong, and nothing is made.
func TestPathErrorsSayWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("adir", 0o700)
	os.WriteFile("afile", nil, 0o600)
	key := bytes.Repeat([]byte{1}, 32)
	os.WriteFile("newline.key", append(key, '\n'), 0o600)
	os.WriteFile("base64.key", []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600)
	before := files(t, dir)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"token", "create", "--name", "x", "--db", "adir"}, filepath.Join(dir, "adir") + " is a directory"},
		{[]string{"token", "create", "--name", "x", "--db", "afile/x.db"}, filepath.Join(dir, "afile") + " is a file, not a directory"},
		{[]string{"token", "create", "--name", "x", "--db", ""}, "the database path is empty"},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--db", ""}, "the database path is empty"},
		{[]string{"migrate", "--db", "adir"}, "is a directory"},
		{[]string{"token", "create", "--name", "x", "--db", "h.db", "--secret-key-file", "newline.key"}, "a line break after the key"},
		{[]string{"token", "create", "--name", "x", "--db", "h.db", "--secret-key-file", "base64.key"}, "base64"},
		{[]string{"backup", "--db", "afile", "--to", "newdir/"}, "newdir/ names a directory, which does not exist"},
		{[]string{"backup", "--db", "", "--to", "b.db"}, "the database path is empty"},
		{[]string{"user", "password", "--email", "a@example.com", "--password-stdin", "--db", ""}, "the database path is empty"},
	} {
		_, _, err := runCmd(t, strings.NewReader("a-long-enough-password\n"), c.args...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: %v, want an error saying %q", c.args, err, c.says)
		}
		if strings.Contains(c.args[len(c.args)-1], ".key") && !strings.Contains(err.Error(), "head -c 32 /dev/urandom > FILE; chmod 600 FILE") {
			t.Errorf("%v does not say how to make a key: %v", c.args, err)
		}
		if got := files(t, dir); !slices.Equal(got, before) {
			t.Fatalf("%v: files %v, want %v", c.args, got, before)
		}
	}
}

// fakeTerminal is standard input as a terminal: ReadPassword gives the
// line typed; Read must not be called (a terminal read to its end waits
// for Ctrl-D).
type fakeTerminal struct {
	typed string
	read  bool
}

func (f *fakeTerminal) Read([]byte) (int, error) { f.read = true; return 0, io.EOF }

func (f *fakeTerminal) ReadPassword() ([]byte, error) { return []byte(f.typed), nil }

// TestPasswordFromATerminal: on a terminal the password is asked for on
// stderr and read as one line without echo; from a pipe the line break
// after it is dropped; one with a line break inside is refused.
func TestPasswordFromATerminal(t *testing.T) {
	tty := &fakeTerminal{typed: "typed-on-a-terminal"}
	var stderr bytes.Buffer
	pw, err := readPassword("user create", true, tty, &stderr)
	if err != nil || pw != "typed-on-a-terminal" || stderr.String() != "Password: \n" || tty.read {
		t.Errorf("terminal: %q %v, stderr %q, read to the end %v", pw, err, stderr.String(), tty.read)
	}
	for _, piped := range []string{"piped-password\n", "piped-password\r\n", "piped-password"} {
		stderr.Reset()
		pw, err := readPassword("user create", true, strings.NewReader(piped), &stderr)
		if err != nil || pw != "piped-password" || stderr.Len() > 0 {
			t.Errorf("pipe %q: %q %v, stderr %q", piped, pw, err, stderr.String())
		}
	}
	for _, piped := range []string{"first-line\nsecond-line\n", "first-line\r\nsecond\n"} {
		if _, err := readPassword("user create", true, strings.NewReader(piped), &stderr); err == nil || !strings.Contains(err.Error(), "line break") {
			t.Errorf("pipe %q: %v, want a refusal naming the line break", piped, err)
		}
	}
	// The whole command, typed on the terminal.
	path := filepath.Join(t.TempDir(), "h.db")
	if _, _, err := runCmd(t, &fakeTerminal{typed: "typed-on-a-terminal"},
		"user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin", "--db", path); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if u, err := d.UserByEmail(context.Background(), "a@example.com"); err != nil || !handlers.VerifyPassword(u.PasswordHash, "typed-on-a-terminal") {
		t.Errorf("the user's password is not the one typed: %v", err)
	}
}

// TestKeyWarningUsesTheConfiguredLogger: the readable-key warning comes
// in the chosen log format.
func TestKeyWarningUsesTheConfiguredLogger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	if _, _, err := runCmd(t, nil, "migrate", "--db", path); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "a", "--db", path); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path+".key", 0o644)
	_, stderr, err := runCmd(t, nil, "token", "create", "--name", "b", "--db", path, "--log-format", "json")
	var entry struct{ Level, Msg, File string }
	if err != nil || json.Unmarshal([]byte(strings.TrimSpace(stderr)), &entry) != nil || entry.Level != "WARN" ||
		!strings.Contains(entry.Msg, "chmod 600") || entry.File != path+".key" {
		t.Errorf("json: %v, stderr %q", err, stderr)
	}
	_, stderr, err = runCmd(t, nil, "token", "create", "--name", "c", "--db", path)
	if err != nil || !strings.HasPrefix(stderr, "time=") || !strings.Contains(stderr, "level=WARN") {
		t.Errorf("text: %v, stderr %q", err, stderr)
	}
}

// TestHelpAndVersion: -h and --help print the command list, --version is
// version, and the action lists name every action.
func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}} {
		stdout, stderr, err := runCmd(t, nil, args...)
		if err != nil || stdout != usage || stderr != "" {
			t.Errorf("%v: %v, stdout %q, stderr %q", args, err, stdout, stderr)
		}
	}
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		if stdout, _, err := runCmd(t, nil, args...); err != nil || !strings.HasPrefix(stdout, "hubadmin "+version+"\n") {
			t.Errorf("%v: %v, stdout %q", args, err, stdout)
		}
	}
	for _, args := range [][]string{{"version", "--db", "x.db"}, {"version", "now"}, {"--version", "x"}} {
		if stdout, _, err := runCmd(t, nil, args...); err == nil || stdout != "" {
			t.Errorf("%v: %v, stdout %q; want an error", args, err, stdout)
		}
	}
	for _, args := range [][]string{{"user"}, {"user", "-h"}, {"user", "delete"}} {
		if _, _, err := runCmd(t, nil, args...); err == nil || !strings.Contains(err.Error(), "(create, password)") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestSetupURL(t *testing.T) {
	for _, c := range []struct {
		public string
		addr   *net.TCPAddr
		want   string
	}{
		{"", &net.TCPAddr{IP: net.IPv6unspecified, Port: 18012}, "http://localhost:18012/setup"},
		{"", &net.TCPAddr{IP: net.IPv4zero, Port: 18012}, "http://localhost:18012/setup"},
		{"", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/setup"},
		{"", &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 80}, "http://192.0.2.7:80/setup"},
		{"https://hub.example.com", &net.TCPAddr{IP: net.IPv6unspecified, Port: 18012}, "https://hub.example.com/setup"},
	} {
		if got := setupURL(c.public, c.addr); got != c.want {
			t.Errorf("setupURL(%q, %v) = %q, want %q", c.public, c.addr, got, c.want)
		}
	}
}

// TestTenantNameThatIsAnID: --tenant takes an id or a name, so a name
// that is a tenant's id is refused.
func TestTenantNameThatIsAnID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	_, _, err := runCmd(t, nil, "tenant", "create", "--name", db.DefaultTenantID, "--db", path)
	if err == nil || !strings.Contains(err.Error(), "cannot have the form of an id") {
		t.Errorf("tenant named like the default tenant's id: %v", err)
	}
}

// TestCommandNamesFollowTheDashboardsRule: tenant, token and client names
// made with the commands are held to the rule of the dashboard and API
// (one line of visible text, no control, text-direction or invisible
// characters, 100 at most), refused before the database is made.
func TestCommandNamesFollowTheDashboardsRule(t *testing.T) {
	for _, name := range []string{"ci\u202eevil", "a\tb", "\u200b", strings.Repeat("x", 101)} {
		for _, cmd := range []string{"tenant", "token", "client"} {
			path := filepath.Join(t.TempDir(), "h.db")
			if _, _, err := runCmd(t, nil, cmd, "create", "--name", name, "--db", path); err == nil || !strings.Contains(err.Error(), "--name") {
				t.Errorf("%s create --name %q: %v", cmd, name, err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s create --name %q made the database", cmd, name)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "h.db")
	if out, _, err := runCmd(t, nil, "tenant", "create", "--name", "  Acme  ", "--db", path); err != nil || out == "" {
		t.Fatalf("a good name: %v", err)
	}
}

// TestEmptyTenantIsTheDefault: --tenant "" (a script's empty variable)
// is the default tenant, as no --tenant is (SPEC 2), and so is its name.
func TestEmptyTenantIsTheDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	for _, ref := range []string{"", "default"} {
		if out, _, err := runCmd(t, nil, "token", "create", "--name", "ci "+ref, "--tenant", ref, "--db", path); err != nil || out == "" {
			t.Fatalf("--tenant %q: %v", ref, err)
		}
	}
	d, err := db.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	toks, err := d.Tokens(context.Background(), db.DefaultTenantID)
	if err != nil || len(toks) != 2 {
		t.Fatalf("default tenant's tokens: %d, %v", len(toks), err)
	}
}

// TestFlagAdvice: a value after a switch, and a command after the flags,
// are answered with what to write instead; nothing is created.
func TestFlagAdvice(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"serve", "--allow-private-webhooks", "false", "--db", "x.db"}, `unexpected argument "false": --allow-private-webhooks is a switch, whose value goes after an equals sign: write --allow-private-webhooks=false`},
		{[]string{"--db", "x.db", "migrate"}, `unexpected argument "migrate": the command comes first and its flags after it (hubadmin migrate --db x.db)`},
		{[]string{"--db", "my db.db", "token", "create"}, `(hubadmin token create --db 'my db.db')`},
		{[]string{"serve", "--addr", "127.0.0.1:0", "sandbox"}, `unexpected argument "sandbox": serve takes flags only, no arguments`},
	} {
		if _, _, err := runCmd(t, nil, c.args...); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: %v, want %q", c.args, err, c.says)
		}
	}
	if got := files(t, dir); len(got) > 0 {
		t.Errorf("left behind: %v", got)
	}
}

// TestServeStartUpOrder: an environment variable that is not its flag's
// type does not matter when the flag is given, and the listen address is
// bound before the database is created: a port in use leaves nothing.
func TestServeStartUpOrder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	t.Setenv("HUBADMIN_RATE_LIMIT", "abc")
	_, _, err = runCmd(t, nil, "serve", "--rate-limit", "5", "--addr", ln.Addr().String(), "--db", filepath.Join(dir, "h.db"))
	if err == nil || strings.Contains(err.Error(), "HUBADMIN_RATE_LIMIT") || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("serve on a port in use: %v", err)
	}
	if got := files(t, dir); len(got) > 0 {
		t.Errorf("a server that could not listen made %v", got)
	}
	if _, _, err := runCmd(t, nil, "serve", "--addr", ln.Addr().String(), "--db", filepath.Join(dir, "h.db")); err == nil ||
		!strings.Contains(err.Error(), "HUBADMIN_RATE_LIMIT must be") {
		t.Errorf("without --rate-limit: %v", err)
	}
}

// TestSecondSignalExitsAtOnce: a second SIGTERM during the shutdown's
// grace period ends the process at once, with status 1 and a line saying
// so. The start-up log names the database by its absolute path, and the
// setup URL is one a browser opens.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HUBADMIN_DB=h.db")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var mu sync.Mutex
	var log []string
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			log = append(log, sc.Text())
			mu.Unlock()
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitFor := func(s string) string {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("the server exited before logging %q: %q", s, log)
				}
				if strings.Contains(line, s) {
					return line
				}
			case <-timeout:
				t.Fatalf("no %q in the log: %q", s, log)
			}
		}
	}
	listening := waitFor("hubadmin listening")
	if want := "db=" + filepath.Join(dir, "h.db") + " "; !strings.Contains(listening, want) {
		t.Errorf("start-up line %q does not hold %q", listening, want)
	}
	_, rest, _ := strings.Cut(listening, "url=")
	base, _, _ := strings.Cut(rest, " ")
	if setup := waitFor("setup_url="); !strings.Contains(setup, base+"/setup?token=") {
		t.Errorf("setup line %q, want the URL %s/setup with its token", setup, base)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	waitFor("shutting down")
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	waitFor("second signal during shutdown")
	for range lines {
	}
	err = cmd.Wait()
	if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("exit after a second signal: %v, want status 1", err)
	}
	if d := time.Since(start); d > shutdownGrace/2 {
		t.Errorf("exited %v after the second signal; the grace period is %v", d, shutdownGrace)
	}
}

// TestNewerSchemaMakesNoKey: a database migrated by a newer hubadmin is
// refused before a missing key file is made anew beside it.
func TestNewerSchemaMakesNoKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	if _, _, err := runCmd(t, nil, "migrate", "--db", path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`INSERT INTO goose_db_version (version_id, is_applied) SELECT MAX(version_id) + 1, 1 FROM goose_db_version`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, nil, "token", "create", "--name", "x", "--db", path); !errors.Is(err, db.ErrNewerSchema) {
		t.Errorf("token create on a newer schema: %v", err)
	}
	if _, err := os.Stat(path + ".key"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was made for a database that is refused: %v", err)
	}
}

// TestSecretsRotate: 'secrets rotate' is refused while a server has the
// database open (so is migrate: an older server would go on beside a
// newer schema), and changes nothing then. Stopped, it replaces the key:
// the old one is kept beside it (printed), the server reads every secret
// as before, and the old key alone no longer opens the database. A
// rotation cut short (its <key>.new left) is finished by running again.
func TestSecretsRotate(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "h.db.key")
	tok, err := cli(t, dir, "", "token", "create", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	tok = strings.TrimSpace(tok)
	s := startServer(t, dir)
	hub := seedHub(t, s.base, tok)
	code, b, err := call("POST", s.base+"/api/v1/integrations/hubs/"+hub, tok, `{"channelId":"Direct","name":"Bot","configuration":{"integrationType":"Customer"}}`)
	if err != nil || code != 200 {
		t.Fatalf("integration: %d %s %v", code, b, err)
	}
	var in struct{ IntegrationID string }
	json.Unmarshal(b, &in)
	_, want, _ := call("GET", s.base+"/api/v1/integrations/"+in.IntegrationID, tok, "")
	if !bytes.Contains(want, []byte("privateSigningKey")) {
		t.Fatalf("no secret to keep: %s", want)
	}
	oldKey, _ := os.ReadFile(keyPath)

	if runtime.GOOS == "linux" { // the only place with the guard: see db.Hold
		for _, args := range [][]string{{"secrets", "rotate"}, {"secrets", "forget", "--yes"}} {
			if _, err := cli(t, dir, "", args...); err == nil || !strings.Contains(err.Error(), "a hubadmin server has this database open") {
				t.Errorf("%s beside the server: %v", args, err)
			}
		}
		// migrate has nothing to apply to the database its server runs.
		if _, err := cli(t, dir, "", "migrate"); err != nil {
			t.Errorf("migrate beside the server, nothing to apply: %v", err)
		}
		// A second server on the same database (a newer release would
		// migrate it under this one) stops at once, saying why; this one
		// goes on serving.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		second := exec.CommandContext(ctx, binary, "serve", "--addr", "127.0.0.1:0", "--providers", "sandbox")
		second.Env = append(os.Environ(), "HUBADMIN_DB="+filepath.Join(dir, "h.db"))
		out, err := second.CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil || timedOut || !strings.Contains(string(out), "is open in another hubadmin process") {
			t.Errorf("a second server beside the first: %v: %s", err, out)
		}
		if code, _, err := call("GET", s.base+"/api/v1/integrations/"+in.IntegrationID, tok, ""); err != nil || code != 200 {
			t.Errorf("the first server after the second was refused: %d %v", code, err)
		}
		if k, _ := os.ReadFile(keyPath); !bytes.Equal(k, oldKey) {
			t.Fatal("a refused rotation changed the key file")
		}
		if _, err := os.Stat(keyPath + ".new"); !os.IsNotExist(err) {
			t.Fatal("a refused rotation left a new key")
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done

	out, err := cli(t, dir, "", "secrets", "rotate")
	if err != nil {
		t.Fatalf("secrets rotate: %v", err)
	}
	kept := strings.TrimSpace(out)
	if k, _ := os.ReadFile(kept); !bytes.Equal(k, oldKey) || filepath.Dir(kept) != dir {
		t.Fatalf("the old key is not kept in %q", kept)
	}
	newKey, _ := os.ReadFile(keyPath)
	if len(newKey) != db.KeySize || bytes.Equal(newKey, oldKey) {
		t.Fatal("the key file was not replaced")
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 && runtime.GOOS != "windows" {
		t.Errorf("new key file: %v %v", fi.Mode(), err)
	}
	if _, err := os.Stat(keyPath + ".new"); !os.IsNotExist(err) {
		t.Error("the rotation left <key>.new")
	}
	oldSeal, _ := db.NewSealer(oldKey)
	if d, err := db.Open(context.Background(), filepath.Join(dir, "h.db"), oldSeal); !errors.Is(err, db.ErrWrongKey) {
		if err == nil {
			d.Close()
		}
		t.Fatalf("the old key still opens the database: %v", err)
	}
	s = startServer(t, dir)
	if _, got, _ := call("GET", s.base+"/api/v1/integrations/"+in.IntegrationID, tok, ""); !bytes.Equal(got, want) {
		t.Fatalf("after the rotation: %s\nwant %s", got, want)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done

	// Cut short after its new key was written: run again, it finishes
	// with that key.
	third := bytes.Repeat([]byte{3}, db.KeySize)
	if err := db.WriteKey(keyPath+".new", third); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, dir, "", "secrets", "rotate"); err != nil {
		t.Fatalf("finishing: %v", err)
	}
	if k, _ := os.ReadFile(keyPath); !bytes.Equal(k, third) {
		t.Fatal("the rotation cut short was not finished with its key")
	}
	s = startServer(t, dir)
	if _, got, _ := call("GET", s.base+"/api/v1/integrations/"+in.IntegrationID, tok, ""); !bytes.Equal(got, want) {
		t.Fatalf("after finishing: %s", got)
	}
}

// hubadmin runs the binary with the environment given (after the test's
// own) and tells its output and exit status.
func hubadmin(t *testing.T, env []string, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		status = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), status
}

// TestCreateCommandsTakeOnlyTheirFlags: user, tenant, token and client
// create refuse a flag of another command, which they would ignore (a
// "token create --role viewer" made a write token), with status 2 and
// one line naming the flag and what to use instead; nothing is made. So
// do the other commands.
func TestCreateCommandsTakeOnlyTheirFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"token", "create", "--name", "ci-ro", "--role", "viewer"}, "hubadmin token create: --role is not a flag of token create (tokens take --scope read|write)"},
		{[]string{"token", "create", "--name", "ci", "--email", "a@example.com"}, "hubadmin token create: --email is not a flag of token create (it is a flag of user create and user password)"},
		{[]string{"tenant", "create", "--name", "T3", "--scope", "read"}, "hubadmin tenant create: --scope is not a flag of tenant create (it is a flag of token create and client create)"},
		{[]string{"tenant", "create", "--password-stdin", "--email", "z@z.z"}, "hubadmin tenant create: --password-stdin is not a flag of tenant create (tenant create makes no user: hubadmin user create --tenant T makes one)"},
		{[]string{"tenant", "create", "--name", "T3", "--tenant", "Acme"}, "hubadmin tenant create: --tenant is not a flag of tenant create (tenant create takes --name)"},
		{[]string{"client", "create", "--name", "dotnet", "--role", "viewer"}, "hubadmin client create: --role is not a flag of client create (API clients take --scope read|write)"},
		{[]string{"user", "create", "--email", "b@example.com", "--role", "admin", "--password-stdin", "--scope", "read"}, "hubadmin user create: --scope is not a flag of user create (users take --role admin|editor|viewer)"},
		{[]string{"user", "create", "--email", "b@example.com", "--role", "admin", "--password-stdin", "--name", "Bob"}, "hubadmin user create: --name is not a flag of user create (a user is known by --email)"},
		{[]string{"user", "password", "--email", "b@example.com", "--password-stdin", "--tenant", "Acme"}, "hubadmin user password: --tenant is not a flag of user password (--email finds the user in any tenant)"},
		{[]string{"migrate", "--name", "x"}, "hubadmin migrate: --name is not a flag of migrate (it is a flag of tenant create, token create and client create)"},
		{[]string{"backup", "--to", "b.db", "--yes"}, "hubadmin backup: --yes is not a flag of backup (it is a flag of secrets forget)"},
	} {
		dir := t.TempDir()
		stdout, stderr, status := hubadmin(t, []string{"HUBADMIN_DB=" + filepath.Join(dir, "h.db")}, "a-long-enough-password\n", c.args...)
		if status != 2 || stderr != c.says+"\n" || stdout != "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want status 2 and %q", c.args, status, stdout, stderr, c.says)
		}
		if got := files(t, dir); len(got) > 0 {
			t.Errorf("%v made %v", c.args, got)
		}
	}
}

// TestEveryCommandChecksTheSettings: a setting serve refuses is refused
// by every command, with serve's message: a script passes one set to
// migrate and serve, and migrate must not pass what serve then refuses.
// The message names the variable a value came from, or the flag when one
// was given. Nothing is made.
func TestEveryCommandChecksTheSettings(t *testing.T) {
	settings := []struct {
		env  string
		args []string
		says string
	}{
		{"", []string{"--log-format", "xml"}, `--log-format must be text or json, not "xml"`},
		{"HUBADMIN_ALLOW_PRIVATE_WEBHOOKS=maybe", nil, `HUBADMIN_ALLOW_PRIVATE_WEBHOOKS must be true or false, not "maybe"`},
		{"", []string{"--rate-limit", "0"}, "--rate-limit must be a number of requests per second above 0"},
		{"HUBADMIN_RATE_LIMIT=abc", nil, `HUBADMIN_RATE_LIMIT must be a number of requests per second, not "abc"`},
		{"", []string{"--providers", "fake"}, `--providers must be live or sandbox, not "fake"`},
		{"HUBADMIN_SECURE_COOKIES=yes", nil, `HUBADMIN_SECURE_COOKIES must be auto, true or false, not "yes"`},
		{"HUBADMIN_PROVIDERS=fake", nil, `HUBADMIN_PROVIDERS must be live or sandbox, not "fake"`},
		{"HUBADMIN_PROVIDERS=fake", []string{"--providers", "mock"}, `--providers must be live or sandbox, not "mock"`},
		{"", []string{"--trusted-proxies", "nginx"}, "--trusted-proxies must list"},
		{"", []string{"--public-url", "hub.example.com"}, "--public-url must be"},
	}
	commands := []struct {
		stdin string
		args  []string
	}{
		{"", []string{"serve", "--addr", "127.0.0.1:0"}},
		{"", []string{"migrate"}},
		{"", []string{"backup", "--to", "b.db"}},
		{"", []string{"token", "create", "--name", "zz"}},
		{"", []string{"client", "create", "--name", "zz"}},
		{"", []string{"tenant", "create", "--name", "zz"}},
		{"a-long-enough-password\n", []string{"user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin"}},
		{"a-long-enough-password\n", []string{"user", "password", "--email", "a@example.com", "--password-stdin"}},
		{"", []string{"secrets", "rotate"}},
		{"", []string{"secrets", "forget"}},
	}
	for _, c := range commands {
		for _, s := range settings {
			dir := t.TempDir()
			env := []string{"HUBADMIN_DB=" + filepath.Join(dir, "h.db")}
			if s.env != "" {
				env = append(env, s.env)
			}
			name := strings.Join(c.args[:1], " ")
			if c.args[0] != "serve" && c.args[0] != "migrate" && c.args[0] != "backup" {
				name = strings.Join(c.args[:2], " ")
			}
			_, stderr, status := hubadmin(t, env, c.stdin, append(slices.Clone(c.args), s.args...)...)
			if want := "hubadmin " + name + ": " + s.says; status != 1 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%v %v %s: status %d, stderr %q; want status 1 and %q", c.args, s.args, s.env, status, stderr, want)
			}
			if got := files(t, dir); len(got) > 0 {
				t.Errorf("%v %v %s made %v", c.args, s.args, s.env, got)
			}
		}
	}
}

// TestCreateCommandsWriteTheirActivity: token, client and user create
// from the command line write the Activity entry the dashboard writes for
// the same change (actor "cli"), in the tenant of what they made, and no
// secret is in it; tenant create writes the new tenant's first entry.
func TestCreateCommandsWriteTheirActivity(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.db")
	tenant, _, err := runCmd(t, nil, "tenant", "create", "--name", "Acme", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	tenant = strings.TrimSpace(tenant)
	token, _, err := runCmd(t, nil, "token", "create", "--name", "ci", "--scope", "read", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	token = strings.TrimSpace(token)
	client, _, err := runCmd(t, nil, "client", "create", "--name", "dotnet", "--tenant", "Acme", "--db", path)
	if err != nil {
		t.Fatal(err)
	}
	clientID, secret, _ := strings.Cut(strings.TrimSpace(client), "\n")
	const password = "a-long-enough-password"
	if _, _, err := runCmd(t, strings.NewReader(password+"\n"), "user", "create", "--email", "a@example.com", "--role", "editor", "--tenant", "Acme", "--password-stdin", "--db", path); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	type entry struct{ Actor, Action, ObjectType, ObjectName, Detail string }
	log := func(tenantID string) []entry {
		t.Helper()
		got, _, err := d.AuditEntries(context.Background(), db.AuditFilter{TenantID: tenantID, Size: 50})
		if err != nil {
			t.Fatal(err)
		}
		var out []entry
		for _, e := range got {
			for _, secret := range []string{token, token[4:], secret, password} {
				if strings.Contains(e.Detail, secret) || strings.Contains(e.ObjectName, secret) {
					t.Errorf("entry %+v holds a secret", e)
				}
			}
			out = append(out, entry{e.Actor, e.Action, e.ObjectType, e.ObjectName, e.Detail})
		}
		return out
	}
	toks, err := d.Tokens(context.Background(), db.DefaultTenantID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens: %v %v", toks, err)
	}
	wantDefault := []entry{{"cli", "token.create", "token", "ci", "scope read, …" + toks[0].Hint}}
	if got := log(db.DefaultTenantID); !slices.Equal(got, wantDefault) {
		t.Errorf("default tenant's activity: %+v, want %+v", got, wantDefault)
	}
	wantAcme := []entry{ // newest first
		{"cli", "user.create", "user", "a@example.com", "role editor"},
		{"cli", "client.create", "client", "dotnet", "scope write"},
		{"cli", "tenant.create", "tenant", "Acme", ""},
	}
	if got := log(tenant); !slices.Equal(got, wantAcme) {
		t.Errorf("Acme's activity: %+v, want %+v", got, wantAcme)
	}
	if entries, _, err := d.AuditEntries(context.Background(), db.AuditFilter{TenantID: tenant, ObjectID: clientID, Size: 5}); err != nil || len(entries) != 1 {
		t.Errorf("the client's entry does not name its id %s: %+v %v", clientID, entries, err)
	}
}

// TestHelpListsEveryCommand: hubadmin --help lists every command of the
// README's command list, with its optional flags in brackets as there
// (secrets forget lists without --yes).
func TestHelpListsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(readme), "## Commands\n\n```sh\n")
	block, _, _ = strings.Cut(block, "```")
	listed := 0
	for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
		line, _, _ = strings.Cut(line, "#")
		words := strings.Fields(line)
		var cmd []string
		for _, w := range words[1:] { // after "hubadmin"
			if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "[") {
				break
			}
			cmd = append(cmd, w)
		}
		_, entry, found := strings.Cut(usage, "\n  "+strings.Join(cmd, " ")+" ")
		if !found {
			t.Errorf("--help does not list %q", strings.Join(cmd, " "))
			continue
		}
		listed++
		entry, _, _ = strings.Cut(entry, "\n")
		for _, w := range words {
			if flag, optional := strings.CutPrefix(w, "[--"); optional && !strings.Contains(entry, w[:len("[--")+len(strings.TrimRight(flag, "]"))]) {
				t.Errorf("--help shows %s's %s as required: %q", strings.Join(cmd, " "), strings.Trim(w, "[]"), entry)
			}
		}
	}
	if listed < 10 {
		t.Fatalf("read %d commands from README.md", listed)
	}
}

// TestCommandLineErrorsAreToldOnce: an error is one line naming the
// command ("hubadmin user create: ..."); an unknown flag is told once,
// followed by where the flags are listed (not the flags themselves); a
// word left after the flags is named as such, with the quoting it needs
// when it looks like the rest of a name; a command's own flag given twice
// is refused. Usage errors exit 2, the others 1.
func TestCommandLineErrorsAreToldOnce(t *testing.T) {
	dir := t.TempDir()
	env := []string{"HUBADMIN_DB=" + filepath.Join(dir, "h.db")}
	for _, c := range []struct {
		stdin  string
		args   []string
		status int
		stderr string
	}{
		{"", []string{"token", "create", "--name", "ci", "bot"}, 2,
			"hubadmin token create: unexpected argument \"bot\": a value with spaces needs quotes: --name 'ci bot'\n"},
		{"", []string{"tenant", "create", "--name=Acme", "Corp", "Ltd", "--db", "x.db"}, 2,
			"hubadmin tenant create: unexpected argument \"Corp\": a value with spaces needs quotes: --name 'Acme Corp Ltd'\n"},
		{"", []string{"tenant", "create", "--name=Acme Corp", "Ltd"}, 2,
			"hubadmin tenant create: unexpected argument \"Ltd\": tenant create takes flags only, no arguments\nRun 'hubadmin tenant create --help' for its flags.\n"},
		{"", []string{"migrate", "now"}, 2,
			"hubadmin migrate: unexpected argument \"now\": migrate takes flags only, no arguments\nRun 'hubadmin migrate --help' for its flags.\n"},
		{"", []string{"token", "create", "--name", "ci", "--frob"}, 2,
			"hubadmin token create: unknown flag --frob\nRun 'hubadmin token create --help' for its flags.\n"},
		{"", []string{"migrate", "--frob"}, 2,
			"hubadmin migrate: unknown flag --frob\nRun 'hubadmin migrate --help' for its flags.\n"},
		{"", []string{"token", "create", "--name", "ci", "--scope", "read", "--scope", "write"}, 2,
			"hubadmin token create: --scope given twice (\"read\", then \"write\"); give it once\n"},
		{"", []string{"client", "create", "--name", "a", "--name=b"}, 2,
			"hubadmin client create: --name given twice (\"a\", then \"b\"); give it once\n"},
		{"short\n", []string{"user", "create", "--email", "a@example.com", "--role", "admin", "--password-stdin"}, 1,
			"hubadmin user create: password must be at least 8 characters\n"},
		{"", []string{"token", "create", "--name", "ci", "--scope", "admin"}, 1,
			"hubadmin token create: --scope must be read or write, not \"admin\"\n"},
		{"", []string{"client", "create"}, 1, "hubadmin client create: --name is required\n"},
	} {
		stdout, stderr, status := hubadmin(t, env, c.stdin, c.args...)
		if status != c.status || stderr != c.stderr || stdout != "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q;\nwant status %d, stderr %q", c.args, status, stdout, stderr, c.status, c.stderr)
		}
	}
	if got := files(t, dir); len(got) > 0 {
		t.Errorf("left behind: %v", got)
	}
	// -h still prints the command's flags, and is no error.
	if _, stderr, status := hubadmin(t, env, "", "token", "create", "-h"); status != 0 || !strings.Contains(stderr, "-scope") || strings.Contains(stderr, "-role") {
		t.Errorf("token create -h: status %d, %q", status, stderr)
	}
}

// TestSecretsForgetAdviceWithAKeyFileNamed: when the key file named with
// --secret-key-file opens none of the secrets, the advice for a key lost
// for good is one that works: leaving the option out (moving the file
// away would only be refused as a key file named and not there).
func TestSecretsForgetAdviceWithAKeyFileNamed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.db")
	ctx := context.Background()
	seal, err := db.NewSealer(bytes.Repeat([]byte{7}, db.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, path, seal)
	if err != nil {
		t.Fatal(err)
	}
	h, err := d.CreateHub(ctx, db.Hub{TenantID: db.DefaultTenantID, Name: "Support"}, db.Audit{})
	if err == nil {
		_, err = d.CreateIntegration(ctx, db.Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "TwilioSMS",
			IntegrationType: "Customer", Name: "SMS", StatusID: db.IntegrationActive, AttachKey: "twilio:PN1",
			Config: json.RawMessage(`{"accountSid":"AC1"}`), Secrets: map[string]string{"authToken": "t"}}, db.Audit{})
	}
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.key")
	if err := db.WriteKey(other, bytes.Repeat([]byte{9}, db.KeySize)); err != nil {
		t.Fatal(err)
	}
	env := []string{"HUBADMIN_DB=" + path}
	_, stderr, status := hubadmin(t, env, "", "secrets", "forget", "--yes", "--secret-key-file", other)
	if status != 1 || !strings.Contains(stderr, "opens none of the secrets") || strings.Contains(stderr, "move "+other+" away") ||
		!strings.Contains(stderr, "run again without --secret-key-file") {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	// The advice followed: the integration is forgotten.
	if stdout, stderr, status := hubadmin(t, env, "", "secrets", "forget", "--yes"); status != 0 || !strings.Contains(stdout, "SMS") {
		t.Fatalf("following the advice: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// TestMigrateBesideAServer: beside a process serving the database, migrate
// applies nothing. A database already at this binary's schema is no
// failure (a deploy's "migrate && restart" goes on); one with migrations
// pending is refused and left as it was.
func TestMigrateBesideAServer(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the guard is on Linux only: see db.Hold")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "h.db")
	if _, err := cli(t, dir, "", "token", "create", "--name", "ci"); err != nil {
		t.Fatal(err)
	}
	release, err := db.Hold(path) // as a server does
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	env := []string{"HUBADMIN_DB=" + path}
	if _, stderr, status := hubadmin(t, env, "", "migrate"); status != 0 || !strings.Contains(stderr, "is up to date (schema") || !strings.Contains(stderr, "a server has it open") {
		t.Errorf("migrate beside a server, nothing to apply: status %d: %s", status, stderr)
	}

	older := downgrade(t, path)
	if _, stderr, status := hubadmin(t, env, "", "migrate"); status != 1 || !strings.Contains(stderr, "a hubadmin server has this database open") {
		t.Errorf("migrate beside a server, a migration pending: status %d: %s", status, stderr)
	}
	if s, err := db.ReadSchema(context.Background(), path); err != nil || s.Current != older {
		t.Errorf("a refused migrate changed the schema: version %d (%v), want %d", s.Current, err, older)
	}
}

// TestCommandHelp: a command's -h shows its own flags and the database's
// in full, and serve's only by name, which it takes but does not use;
// serve's -h shows them all; version -h says what version prints.
func TestCommandHelp(t *testing.T) {
	flagLine := func(out, name string) bool {
		return strings.Contains(out, "\n  -"+name+" ") || strings.Contains(out, "\n  -"+name+"\n")
	}
	_, stderr, err := runCmd(t, nil, "token", "create", "-h")
	if !errors.Is(err, flag.ErrHelp) && err != nil {
		t.Fatalf("token create -h: %v", err)
	}
	for _, own := range []string{"name", "scope", "tenant", "db"} {
		if !flagLine(stderr, own) {
			t.Errorf("token create -h does not describe -%s:\n%s", own, stderr)
		}
	}
	for _, served := range []string{"addr", "trusted-proxies", "metrics-token"} {
		if flagLine(stderr, served) || !strings.Contains(stderr, "-"+served) {
			t.Errorf("token create -h: serve's -%s should be named, not described:\n%s", served, stderr)
		}
	}
	if !strings.Contains(stderr, "(required)") {
		t.Errorf("token create -h does not say -name is required:\n%s", stderr)
	}
	_, stderr, _ = runCmd(t, nil, "serve", "-h")
	if !flagLine(stderr, "trusted-proxies") || !flagLine(stderr, "addr") {
		t.Errorf("serve -h does not describe its flags:\n%s", stderr)
	}
	stdout, _, err := runCmd(t, nil, "version", "--help")
	if err != nil || !strings.HasPrefix(stdout, "Usage of hubadmin version") {
		t.Errorf("version --help: %v, %q", err, stdout)
	}
}
