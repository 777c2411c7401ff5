package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// newSystemIntegration makes an integration that takes deliveries.
func newSystemIntegration(t *testing.T, d *DB, h Hub, name string) Integration {
	t.Helper()
	in, err := d.CreateIntegration(context.Background(), Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "System",
		IntegrationType: "System", Name: name, StatusID: IntegrationActive, Config: json.RawMessage(`{}`)}, Audit{})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// recordAt records an attempt made at the given time and returns its id.
func recordAt(t *testing.T, d *DB, integrationID string, at time.Time, msg string) string {
	t.Helper()
	dl, err := d.RecordDelivery(context.Background(), Delivery{IntegrationID: integrationID, MessageID: msg, Event: "test",
		Attempt: 1, URL: "https://example.com/hook", Body: "{}", Created: at})
	if err != nil {
		t.Fatal(err)
	}
	return dl.ID
}

// wholeLog pages through an integration's log as the API does, 100 at a
// time, and returns the ids in order and the total every page reported.
func wholeLog(t *testing.T, d *DB, integrationID string) ([]string, int) {
	t.Helper()
	var ids []string
	total := -1
	for page := 0; ; page++ {
		list, n, err := d.Deliveries(context.Background(), integrationID, page, 100)
		if err != nil {
			t.Fatal(err)
		}
		if total >= 0 && n != total {
			t.Fatalf("page %d: total %d, page 0 said %d", page, n, total)
		}
		total = n
		if len(list) == 0 {
			return ids, total
		}
		for _, dl := range list {
			ids = append(ids, dl.ID)
		}
	}
}

// TestDeliveryLogKeepsTheNewest: an integration's log keeps its newest
// MaxDeliveries attempts, deleting older ones as new ones are recorded;
// its total is what can be paged through; other integrations' logs are
// untouched.
func TestDeliveryLogKeepsTheNewest(t *testing.T) {
	d, _ := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	busy, quiet := newSystemIntegration(t, d, h, "Busy"), newSystemIntegration(t, d, h, "Quiet")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	quietID := recordAt(t, d, quiet.ID, base, "quiet")
	var ids []string // oldest first
	for i := range MaxDeliveries + 40 {
		ids = append(ids, recordAt(t, d, busy.ID, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("msg_%d", i)))
	}
	got, total := wholeLog(t, d, busy.ID)
	want := slices.Clone(ids[40:])
	slices.Reverse(want)
	if total != MaxDeliveries || !slices.Equal(got, want) {
		t.Fatalf("log: total %d, %d rows (newest %v), want the newest %d", total, len(got), got[:min(3, len(got))], MaxDeliveries)
	}
	if _, err := d.Delivery(ctx, ids[39]); !errors.Is(err, ErrNotFound) {
		t.Errorf("the 541st newest attempt is still there: %v", err)
	}
	if q, n := wholeLog(t, d, quiet.ID); n != 1 || !slices.Equal(q, []string{quietID}) {
		t.Errorf("the other integration's log: %v, total %d", q, n)
	}
	// A redelivery of a kept message is still numbered after its attempts.
	if n, err := d.NextAttempt(ctx, busy.ID, "msg_100"); err != nil || n != 2 {
		t.Errorf("next attempt of a kept message: %d %v", n, err)
	}
}

// TestDeliveryLogKeepsWhatTheListShows: attempts recorded at the same
// instant are listed by id, newest first, and the ones kept are exactly
// the first MaxDeliveries of that list.
func TestDeliveryLogKeepsWhatTheListShows(t *testing.T) {
	d, _ := openTest(t)
	in := newSystemIntegration(t, d, newHub(t, d, "Hub"), "Events")
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range MaxDeliveries + 5 {
		ids = append(ids, recordAt(t, d, in.ID, at, fmt.Sprintf("msg_%d", i)))
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	got, total := wholeLog(t, d, in.ID)
	if total != MaxDeliveries || !slices.Equal(got, ids[:MaxDeliveries]) {
		t.Fatalf("kept %d (total %d), not the list's first %d", len(got), total, MaxDeliveries)
	}
}

// TestDeliveryTrimUsesTheIndex: the cut that each recorded attempt makes
// reads deliveries_integration alone, in order, and the log's pages come
// out of it with no sort.
func TestDeliveryTrimUsesTheIndex(t *testing.T) {
	d, _ := openTest(t)
	in := newSystemIntegration(t, d, newHub(t, d, "Hub"), "Events")
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		recordAt(t, d, in.ID, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("msg_%d", i))
	}
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if err := d.tx(context.Background(), func(ctx context.Context, tx *Tx) error {
				_, err := tx.ExecContext(ctx, "ANALYZE")
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		plan := queryPlan(t, d, trimDeliveriesSQL, in.ID, trimBatch, MaxDeliveries)
		checkPlan(t, "delivery trim", plan, planShape{ordered: true})
		if p := strings.Join(plan, " | "); !strings.Contains(p, "COVERING INDEX deliveries_integration") {
			t.Errorf("analyzed=%v: the trim does not read deliveries_integration alone: %s", analyzed, p)
		}
		checkPlan(t, "delivery log", queryPlan(t, d, deliveryListSQL, in.ID, 20, 0), planShape{ordered: true})
	}
}

// TestMigrationCutsLongDeliveryLogs: logs written before retention are cut
// to their newest MaxDeliveries by migration 10, so no later insert meets
// a backlog.
func TestMigrationCutsLongDeliveryLogs(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	long, short := newSystemIntegration(t, d, h, "Long"), newSystemIntegration(t, d, h, "Short")
	d.Close()
	raw := downTo(t, path, 9)
	insert := func(integrationID string, n int) {
		t.Helper()
		// Attempt i at second i: the newest are the highest i.
		if _, err := raw.ExecContext(ctx, `WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ?)
			INSERT INTO deliveries (id, integration_id, message_id, event, attempt, url, success, body, created)
			SELECT ? || '-' || printf('%04d', n), ?, 'm' || n, 'test', 1, 'https://example.com', 1, '{}',
				strftime('%Y-%m-%dT%H:%M:%f000Z', '2025-01-01', '+' || n || ' seconds') FROM i`, n, integrationID, integrationID); err != nil {
			t.Fatal(err)
		}
	}
	insert(long.ID, MaxDeliveries+120)
	insert(short.ID, 3)
	raw.Close()
	d2, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	defer d2.Close()
	got, total := wholeLog(t, d2, long.ID)
	if total != MaxDeliveries || len(got) != MaxDeliveries || got[0] != long.ID+"-0619" || got[len(got)-1] != long.ID+"-0120" {
		t.Errorf("long log after migration: total %d, %d rows, %s … %s", total, len(got), got[0], got[len(got)-1])
	}
	if _, n := wholeLog(t, d2, short.ID); n != 3 {
		t.Errorf("short log after migration: %d rows, want 3", n)
	}
}

// TestMigrationStoresCoveredEventsOnce: a System integration saved before
// with "message" and some of its sub-events lists "message" alone after
// migration 11; the rest of its configuration is byte for byte the same,
// and a list without "message" is left as it was.
func TestMigrationStoresCoveredEventsOnce(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	h := newHub(t, d, "Hub")
	both, subs := newSystemIntegration(t, d, h, "Both"), newSystemIntegration(t, d, h, "Subs")
	d.Close()
	raw := downTo(t, path, 10)
	for id, cfg := range map[string]string{
		both.ID: `{"events":["message:agent","message","message:bot"],"publicSigningKey":"AB","webhookUrl":"https://example.com/a?b=1\u0026c=<2>"}`,
		subs.ID: `{"events":["message:agent","message:bot"],"webhookUrl":"https://example.com/x"}`,
	} {
		if _, err := raw.ExecContext(ctx, `UPDATE integrations SET config = ? WHERE id = ?`, cfg, id); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	d2, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	defer d2.Close()
	for id, want := range map[string]string{
		both.ID: `{"events":["message"],"publicSigningKey":"AB","webhookUrl":"https://example.com/a?b=1\u0026c=<2>"}`,
		subs.ID: `{"events":["message:agent","message:bot"],"webhookUrl":"https://example.com/x"}`,
	} {
		in, err := d2.Integration(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if string(in.Config) != want {
			t.Errorf("config after migration:\n got %s\nwant %s", in.Config, want)
		}
	}
}
