package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// schemaAt makes a database file whose schema is the one migration version
// left, through goose's UpTo on the embedded migrations, and returns it
// open on a plain connection, for a test to write rows as the store of
// that version did. The caller closes it before opening the store.
func schemaAt(t *testing.T, version int64) (string, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	p, err := migrations(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), version); err != nil {
		t.Fatalf("up to %d: %v", version, err)
	}
	if v, err := p.GetDBVersion(context.Background()); err != nil || v != version {
		t.Fatalf("schema version %d, %v; want %d", v, err, version)
	}
	return path, raw
}

// oldNameKey is the key the store of a schema version wrote for a name:
// lower case until 7, with ς written σ from 7 (0007), in NFKC from 9,
// case-folded from 16, without invisible joiners from 17.
func oldNameKey(version int64, s string) string {
	if version >= 17 {
		return nameKey(s)
	}
	if version >= 16 {
		return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(strings.TrimSpace(s))))
	}
	k := strings.TrimSpace(s)
	if version >= 9 {
		k = norm.NFKC.String(k)
	}
	k = strings.ToLower(k)
	if version >= 7 {
		k = strings.ReplaceAll(k, "ς", "σ")
	}
	return k
}

// oldEmailKey is the key the store of a schema version wrote for an email:
// the release that added 0007 (d6a3445) folded ς in emails too, until
// d613616, before migration 8.
func oldEmailKey(version int64, s string) string {
	k := strings.ToLower(strings.TrimSpace(s))
	if version == 7 {
		k = strings.ReplaceAll(k, "ς", "σ")
	}
	return k
}

// renamedLookalike is the name the later of two lookalikes has after the
// upgrade: the start of its id appended, within 100 characters.
func renamedLookalike(name, id string) string {
	suffix := " (" + id[:8] + ")"
	return truncateRunes(name, 100-utf8.RuneCountInString(suffix)) + suffix
}

// oldIntegration is a row written as an earlier store wrote it, and what
// the store must read after the upgrade.
type oldIntegration struct {
	Integration
	wantName   string
	wantConfig string
}

// oldData is what writeOldData wrote and what must read back.
type oldData struct {
	hubs         []Hub
	integrations []oldIntegration
	deliveriesOf string
	deliveries   int
	userEmails   []string
	token        string
	tenant2      string
	lookalikes   map[string][]string // hub id -> names now taken there
}

// writeOldData writes rows into a database at schema version as the store
// of that version wrote them: every channel with its secrets sealed (the
// format has not changed since the first version), paused rows and a
// paused hub, names in other scripts and forms, a second tenant, users, a
// token, the delivery and audit logs, and the pairs of names that store
// let through and today's calls one name (only where it let them through).
func writeOldData(t *testing.T, raw *sql.DB, version int64, seal *Sealer) oldData {
	t.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	base := time.Date(2026, 11, 26, 9, 0, 0, 123456000, time.UTC)
	tick := 0
	next := func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Second) }
	var out oldData
	out.lookalikes = map[string][]string{}

	// Tenants: a second one, and before 7 a pair that 0007 tells apart.
	out.tenant2 = uuid.NewString()
	exec(`INSERT INTO tenants (id, name, name_key, created) VALUES (?, ?, ?, ?)`, out.tenant2, "Ακμή", oldNameKey(version, "Ακμή"), fmtTime(next()))
	if version < 7 {
		for _, n := range []string{"Σίσυφος", "ΣΊΣΥΦΟΣ"} {
			exec(`INSERT INTO tenants (id, name, name_key, created) VALUES (?, ?, ?, ?)`, uuid.NewString(), n, oldNameKey(version, n), fmtTime(next()))
		}
	}

	// Users and a token.
	for _, e := range []string{"admin@example.com", "σίσυφος@example.gr", "Zoë@Example.com"} {
		exec(`INSERT INTO users (id, tenant_id, email, email_key, password_hash, role, created) VALUES (?, ?, ?, ?, 'x', 'admin', ?)`,
			uuid.NewString(), DefaultTenantID, e, oldEmailKey(version, e), fmtTime(next()))
		out.userEmails = append(out.userEmails, e)
	}
	out.token = "hub_" + strings.Repeat("T", 40)
	exec(`INSERT INTO tokens (id, tenant_id, name, scope, hash, hint, created) VALUES (?, ?, 'ci', 'write', ?, 'TTTT', ?)`,
		uuid.NewString(), DefaultTenantID, HashSecret(out.token), fmtTime(next()))

	hub := func(tenant, name string, dormant any, status int) Hub {
		t.Helper()
		at := next()
		h := Hub{ID: uuid.NewString(), TenantID: tenant, Name: name, Description: "«" + name + "» — 東京", StatusID: status, Created: at, Modified: at}
		if d, ok := dormant.(int); ok {
			h.CloseDormantConversation = &d
		}
		exec(`INSERT INTO hubs (id, tenant_id, name, name_key, description, close_dormant, status_id, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.ID, tenant, name, oldNameKey(version, name), h.Description, dormant, status, fmtTime(at), fmtTime(at))
		out.hubs = append(out.hubs, h)
		return h
	}
	integration := func(h Hub, channel, typ, name string, status int, inbound, attach, config string, secrets map[string]string) *oldIntegration {
		t.Helper()
		at := next()
		in := oldIntegration{Integration: Integration{ID: uuid.NewString(), HubID: h.ID, TenantID: h.TenantID, ChannelID: channel,
			IntegrationType: typ, Name: name, StatusID: status, InboundID: inbound, AttachKey: attach, Config: json.RawMessage(config),
			Secrets: secrets, Created: at, Modified: at.Add(time.Millisecond)}, wantName: name, wantConfig: config}
		var keyID, sealed any
		if len(secrets) > 0 {
			plain, err := json.Marshal(secrets)
			if err != nil {
				t.Fatal(err)
			}
			k, c, err := seal.Seal(plain, integrationAAD(in.ID))
			if err != nil {
				t.Fatal(err)
			}
			keyID, sealed = k, c // a BLOB, as every version bound it
		}
		if version >= 15 && strings.HasPrefix(attach, "twilio-number:") {
			attach = strings.ToLower(attach) // as that store wrote it (migration 15)
		}
		exec(`INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key, status_id,
			inbound_id, attach_key, config, secrets, key_id, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			in.ID, h.ID, h.TenantID, channel, typ, name, oldNameKey(version, name), status, nullable(inbound), nullable(attach),
			config, sealed, keyID, fmtTime(in.Created), fmtTime(in.Modified))
		out.integrations = append(out.integrations, in)
		return &out.integrations[len(out.integrations)-1] // to adjust what is wanted at once, before the next append
	}
	webchat := func(h Hub, name string) *oldIntegration {
		return integration(h, "WebChat", "Customer", name, IntegrationActive, "", "", `{"allowedOrigins":["www.example.com"],"echo":true}`, nil)
	}
	// lookalike writes the second of two names a later store calls one:
	// the later row is renamed by the upgrade.
	lookalike := func(h Hub, first, second string) {
		webchat(h, first)
		in := webchat(h, second)
		in.wantName = renamedLookalike(second, in.ID)
		out.lookalikes[h.ID] = append(out.lookalikes[h.ID], first, second)
	}

	// Every channel, with secrets, in one hub. The configurations are as
	// the first version stored them.
	support := hub(DefaultTenantID, "Support", 30, HubActive)
	integration(support, "TwilioSMS", "Customer", "SMS line", IntegrationActive, "AC0123456789abcdef0123456789abcdef", "twilio-number:PN0123456789abcdef0123456789abcdef",
		`{"accountSid":"AC0123456789abcdef0123456789abcdef","capabilities":{"mms":true,"sms":true,"voice":true},"numberSid":"PN0123456789abcdef0123456789abcdef","phoneNumber":"+15556870714"}`,
		map[string]string{"authToken": "0123456789abcdef0123456789abcdef"})
	integration(support, "Messenger", "Customer", "Facebook page", IntegrationPaused, "342028295753658", "facebook-page:342028295753658",
		`{"appId":"146194081273040","pageId":"342028295753658","pageName":"Sandbox Page b69a"}`,
		map[string]string{"pageAccessToken": "EAAB-page-token-secret-1"})
	webchat(support, "Site chat")
	directID := integration(support, "Direct", "Customer", "Direct hook", IntegrationActive, "", "",
		`{"echo":false,"integrationType":"Customer","publicSigningKey":"47BFF978CB27E26F3E1E529E862EA555","start":[{"type":"text","text":"hello"}],"webhookUrl":"https://example.com/hook"}`,
		map[string]string{"privateSigningKey": "9F0A1B2C3D4E5F60718293A4B5C6D7E8"}).ID
	integration(support, "Direct", "Agent", "Direct agent", IntegrationActive, "", "",
		`{"echo":false,"integrationType":"Agent","publicSigningKey":"DB1BC85BE5ECF2A5143B18E408B76A8D"}`,
		map[string]string{"privateSigningKey": "0C1D2E3F405162738495A6B7C8D9EAFB"})
	events := `["message","message:agent"]`
	if version >= 11 { // that store saved the list normalised
		events = `["message"]`
	}
	sys := integration(support, "System", "System", "Archive", IntegrationActive, "", "",
		`{"events":`+events+`,"publicSigningKey":"B49A90DA3E03C0C86CD8D7D47F663F48","webhookUrl":"https://example.com/events?a=1\u0026b=<2>"}`,
		map[string]string{"privateSigningKey": "11223344556677889900AABBCCDDEEFF"})
	sys.wantConfig = `{"events":["message"],"publicSigningKey":"B49A90DA3E03C0C86CD8D7D47F663F48","webhookUrl":"https://example.com/events?a=1\u0026b=<2>"}`
	integration(support, "System", "System", "Some events", IntegrationPaused, "", "",
		`{"events":["message:customer","message:bot"],"publicSigningKey":"018854876CA7201C4F209A5ACF8B2FAC","webhookUrl":"https://example.com/x"}`,
		map[string]string{"privateSigningKey": "FFEEDDCCBBAA00998877665544332211"})
	integration(support, "Slack", "Agent", "Slack agents", IntegrationActive, "", "",
		`{"botName":"hubadmin","defaultPublicChannel":"general","teamId":"TA7K76A557"}`,
		map[string]string{"botAccessToken": "xoxb-sandbox-1", "appAccessToken": "xoxp-sandbox-1"})

	// Names in other scripts, and the lookalikes each version let through.
	greek := hub(DefaultTenantID, "ΣΊΣΥΦΟΣ", nil, HubActive)
	webchat(greek, "Ünïcödé 東京")
	webchat(greek, "Τηλέφωνο")
	if version < 7 {
		lookalike(greek, "Σίσυφος", "ΣΊΣΥΦΟΣ")
		lookalike(greek, strings.Repeat("a", 99)+"ς", strings.Repeat("a", 99)+"Σ") // 0007 made it 111 characters
		h := hub(DefaultTenantID, "Σίσυφος", nil, HubActive)
		out.hubs[len(out.hubs)-1].Name = renamedLookalike("Σίσυφος", h.ID)
	} else {
		webchat(greek, "Σίσυφος")
	}
	if version < 9 {
		lookalike(greek, "Café", "Cafe\u0301")
		lookalike(greek, "chat", "ＣＨＡＴ")
		lookalike(greek, strings.Repeat("b", 98)+"É", strings.Repeat("b", 98)+"E\u0301")
		h := hub(DefaultTenantID, "Cafe\u0301", nil, HubActive)
		hub(DefaultTenantID, "Café", nil, HubActive)
		out.hubs[len(out.hubs)-1].Name = renamedLookalike("Café", out.hubs[len(out.hubs)-1].ID)
		webchat(h, "x")
	}

	// Names only case folding makes one (migration 16): ß and SS.
	street := hub(DefaultTenantID, "Straße", nil, HubActive)
	if version < 16 {
		lookalike(street, "Maß", "MASS")
		hub(DefaultTenantID, "STRASSE", nil, HubActive)
		out.hubs[len(out.hubs)-1].Name = renamedLookalike("STRASSE", out.hubs[len(out.hubs)-1].ID)
	} else {
		webchat(street, "Maß")
	}

	// Names only leaving out invisible joiners makes one (migration 17).
	joined := hub(DefaultTenantID, "Support team", nil, HubActive)
	if version < 17 {
		lookalike(joined, "Heart ❤", "Heart ❤\ufe0f")
		lookalike(joined, "Sales", "Sa\u200dles")
		hub(DefaultTenantID, "Support\u200c team", nil, HubActive)
		out.hubs[len(out.hubs)-1].Name = renamedLookalike("Support\u200c team", out.hubs[len(out.hubs)-1].ID)
	} else {
		webchat(joined, "Heart ❤\ufe0f")
	}

	paused := hub(DefaultTenantID, "Crème brûlée", 7, HubPaused)
	integration(paused, "WebChat", "Customer", "Crème", IntegrationPaused, "", "", `{"allowedOrigins":["creme.example.com"],"echo":true}`, nil)
	hub(DefaultTenantID, "Empty hub", nil, HubActive)

	other := hub(out.tenant2, "Support", nil, HubActive)
	webchat(other, "Tenant two chat")

	// A delivery log longer than the 500 kept since 10.
	out.deliveriesOf, out.deliveries = directID, 520
	if version >= 10 {
		out.deliveries = 20
	}
	exec(`WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)
		INSERT INTO deliveries (id, integration_id, message_id, event, attempt, url, status_code, latency_ms, success, error, response_excerpt, body, created)
		SELECT printf('d-%04d', n), ?, 'm-' || ((n + 1) / 2), 'test', 2 - n % 2, 'https://example.com/hook', 200, 5, 1, '', 'ok', '{}',
			strftime('%Y-%m-%dT%H:%M:%f000Z', '2026-11-26', '+' || n || ' seconds') FROM i`, out.deliveries, directID)
	for _, h := range out.hubs[:2] {
		exec(`INSERT INTO audit_log (tenant_id, actor, action, object_type, object_id, object_name, created) VALUES (?, 'token:ci (…TTTT)', 'hub.create', 'hub', ?, ?, ?)`,
			h.TenantID, h.ID, h.Name, fmtTime(h.Created))
	}
	return out
}

// TestUpgradeFromEveryVersion: a database written at any earlier schema
// version opens with today's store (which migrates it) and reads back
// right through the store's API: every integration with its secrets,
// configuration, status and times, lists with their totals, hubs with
// their counts, users, tokens, the delivery and audit logs; names are
// unique as today's rules say (lookalikes the old rules let through are
// told apart, within 100 characters), and every row can be written again.
func TestUpgradeFromEveryVersion(t *testing.T) {
	latest := func() int64 {
		mem, err := sql.Open("sqlite", ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer mem.Close()
		p, err := migrations(mem)
		if err != nil {
			t.Fatal(err)
		}
		s := p.ListSources()
		return s[len(s)-1].Version
	}()
	for version := int64(1); version < latest; version++ {
		t.Run(fmt.Sprint(version), func(t *testing.T) {
			if version > 1 && testing.Short() {
				t.Skip("short: version 1 only")
			}
			t.Parallel()
			testUpgradeFrom(t, version)
		})
	}
}

func testUpgradeFrom(t *testing.T, version int64) {
	ctx := context.Background()
	seal, err := NewSealer(bytes.Repeat([]byte{9}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	path, raw := schemaAt(t, version)
	old := writeOldData(t, raw, version, seal)
	raw.Close()

	d, err := Open(ctx, path, seal)
	if err != nil {
		t.Fatalf("opening a version %d database: %v", version, err)
	}
	defer d.Close()
	if v, err := d.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity after the upgrade: %q, %v", v, err)
	}

	// Every integration, one by one and in its hub's list.
	byHub := map[string][]Integration{}
	for _, o := range old.integrations {
		got, err := d.Integration(ctx, o.ID)
		if err != nil {
			t.Fatalf("%q: %v", o.Name, err)
		}
		want := o.Integration
		want.Name, want.Config = o.wantName, json.RawMessage(o.wantConfig)
		if strings.HasPrefix(want.AttachKey, "twilio-number:") {
			want.AttachKey = strings.ToLower(want.AttachKey) // migration 15
		}
		if want.Secrets == nil {
			want.Secrets = got.Secrets // none stored: nil or empty alike
		}
		if len(got.Secrets) == 0 && len(want.Secrets) == 0 {
			got.Secrets = want.Secrets
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q after the upgrade:\n got %+v\nwant %+v", o.Name, got, want)
		}
		if n := utf8.RuneCountInString(got.Name); n > 100 {
			t.Errorf("%q is %d characters long; the API refuses to save it as it is", got.Name, n)
		}
		byHub[o.HubID] = append(byHub[o.HubID], got)
	}
	for _, h := range old.hubs {
		list, total, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		want := byHub[h.ID]
		if total != len(want) || len(list) != len(want) {
			t.Errorf("hub %q: %d listed, total %d; want %d", h.Name, len(list), total, len(want))
			continue
		}
		for i := range list {
			if len(list[i].Secrets) == 0 && len(want[i].Secrets) == 0 {
				list[i].Secrets = want[i].Secrets
			}
			if !reflect.DeepEqual(list[i], want[i]) {
				t.Errorf("hub %q, row %d of its list:\n got %+v\nwant %+v", h.Name, i, list[i], want[i])
			}
		}
		for _, f := range []IntegrationFilter{{StatusID: IntegrationPaused}, {ChannelID: "System"}, {Query: "chat"}} {
			f.TenantID, f.HubID, f.Size = h.TenantID, h.ID, 100
			_, n, err := d.Integrations(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			w := 0
			for _, in := range want {
				if f.StatusID != 0 && in.StatusID == f.StatusID || f.ChannelID != "" && in.ChannelID == f.ChannelID ||
					f.Query != "" && strings.Contains(nameKey(in.Name), "chat") {
					w++
				}
			}
			if n != w {
				t.Errorf("hub %q, filter %+v: total %d, want %d", h.Name, f, n, w)
			}
		}
	}
	checkCounts(t, d, old.hubs)

	// Hubs, with their counts, per tenant.
	for _, tenant := range []string{DefaultTenantID, old.tenant2} {
		list, total, err := d.Hubs(ctx, HubFilter{TenantID: tenant, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		var want []Hub
		for _, h := range old.hubs {
			if h.TenantID != tenant {
				continue
			}
			for _, in := range byHub[h.ID] {
				if in.StatusID == IntegrationActive {
					h.Active++
				} else {
					h.Paused++
				}
			}
			want = append(want, h)
		}
		if total != len(want) || !reflect.DeepEqual(list, want) {
			t.Errorf("tenant %s: hubs after the upgrade (total %d):\n got %+v\nwant %+v", tenant, total, list, want)
		}
	}

	// Names are one name per key, and the lookalikes are taken.
	for _, table := range []string{"tenants", "hubs", "integrations"} {
		rows, err := d.read.QueryContext(ctx, `SELECT name, name_key FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, key string
			rows.Scan(&name, &key)
			if key != nameKey(name) {
				t.Errorf("%s: %q is keyed %q, which no write or search matches (want %q)", table, name, key, nameKey(name))
			}
		}
		rows.Close()
	}
	for hubID, names := range old.lookalikes {
		for _, n := range names {
			_, err := d.CreateIntegration(ctx, Integration{HubID: hubID, TenantID: DefaultTenantID, ChannelID: "WebChat",
				IntegrationType: "Customer", Name: n, StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
			if !errors.Is(err, ErrConflict) {
				t.Errorf("a new integration named %q beside its lookalikes: %v, want a conflict", n, err)
			}
		}
	}
	if _, err := d.TenantByRef(ctx, "ΑΚΜΉ"); err != nil {
		t.Errorf("tenant by name: %v", err)
	}

	// Users sign in by email, the token works, the logs read back.
	for _, e := range old.userEmails {
		if u, err := d.UserByEmail(ctx, e); err != nil || u.Email != e {
			t.Errorf("user %q after the upgrade: %+v, %v", e, u, err)
		}
	}
	if tok, err := d.TokenBySecret(ctx, old.token); err != nil || tok.Scope != "write" || tok.TenantID != DefaultTenantID {
		t.Errorf("token after the upgrade: %+v, %v", tok, err)
	}
	log, total, err := d.Deliveries(ctx, old.deliveriesOf, 0, 1000)
	if wantN := min(old.deliveries, MaxDeliveries); err != nil || total != wantN || len(log) != wantN ||
		log[0].ID != fmt.Sprintf("d-%04d", old.deliveries) || log[0].Attempt != 2-old.deliveries%2 {
		t.Errorf("delivery log after the upgrade: %d rows, total %d (want %d), %v", len(log), total, wantN, err)
	}
	if entries, n, err := d.AuditEntries(ctx, AuditFilter{TenantID: DefaultTenantID, Size: 10}); err != nil || n != 2 ||
		entries[0].ObjectID != old.hubs[1].ID || entries[1].Action != "hub.create" {
		t.Errorf("audit log after the upgrade: %+v, %d, %v", entries, n, err)
	}

	// Every integration can be written again as read, and then deleted.
	for _, o := range old.integrations {
		in, err := d.Integration(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		in.StatusID = IntegrationActive + IntegrationPaused - in.StatusID
		up, err := d.UpdateIntegration(ctx, in, Audit{})
		if err != nil {
			t.Errorf("updating %q after the upgrade: %v", in.Name, err)
			continue
		}
		again, err := d.Integration(ctx, o.ID)
		if err != nil || !maps.Equal(again.Secrets, in.Secrets) || again.StatusID != in.StatusID || !again.Modified.Equal(up.Modified) {
			t.Errorf("%q after its update: %+v, %v", in.Name, again, err)
		}
	}
	for _, h := range old.hubs {
		for _, in := range byHub[h.ID] {
			in, _ = d.Integration(ctx, in.ID)
			if err := d.DeleteIntegration(ctx, in, Audit{}); err != nil {
				t.Errorf("deleting %q: %v", in.Name, err)
			}
		}
	}
	checkCounts(t, d, old.hubs)
}

// TestUpgradeRekeysFoldedEmails: the release that added migration 0007
// (d6a3445) keyed emails with ς written σ; since d613616 an email is
// keyed as written, so such a user could not sign in after upgrading.
// Migration 13 keys them again.
func TestUpgradeRekeysFoldedEmails(t *testing.T) {
	ctx := context.Background()
	path, raw := schemaAt(t, 7)
	for _, e := range []string{"σίσυφος@example.gr", "ΣΊΣΥΦΟΣ@example.com"} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO users (id, tenant_id, email, email_key, password_hash, role, created) VALUES (?, ?, ?, ?, 'x', 'editor', '2026-11-27T09:50:00.000000Z')`,
			uuid.NewString(), DefaultTenantID, e, strings.ReplaceAll(strings.ToLower(e), "ς", "σ")); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	d, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, e := range []string{"σίσυφος@example.gr", "ΣΊΣΥΦΟΣ@example.com", "σίσυφοσ@example.com"} {
		if _, err := d.UserByEmail(ctx, e); err != nil {
			t.Errorf("user %q after the upgrade: %v", e, err)
		}
	}
	if _, err := d.UserByEmail(ctx, "σίσυφοσ@example.gr"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another mailbox (σ for ς) found a user: %v", err)
	}
}

// TestFinalSigmaHelpersServeMigration7: migration 0007 compares each key
// holding a sigma with the keys of its scope; the indexes made while it
// runs (finalSigmaHelpers) must be the ones SQLite uses for that, or each
// such row reads its whole scope again (minutes for a hub of 10,000 Greek
// names). They are gone once the database is migrated.
func TestFinalSigmaHelpersServeMigration7(t *testing.T) {
	ctx := context.Background()
	path, raw := schemaAt(t, 6)
	for _, q := range finalSigmaHelpers {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	src, err := migrationFiles.ReadFile("migrations/0007_final_sigma.sql")
	if err != nil {
		t.Fatal(err)
	}
	up, _, _ := strings.Cut(string(src), "-- +goose Down")
	var lines []string
	for l := range strings.SplitSeq(up, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			lines = append(lines, l)
		}
	}
	searched := 0
	for stmt := range strings.SplitSeq(strings.Join(lines, "\n"), ";\n") {
		if !strings.Contains(stmt, "EXISTS") {
			continue
		}
		searched++
		rows, err := raw.QueryContext(ctx, "EXPLAIN QUERY PLAN "+stmt)
		if err != nil {
			t.Fatalf("explain %s: %v", stmt, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		// The folded key is a term of the search (SQLite writes an
		// expression as <expr>), not only the scope.
		if !slices.ContainsFunc(plan, func(l string) bool {
			return strings.Contains(l, "USING INDEX migration7_") && strings.Contains(l, "<expr>=?")
		}) {
			t.Errorf("0007 searches its lookalikes without its helper index:\n%s\nplan: %s", stmt, strings.Join(plan, " | "))
		}
	}
	if searched != 3 {
		t.Errorf("%d statements of 0007 search for lookalikes, want 3 (tenants, hubs, integrations)", searched)
	}
	raw.Close()
	d, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var left int
	if err := d.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'migration7%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d helper indexes left after migrating, %v", left, err)
	}
}

// TestNewerSchemaIsRefused: a database migrated by a later hubadmin is not
// opened (goose alone would apply nothing and say nothing, and this
// binary's writes could break what those migrations set up), and is left
// as it was.
func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	d, path := openTest(t)
	d.Close()
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	var v int64
	if err := raw.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)`, v+1); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if _, err := Open(ctx, path, nil); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("opening a newer schema: %v, want ErrNewerSchema", err)
	} else if !strings.Contains(err.Error(), fmt.Sprintf("version %d", v+1)) {
		t.Errorf("the refusal does not name the version: %v", err)
	}
	if _, _, err := Migrate(ctx, path); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("migrate on a newer schema: %v", err)
	}
}

// Migration 15 writes Twilio numbers' keys in lower case, as the channel
// now does (the same SID in other letters' case was taken for another
// number), except where two integrations hold one number in two cases:
// those stay as they were, and the upgrade does not fail on them.
func TestUpgradeLowersTwilioKeys(t *testing.T) {
	ctx := context.Background()
	path, raw := schemaAt(t, 14)
	hub := uuid.NewString()
	if _, err := raw.ExecContext(ctx, `INSERT INTO hubs (id, tenant_id, name, name_key, created, modified) VALUES (?, ?, 'H', 'h', '2026-11-27T09:50:00.000000Z', '2026-11-27T09:50:00.000000Z')`, hub, DefaultTenantID); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{
		"alone": "twilio-number:PN0123456789ABCDEF0123456789ABCDEF",
		"twin1": "twilio-number:PNaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"twin2": "twilio-number:PNAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"page":  "facebook-page:ABC",
	}
	ids := map[string]string{}
	for name, key := range keys {
		ids[name] = uuid.NewString()
		if _, err := raw.ExecContext(ctx, `INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key, status_id, attach_key, config, created, modified)
			VALUES (?, ?, ?, 'TwilioSMS', 'Customer', ?, ?, 3000, ?, '{}', '2026-11-27T09:50:00.000000Z', '2026-11-27T09:50:00.000000Z')`,
			ids[name], hub, DefaultTenantID, name, name, key); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	d, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := map[string]string{"alone": strings.ToLower(keys["alone"]), "twin1": keys["twin1"], "twin2": keys["twin2"], "page": keys["page"]}
	for name, id := range ids {
		var got string
		if err := d.read.QueryRowContext(ctx, `SELECT attach_key FROM integrations WHERE id = ?`, id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want[name] {
			t.Errorf("%s: key %q, want %q", name, got, want[name])
		}
	}
}
