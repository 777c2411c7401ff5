package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestEveryProblemInOneAnswer: a webhook's refused address is named in
// the same answer as the configuration's other problems, not only once
// they are fixed (a second round trip), in the API and in the form.
func TestEveryProblemInOneAnswer(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"Direct","name":"Hook","configuration":{"webhookUrl":"http://127.0.0.1:9000/hook"}}`)
	mustStatus(t, rec, http.StatusBadRequest)
	var got []string
	for _, e := range decode[Problem](t, rec).Errors {
		got = append(got, e.Field)
	}
	if !slices.Contains(got, "configuration.integrationType") || !slices.Contains(got, "configuration.webhookUrl") {
		t.Fatalf("errors for %v, want the missing type and the refused address together", got)
	}

	b := a.signIn("editor")
	rec = b.post("/hubs/"+hub.ID+"/integrations/new/direct", url.Values{"name": {"Hook"}, "cfg.webhookUrl": {"http://127.0.0.1:9000/hook"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	d := doc(t, rec)
	for _, field := range []string{"cfg.integrationType", "cfg.webhookUrl"} {
		if d.Find(`[data-error-for="`+field+`"]`).Text() == "" {
			t.Errorf("no error next to %s", field)
		}
	}
	if n := len(a.hubIntegrations(hub)); n != 0 {
		t.Fatalf("%d integrations stored", n)
	}
}
