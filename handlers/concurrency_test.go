package handlers

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestConcurrentPartialUpdatesAllLand: partial updates of one integration
// (a rename, a pause, a key rotation) or one hub (name, description, days)
// sent at the same time each keep their change: an update overtaken by
// another between its read and its write is applied again to the row as it
// now is, instead of writing back what it read. Without that, a rotated
// signing key could come back in a 200 while the old one stayed stored.
func TestConcurrentPartialUpdatesAllLand(t *testing.T) {
	type integration struct {
		Name          string         `json:"name"`
		StatusID      int            `json:"statusId"`
		Configuration map[string]any `json:"configuration"`
	}
	type hubJSON struct {
		Name                     string `json:"name"`
		Description              string `json:"description"`
		CloseDormantConversation *int   `json:"closeDormantConversation"`
	}
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Races")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"Direct","name":"D","configuration":{"integrationType":"Agent","webhookUrl":"https://hooks.example.com/a"}}`)
	mustStatus(t, rec, http.StatusOK)
	id := decode[integrationOut](t, rec).IntegrationID

	for round := range 25 {
		name := fmt.Sprintf("D%d", round)
		status := []int{3000, 3002}[round%2]
		var wg sync.WaitGroup
		var rotated string
		wg.Go(func() {
			rec := a.api("PUT", "/api/v1/integrations/"+id, tok, fmt.Sprintf(`{"name":%q}`, name))
			mustStatus(t, rec, http.StatusOK)
		})
		wg.Go(func() {
			rec := a.api("PUT", "/api/v1/integrations/"+id, tok, fmt.Sprintf(`{"statusId":%d}`, status))
			mustStatus(t, rec, http.StatusOK)
		})
		wg.Go(func() {
			rec := a.api("PUT", "/api/v1/integrations/"+id+"?regenerate-key=true", tok, `{}`)
			mustStatus(t, rec, http.StatusOK)
			rotated = decode[integration](t, rec).Configuration["privateSigningKey"].(string)
		})
		wg.Wait()
		got := decode[integration](t, a.api("GET", "/api/v1/integrations/"+id, tok, ""))
		if got.Name != name || got.StatusID != status || got.Configuration["privateSigningKey"] != rotated {
			t.Fatalf("round %d: stored name %q status %d key %.8s…, want %q %d %.8s… (an update was lost)",
				round, got.Name, got.StatusID, got.Configuration["privateSigningKey"], name, status, rotated)
		}
	}

	for round := range 25 {
		name, desc, days := fmt.Sprintf("Races %d", round), fmt.Sprintf("round %d", round), round+1
		var wg sync.WaitGroup
		for _, body := range []string{fmt.Sprintf(`{"name":%q}`, name), fmt.Sprintf(`{"description":%q}`, desc),
			fmt.Sprintf(`{"closeDormantConversation":%d}`, days)} {
			wg.Go(func() { mustStatus(t, a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, body), http.StatusOK) })
		}
		wg.Wait()
		got := decode[hubJSON](t, a.api("GET", "/api/v1/hubs/"+hub.ID, tok, ""))
		if got.Name != name || got.Description != desc || got.CloseDormantConversation == nil || *got.CloseDormantConversation != days {
			t.Fatalf("round %d: stored %q %q %v, want %q %q %d (an update was lost)", round, got.Name, got.Description, got.CloseDormantConversation, name, desc, days)
		}
	}
}

// TestNoOpUpdatesChangeNothing: an update that sets what is already stored
// (an empty body, the same name, the same status) writes nothing: the
// modified time stays and no audit entry is added.
func TestNoOpUpdatesChangeNothing(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Quiet")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"W","configuration":{"allowedOrigins":["a.com"]}}`)
	mustStatus(t, rec, http.StatusOK)
	in := decode[integrationOut](t, rec)
	type audit struct {
		Total int `json:"total"`
	}
	before := decode[audit](t, a.api("GET", "/api/v1/audit", tok, "")).Total
	hubBefore := a.api("GET", "/api/v1/hubs/"+hub.ID, tok, "").Body.String()
	for _, body := range []string{`{}`, `{"name":"W"}`, `{"statusId":3000}`, `{"configuration":{"allowedOrigins":["a.com"]}}`} {
		rec := a.api("PUT", "/api/v1/integrations/"+in.IntegrationID, tok, body)
		mustStatus(t, rec, http.StatusOK)
		if got := decode[integrationOut](t, rec); got.Modified != in.Modified {
			t.Errorf("PUT %s: modified %s, was %s", body, got.Modified, in.Modified)
		}
	}
	for _, body := range []string{`{}`, `{"name":"Quiet"}`, `{"statusId":2000}`, `{"closeDormantConversation":null}`} {
		rec := a.api("PUT", "/api/v1/hubs/"+hub.ID, tok, body)
		mustStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != hubBefore {
			t.Errorf("PUT hub %s: %s, was %s", body, got, hubBefore)
		}
	}
	if after := decode[audit](t, a.api("GET", "/api/v1/audit", tok, "")).Total; after != before {
		t.Errorf("audit entries %d → %d after updates that changed nothing", before, after)
	}
	rec = a.api("PUT", "/api/v1/integrations/"+in.IntegrationID, tok, `{"name":"W2"}`)
	if got := decode[integrationOut](t, rec); got.Name != "W2" {
		t.Errorf("a real change was not saved: %+v", got)
	}
	if after := decode[audit](t, a.api("GET", "/api/v1/audit", tok, "")).Total; after != before+1 {
		t.Errorf("audit entries %d → %d after one rename", before, after)
	}
}
