package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"
)

// checkCounts compares every hub's kept count, and the list totals, with
// a COUNT(*) over its rows.
func checkCounts(t *testing.T, d *DB, hubs []Hub) {
	t.Helper()
	ctx := context.Background()
	for _, h := range hubs {
		var want int
		if err := d.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM integrations WHERE hub_id = ?`, h.ID).Scan(&want); err != nil {
			t.Fatal(err)
		}
		// The total comes with the page's rows, and alone for a page
		// past the end.
		for _, pg := range []int{0, 1000} {
			list, got, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Page: pg, Size: 1})
			if err != nil {
				t.Fatal(err)
			}
			if got != want || len(list) != min(want, 1) && pg == 0 || len(list) != 0 && pg > 0 {
				t.Errorf("hub %s, page %d: total %d and %d rows listed, %d rows", h.Name, pg, got, len(list), want)
			}
		}
		if _, other, _ := d.Integrations(ctx, IntegrationFilter{TenantID: "another-tenant", HubID: h.ID, Size: 1}); other != 0 {
			t.Errorf("hub %s: another tenant's total is %d", h.Name, other)
		}
	}
}

// TestHubCountsFollowEveryWrite: creates, seeds, deletes, a hub's deletion
// and a failed (rolled back) create keep the counts exact, and migration
// 0004 computes them for rows that existed before it.
func TestHubCountsFollowEveryWrite(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	var hubs []Hub
	for i := range 3 {
		h, err := d.CreateHub(ctx, Hub{TenantID: DefaultTenantID, Name: fmt.Sprintf("Hub %d", i)}, Audit{})
		if err != nil {
			t.Fatal(err)
		}
		hubs = append(hubs, h)
	}
	in := func(h Hub, name string) Integration {
		return Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat", IntegrationType: "t", Name: name,
			StatusID: IntegrationActive, Config: []byte(`{}`)}
	}
	var created []Integration
	for i := range 5 {
		c, err := d.CreateIntegration(ctx, in(hubs[i%2], fmt.Sprintf("c%d", i)), Audit{})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, c)
	}
	if _, err := d.SeedIntegrations(ctx, []Integration{in(hubs[2], "s1"), in(hubs[2], "s2")}); err != nil {
		t.Fatal(err)
	}
	// A duplicate name is refused and rolled back with its count.
	if _, err := d.CreateIntegration(ctx, in(hubs[0], "c0"), Audit{}); err == nil {
		t.Fatal("duplicate name accepted")
	}
	checkCounts(t, d, hubs)
	if err := d.DeleteIntegration(ctx, created[0], Audit{}); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, d, hubs)
	if err := d.DeleteHub(ctx, hubs[1], Audit{}); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := d.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_integration_counts WHERE hub_id = ?`, hubs[1].ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("deleted hub keeps a count row: %d %v", left, err)
	}
	checkCounts(t, d, hubs)

	// Back to version 3 (no counts), then up again: computed from the rows.
	d.Close()
	downTo(t, path, 3).Close()
	seal, _ := NewSealer(bytes.Repeat([]byte{7}, KeySize))
	d2, err := Open(ctx, path, seal)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	checkCounts(t, d2, hubs)
}

// TestFinalSigmaFolded: a Greek name in capitals is the same name as in
// lower case (ΣΊΣΥΦΟΣ is Σίσυφος); keys stored before migration 0007 are
// folded by it, and two rows that were duplicates all along both stay.
func TestFinalSigmaFolded(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Ήπειρος")
	mk := func(name string) (Integration, error) {
		return d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "WebChat",
			IntegrationType: "Customer", Name: name, StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
	}
	first, err := mk("Σίσυφος")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mk("ΣΊΣΥΦΟΣ"); !errors.Is(err, ErrConflict) {
		t.Fatalf("the same name in capitals: %v", err)
	}
	if _, n, err := d.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Query: "ΣΊΣΥΦΟΣ", Size: 10}); err != nil || n != 1 {
		t.Fatalf("search in capitals: %d, %v", n, err)
	}
	if _, err := d.CreateHub(ctx, Hub{TenantID: h.TenantID, Name: "ΉΠΕΙΡΟΣ"}, Audit{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("hub name in capitals: %v", err)
	}

	// Keys as the store wrote them before 0007: back to 6, unfold them
	// and add a row the old keys let through, then up again.
	second, err := mk("Ἄργος")
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	raw := downTo(t, path, 6)
	for _, q := range []string{
		`UPDATE integrations SET name_key = 'σίσυφος' WHERE id = '` + first.ID + `'`,
		`UPDATE integrations SET name_key = 'ἄργος' WHERE id = '` + second.ID + `'`,
		`INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key, status_id, config, created, modified)
			SELECT 'dup', hub_id, tenant_id, channel_id, integration_type, 'ΣΊΣΥΦΟΣ', 'σίσυφοσ', status_id, config, created, modified
			FROM integrations WHERE id = '` + first.ID + `'`,
		`UPDATE hubs SET name_key = 'ήπειρος' WHERE id = '` + h.ID + `'`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	d2, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	defer d2.Close()
	keys := map[string]string{}
	rows, err := d2.read.QueryContext(ctx, `SELECT id, name_key FROM integrations UNION ALL SELECT id, name_key FROM hubs WHERE id = ?`, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, k string
		rows.Scan(&id, &k)
		keys[id] = k
	}
	rows.Close()
	want := map[string]string{first.ID: "σίσυφοσ", "dup": "σίσυφοσ (dup)", second.ID: "ἄργοσ", h.ID: "ήπειροσ"}
	if !maps.Equal(keys, want) {
		t.Errorf("keys after 0007: %v, want %v", keys, want)
	}
	// Both of the pair that were duplicates all along keep working: each
	// can be written (every write checks the folded key) and is found.
	for _, id := range []string{first.ID, "dup"} {
		in, err := d2.Integration(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		in.StatusID = IntegrationPaused
		if _, err := d2.UpdateIntegration(ctx, in, Audit{}); err != nil {
			t.Errorf("pausing %q after 0007: %v", in.Name, err)
		}
	}
	if _, n, err := d2.Integrations(ctx, IntegrationFilter{TenantID: h.TenantID, HubID: h.ID, Query: "Σίσυφος", Size: 10}); err != nil || n != 2 {
		t.Errorf("search after 0007 finds %d, want both: %v", n, err)
	}
}

// downTo migrates the closed database at path down to version and returns
// a plain connection to it, for a test to write rows as an older version
// would have; the caller closes it before opening the store again.
func downTo(t *testing.T, path string, version int64) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	p, err := migrations(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return raw
}
