package db

import (
	"context"
	"testing"
)

const packExpr = `json_array(id, channel_id, integration_type, name, status_id, inbound_id, json(config), hex(secrets), key_id, created, modified)`

func BenchmarkScratchColumns(b *testing.B) {
	d, hub := benchDB(b, 500)
	ctx := context.Background()
	if err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE INDEX scratch_pack ON integrations (hub_id, tenant_id, created, id, `+packExpr+`)`)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, sql string }{
		{"all14", `SELECT ` + integrationColumns + ` FROM integrations WHERE hub_id = ? AND tenant_id = ? ORDER BY created, id LIMIT 50`},
		{"one", `SELECT config FROM integrations WHERE hub_id = ? AND tenant_id = ? ORDER BY created, id LIMIT 50`},
		{"packidx", `SELECT ` + packExpr + ` FROM integrations INDEXED BY scratch_pack WHERE hub_id = ? AND tenant_id = ? ORDER BY created, id LIMIT 50`},
	} {
		var plan string
		rows, _ := d.read.Query(`EXPLAIN QUERY PLAN `+q.sql, hub.ID, DefaultTenantID)
		for rows.Next() {
			var a, b2, c any
			var s string
			rows.Scan(&a, &b2, &c, &s)
			plan += s + "; "
		}
		rows.Close()
		b.Log(q.name, plan)
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rows, err := d.query(ctx, q.sql, hub.ID, DefaultTenantID)
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				dest := make([]any, len(cols))
				for i := range dest {
					dest[i] = new(any)
				}
				n := 0
				for rows.Next() {
					if err := rows.Scan(dest...); err != nil {
						b.Fatal(err)
					}
					n++
				}
				rows.Close()
				if n != 50 {
					b.Fatal(n)
				}
			}
		})
	}
}
