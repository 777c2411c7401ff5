package db

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// queryPlan returns the EXPLAIN QUERY PLAN lines of a query on a reader.
func queryPlan(t *testing.T, d *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := d.read.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// planShape is what a plan must (not) do.
type planShape struct {
	covering bool // every read of integrations/hubs is from a covering index (counts)
	ordered  bool // no temporary b-tree for ORDER BY (pages)
}

var subqueryScan = regexp.MustCompile(`^SCAN \(subquery-\d+\)$`)

func checkPlan(t *testing.T, name string, plan []string, want planShape) {
	t.Helper()
	all := strings.Join(plan, " | ")
	t.Logf("%s: %s", name, all)
	for _, line := range plan {
		// "SCAN x" reads a whole table or index; SEARCH is an index lookup.
		// A constant row and a subquery's own rows (a co-routine's
		// output, read once) are not tables.
		if strings.HasPrefix(line, "SCAN ") && !strings.HasPrefix(line, "SCAN CONSTANT ROW") && !subqueryScan.MatchString(line) {
			t.Errorf("%s: full scan %q; plan: %s", name, line, all)
		}
		if want.ordered && strings.Contains(line, "USE TEMP B-TREE") {
			t.Errorf("%s: sorts in a temporary b-tree %q; plan: %s", name, line, all)
		}
		if want.covering && strings.HasPrefix(line, "SEARCH ") && !strings.Contains(line, "COVERING INDEX") &&
			!strings.Contains(line, "PRIMARY KEY") {
			t.Errorf("%s: count reads table rows %q; plan: %s", name, line, all)
		}
	}
}

// seedForPlans gives the planner realistic statistics: many hubs, many
// integrations per hub, then ANALYZE, as a long-running installation has
// after PRAGMA optimize.
func seedForPlans(t *testing.T, d *DB) {
	t.Helper()
	ctx := context.Background()
	hubs := make([]Hub, 40)
	for i := range hubs {
		hubs[i] = Hub{TenantID: DefaultTenantID, Name: fmt.Sprintf("hub %d", i)}
	}
	hubs, err := d.SeedHubs(ctx, hubs)
	if err != nil {
		t.Fatal(err)
	}
	chans := []string{"Direct", "System", "WebChat", "TwilioSMS", "Messenger", "Slack"}
	var rows []Integration
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 4000 {
		h := hubs[i%len(hubs)]
		in := Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: chans[i%len(chans)], IntegrationType: "Customer",
			Name: fmt.Sprintf("integration %d", i), Config: []byte(`{}`), Created: base.Add(time.Duration(i) * time.Second)}
		if i%5 == 0 {
			in.StatusID = IntegrationPaused
		}
		if in.ChannelID == "TwilioSMS" {
			in.AttachKey = fmt.Sprintf("twilio-number:PN%032d", i)
		}
		rows = append(rows, in)
	}
	if _, err := d.SeedIntegrations(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, "ANALYZE")
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestQueryPlansUseIndexes proves, with EXPLAIN QUERY PLAN on the very SQL
// the store runs, that no list, filter or count of integrations or hubs
// reads a whole table, that pages come out of an index already in order,
// and that counts are answered from an index alone.
func TestQueryPlansUseIndexes(t *testing.T) {
	for _, analyzed := range []bool{false, true} {
		t.Run(fmt.Sprintf("analyzed=%v", analyzed), func(t *testing.T) {
			d, _ := openTest(t)
			if analyzed {
				seedForPlans(t, d)
			}
			hub, tenant := "00000000-0000-0000-0000-0000000000aa", DefaultTenantID
			filters := map[string]IntegrationFilter{
				"tenant":                   {TenantID: tenant, Size: 50},
				"tenant channel":           {TenantID: tenant, ChannelID: "WebChat", Size: 50},
				"tenant status":            {TenantID: tenant, StatusID: IntegrationPaused, Size: 50},
				"tenant channel status":    {TenantID: tenant, ChannelID: "WebChat", StatusID: IntegrationPaused, Size: 50},
				"tenant query":             {TenantID: tenant, Query: "sales", Size: 50},
				"hub":                      {TenantID: tenant, HubID: hub, Size: 50},
				"hub page 3":               {TenantID: tenant, HubID: hub, Page: 3, Size: 50},
				"hub channel (all)":        {TenantID: tenant, HubID: hub, ChannelID: "Slack"},
				"hub channel":              {TenantID: tenant, HubID: hub, ChannelID: "Slack", Size: 50},
				"hub status":               {TenantID: tenant, HubID: hub, StatusID: IntegrationActive, Size: 50},
				"hub channel status":       {TenantID: tenant, HubID: hub, ChannelID: "Slack", StatusID: IntegrationActive, Size: 50},
				"hub query":                {TenantID: tenant, HubID: hub, Query: "web_50%", Size: 50},
				"hub channel status query": {TenantID: tenant, HubID: hub, ChannelID: "Slack", StatusID: IntegrationActive, Query: "x", Size: 50},
			}
			for name, f := range filters {
				wholeHub := name == "hub" || name == "hub page 3"
				if !wholeHub {
					// A name search reads name_key from the rows of the
					// hub's (or tenant's) index range; every other count is
					// index-only.
					q, args := f.countSQL()
					checkPlan(t, "count "+name, queryPlan(t, d, q, args...), planShape{covering: f.Query == "" && f.StatusID == 0})
				}
				q, args, withTotal := f.listSQL()
				plan := queryPlan(t, d, q, args...)
				checkPlan(t, "list "+name, plan, planShape{ordered: true})
				// A hub's pages, the API's and the dashboard's, are read
				// from the index that holds each row as one value, and
				// their total is one lookup of the kept count, read in the
				// same statement.
				if withTotal != wholeHub {
					t.Errorf("list %s: total with the page %v, want %v", name, withTotal, wholeHub)
				}
				if wholeHub {
					p := strings.Join(plan, " | ")
					if !strings.Contains(p, "COVERING INDEX integrations_hub_list") {
						t.Errorf("list %s does not read integrations_hub_list alone (has integrationRow drifted from migration 0006?): %s", name, p)
					}
					if !strings.Contains(p, "SEARCH hub_integration_counts USING PRIMARY KEY (hub_id=?)") {
						t.Errorf("list %s does not read the kept count with its page: %s", name, p)
					}
				}
			}
			for name, f := range map[string]HubFilter{
				"hubs":        {TenantID: tenant, Size: 20},
				"hubs query":  {TenantID: tenant, Query: "support", Size: 20},
				"hubs paused": {TenantID: tenant, StatusID: HubPaused, Size: 20},
			} {
				q, args := f.countSQL()
				checkPlan(t, "count "+name, queryPlan(t, d, q, args...), planShape{covering: f.Query == "" && f.StatusID == 0})
				q, args = f.listSQL()
				checkPlan(t, "list "+name, queryPlan(t, d, q, args...), planShape{ordered: true})
			}
			// Lookups by key and the uniqueness checks of every write.
			for name, q := range map[string][]any{
				`SELECT ` + integrationRow + ` FROM integrations WHERE id = ?`:              {"x"},
				`SELECT ` + hubColumns + ` FROM hubs h WHERE h.id = ?`:                      {"x"},
				`SELECT id FROM integrations WHERE hub_id = ? AND name_key = ? AND id <> ?`: {hub, "n", "x"},
				`SELECT name FROM integrations WHERE attach_key = ? AND id <> ?`:            {"k", "x"},
			} {
				checkPlan(t, name, queryPlan(t, d, name, q...), planShape{})
			}
			// The activity page's "is it still there": a primary-key
			// lookup per id (the tenant's whole index filtered by the
			// list, as a plain join planned it with statistics).
			plan := strings.Join(queryPlan(t, d, existingSQL, tenant, `["x","y"]`), " | ")
			if strings.Count(plan, "USING INDEX sqlite_autoindex_") != 2 || !strings.Contains(plan, "(id=?)") {
				t.Errorf("the ids of the activity page are not looked up by key: %s", plan)
			}
			// A redelivery's number: one lookup in deliveries_message.
			if p := strings.Join(queryPlan(t, d, lastAttemptSQL, "x", "m"), " | "); !strings.Contains(p, "COVERING INDEX deliveries_message") {
				t.Errorf("the last attempt of a message is not read from deliveries_message: %s", p)
			}
			// The delivery log: the integration's attempts by index, each
			// message's latest by deliveries_message.
			delivery := queryPlan(t, d, deliveryListSQL, "x", 20, 0)
			checkPlan(t, "delivery log", delivery, planShape{})
			if p := strings.Join(delivery, " | "); !strings.Contains(p, "INDEX deliveries_message") || !strings.Contains(p, "INDEX deliveries_integration") {
				t.Errorf("the delivery log does not read its indexes: %s", p)
			}
		})
	}
}
