package db

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestResealMovesEverySecretToTheNewKey: with a sealer holding a new key
// and the old, Reseal seals every stored secret again with the new one
// (the old alone then opens nothing), leaves values and modified as they
// were, ends every session and says so in every tenant's activity (once,
// however often it runs); a secret neither key opens stops it and
// nothing is changed.
func TestResealMovesEverySecretToTheNewKey(t *testing.T) {
	ctx := context.Background()
	d, path := openTest(t) // sealed with key 7…7
	h := newHub(t, d, "Support")
	var ids []string
	for i, tok := range []string{"first-token", "second-token"} {
		in, err := d.CreateIntegration(ctx, Integration{HubID: h.ID, TenantID: h.TenantID, ChannelID: "TwilioSMS",
			IntegrationType: "Customer", Name: "SMS " + tok, StatusID: IntegrationActive, AttachKey: "twilio:PN" + string(rune('1'+i)),
			Config: json.RawMessage(`{"accountSid":"AC1"}`), Secrets: map[string]string{"authToken": tok}}, Audit{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	u, err := d.CreateUser(ctx, User{TenantID: DefaultTenantID, Email: "a@x.io", PasswordHash: "h", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SaveSession(ctx, "sess", Session{UserID: u.ID, Data: []byte("x"), Created: time.Now(), LastSeen: time.Now()}); err != nil {
		t.Fatal(err)
	}
	other, err := d.CreateTenant(ctx, "Other")
	if err != nil {
		t.Fatal(err)
	}
	before, _ := d.Integration(ctx, ids[0])
	d.Close()

	oldKey, newKey := bytes.Repeat([]byte{7}, KeySize), bytes.Repeat([]byte{8}, KeySize)
	both, _ := NewSealer(newKey, oldKey)
	d, err = Open(ctx, path, both)
	if err != nil {
		t.Fatal(err)
	}
	n, err := d.Reseal(ctx, "cli")
	if err != nil || n != 2 {
		t.Fatalf("Reseal = %d, %v; want 2", n, err)
	}
	if n, err := d.Reseal(ctx, "cli"); err != nil || n != 0 {
		t.Fatalf("Reseal again = %d, %v; want 0: all are sealed with the new key", n, err)
	}
	if _, err := d.Session(ctx, "sess"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a session survived the rotation: %v", err)
	}
	for tenant, want := range map[string]string{DefaultTenantID: "the secrets of 2 integrations were sealed again", other.ID: "the secrets of 0 integrations were sealed again"} {
		got, total, err := d.AuditEntries(ctx, AuditFilter{TenantID: tenant, Action: "secrets.rotate", Size: 10})
		if err != nil || total != 1 || len(got) != 1 || got[0].Actor != "cli" || got[0].ObjectID != both.CurrentID() || !strings.Contains(got[0].Detail, want) {
			t.Errorf("tenant %s: %d rotation entries %+v, %v; want one saying %q", tenant, total, got, err, want)
		}
	}
	d.Close()

	newOnly, _ := NewSealer(newKey)
	d, err = Open(ctx, path, newOnly)
	if err != nil {
		t.Fatal(err)
	}
	after, err := d.Integration(ctx, ids[0])
	if err != nil || after.Secrets["authToken"] != "first-token" || !after.Modified.Equal(before.Modified) {
		t.Fatalf("after: %q modified %v (was %v), %v", after.Secrets["authToken"], after.Modified, before.Modified, err)
	}
	d.Close()
	oldOnly, _ := NewSealer(oldKey)
	if d, err := Open(ctx, path, oldOnly); !errors.Is(err, ErrWrongKey) {
		if err == nil {
			d.Close()
		}
		t.Fatalf("the old key alone still opens the database: %v", err)
	}

	// A third key (8…8 lost) opens nothing: nothing changes.
	third, _ := NewSealer(bytes.Repeat([]byte{9}, KeySize), oldKey)
	d, err = OpenCurrent(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.seal = third
	if _, err := d.Reseal(ctx, "cli"); !errors.As(err, new(*UnreadableSecretsError)) {
		t.Fatalf("Reseal with neither key = %v, want an UnreadableSecretsError", err)
	}
	d.Close()
	d, _ = Open(ctx, path, newOnly)
	defer d.Close()
	if got, err := d.Integration(ctx, ids[1]); err != nil || got.Secrets["authToken"] != "second-token" {
		t.Fatalf("a refused Reseal changed a row: %v %v", got.Secrets, err)
	}
}
