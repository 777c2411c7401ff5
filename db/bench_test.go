package db

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkSealSecrets is the encryption of an integration's secrets.
func BenchmarkSealSecrets(b *testing.B) {
	s, err := NewSealer(bytes.Repeat([]byte{7}, KeySize))
	if err != nil {
		b.Fatal(err)
	}
	plain, _ := json.Marshal(map[string]string{"botAccessToken": "xoxb-0123456789-abcdefghijklmnopqrstuvwxyz", "appAccessToken": "xoxp-0123456789-abcdefghijklmnopqrstuvwxyz"})
	aad := integrationAAD("2c6b6c1e-0000-4000-8000-000000000001")
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := s.Seal(plain, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
	k, c, _ := s.Seal(plain, aad)
	buf := make([]byte, len(c))
	b.Run("open", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			copy(buf, c) // Open overwrites its input, as a list's buffer is
			if _, err := s.Open(k, buf, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchDB(b *testing.B, perHub int) (*DB, Hub) {
	b.Helper()
	seal, _ := NewSealer(bytes.Repeat([]byte{7}, KeySize))
	d, err := Open(context.Background(), b.TempDir()+"/bench.db", seal)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	hubs, err := d.SeedHubs(context.Background(), []Hub{{TenantID: DefaultTenantID, Name: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]Integration, perHub)
	for i := range rows {
		rows[i] = Integration{HubID: hubs[0].ID, TenantID: DefaultTenantID, ChannelID: "Slack", IntegrationType: "Agent",
			Name: fmt.Sprintf("slack %d", i), Config: []byte(`{"teamId":"T0123","botName":"hubster"}`),
			Secrets: map[string]string{"botAccessToken": "xoxb-0123456789", "appAccessToken": "xoxp-0123456789"}}
	}
	if _, err := d.SeedIntegrations(context.Background(), rows); err != nil {
		b.Fatal(err)
	}
	return d, hubs[0]
}

// BenchmarkIntegrationsPage is a hub's page of 50 with its total.
func BenchmarkIntegrationsPage(b *testing.B) {
	d, hub := benchDB(b, 500)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := d.Integrations(ctx, IntegrationFilter{TenantID: DefaultTenantID, HubID: hub.ID, Size: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateIntegration is one durable create (its own transaction).
func BenchmarkCreateIntegration(b *testing.B) {
	d, hub := benchDB(b, 0)
	ctx := context.Background()
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		n++
		if _, err := d.CreateIntegration(ctx, Integration{HubID: hub.ID, TenantID: DefaultTenantID, ChannelID: "WebChat", IntegrationType: "Customer",
			Name: fmt.Sprintf("web chat %d", n), Config: []byte(`{"allowedOrigins":["www.example.com"],"echo":true}`)},
			Audit{Actor: "bench", Action: "integration.create"}); err != nil {
			b.Fatal(err)
		}
	}
}
