package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	seal, err := NewSealer(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), path, seal)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, path
}

func TestPragmasTookEffect(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	for _, writer := range []bool{true, false} {
		for name, want := range map[string]string{
			"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000", "synchronous": "2", "secure_delete": "1",
		} {
			got, err := d.Pragma(ctx, name, writer)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("writer=%v: PRAGMA %s = %q, want %q", writer, name, got, want)
			}
		}
	}
	if v, _ := d.Pragma(ctx, "query_only", false); v != "1" {
		t.Errorf("reader query_only = %q, want 1", v)
	}
	for writer, want := range map[bool]int{true: -writerCacheKiB, false: -readerCacheKiB} {
		if v, _ := d.Pragma(ctx, "cache_size", writer); v != strconv.Itoa(want) {
			t.Errorf("writer=%v: cache_size = %s, want %d", writer, v, want)
		}
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	_, path := openTest(t)
	if _, _, err := Migrate(context.Background(), path); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	d, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.TenantByRef(context.Background(), "default"); err != nil {
		t.Fatalf("default tenant: %v", err)
	}
}

func newHub(t *testing.T, d *DB, name string) Hub {
	t.Helper()
	h, err := d.CreateHub(context.Background(), Hub{TenantID: DefaultTenantID, Name: name}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestIntegrationSecretsAreEncryptedAtRest(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Support")
	const secret = "cb8c5367c3c4586ecb589e25570aaaaa"
	in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "TwilioSMS",
		IntegrationType: "Customer", Name: "SMS", StatusID: IntegrationActive, AttachKey: "twilio:PN1",
		Config: json.RawMessage(`{"accountSid":"AC1"}`), Secrets: map[string]string{"authToken": secret}}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Integration(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secrets["authToken"] != secret {
		t.Fatalf("secret round trip: %q", got.Secrets["authToken"])
	}
	d.Close()
	for _, f := range []string{path, path + "-wal"} {
		b, _ := os.ReadFile(f)
		if bytes.Contains(b, []byte(secret)) {
			t.Fatalf("%s contains the plain secret", f)
		}
	}
}

func TestSealedSecretsCannotMoveRows(t *testing.T) {
	s, _ := NewSealer(bytes.Repeat([]byte{1}, KeySize))
	k, c, err := s.Seal([]byte("x"), []byte("integration:a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(k, bytes.Clone(c), []byte("integration:b")); err == nil {
		t.Fatal("ciphertext opened under another row's identity")
	}
	inPlace := bytes.Clone(c)
	if p, err := s.Open(k, inPlace, []byte("integration:a")); err != nil || string(p) != "x" || &p[0] != &inPlace[s.aeads[k].NonceSize()] {
		t.Fatalf("open: %q, %v (or not in the ciphertext's own storage)", p, err)
	}
	rotated, _ := NewSealer(bytes.Repeat([]byte{2}, KeySize), bytes.Repeat([]byte{1}, KeySize))
	if p, err := rotated.Open(k, bytes.Clone(c), []byte("integration:a")); err != nil || string(p) != "x" {
		t.Fatalf("old key after rotation: %v", err)
	}
}

// TestPageSecretsAreEachRows: a page opens every row's secrets in the same
// scratch memory (rowScratch); each row must keep its own, whatever the
// lengths of those before and after it.
func TestPageSecretsAreEachRows(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	want := map[string]string{}
	for i, tok := range []string{"short", strings.Repeat("long-", 40), "mid-length-token", "é\"quoted\"", "x"} {
		in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "Slack",
			IntegrationType: "Agent", Name: fmt.Sprintf("slack %d", i), StatusID: IntegrationActive, Config: json.RawMessage(`{}`),
			Secrets: map[string]string{"botAccessToken": tok, "appAccessToken": tok + "-app"}}, Audit{})
		if err != nil {
			t.Fatal(err)
		}
		want[in.ID] = tok
	}
	list, _, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(want) {
		t.Fatalf("%d rows, want %d", len(list), len(want))
	}
	for _, in := range list {
		if tok := want[in.ID]; in.Secrets["botAccessToken"] != tok || in.Secrets["appAccessToken"] != tok+"-app" || in.SecretsJSON != nil {
			t.Errorf("%s: secrets %q (as JSON %s), want %q and its -app", in.Name, in.Secrets, in.SecretsJSON, tok)
		}
	}
	// Left as JSON, each row's is its own too, not the scratch memory's.
	list, _, err = d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 50, SecretsJSON: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range list {
		var got map[string]string
		if err := json.Unmarshal(in.SecretsJSON, &got); err != nil || in.Secrets != nil {
			t.Fatalf("%s: secrets as JSON %s (%v), and decoded %q", in.Name, in.SecretsJSON, err, in.Secrets)
		}
		if tok := want[in.ID]; got["botAccessToken"] != tok || got["appAccessToken"] != tok+"-app" {
			t.Errorf("%s: secrets as JSON %s, want %q and its -app", in.Name, in.SecretsJSON, tok)
		}
	}
}

// TestPageIsOneJoinedValue: a page comes out of SQLite as its values
// joined by pageSeparator. A value holding that very character (escaped
// by JSON) must stay whole; the page must keep its order, its total, and
// read a page past the end as empty; and a page out of order is put back
// in listSQL's order.
func TestPageIsOneJoinedValue(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	var ids []string
	for i := range 7 {
		name := fmt.Sprintf("chat%s%d", pageSeparator, i)
		in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
			IntegrationType: "Customer", Name: name, StatusID: IntegrationActive,
			Config: json.RawMessage(`{"greeting":"` + strings.ReplaceAll(name, pageSeparator, `\u001e`) + `"}`)}, Audit{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	for _, f := range []IntegrationFilter{
		{TenantID: h.TenantID, HubID: h.ID, Size: 3, Page: 1},                // a whole hub's page, with its total
		{TenantID: h.TenantID, HubID: h.ID, Size: 3, Page: 1, Query: "chat"}, // a search: counted apart
	} {
		list, total, err := d.Integrations(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != 7 || len(list) != 3 {
			t.Fatalf("%+v: %d rows of %d, want 3 of 7", f, len(list), total)
		}
		for i, in := range list {
			want := fmt.Sprintf("chat%s%d", pageSeparator, 3+i)
			if in.ID != ids[3+i] || in.Name != want || string(in.Config) != `{"greeting":"`+strings.ReplaceAll(want, pageSeparator, `\u001e`)+`"}` {
				t.Errorf("%+v row %d: %s %q %s, want %s %q", f, i, in.ID, in.Name, in.Config, ids[3+i], want)
			}
		}
	}
	list, total, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 50, Page: 1})
	if err != nil || len(list) != 0 || total != 7 {
		t.Fatalf("page past the end: %d rows of %d, %v", len(list), total, err)
	}
	list, _, _ = d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 50})
	want := slices.Clone(list)
	slices.Reverse(list)
	inListOrder(list)
	if !slices.EqualFunc(list, want, func(a, b Integration) bool { return a.ID == b.ID }) {
		t.Fatalf("a page out of order was not put back in order")
	}
}

func TestIntegrationUniqueness(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	mk := func(name, attach string) error {
		_, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
			IntegrationType: "Customer", Name: name, StatusID: IntegrationActive, AttachKey: attach, Config: json.RawMessage(`{}`)}, Audit{})
		return err
	}
	if err := mk("Chat", "x:1"); err != nil {
		t.Fatal(err)
	}
	var ce *ConflictError
	if err := mk("CHAT", ""); !errors.As(err, &ce) || ce.What != "name" || !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name in other case: %v", err)
	}
	if err := mk("Other", "x:1"); !errors.As(err, &ce) || ce.What != "channel" || ce.Holder != "Chat" {
		t.Fatalf("attach twice: %v", err)
	}
	// Another tenant cannot attach it either, and is not told the holder's name.
	acme, err := d.CreateTenant(ctx, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	ah, err := d.CreateHub(ctx, Hub{TenantID: acme.ID, Name: "Theirs"}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.CreateIntegration(ctx, Integration{HubID: ah.ID, TenantID: acme.ID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "Taker", StatusID: IntegrationActive, AttachKey: "x:1", Config: json.RawMessage(`{}`)}, Audit{})
	if !errors.As(err, &ce) || ce.What != "channel" || ce.Holder != "" {
		t.Fatalf("attach from another tenant: %v (holder %q)", err, ce.Holder)
	}
}

func TestConcurrentWritersDoNotFail(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Busy")
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
				IntegrationType: "Customer", Name: "same", StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
			if err != nil && !errors.Is(err, ErrConflict) {
				errs <- err
			}
			_ = i
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("unexpected error: %v", err)
	}
	_, total, err := d.Integrations(ctx, IntegrationFilter{TenantID: DefaultTenantID, HubID: h.ID, Size: 10})
	if err != nil || total != 1 {
		t.Fatalf("total = %d, %v", total, err)
	}
}

func TestOAuthStateIsSingleUse(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Slack")
	nonce, _, err := d.CreateOAuthState(ctx, OAuthState{TenantID: h.TenantID, HubID: h.ID}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	any := func(OAuthState) bool { return true }
	// Refused by the caller (another hub's request): invalid, and not spent.
	if _, err := d.ConsumeOAuthState(ctx, nonce, func(s OAuthState) bool { return s.HubID == "another" }); !errors.Is(err, ErrStateInvalid) {
		t.Fatalf("refused by mine: %v", err)
	}
	if st, err := d.ConsumeOAuthState(ctx, nonce, any); err != nil || st.HubID != h.ID {
		t.Fatalf("after a refusal: %+v, %v", st, err)
	}
	if _, err := d.ConsumeOAuthState(ctx, nonce, any); !errors.Is(err, ErrStateInvalid) {
		t.Fatalf("second use: %v", err)
	}
	expired, _, _ := d.CreateOAuthState(ctx, OAuthState{TenantID: h.TenantID, HubID: h.ID}, -time.Second)
	if _, err := d.ConsumeOAuthState(ctx, expired, any); !errors.Is(err, ErrStateInvalid) {
		t.Fatalf("expired: %v", err)
	}
}

func TestBackup(t *testing.T) {
	d, path := openTest(t)
	newHub(t, d, "Backed up")
	dst := filepath.Join(filepath.Dir(path), "copy.db")
	if err := d.Backup(context.Background(), dst); err != nil {
		t.Fatal(err)
	}
	c, err := Open(context.Background(), dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	hubs, total, err := c.Hubs(context.Background(), HubFilter{TenantID: DefaultTenantID, Size: 10})
	if err != nil || total != 1 || hubs[0].Name != "Backed up" {
		t.Fatalf("backup content: %v %d %v", hubs, total, err)
	}
}

func TestLastAdminCannotBeRemovedEvenConcurrently(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	a, _ := d.CreateUser(ctx, User{TenantID: DefaultTenantID, Email: "a@x.io", PasswordHash: "h", Role: "admin"})
	b, _ := d.CreateUser(ctx, User{TenantID: DefaultTenantID, Email: "b@x.io", PasswordHash: "h", Role: "admin"})
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []string{a.ID, b.ID} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = d.UpdateUser(ctx, id, "editor", false) }()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), ErrLastAdmin) {
		t.Fatalf("two admins demoting each other: %v", errs)
	}
	users, _ := d.Users(ctx, DefaultTenantID)
	admins := 0
	for _, u := range users {
		if u.Role == "admin" {
			admins++
		}
	}
	if admins != 1 {
		t.Fatalf("%d admins left", admins)
	}
}

func TestRevokedTokenRefusedAtOnceDespiteCache(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	tok, plain, err := d.CreateToken(ctx, Token{TenantID: DefaultTenantID, Name: "t", Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // warm the cache
		if _, err := d.TokenBySecret(ctx, plain); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.RevokeToken(ctx, DefaultTenantID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TokenBySecret(ctx, plain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revoked token still accepted: %v", err)
	}
	cl, secret, _ := d.CreateClient(ctx, Client{TenantID: DefaultTenantID, Name: "c", Scope: "read"})
	_ = secret
	exp := time.Now().Add(time.Hour)
	_, access, _ := d.CreateToken(ctx, Token{TenantID: DefaultTenantID, Name: "a", Scope: "read", ClientID: cl.ID, Expires: &exp})
	d.TokenBySecret(ctx, access)
	if err := d.RevokeClient(ctx, DefaultTenantID, cl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TokenBySecret(ctx, access); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token of a revoked client still accepted: %v", err)
	}
}

// TestParseStampMatchesTimeParse: the fast reader of stored times agrees
// with time.Parse, and leaves anything else to it.
func TestParseStampMatchesTimeParse(t *testing.T) {
	for _, s := range []string{"2026-11-26T15:04:05.123456Z", "2000-02-29T00:00:00.000000Z", "1999-12-31T23:59:59.999999Z",
		"2026-02-31T00:00:00.000000Z", "2026-13-01T00:00:00.000000Z", "2026-11-26T15:04:05Z", "2026-11-26T15:04:05.123456+01:00", "x"} {
		want, err := time.Parse(timeLayout, s)
		got, ok := parseStamp(s)
		if (err == nil) != ok {
			t.Errorf("%s: parseStamp ok=%v, time.Parse err=%v", s, ok, err)
		}
		if ok && err == nil && !got.Equal(want) {
			t.Errorf("%s: %v, time.Parse %v", s, got, want)
		}
		if p := parseTime(s); err == nil && !p.Equal(want) {
			t.Errorf("parseTime(%s) = %v", s, p)
		}
	}
}

// FuzzDecodeSecrets: the fast reader of sealed secrets agrees with
// encoding/json on everything it accepts.
func FuzzDecodeSecrets(f *testing.F) {
	for _, s := range []string{`{}`, `{"authToken":"abc","x":""}`, `{"a":"\u003c\u0026"}`, `{"a":"é\xff"}`, `{"a":1}`,
		`{"a":"b",}`, `{"a":"b"} `, `{"a":"b","a":"c"}`, `{`, `{"a":"\t"}`, `{"a":"b"}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := flatStrings(s)
		var want map[string]string
		err := json.Unmarshal([]byte(s), &want)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("%q accepted; encoding/json: %v", s, err)
		}
		if !maps.Equal(got, want) {
			t.Fatalf("%q: %v, encoding/json %v", s, got, want)
		}
	})
}

// TestCheckpointsOutsideTheWriter: the writer's connection never
// checkpoints (wal_autocheckpoint is 0 on it); the checkpointer does, so
// the WAL's frames reach the database file while writes go on.
func TestCheckpointsOutsideTheWriter(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	if v, err := d.Pragma(ctx, "wal_autocheckpoint", true); err != nil || v != "0" {
		t.Fatalf("writer's wal_autocheckpoint = %q, %v", v, err)
	}
	h, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: "Checkpoints"}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: DefaultTenantID, ChannelID: "WebChat",
			IntegrationType: "t", Name: fmt.Sprintf("c%d", i), StatusID: IntegrationActive, Config: []byte(`{}`)}, Audit{}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for d.checkpoints.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint ran within 5 s of the writes")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A redelivery is numbered after the message's last attempt even when that
// attempt is far back in the log, behind many newer deliveries.
func TestNextAttemptReadsTheWholeLog(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "System",
		IntegrationType: "System", Name: "Events", StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	record := func(msg string, attempt int) {
		t.Helper()
		if _, err := d.RecordDelivery(ctx, Delivery{IntegrationID: in.ID, MessageID: msg, Event: "test", Attempt: attempt,
			URL: "https://example.com", Body: "{}"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := d.NextAttempt(ctx, in.ID, "msg_a"); err != nil || n != 1 {
		t.Fatalf("no attempt yet: %d %v", n, err)
	}
	for a := 1; a <= 3; a++ {
		record("msg_a", a)
	}
	for i := range 150 {
		record(fmt.Sprintf("msg_%d", i), 1)
	}
	if n, err := d.NextAttempt(ctx, in.ID, "msg_a"); err != nil || n != 4 {
		t.Fatalf("after attempt 3 and 150 newer deliveries: %d %v", n, err)
	}
}

// TestReadersDoNotQueue: the reader pool holds at least 16 connections
// whatever the CPUs, and 16 reads can be in flight at once, each on a
// connection of its own (with the former pool of two per CPU, the fifth
// read of a 2-CPU machine waited here until its deadline).
func TestReadersDoNotQueue(t *testing.T) {
	d, _ := openTest(t)
	n := readers(runtime.NumCPU())
	if n < 16 || readers(1) != 16 || readers(32) != 128 {
		t.Fatalf("readers: %d here, %d on 1 CPU, %d on 32; want at least 16, then 4 per CPU", n, readers(1), readers(32))
	}
	// The reads run in a goroutine so that one queued for a connection
	// fails the test instead of hanging it; none should come near that.
	// Each open cursor, having read a row, holds its connection. Ending
	// ctx at cleanup (before the store closes) closes them all and frees
	// a read still waiting, so a failure ends the test at once.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	got := make(chan *sql.Rows, 16)
	failed := make(chan error, 1)
	go func() {
		for i := range 16 {
			rows, err := d.query(ctx, `SELECT 1 UNION ALL SELECT 2`)
			if err != nil {
				failed <- fmt.Errorf("read %d of 16 in flight: %w", i+1, err)
				return
			}
			if !rows.Next() {
				failed <- fmt.Errorf("read %d of 16: %v", i+1, rows.Err())
				return
			}
			got <- rows
		}
	}()
	timeout := time.After(5 * time.Second)
	for open := 0; open < 16; {
		select {
		case <-got:
			open++
		case err := <-failed:
			t.Fatal(err)
		case <-timeout:
			t.Fatalf("read %d of 16 waited for a connection: %+v", open+1, d.read.Stats())
		}
	}
}

// TestLookupsIgnoreCancellation: a read of one row by key runs without the
// request's cancellation (DB.lookup), whose watcher goroutines cost more
// than the read; reads that grow with the data still stop when it ends.
func TestLookupsIgnoreCancellation(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	hubs, err := d.SeedHubs(ctx, []Hub{{TenantID: DefaultTenantID, Name: "h"}})
	if err != nil {
		t.Fatal(err)
	}
	in, err := d.CreateIntegration(ctx, Integration{HubID: hubs[0].ID, TenantID: DefaultTenantID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "w", Config: []byte(`{}`)}, Audit{Actor: "t", Action: "integration.create"})
	if err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Integration(done, in.ID); err != nil {
		t.Errorf("Integration with an ended context: %v", err)
	}
	if _, err := d.Hub(done, hubs[0].ID); err != nil {
		t.Errorf("Hub with an ended context: %v", err)
	}
	// A whole hub's page that starts within boundedPage reads a bounded
	// number of entries, so it is a lookup too.
	for _, f := range []IntegrationFilter{{Size: 50}, {Page: boundedPage/100 - 1, Size: 100}} {
		f.TenantID, f.HubID = DefaultTenantID, hubs[0].ID
		if _, _, err := d.Integrations(done, f); err != nil {
			t.Errorf("page %d of %d of a hub's integrations with an ended context: %v", f.Page, f.Size, err)
		}
	}
	// Deeper pages, filtered pages and searches keep the request's end.
	for _, f := range []IntegrationFilter{{Page: boundedPage / 100, Size: 100}, {ChannelID: "WebChat", Size: 50},
		{StatusID: IntegrationActive, Size: 50}, {Query: "w", Size: 50}, {}} {
		f.TenantID, f.HubID = DefaultTenantID, hubs[0].ID
		if _, total, err := d.Integrations(done, f); !errors.Is(err, context.Canceled) {
			t.Errorf("%+v with an ended context: total %d, error %v; want context.Canceled", f, total, err)
		}
	}
	if _, total, err := d.Integrations(done, IntegrationFilter{TenantID: DefaultTenantID, Size: 50}); !errors.Is(err, context.Canceled) {
		t.Errorf("a page of the tenant's integrations with an ended context: total %d, error %v; want context.Canceled", total, err)
	}
}

// TestIntegrationRowRoundTrip: every field comes back as written through
// the one-value row (integrationRow), whatever its characters, by id, in a
// hub's page and in its summary page.
func TestIntegrationRowRoundTrip(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Row")
	want := []Integration{
		{ChannelID: "TwilioSMS", IntegrationType: "Customer", Name: `quote " back \ slash`, StatusID: IntegrationPaused,
			InboundID: "in-1", AttachKey: "twilio:PN1", Config: json.RawMessage(`{"accountSid":"AC1","note":"a\"b\\c\u00e9\n"}`),
			Secrets: map[string]string{"authToken": `to"k\en`, "x": "é 😀"}},
		{ChannelID: "WebChat", IntegrationType: "Customer", Name: "Ünïcødé 😀 <b>&amp;</b>", StatusID: IntegrationActive,
			Config: json.RawMessage(`{"allowedOrigins":["a.com"]}`)},
		{ChannelID: "Slack", IntegrationType: "Agent", Name: "null", StatusID: IntegrationActive,
			Config: json.RawMessage(`{}`), Secrets: map[string]string{"botAccessToken": "xoxb-1"}},
		{ChannelID: "System", IntegrationType: "Agent", Name: "tab\tand\u2028line", StatusID: IntegrationActive,
			Config: json.RawMessage(`{"webhookUrl":"https://a.example/x?y=1&z=\u003c"}`), Secrets: map[string]string{}},
	}
	for i := range want {
		want[i].HubID, want[i].TenantID = h.ID, h.TenantID
		in, err := d.CreateIntegration(ctx, want[i], Audit{})
		if err != nil {
			t.Fatal(err)
		}
		want[i].ID, want[i].Created, want[i].Modified = in.ID, in.Created, in.Modified
		if len(want[i].Secrets) == 0 {
			want[i].Secrets = nil
		}
	}
	same := func(where string, got, want Integration, summary bool) {
		t.Helper()
		if summary {
			want.Config, want.Secrets = json.RawMessage(`{}`), nil
		}
		if string(got.Config) != string(want.Config) || !maps.Equal(got.Secrets, want.Secrets) {
			t.Errorf("%s: configuration %s secrets %v, want %s %v", where, got.Config, got.Secrets, want.Config, want.Secrets)
		}
		got.Config, want.Config, got.Secrets, want.Secrets = nil, nil, nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", where, got, want)
		}
	}
	for _, w := range want {
		got, err := d.Integration(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		same("by id", got, w, false)
	}
	for _, summary := range []bool{false, true} {
		list, total, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 50, Summary: summary})
		if err != nil || total != len(want) || len(list) != len(want) {
			t.Fatalf("page: %d of %d, %v", len(list), total, err)
		}
		for i := range list {
			same(fmt.Sprintf("page (summary %v) row %d", summary, i), list[i], want[i], summary)
		}
	}
}

// FuzzIntegrationRow: any name SQLite writes into integrationRow's array
// comes back from splitRow as it was.
func FuzzIntegrationRow(f *testing.F) {
	for _, s := range []string{"", "a", `"`, `\`, `\"`, `","`, "null", "é😀", "\x00", "\t\n", "\u2028", "]\n["} {
		f.Add(s)
	}
	d, _ := openTest(f)
	ctx := context.Background()
	// integrationRow's array with the string in every string member.
	const q = `SELECT json_array(?1, ?1, ?1, ?1, ?1, ?1, 3000, ?1, NULL, ?1, ?1, ?1, hex(?2)) || char(10) || ?3`
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // names and ids arrive decoded from JSON or forms: valid UTF-8
		}
		var v string
		err := d.read.QueryRowContext(ctx, q, s, []byte(s), `{"k":1}`).Scan(&v)
		if err != nil {
			t.Fatal(err)
		}
		fields, cfg, ok := splitRow(v)
		if !ok {
			t.Fatalf("%q: row %q not split", s, v)
		}
		for _, n := range []int{fID, fHub, fTenant, fChannel, fType, fName, fInbound, fKey, fCreated, fModified} {
			if fields[n] != s {
				t.Fatalf("field %d: %q, want %q (row %q)", n, fields[n], s, v)
			}
		}
		if fields[fStatus] != "3000" || fields[fAttach] != "" || cfg != `{"k":1}` {
			t.Fatalf("row %q: status %q attach %q config %q", v, fields[fStatus], fields[fAttach], cfg)
		}
		if got, _ := hex.DecodeString(fields[fSecrets]); string(got) != s {
			t.Fatalf("secrets %q, want %q", got, s)
		}
	})
}

// TestUpdatesRefuseAStaleRead: an update carries the modified time it
// read; if the row changed since, nothing is written (ErrStale). Every
// update moves modified on, even two within one microsecond.
func TestUpdatesRefuseAStaleRead(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "Chat", StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	first := in
	first.Name = "First"
	saved, err := d.UpdateIntegration(ctx, first, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Modified.After(in.Modified) {
		t.Fatalf("modified %v did not move on from %v", saved.Modified, in.Modified)
	}
	stale := in
	stale.Name = "Stale"
	if _, err := d.UpdateIntegration(ctx, stale, Audit{}); !errors.Is(err, ErrStale) {
		t.Fatalf("update from a stale read: %v, want ErrStale", err)
	}
	if got, _ := d.Integration(ctx, in.ID); got.Name != "First" || !got.Modified.Equal(saved.Modified) {
		t.Fatalf("stored %q %v after a refused update", got.Name, got.Modified)
	}
	again := saved
	again.Name = "Second"
	if _, err := d.UpdateIntegration(ctx, again, Audit{}); err != nil {
		t.Fatalf("update from a fresh read: %v", err)
	}

	hub2 := h
	hub2.Description = "first"
	if _, err := d.UpdateHub(ctx, hub2, Audit{}); err != nil {
		t.Fatal(err)
	}
	hub2.Description = "stale"
	if _, err := d.UpdateHub(ctx, hub2, Audit{}); !errors.Is(err, ErrStale) {
		t.Fatalf("hub update from a stale read: %v, want ErrStale", err)
	}
	if got, _ := d.Hub(ctx, h.ID); got.Description != "first" {
		t.Fatalf("hub description %q after a refused update", got.Description)
	}
	gone := in
	gone.ID = "00000000-0000-4000-8000-000000000000"
	if _, err := d.UpdateIntegration(ctx, gone, Audit{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update of a missing row: %v, want ErrNotFound", err)
	}
}

// TestWritesReferringToDeletedRowsAreNotFound: a write that refers to a
// hub or integration deleted meanwhile is ErrNotFound, not a constraint
// failure the handlers would answer with a 500.
func TestWritesReferringToDeletedRowsAreNotFound(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	const gone = "00000000-0000-4000-8000-00000000dead"
	if _, err := d.CreateIntegration(ctx, Integration{HubID: gone, TenantID: DefaultTenantID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "W", StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("integration in a missing hub: %v", err)
	}
	if _, err := d.RecordDelivery(ctx, Delivery{IntegrationID: gone, MessageID: "m", Event: "test", Attempt: 1}); !errors.Is(err, ErrNotFound) {
		t.Errorf("delivery of a missing integration: %v", err)
	}
	if _, _, err := d.CreateOAuthState(ctx, OAuthState{TenantID: DefaultTenantID, HubID: gone}, time.Minute); !errors.Is(err, ErrNotFound) {
		t.Errorf("nonce for a missing hub: %v", err)
	}
}

// TestClientTokensArePruned: a client's new token removes its expired
// tokens and all but its newest MaxClientTokens; other tokens stay.
func TestClientTokensArePruned(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	cl, _, err := d.CreateClient(ctx, Client{TenantID: DefaultTenantID, Name: "c", Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	mk := func(client string, exp *time.Time) {
		t.Helper()
		if _, _, err := d.CreateToken(ctx, Token{TenantID: DefaultTenantID, Name: "t", Scope: "read", ClientID: client, Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	mk("", nil)
	mk("", &past) // a user's expired token is not the client's to remove
	mk(cl.ID, &past)
	for range MaxClientTokens + 3 {
		mk(cl.ID, &future)
	}
	count := func(q string, args ...any) (n int) {
		t.Helper()
		if err := d.read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM tokens WHERE client_id = ?`, cl.ID); n != MaxClientTokens {
		t.Errorf("client tokens: %d, want %d", n, MaxClientTokens)
	}
	if n := count(`SELECT count(*) FROM tokens WHERE client_id = ? AND expires < ?`, cl.ID, fmtTime(time.Now())); n != 0 {
		t.Errorf("expired client tokens kept: %d", n)
	}
	if n := count(`SELECT count(*) FROM tokens WHERE client_id IS NULL`); n != 2 {
		t.Errorf("user tokens: %d, want 2", n)
	}
}

// TestNamesCompareCaseFolded: names that only Unicode's case folding makes
// one (ß, ẞ and ss; ς and σ) are one name, and a search finds either.
func TestNamesCompareCaseFolded(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	newHub(t, d, "Straße")
	for _, dup := range []string{"STRASSE", "strasse", "STRAẞE"} {
		if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: dup}, Audit{}); !errors.Is(err, ErrConflict) {
			t.Errorf("hub %q beside Straße: %v", dup, err)
		}
	}
	newHub(t, d, "ΣΊΣΥΦΟΣ")
	if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: "Σίσυφος"}, Audit{}); !errors.Is(err, ErrConflict) {
		t.Errorf("Σίσυφος beside ΣΊΣΥΦΟΣ: %v", err)
	}
	for _, q := range []string{"strass", "STRAß", "sse"} {
		if _, n, err := d.Hubs(ctx, HubFilter{TenantID: DefaultTenantID, Query: q, Size: 10}); err != nil || n != 1 {
			t.Errorf("search %q: %d, %v", q, n, err)
		}
	}
}

// TestNamesIgnoreInvisibleJoiners: the invisible characters a name may
// hold (joiners, variation selectors, tags) do not make a second name that
// reads as the first; names that look different stay apart.
func TestNamesIgnoreInvisibleJoiners(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	newHub(t, d, "Support")
	for _, dup := range []string{"Sup\u200dport", "Sup\u200cport", "Sup\ufe0fport", "Support\U000E0041", "Supp\U000E0020ort"} {
		if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: dup}, Audit{}); !errors.Is(err, ErrConflict) {
			t.Errorf("hub %+q beside Support: %v", dup, err)
		}
	}
	newHub(t, d, "Love ❤\ufe0f")
	if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: "Love ❤"}, Audit{}); !errors.Is(err, ErrConflict) {
		t.Errorf("Love ❤ beside Love ❤\ufe0f: %v", err)
	}
	newHub(t, d, "Supports")
	if _, n, err := d.Hubs(ctx, HubFilter{TenantID: DefaultTenantID, Query: "sup\u200dport", Size: 10}); err != nil || n != 2 {
		t.Errorf("search with a joiner: %d, %v", n, err)
	}
}

// TestNamesCompareAsNFKC: names that differ only in their encoding (a
// precomposed É and E with a combining accent, fullwidth letters) are one
// name; migration 9 rewrites the keys stored before, renaming the later of
// two names that were duplicates all along.
func TestNamesCompareAsNFKC(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Support")
	// A connection of its own: the store's writer connection is its writer
	// goroutine's.
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, dup := range []string{"Ｓupport", "SUPPORT"} {
		if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: dup}, Audit{}); !errors.Is(err, ErrConflict) {
			t.Errorf("hub %q beside Support: %v", dup, err)
		}
	}
	if taken, err := d.HubNameTaken(ctx, DefaultTenantID, "", "ＳＵＰＰＯＲＴ"); err != nil || !taken {
		t.Errorf("HubNameTaken(fullwidth) = %v, %v", taken, err)
	}

	// Rows as an earlier version stored them: keys lowered, not normalized.
	nfc, nfd := "\u00c9mile", "E\u0301mile"
	for i, name := range []string{nfc, nfd, "Caf\u00e9", "Cafe\u0301 bar"} {
		_, err := raw.ExecContext(ctx, `INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key, config, created, modified)
			VALUES (?, ?, ?, 'WebChat', 'Customer', ?, lower(?), '{}', ?, ?)`,
			fmt.Sprintf("00000000-0000-4000-8000-00000000000%d", i), h.ID, h.TenantID, name, name,
			fmt.Sprintf("2026-01-0%dT00:00:00Z", i+1), "2026-01-01T00:00:00Z")
		if err != nil {
			t.Fatal(err)
		}
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := renormalizeNames(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	rows, err := raw.QueryContext(ctx, `SELECT id, name FROM integrations WHERE hub_id = ?`, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, name string
		rows.Scan(&id, &name)
		got[id] = name
	}
	rows.Close()
	want := map[string]string{
		"00000000-0000-4000-8000-000000000000": nfc,
		"00000000-0000-4000-8000-000000000001": nfd + " (00000000)", // the later of a pair
		"00000000-0000-4000-8000-000000000002": "Caf\u00e9",
		"00000000-0000-4000-8000-000000000003": "Cafe\u0301 bar",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after migration 9: %q, want %q", got, want)
	}
	if taken, err := d.IntegrationNameTaken(ctx, h.ID, "", "cafe\u0301"); err != nil || !taken {
		t.Errorf("a decomposed café is taken by the precomposed one: %v, %v", taken, err)
	}

	// Hubs too, scope by scope, and a renamed name keeps to 100 characters.
	long := strings.Repeat("x", 99) + "\u00e9"
	for i, name := range []string{long, strings.Repeat("x", 99) + "e\u0301", "\uff21", "A"} {
		_, err := raw.ExecContext(ctx, `INSERT INTO hubs (id, tenant_id, name, name_key, description, status_id, created, modified)
			VALUES (?, ?, ?, lower(?), '', 2000, ?, ?)`, fmt.Sprintf("10000000-0000-4000-8000-00000000000%d", i), DefaultTenantID, name, name,
			fmt.Sprintf("2026-02-0%dT00:00:00Z", i+1), "2026-02-01T00:00:00Z")
		if err != nil {
			t.Fatal(err)
		}
	}
	tx, err = raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := renormalizeNames(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{
		"10000000-0000-4000-8000-000000000001": strings.Repeat("x", 89) + " (10000000)",
		"10000000-0000-4000-8000-000000000003": "A (10000000)",
	} {
		var name string
		if err := raw.QueryRowContext(ctx, `SELECT name FROM hubs WHERE id = ?`, id).Scan(&name); err != nil || name != want {
			t.Errorf("hub %s: %q, %v; want %q", id, name, err, want)
		}
	}
}

// TestSetPasswordEndsSessions: a new password, its audit entry and the end
// of every session of the user are one write.
func TestSetPasswordEndsSessions(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	u, err := d.CreateUser(ctx, User{TenantID: DefaultTenantID, Email: "a@example.com", PasswordHash: "old", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if err := d.SaveSession(ctx, id, Session{UserID: u.ID, Data: []byte("{}"), Created: time.Now(), LastSeen: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.SetPassword(ctx, u, "new", Audit{Actor: "cli", Action: "user.password"}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"s1", "s2"} {
		if _, err := d.Session(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("session %s after a new password: %v", id, err)
		}
	}
	if got, _ := d.User(ctx, u.ID); got.PasswordHash != "new" {
		t.Errorf("hash %q", got.PasswordHash)
	}
	if entries, _, _ := d.AuditEntries(ctx, AuditFilter{TenantID: DefaultTenantID, Action: "user.password", Size: 5}); len(entries) != 1 {
		t.Errorf("audit entries: %+v", entries)
	}
	if err := d.SetPassword(ctx, User{ID: "nobody"}, "x", Audit{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
}

// TestBackupRefusesWhatItMustNotReplace: the database's own files (the
// server would go on writing to a deleted file), anything that is not a
// regular file, and a file that is not an SQLite database; an earlier
// backup is replaced. Each refused target is left as it was.
func TestBackupRefusesWhatItMustNotReplace(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	newHub(t, d, "Kept")
	dir := filepath.Dir(path)
	keyFile := filepath.Join(dir, "test.db.key")
	if err := os.WriteFile(keyFile, bytes.Repeat([]byte{7}, KeySize), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(path, filepath.Join(dir, "link.db")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ target, says string }{
		{path, "own file"},
		{path + "-wal", "own file"},
		{path + "-shm", "own file"},
		{filepath.Join(dir, "link.db"), "own file"},
		{keyFile, "not an SQLite database"},
		{dir, "not a regular file (a directory)"},
		{os.DevNull, "not a regular file (a device)"},
		{filepath.Join(dir, "missing", "b.db"), "does not exist"},
	} {
		before, _ := os.ReadFile(c.target)
		err := d.Backup(ctx, c.target)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("backup to %s: %v, want an error saying %q", c.target, err, c.says)
		}
		if after, _ := os.ReadFile(c.target); !bytes.Equal(before, after) {
			t.Errorf("backup to %s changed it", c.target)
		}
	}
	if hubs, total, err := d.Hubs(ctx, HubFilter{TenantID: DefaultTenantID, Size: 10}); err != nil || total != 1 || hubs[0].Name != "Kept" {
		t.Fatalf("database after refused backups: %v %d %v", hubs, total, err)
	}
	// A new backup is readable by its owner only; an earlier one is
	// replaced and keeps the mode its owner gave it.
	dst := filepath.Join(dir, "nightly.db")
	if err := d.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dst); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("new backup mode: %v %v", st.Mode(), err)
	}
	os.Chmod(dst, 0o640)
	if err := d.Backup(ctx, dst); err != nil {
		t.Fatalf("backup over an earlier one: %v", err)
	}
	if st, err := os.Stat(dst); err != nil || st.Mode().Perm() != 0o640 {
		t.Fatalf("replaced backup mode: %v %v", st.Mode(), err)
	}
	// A link to an earlier backup: the file it names is replaced, the
	// link stays.
	latest := filepath.Join(dir, "latest.db")
	if err := os.Symlink(dst, latest); err != nil {
		t.Fatal(err)
	}
	newHub(t, d, "Later")
	if err := d.Backup(ctx, latest); err != nil {
		t.Fatalf("backup to a link: %v", err)
	}
	if st, err := os.Lstat(latest); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st, err)
	}
	c, err := Open(ctx, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, total, err := c.Hubs(ctx, HubFilter{TenantID: DefaultTenantID, Size: 10}); err != nil || total != 2 {
		t.Fatalf("the linked file holds %d hubs, %v; want 2", total, err)
	}
}

// TestNewDatabaseIsPrivate: the database file (and so its -wal and -shm,
// which SQLite creates with its mode) is readable by its owner only.
func TestNewDatabaseIsPrivate(t *testing.T) {
	d, path := openTest(t)
	newHub(t, d, "Private")
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v: others can read it", f, st.Mode().Perm())
		}
	}
}

// TestWrongKeyRefusedAtOpen: a database whose secrets were sealed with one
// key does not open with another (each integration with secrets would
// fail later, one request at a time); it opens with the right one, and a
// database without sealed secrets opens with any.
func TestWrongKeyRefusedAtOpen(t *testing.T) {
	ctx := context.Background()
	d, path := openTest(t)
	if sealed, err := HasSealedSecrets(ctx, path); err != nil || sealed {
		t.Fatalf("no secrets yet: %v %v", sealed, err)
	}
	other, _ := NewSealer(bytes.Repeat([]byte{8}, KeySize))
	h := newHub(t, d, "Support")
	if _, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "TwilioSMS",
		IntegrationType: "Customer", Name: "SMS", StatusID: IntegrationActive, AttachKey: "twilio:PN1",
		Config: json.RawMessage(`{"accountSid":"AC1"}`), Secrets: map[string]string{"authToken": "t"}}, Audit{}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if sealed, err := HasSealedSecrets(ctx, path); err != nil || !sealed {
		t.Fatalf("with a sealed secret: %v %v", sealed, err)
	}
	if c, err := Open(ctx, path, other); !errors.Is(err, ErrWrongKey) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("another key: %v", err)
	}
	right, _ := NewSealer(bytes.Repeat([]byte{7}, KeySize))
	c, err := Open(ctx, path, right)
	if err != nil {
		t.Fatalf("the right key: %v", err)
	}
	c.Close()
	empty := filepath.Join(t.TempDir(), "empty.db")
	if sealed, err := HasSealedSecrets(ctx, empty); err != nil || sealed {
		t.Fatalf("no file: %v %v", sealed, err)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("HasSealedSecrets created the file")
	}
	c, err = Open(ctx, empty, other)
	if err != nil {
		t.Fatalf("a new database with any key: %v", err)
	}
	c.Close()
}

func TestHubsFilteredByStatus(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	for i, status := range []int{HubActive, HubPaused, HubActive, HubPaused, HubPaused} {
		if _, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: fmt.Sprintf("Support %d", i), StatusID: status}, Audit{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		f     HubFilter
		names []string
		total int
	}{
		{HubFilter{StatusID: HubPaused, Size: 2}, []string{"Support 1", "Support 3"}, 3},
		{HubFilter{StatusID: HubPaused, Size: 2, Page: 1}, []string{"Support 4"}, 3},
		{HubFilter{StatusID: HubActive, Size: 10}, []string{"Support 0", "Support 2"}, 2},
		{HubFilter{StatusID: HubPaused, Query: "4", Size: 10}, []string{"Support 4"}, 1},
		{HubFilter{Size: 10}, []string{"Support 0", "Support 1", "Support 2", "Support 3", "Support 4"}, 5},
	} {
		tc.f.TenantID = DefaultTenantID
		list, total, err := d.Hubs(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, h := range list {
			names = append(names, h.Name)
		}
		if total != tc.total || !slices.Equal(names, tc.names) {
			t.Errorf("%+v: %v of %d, want %v of %d", tc.f, names, total, tc.names, tc.total)
		}
	}
}

// TestSearchWithNULMatchesNothing: SQLite reads a LIKE pattern up to its
// first NUL, so a search starting with one ("%\x00zzz%" read as "%")
// matched every row. The handlers refuse such a search; the store, its
// last line, matches nothing.
func TestSearchWithNULMatchesNothing(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Support")
	if _, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
		IntegrationType: "Customer", Name: "Chat", StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{Actor: "user:ann@example.com", Action: "integration.create"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"\x00zzz", "S\x00zzz", "\x00"} {
		if _, n, err := d.Hubs(ctx, HubFilter{TenantID: DefaultTenantID, Query: q, Size: 10}); err != nil || n != 0 {
			t.Errorf("hubs %q: %d, %v", q, n, err)
		}
		if _, n, err := d.Integrations(ctx, IntegrationFilter{TenantID: DefaultTenantID, Query: q, Size: 10}); err != nil || n != 0 {
			t.Errorf("integrations %q: %d, %v", q, n, err)
		}
		for _, f := range []AuditFilter{{Actor: q}, {Action: q}, {ObjectID: q}} {
			f.TenantID, f.Size = DefaultTenantID, 10
			if _, n, err := d.AuditEntries(ctx, f); err != nil || n != 0 {
				t.Errorf("audit actor %q action %q objectId %q: %d, %v", f.Actor, f.Action, f.ObjectID, n, err)
			}
		}
	}
	// The searches without the NUL still find.
	if _, n, _ := d.Integrations(ctx, IntegrationFilter{TenantID: DefaultTenantID, Query: "ch", Size: 10}); n != 1 {
		t.Errorf("integrations 'ch': %d", n)
	}
	if _, n, _ := d.AuditEntries(ctx, AuditFilter{TenantID: DefaultTenantID, Actor: "ann", Size: 10}); n != 1 {
		t.Errorf("audit 'ann': %d", n)
	}
}

// TestDeletedRowsLeaveNoTrace: a deleted integration's webhook URL (often
// carrying the receiver's own secret) and sealed secrets, and an edited
// one's old values, are overwritten
// in the database file, not left in its free space for anyone who later
// reads the file (or a copy of it) with the key.
func TestDeletedRowsLeaveNoTrace(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Support")
	const marker = "d3l3t3d-r3c31v3r-s3cr3t"
	// Enough rows that deleting them frees whole pages too, not only cells.
	var ins []Integration
	for i := range 40 {
		in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "System",
			IntegrationType: "System", Name: fmt.Sprintf("Events %d", i), StatusID: IntegrationActive,
			Config:  json.RawMessage(fmt.Sprintf(`{"webhookUrl":"https://receiver.example/%s/%d","events":["message"],"padding":%q}`, marker, i, strings.Repeat("x", 900))),
			Secrets: map[string]string{"signingKey": marker}}, Audit{})
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in)
	}
	// Half are deleted, half edited to other values.
	for i, in := range ins {
		if i%2 == 0 {
			if err := d.DeleteIntegration(ctx, in, Audit{}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		in.Config = json.RawMessage(`{"webhookUrl":"https://receiver.example/new","events":["message"]}`)
		in.Secrets = map[string]string{"signingKey": "new"}
		if _, err := d.UpdateIntegration(ctx, in, Audit{}); err != nil {
			t.Fatal(err)
		}
	}
	d.Close() // checkpoints the WAL into the file and removes it
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte(marker)); n > 0 {
		t.Fatalf("the database file still holds %d copies of deleted rows' text", n)
	}
}
