package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// SeedHubs inserts hubs in one write transaction through one prepared
// statement, without audit entries. It is for benchmarks and fixtures:
// names must already be unique per tenant. Rows with no ID get one; zero
// times become now. The hubs are returned with their ids.
func (d *DB) SeedHubs(ctx context.Context, hubs []Hub) ([]Hub, error) {
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		const q = `INSERT INTO hubs (id, tenant_id, name, name_key, description, close_dormant, status_id, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
		for i := range hubs {
			h := &hubs[i]
			if h.ID == "" {
				h.ID = uuid.NewString()
			}
			h.Name = strings.TrimSpace(h.Name)
			if h.Created.IsZero() {
				h.Created = now()
			}
			if h.Modified.IsZero() {
				h.Modified = h.Created
			}
			if h.StatusID == 0 {
				h.StatusID = HubActive
			}
			if _, err := tx.ExecContext(ctx, q, h.ID, h.TenantID, h.Name, nameKey(h.Name), h.Description, dormant(*h), h.StatusID,
				fmtTime(h.Created), fmtTime(h.Modified)); err != nil {
				return fmt.Errorf("store: unable to seed hub %q: %w", h.Name, err)
			}
		}
		return nil
	})
	return hubs, err
}

// SeedIntegrations inserts integrations in one write transaction through
// one prepared statement, sealing their secrets as CreateIntegration does
// but skipping its per-row checks and audit entries. It is for benchmarks
// and fixtures: names must be unique per hub and attach keys unique. Rows
// with no ID get one; zero times become now. Callers bound the batch size
// (tens of thousands of rows per call is a good size).
func (d *DB) SeedIntegrations(ctx context.Context, rows []Integration) ([]Integration, error) {
	type sealedRow struct {
		keyID, sealed any
	}
	sealed := make([]sealedRow, len(rows))
	for i := range rows {
		in := &rows[i]
		if in.ID == "" {
			in.ID = uuid.NewString()
		}
		in.Name = strings.TrimSpace(in.Name)
		if in.Created.IsZero() {
			in.Created = now()
		}
		if in.Modified.IsZero() {
			in.Modified = in.Created
		}
		if in.StatusID == 0 {
			in.StatusID = IntegrationActive
		}
		k, s, err := d.sealSecrets(in.ID, in.Secrets)
		if err != nil {
			return nil, err
		}
		sealed[i] = sealedRow{k, s}
	}
	err := d.tx(ctx, func(ctx context.Context, tx *Tx) error {
		const q = `INSERT INTO integrations (id, hub_id, tenant_id, channel_id, integration_type, name, name_key,
			status_id, inbound_id, attach_key, config, secrets, key_id, created, modified)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		for i := range rows {
			in := &rows[i]
			if _, err := tx.ExecContext(ctx, q, in.ID, in.HubID, in.TenantID, in.ChannelID, in.IntegrationType, in.Name, nameKey(in.Name),
				in.StatusID, nullable(in.InboundID), nullable(in.AttachKey), string(in.Config), sealed[i].sealed, sealed[i].keyID,
				fmtTime(in.Created), fmtTime(in.Modified)); err != nil {
				return fmt.Errorf("store: unable to seed integration %q: %w", in.Name, err)
			}
		}
		return nil
	})
	return rows, err
}
