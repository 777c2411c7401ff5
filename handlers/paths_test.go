package handlers

import (
	"net/http"
	"strings"
	"testing"
)

// TestPathWithStraySegmentsIsNoRoute: a trailing slash, extra segments or
// an empty segment where a path parameter goes is no such route (404,
// code 105) on every route, never a 400 about a parameter that took the
// rest of the path; nor a 405 naming methods of a route that does not
// match.
func TestPathWithStraySegmentsIsNoRoute(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Paths")
	in, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["localhost"]}}`)
	for _, c := range []struct{ method, path, token string }{
		{"GET", "/api/v1/integrations/" + in + "/", tok},
		{"PUT", "/api/v1/integrations/" + in + "/", tok},
		{"DELETE", "/api/v1/integrations/" + in + "/", tok},
		{"POST", "/api/v1/integrations/" + in + "/test/", tok},
		{"GET", "/api/v1/integrations/" + in + "/deliveries/", tok},
		{"GET", "/api/v1/hubs/" + hub.ID + "/", tok},
		{"GET", "/api/v1/hubs/" + hub.ID + "/x/y", tok},
		{"DELETE", "/api/v1/hubs/" + hub.ID + "/", tok},
		{"PATCH", "/api/v1/hubs/" + hub.ID + "/x", tok}, // not a 405 of /hubs/{id}
		{"POST", "/api/v1/integrations/hubs/" + hub.ID + "/", tok},
		{"GET", "/api/v1/integrations/hubs/" + hub.ID + "/system/", tok},
		{"GET", "/api/v1/integrations/hubs/" + hub.ID + "/system/x", tok},
		{"GET", "/api/v1/integrations/hubs//system", tok},
		{"GET", "/api/v1/integrations/web-chat/token/" + in + "/", ""},
	} {
		rec := a.api(c.method, c.path, c.token, "")
		if rec.Code != http.StatusNotFound || rec.Header().Get("Allow") != "" {
			t.Errorf("%s %s: %d, Allow %q, want 404: %s", c.method, c.path, rec.Code, rec.Header().Get("Allow"), rec.Body.String())
			continue
		}
		if p := decode[Problem](t, rec); p.Errors[0].Code != codeNotFound {
			t.Errorf("%s %s: %+v, want code %d (no such route)", c.method, c.path, p, codeNotFound)
		}
	}
	// Nothing was deleted by the DELETEs above.
	mustStatus(t, a.api("GET", "/api/v1/integrations/"+in, tok, ""), http.StatusOK)
	mustStatus(t, a.api("GET", "/api/v1/hubs/"+hub.ID, tok, ""), http.StatusOK)

	// The dashboard holds to the same rule.
	b := a.signIn("admin")
	mustStatus(t, b.get("/hubs/"+hub.ID+"/x/y"), http.StatusNotFound)
}

// TestPercentEncodedPathParams: an id or channel type with escaped
// unreserved characters (%2D for '-', %61 for 'a') is the same as written
// plainly (RFC 3986 §6.2.2.2); an escaped '/' is part of the value.
func TestPercentEncodedPathParams(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Encoded")
	in, _ := createIntegration(t, a, tok, hub.ID, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["localhost"]}}`)
	enc := func(id string) string { return strings.ReplaceAll(id, "-", "%2D") }

	rec := a.api("GET", "/api/v1/hubs/"+enc(hub.ID), tok, "")
	mustStatus(t, rec, http.StatusOK)
	if got := decode[map[string]any](t, rec)["hubId"]; got != hub.ID {
		t.Errorf("hub by encoded id: hubId %v, want %s", got, hub.ID)
	}
	mustStatus(t, a.api("GET", "/api/v1/integrations/"+enc(in), tok, ""), http.StatusOK)
	mustStatus(t, a.api("GET", "/api/v1/integrations/"+enc(in)+"/deliveries", tok, ""), http.StatusOK)
	rec = a.api("GET", "/api/v1/integrations/hubs/"+enc(hub.ID)+"/webch%61t", tok, "")
	mustStatus(t, rec, http.StatusOK)
	if list := decode[[]map[string]any](t, rec); len(list) != 1 || list[0]["integrationId"] != in {
		t.Errorf("by encoded channel type: %v", list)
	}

	rec = a.api("GET", "/api/v1/hubs/abc%2Fdef", tok, "")
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Code != codeBadGUID || !strings.Contains(p.Detail, "'abc/def'") {
		t.Errorf("escaped slash: %+v", p)
	}

	b := a.signIn("admin")
	mustStatus(t, b.get("/hubs/"+enc(hub.ID)), http.StatusOK)
}

// TestBadPathIDNamesItsParameter: a path id that is no GUID is a 400
// whose field is the parameter as the API reference names it (hubId,
// integrationId; id only where the path is /integrations/hubs/{id}), not
// echo's ":id" every route shares.
func TestBadPathIDNamesItsParameter(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for _, c := range []struct{ method, path, template, field string }{
		{"GET", "/api/v1/hubs/xyz", "/api/v1/hubs/{hubId}", "hubId"},
		{"PUT", "/api/v1/hubs/xyz", "/api/v1/hubs/{hubId}", "hubId"},
		{"DELETE", "/api/v1/hubs/xyz", "/api/v1/hubs/{hubId}", "hubId"},
		{"GET", "/api/v1/integrations/xyz", "/api/v1/integrations/{integrationId}", "integrationId"},
		{"PUT", "/api/v1/integrations/xyz", "/api/v1/integrations/{integrationId}", "integrationId"},
		{"DELETE", "/api/v1/integrations/xyz", "/api/v1/integrations/{integrationId}", "integrationId"},
		{"POST", "/api/v1/integrations/xyz/test", "/api/v1/integrations/{integrationId}/test", "integrationId"},
		{"GET", "/api/v1/integrations/xyz/deliveries", "/api/v1/integrations/{integrationId}/deliveries", "integrationId"},
		{"GET", "/api/v1/integrations/hubs/xyz/webchat", "/api/v1/integrations/hubs/{hubId}/{channelType}", "hubId"},
		{"POST", "/api/v1/integrations/hubs/xyz", "/api/v1/integrations/hubs/{id}", "id"},
		{"GET", "/api/v1/integrations/web-chat/token/xyz", "/api/v1/integrations/web-chat/token/{integrationId}", "integrationId"},
	} {
		if !strings.Contains(string(openapiYAML), "\n  "+c.template+":\n") {
			t.Fatalf("openapi.yaml has no path %s", c.template)
		}
		body := ""
		if c.method == "PUT" || c.method == "POST" && !strings.HasSuffix(c.path, "/test") {
			body = `{"name":"x"}`
		}
		rec := a.api(c.method, c.path, tok, body)
		mustStatus(t, rec, http.StatusBadRequest)
		p := decode[Problem](t, rec)
		if len(p.Errors) != 1 || p.Errors[0].Code != codeBadGUID || p.Errors[0].Field != c.field {
			t.Errorf("%s %s: %+v, want the field %s", c.method, c.path, p.Errors, c.field)
		}
	}
}
