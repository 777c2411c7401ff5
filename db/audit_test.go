package db

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// TestAuditEntriesBetweenDates: Since is the first moment in, Before the
// first one past; either may be left open, and the other filters still
// apply beside them.
func TestAuditEntriesBetweenDates(t *testing.T) {
	d, path := openTest(t)
	ctx := context.Background()
	for _, a := range []string{"hub.create", "hub.update", "integration.create", "hub.delete"} {
		if err := d.RecordAudit(ctx, DefaultTenantID, Audit{Actor: "user:ann@example.com", Action: a}, "hub", "h1", "Support"); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	// One entry a day from Nov 27, the last one a microsecond before Nov 30.
	for id, at := range map[int]string{1: "2026-11-27T00:00:00.000000Z", 2: "2026-11-28T12:00:00.000000Z",
		3: "2026-11-29T00:00:00.000000Z", 4: "2026-11-29T23:59:59.999999Z"} {
		if _, err := raw.ExecContext(ctx, `UPDATE audit_log SET created = ? WHERE id = ?`, at, id); err != nil {
			t.Fatal(err)
		}
	}
	day := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		name          string
		since, before time.Time
		action        string
		want          []int64
	}{
		{"open", time.Time{}, time.Time{}, "", []int64{4, 3, 2, 1}},
		{"from the 28th", day("2026-11-28"), time.Time{}, "", []int64{4, 3, 2}},
		{"before the 29th", time.Time{}, day("2026-11-29"), "", []int64{2, 1}},
		{"the 29th", day("2026-11-29"), day("2026-11-30"), "", []int64{4, 3}},
		{"the 29th, hub.*", day("2026-11-29"), day("2026-11-30"), "hub", []int64{4}},
		{"a day without any", day("2026-11-30"), day("2026-12-01"), "", nil},
	} {
		list, total, err := d.AuditEntries(ctx, AuditFilter{TenantID: DefaultTenantID, Since: tc.since, Before: tc.before, Action: tc.action, Size: 10})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []int64
		for _, e := range list {
			ids = append(ids, e.ID)
		}
		if total != len(tc.want) || len(ids) != len(tc.want) {
			t.Errorf("%s: ids %v total %d, want %v", tc.name, ids, total, tc.want)
			continue
		}
		for i := range ids {
			if ids[i] != tc.want[i] {
				t.Errorf("%s: ids %v, want %v", tc.name, ids, tc.want)
				break
			}
		}
	}
}

// TestAuditPlans: the log's page and count, with any filter, walk the
// tenant's entries by the index, newest first (no scan, no sort).
func TestAuditPlans(t *testing.T) {
	d, _ := openTest(t)
	since, before := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for name, f := range map[string]AuditFilter{
		"tenant": {}, "dates": {Since: since, Before: before}, "since": {Since: since},
		"actor action dates": {Actor: "ann", Action: "hub", Since: since, Before: before},
		"object":             {ObjectType: "hub", ObjectID: "abc"},
	} {
		f.TenantID = DefaultTenantID
		where, args := auditWhere(f)
		checkPlan(t, name+" page", queryPlan(t, d, `SELECT id FROM audit_log WHERE `+where+` ORDER BY id DESC LIMIT 50`, args...), planShape{ordered: true})
		checkPlan(t, name+" count", queryPlan(t, d, `SELECT COUNT(*) FROM audit_log WHERE `+where, args...), planShape{})
	}
}
