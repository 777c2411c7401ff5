package handlers

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hubadmin/db"
)

// doc parses an HTML response.
func doc(t *testing.T, rec *httptest.ResponseRecorder) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// htmxGet loads a URL as htmx does (HX-Request), for partials.
func (b *browser) htmxGet(path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("HX-Request", "true")
	return b.send(req)
}

// toastOf is the message of the toast an htmx response triggers.
func toastOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var v struct{ ShowToast struct{ Message string } }
	if err := json.Unmarshal([]byte(rec.Header().Get("HX-Trigger")), &v); err != nil {
		t.Fatalf("HX-Trigger %q: %v", rec.Header().Get("HX-Trigger"), err)
	}
	return v.ShowToast.Message
}

// seedIntegrations creates integrations through the API: name → channel.
// Names starting with "paused " are created paused.
func (a *testApp) seedIntegrations(hub db.Hub, specs ...[2]string) map[string]string {
	a.t.Helper()
	configs := map[string]string{
		"WebChat": `{"allowedOrigins":["example.com"]}`,
		"System":  `{"webhookUrl":"https://example.com/hook","events":["message"]}`,
		"Direct":  `{"integrationType":"Agent"}`,
	}
	tok := a.token("write", hub.TenantID)
	ids := map[string]string{}
	for _, s := range specs {
		status := 3000
		if strings.HasPrefix(s[0], "paused ") {
			status = 3002
		}
		body := fmt.Sprintf(`{"channelId":%q,"name":%q,"statusId":%d,"configuration":%s}`, s[1], s[0], status, configs[s[1]])
		rec := a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hub.ID, tok, body)
		var out struct{ IntegrationID string }
		if err := json.Unmarshal(rec.Body.Bytes(), &out); rec.Code != http.StatusOK || err != nil {
			a.t.Fatalf("seed %s: %d %s", s[0], rec.Code, rec.Body.String())
		}
		ids[s[0]] = out.IntegrationID
	}
	return ids
}

func (a *testApp) hubCount() int {
	a.t.Helper()
	_, n, err := a.db.Hubs(context.Background(), db.HubFilter{TenantID: db.DefaultTenantID, Size: 1})
	if err != nil {
		a.t.Fatal(err)
	}
	return n
}

func rowNames(d *goquery.Document, sel string) []string {
	var out []string
	d.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Find("td a").First().Text())) })
	return out
}

func TestHubsListShowsCountsAndEmptyState(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")

	d := doc(t, admin.get("/hubs"))
	if d.Find(`[data-testid="empty-state"] a[href="/hubs/new"]`).Length() != 1 || d.Find(`[data-testid="hubs"]`).Length() != 0 {
		t.Fatal("no hubs: want the empty state with one Create hub link and no table")
	}

	support := a.hub("Support")
	a.hub("Sales")
	a.seedIntegrations(support, [2]string{"Chat", "WebChat"}, [2]string{"paused Hook", "System"}, [2]string{"Bot", "Direct"})

	d = doc(t, admin.get("/hubs"))
	rows := d.Find(`[data-testid="hub-row"]`)
	if rows.Length() != 2 {
		t.Fatalf("rows: %d", rows.Length())
	}
	first := rows.First()
	if got := first.Find("td.counts").Text(); !strings.Contains(got, "2 active") || !strings.Contains(got, "1 paused") {
		t.Errorf("counts of Support: %q", got)
	}
	if first.Find(`a[href="/hubs/`+support.ID+`"]`).Text() != "Support" {
		t.Error("hub name does not link to its page")
	}
	for _, sel := range []string{`a[href="/hubs/new"]`, `form[action="/hubs/` + support.ID + `/pause"]`, `a[href="/hubs/` + support.ID + `/delete"]`, `a[href="/hubs/` + support.ID + `/edit"]`} {
		if d.Find(sel).Length() == 0 {
			t.Errorf("admin misses %s", sel)
		}
	}

	viewer := a.signIn("viewer")
	d = doc(t, viewer.get("/hubs"))
	if n := d.Find(`a[href="/hubs/new"], td.actions, form[method="post"]:not([action="/logout"]):not([action="/account/sign-out-everywhere"])`).Length(); n != 0 {
		t.Errorf("viewer sees %d mutating controls", n)
	}
	mustStatus(t, admin.get("/hubs?page=0"), http.StatusBadRequest)
}

func TestHubsListPages(t *testing.T) {
	a := newTestApp(t)
	for i := range uiPageSize + 2 {
		a.hub(fmt.Sprintf("Hub %03d", i))
	}
	b := a.signIn("editor")
	d := doc(t, b.get("/hubs"))
	if n := d.Find(`[data-testid="hub-row"]`).Length(); n != uiPageSize {
		t.Fatalf("page 1 rows: %d", n)
	}
	if href, _ := d.Find(`a[rel="next"]`).Attr("href"); href != "/hubs?page=2" {
		t.Fatalf("next link: %q", href)
	}
	d = doc(t, b.get("/hubs?page=2"))
	if n := d.Find(`[data-testid="hub-row"]`).Length(); n != 2 || !strings.Contains(d.Find(".pager").Text(), "51–52 of 52 hubs") {
		t.Fatalf("page 2: %d rows, pager %q", n, d.Find(".pager").Text())
	}
	// Past the end: to the last page, not an empty table.
	rec := b.get("/hubs?page=999")
	mustStatus(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/hubs?page=2" {
		t.Fatalf("page 999 goes to %q", loc)
	}
}

// A hub page past its last page (filters kept) goes to the last page; a
// partial (htmx) request gets the last page's table, so deleting the last
// row of the last page shows the rows before it.
func TestHubPagePastTheEnd(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	a.seedIntegrations(hub, [2]string{"Chat", "WebChat"}, [2]string{"Hook", "System"})
	b := a.signIn("editor")
	rec := b.get("/hubs/" + hub.ID + "?page=3&channelId=WebChat")
	mustStatus(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/hubs/"+hub.ID+"?channelId=WebChat" {
		t.Fatalf("page 3 goes to %q", loc)
	}
	// As a partial it is answered with the last page's table in place.
	req := httptest.NewRequest(http.MethodGet, "/hubs/"+hub.ID+"?page=3&channelId=WebChat", nil)
	req.Header.Set("HX-Request", "true")
	rec = b.send(req)
	mustStatus(t, rec, http.StatusOK)
	if n := doc(t, rec).Find(`[data-testid="integration-row"]`).Length(); n != 1 {
		t.Fatalf("partial past the end: %d rows, want the last page's 1", n)
	}
	// and the address bar says which page that is (a reload or a bookmark
	// then shows the same).
	if got := rec.Header().Get("HX-Replace-Url"); got != "/hubs/"+hub.ID+"?channelId=WebChat" {
		t.Errorf("partial past the end sets the address to %q", got)
	}
	// An empty filter result is not "past the end": page 1 shows its empty state.
	mustStatus(t, b.get("/hubs/"+hub.ID+"?channelId=Slack"), http.StatusOK)
}

func TestHubCreateForm(t *testing.T) {
	tests := []struct {
		name      string
		form      url.Values
		errField  string // "" = valid
		errText   string
		keptValue string
	}{
		{name: "valid", form: url.Values{"name": {"  Support  "}, "description": {"Front line"}, "closeDormantConversation": {"7"}}},
		{name: "valid without days", form: url.Values{"name": {"Sales"}, "closeDormantConversation": {""}}},
		{name: "empty name", form: url.Values{"name": {" "}, "description": {"kept text"}}, errField: "name", errText: "Enter a name", keptValue: "kept text"},
		{name: "days not a number", form: url.Values{"name": {"Typed name"}, "closeDormantConversation": {"a week"}}, errField: "closeDormantConversation", errText: "whole number", keptValue: "Typed name"},
		{name: "days out of range", form: url.Values{"name": {"Typed name"}, "closeDormantConversation": {"0"}}, errField: "closeDormantConversation", errText: "1 to 3650", keptValue: "Typed name"},
		{name: "name too long", form: url.Values{"name": {strings.Repeat("n", 101)}}, errField: "name", errText: "at most 100"},
		{name: "valid description on lines", form: url.Values{"name": {"Lines"}, "description": {"Front line\r\n\tEMEA"}}},
		{name: "text-direction override in name", form: url.Values{"name": {"\u202eevil hub"}, "description": {"kept text"}}, errField: "name", errText: "U+202E, a control or text-direction character", keptValue: "kept text"},
		{name: "control character in description", form: url.Values{"name": {"Typed name"}, "description": {"ring\u0007"}}, errField: "description", errText: "U+0007", keptValue: "Typed name"},
		{name: "description too long", form: url.Values{"name": {"Typed name"}, "description": {strings.Repeat("d", 1001)}}, errField: "description", errText: "at most 1000", keptValue: "Typed name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newTestApp(t)
			b := a.signIn("editor")
			form := b.get("/hubs/new")
			mustStatus(t, form, http.StatusOK)
			// The limit is said before it is met.
			if help := doc(t, form).Find("#" + doc(t, form).Find("#f-description").AttrOr("aria-describedby", "none")).Text(); !strings.Contains(help, "1000 characters") {
				t.Errorf("description's help %q", help)
			}
			rec := b.post("/hubs", tt.form, false)
			if tt.errField == "" {
				if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/hubs/") {
					t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
				}
				name := strings.TrimSpace(tt.form.Get("name"))
				page := b.get(rec.Header().Get("Location"))
				mustStatus(t, page, http.StatusOK)
				d := doc(t, page)
				if got := d.Find(`[data-testid="hub-name"]`).Text(); got != name {
					t.Errorf("hub page title %q", got)
				}
				if got := d.Find("#toasts").Text(); !strings.Contains(got, "Hub “"+name+"” created") {
					t.Errorf("flash: %q", got)
				}
				if got := d.Find("title").Text(); strings.HasPrefix(got, "Error") {
					t.Errorf("a page after a saved form is titled %q", got)
				}
				return
			}
			mustStatus(t, rec, http.StatusUnprocessableEntity)
			d := doc(t, rec)
			// The title says the form came back with errors: it is what a
			// screen reader reads first.
			if got := d.Find("title").Text(); got != "Error: New hub · hubadmin" {
				t.Errorf("refused form's title %q", got)
			}
			if got := d.Find("#f-" + tt.errField + "-error").Text(); !strings.Contains(got, tt.errText) {
				t.Errorf("error next to %s: %q", tt.errField, got)
			}
			if tt.keptValue != "" && !strings.Contains(rec.Body.String(), tt.keptValue) {
				t.Errorf("typed value %q was not kept", tt.keptValue)
			}
			if v, _ := d.Find("#f-closeDormantConversation").Attr("value"); v != tt.form.Get("closeDormantConversation") {
				t.Errorf("days field shows %q", v)
			}
			if a.hubCount() != 0 {
				t.Error("an invalid form stored a hub")
			}
		})
	}
}

func TestHubDuplicateNameAndEdit(t *testing.T) {
	a := newTestApp(t)
	support := a.hub("Support")
	sales := a.hub("Sales")
	b := a.signIn("editor")

	rec := b.post("/hubs", url.Values{"name": {"SUPPORT"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if got := doc(t, rec).Find("#f-name-error").Text(); !strings.Contains(got, "already exists") {
		t.Fatalf("duplicate name error: %q", got)
	}
	// The hub holding the name is one click away, by its stored name.
	if link := doc(t, rec).Find(`[data-testid="name-taken"] a`); link.AttrOr("href", "") != "/hubs/"+support.ID || link.Text() != "Open “Support”" {
		t.Errorf("the taken name's link: %q → %q", link.Text(), link.AttrOr("href", ""))
	}
	if got := strings.Join(strings.Fields(doc(t, rec).Find(`[data-testid="name-taken"]`).Text()), " "); got != "Open “Support”, the hub with this name." {
		t.Errorf("the taken name's line: %q", got)
	}

	d := doc(t, b.get("/hubs/"+sales.ID+"/edit"))
	if v, _ := d.Find("#f-name").Attr("value"); v != "Sales" {
		t.Fatalf("edit form name: %q", v)
	}
	rec = b.post("/hubs/"+sales.ID, url.Values{"name": {"support"}, "description": {"x"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if got := doc(t, rec).Find("#f-name-error").Text(); !strings.Contains(got, "already exists") {
		t.Fatalf("rename to a taken name: %q", got)
	}
	if link := doc(t, rec).Find(`[data-testid="name-taken"] a`); link.AttrOr("href", "") != "/hubs/"+support.ID {
		t.Errorf("rename: the taken name's link: %q", link.AttrOr("href", ""))
	}
	// A form refused for something else has no such link.
	rec = b.post("/hubs/"+sales.ID, url.Values{"name": {""}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	if n := doc(t, rec).Find(`[data-testid="name-taken"]`).Length(); n != 0 {
		t.Errorf("an empty name links to a hub")
	}

	rec = b.post("/hubs/"+sales.ID, url.Values{"name": {"Sales EU"}, "description": {"Europe"}, "closeDormantConversation": {"30"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs/"+sales.ID {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	got, _ := a.db.Hub(context.Background(), sales.ID)
	if got.Name != "Sales EU" || got.Description != "Europe" || got.CloseDormantConversation == nil || *got.CloseDormantConversation != 30 {
		t.Fatalf("saved hub: %+v", got)
	}
	if !strings.Contains(b.get("/hubs/"+sales.ID).Body.String(), "Hub “Sales EU” saved") {
		t.Error("no saved flash")
	}
	b.post("/hubs/"+sales.ID, url.Values{"name": {"Sales EU"}, "description": {"Europe"}, "closeDormantConversation": {"30"}}, false)
	if body := b.get("/hubs/" + sales.ID).Body.String(); !strings.Contains(body, "No changes to save: “Sales EU” is as it was") || strings.Contains(body, "” saved") {
		t.Error("saving the stored values again is not told as no change")
	}
	// Emptying the days keeps conversations open again.
	b.post("/hubs/"+sales.ID, url.Values{"name": {"Sales EU"}, "closeDormantConversation": {""}}, false)
	if got, _ := a.db.Hub(context.Background(), sales.ID); got.CloseDormantConversation != nil {
		t.Fatalf("days not cleared: %v", *got.CloseDormantConversation)
	}
}

func TestHubPauseResume(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	b := a.signIn("editor")
	b.get("/hubs/" + hub.ID)
	for _, tt := range []struct {
		action, next, wantLocation string
		status                     int
	}{
		{"pause", "", "/hubs/" + hub.ID, db.HubPaused},
		{"resume", "/hubs", "/hubs", db.HubActive},
		{"pause", "https://evil.example/", "/hubs/" + hub.ID, db.HubPaused},
	} {
		rec := b.post("/hubs/"+hub.ID+"/"+tt.action, url.Values{"next": {tt.next}}, false)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.wantLocation {
			t.Fatalf("%s: %d %q", tt.action, rec.Code, rec.Header().Get("Location"))
		}
		if got, _ := a.db.Hub(context.Background(), hub.ID); got.StatusID != tt.status {
			t.Fatalf("%s: status %d", tt.action, got.StatusID)
		}
	}
	d := doc(t, b.get("/hubs/"+hub.ID))
	if !strings.Contains(d.Find("#toasts").Text(), "Hub “Support” paused") || d.Find(`h1 [data-testid="status"]`).Text() != "Paused" {
		t.Fatalf("hub page after pause: toasts %q, status %q", d.Find("#toasts").Text(), d.Find(`h1 [data-testid="status"]`).Text())
	}
}

func TestHubDeleteNeedsItsExactName(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support EU")
	a.seedIntegrations(hub, [2]string{"Chat", "WebChat"}, [2]string{"Hook", "System"})
	b := a.signIn("editor")

	d := doc(t, b.get("/hubs/"+hub.ID+"/delete"))
	if !strings.Contains(d.Find("form").Text(), "2 integrations") {
		t.Errorf("confirm page does not say how many integrations go: %q", d.Find("form").Text())
	}
	// One integration is "its one integration", not "all 1 integration".
	a1 := newTestApp(t)
	one := a1.hub("Support US")
	a1.seedIntegrations(one, [2]string{"Chat", "WebChat"})
	if text := strings.Join(strings.Fields(doc(t, a1.signIn("editor").get("/hubs/"+one.ID+"/delete")).Find("form").Text()), " "); !strings.Contains(text, "with its one integration, its configuration") || strings.Contains(text, "all 1") {
		t.Errorf("confirm page for one integration: %q", text)
	}
	if got := d.Find("title").Text(); got != "Delete hub “Support EU” · hubadmin" {
		t.Errorf("title %q does not name the hub", got)
	}
	if got := d.Find(`label[for="f-confirm"] .confirm-name`).Text(); got != "Support EU" {
		t.Errorf("the name to type is shown as %q", got)
	}
	for _, typed := range []string{"", "support eu", "Support  EU", "Support"} {
		rec := b.post("/hubs/"+hub.ID+"/delete", url.Values{"confirm": {typed}}, false)
		mustStatus(t, rec, http.StatusUnprocessableEntity)
		if doc(t, rec).Find("#f-confirm-error").Length() != 1 {
			t.Errorf("typed %q: no field error", typed)
		}
		if _, err := a.db.Hub(context.Background(), hub.ID); err != nil {
			t.Fatalf("typed %q deleted the hub", typed)
		}
	}
	// Spaces around the name (a copied name often brings one) are not
	// part of what was typed: names are saved trimmed.
	rec := b.post("/hubs/"+hub.ID+"/delete", url.Values{"confirm": {" Support EU\t"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs" {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	if _, err := a.db.Hub(context.Background(), hub.ID); err != db.ErrNotFound {
		t.Fatalf("hub still there: %v", err)
	}
	if _, n, _ := a.db.Integrations(context.Background(), db.IntegrationFilter{TenantID: db.DefaultTenantID}); n != 0 {
		t.Fatalf("%d integrations left", n)
	}
	if got := doc(t, b.get("/hubs")).Find("#toasts").Text(); !strings.Contains(got, "Hub “Support EU” and its 2 integrations deleted") {
		t.Errorf("flash: %q", got)
	}
}

func TestHubPageFiltersAndPartial(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	a.seedIntegrations(hub,
		[2]string{"Website chat", "WebChat"}, [2]string{"paused Shop chat", "WebChat"},
		[2]string{"Audit hook", "System"}, [2]string{"Agent bot", "Direct"})
	b := a.signIn("viewer")

	d := doc(t, b.get("/hubs/"+hub.ID))
	if got := d.Find(`[data-testid="integration-row"]`).Length(); got != 4 {
		t.Fatalf("unfiltered rows: %d", got)
	}
	row := d.Find(`[data-testid="integration-row"]`).First()
	if row.Find(".channel").Text() == "" || row.Find(`[data-testid="status"]`).Text() != "Active" || !strings.Contains(row.Text(), "Customer") {
		t.Errorf("first row: %q", row.Text())
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"channelId=WebChat", []string{"Website chat", "paused Shop chat"}},
		{"channelId=webchat&statusId=active", []string{"Website chat"}},
		{"statusId=paused", []string{"paused Shop chat"}},
		{"statusId=3002", []string{"paused Shop chat"}},
		{"q=CHAT", []string{"Website chat", "paused Shop chat"}},
		{"q=bot&channelId=Direct", []string{"Agent bot"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			full := doc(t, b.get("/hubs/"+hub.ID+"?"+tt.query))
			if got := rowNames(full, `[data-testid="integration-row"]`); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("full page rows %v, want %v", got, tt.want)
			}
			rec := b.htmxGet("/hubs/" + hub.ID + "?" + tt.query)
			mustStatus(t, rec, http.StatusOK)
			part := doc(t, rec)
			if got := rowNames(part, `[data-testid="integration-row"]`); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("partial rows %v, want %v", got, tt.want)
			}
			if strings.Contains(rec.Body.String(), "<html") || part.Find(`[data-testid="filters"], header, nav.sidebar`).Length() != 0 {
				t.Errorf("partial has more than the table: %s", rec.Body.String())
			}
		})
	}

	// The filters survive a reload: the form shows them.
	d = doc(t, b.get("/hubs/"+hub.ID+"?channelId=System&statusId=active&q=hook"))
	if v, _ := d.Find(`select[name="channelId"] option[selected]`).Attr("value"); v != "System" {
		t.Errorf("channel filter shows %q", v)
	}
	if v, _ := d.Find(`select[name="statusId"] option[selected]`).Attr("value"); v != "active" {
		t.Errorf("status filter shows %q", v)
	}
	if v, _ := d.Find(`input[name="q"]`).Attr("value"); v != "hook" {
		t.Errorf("search shows %q", v)
	}

	d = doc(t, b.get("/hubs/"+hub.ID+"?q=nothing-like-this"))
	if d.Find(`[data-testid="empty-state"]`).Length() != 1 || d.Find(`a[data-testid="clear-filters"][href="/hubs/`+hub.ID+`"]`).Length() != 1 {
		t.Error("no match: want the empty state with a Clear filters link")
	}
	for _, bad := range []string{"channelId=Fax", "statusId=on", "page=x", "q=" + strings.Repeat("q", 201)} {
		mustStatus(t, b.get("/hubs/"+hub.ID+"?"+bad), http.StatusBadRequest)
	}
	// A history restore gets the whole page.
	req := httptest.NewRequest(http.MethodGet, "/hubs/"+hub.ID+"?q=chat", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-History-Restore-Request", "true")
	if rec := b.send(req); !strings.Contains(rec.Body.String(), "<html") {
		t.Error("history restore got a partial")
	}
}

// The filter form sends its empty fields too (channelId=&statusId=&q=x);
// the address bar gets the filters in force only: a plain GET is sent on
// to that URL, an htmx one pushes it (HX-Push-Url) with the table.
func TestHubPageFiltersLeaveEmptyOut(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	a.seedIntegrations(hub, [2]string{"Website chat", "WebChat"}, [2]string{"Agent bot", "Direct"})
	b := a.signIn("viewer")
	base := "/hubs/" + hub.ID
	for _, tt := range []struct{ query, want string }{
		{"channelId=&statusId=&q=", base},
		{"channelId=&statusId=&q=chat", base + "?q=chat"},
		{"channelId=WebChat&statusId=&q=+", base + "?channelId=WebChat"},
		{"channelId=Direct&statusId=active&q=&page=1", base + "?channelId=Direct&page=1&statusId=active"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			rec := b.get(base + "?" + tt.query)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.want {
				t.Errorf("full page: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), tt.want)
			}
			rec = b.htmxGet(base + "?" + tt.query)
			mustStatus(t, rec, http.StatusOK)
			if got := rec.Header().Get("HX-Push-Url"); got != tt.want {
				t.Errorf("partial pushes %q, want %q", got, tt.want)
			}
			if doc(t, rec).Find(`[data-testid="integration-row"]`).Length() == 0 {
				t.Errorf("partial has no rows: %s", rec.Body.String())
			}
		})
	}
	// Without empty parameters nothing changes: no redirect, no push.
	mustStatus(t, b.get(base+"?q=chat"), http.StatusOK)
	if got := b.htmxGet(base + "?q=chat").Header().Get("HX-Push-Url"); got != "" {
		t.Errorf("a canonical query pushes %q", got)
	}
}

func TestHubPageEmptyAndPaged(t *testing.T) {
	a := newTestApp(t)
	empty := a.hub("Empty")
	b := a.signIn("editor")
	d := doc(t, b.get("/hubs/"+empty.ID))
	if d.Find(`[data-testid="empty-state"] a[href="/hubs/`+empty.ID+`/integrations/new"]`).Length() != 1 || d.Find(`[data-testid="filters"]`).Length() != 0 {
		t.Fatal("empty hub: want the Add your first integration call to action and no filters")
	}

	big := a.hub("Big")
	specs := make([][2]string, 0, uiPageSize+1)
	for i := range uiPageSize + 1 {
		specs = append(specs, [2]string{fmt.Sprintf("Chat %02d", i), "WebChat"})
	}
	a.seedIntegrations(big, specs...)
	d = doc(t, b.get("/hubs/"+big.ID+"?q=chat&channelId=WebChat"))
	href, _ := d.Find(`a[rel="next"]`).Attr("href")
	if href != "/hubs/"+big.ID+"?channelId=WebChat&page=2&q=chat" {
		t.Fatalf("next link does not keep the filters: %q", href)
	}
	d = doc(t, b.get(href))
	if got := rowNames(d, `[data-testid="integration-row"]`); len(got) != 1 || got[0] != "Chat 50" {
		t.Fatalf("page 2: %v", got)
	}
}

func TestIntegrationRowActions(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	ids := a.seedIntegrations(hub, [2]string{"Support chat", "WebChat"}, [2]string{"Hook", "System"})
	chat := ids["Support chat"]
	b := a.signIn("editor")
	b.get("/hubs/" + hub.ID)

	for _, tt := range []struct {
		action, pill string
		status       int
	}{
		{"pause", "Paused", db.IntegrationPaused},
		{"resume", "Active", db.IntegrationActive},
	} {
		rec := b.post("/integrations/"+chat+"/"+tt.action, nil, true)
		mustStatus(t, rec, http.StatusOK)
		body := rec.Body.String()
		if !strings.HasPrefix(strings.TrimSpace(body), "<tr") || strings.Contains(body, "<html") {
			t.Fatalf("%s: want the row alone, got %s", tt.action, body)
		}
		d := doc(t, rec)
		if got := d.Find(`[data-testid="status"]`).Text(); got != tt.pill {
			t.Errorf("%s: pill %q", tt.action, got)
		}
		if got := toastOf(t, rec); !strings.HasPrefix(got, "Integration “Support chat” "+tt.action[:len(tt.action)-1]) {
			t.Errorf("%s: toast %q", tt.action, got)
		}
		if h := rec.Header().Get("HX-Trigger"); strings.ContainsFunc(h, func(r rune) bool { return r > 0x7f }) {
			t.Errorf("HX-Trigger is not ASCII: %q", h)
		}
		if in, _ := a.db.Integration(context.Background(), chat); in.StatusID != tt.status {
			t.Errorf("%s: stored status %d", tt.action, in.StatusID)
		}
	}

	// Without htmx: the row's button submits the table's one form to its
	// formaction, with the form's CSRF field; back to the hub page with a flash.
	d := doc(t, b.get("/hubs/"+hub.ID))
	pause := d.Find(`form[method="post"] button[formaction="/integrations/` + chat + `/pause"]`)
	token, _ := pause.Closest("form").Find(`input[name="_csrf"]`).Attr("value")
	if pause.Length() != 1 || token == "" {
		t.Fatalf("pause button inside the table's form with a CSRF field: %d button(s), token %q", pause.Length(), token)
	}
	rec := b.post(pause.AttrOr("formaction", ""), url.Values{"_csrf": {token}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs/"+hub.ID {
		t.Fatalf("plain pause: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if !strings.Contains(b.get("/hubs/"+hub.ID).Body.String(), "Integration “Support chat” paused") {
		t.Error("plain pause: no flash")
	}

	d = doc(t, b.get("/hubs/"+hub.ID))
	del := d.Find(`form[method="post"] button[formaction="/integrations/` + chat + `/delete"]`)
	if c, _ := del.Attr("hx-confirm"); !strings.Contains(c, "“Support chat”") {
		t.Errorf("delete confirmation does not name the integration: %q", c)
	}
	if l, _ := del.Attr("aria-label"); l != "Delete Support chat" {
		t.Errorf("delete button's name: %q", l)
	}
	// htmx sends the yes of hx-confirm along (hx-vals, inherited from the rows' tbody).
	if v, _ := del.Closest("tbody").Attr("hx-vals"); v != `{"confirmed": "1"}` {
		t.Errorf("delete button's inherited hx-vals: %q", v)
	}
	rec = b.post("/integrations/"+chat+"/delete", url.Values{"confirmed": {"1"}}, true)
	mustStatus(t, rec, http.StatusOK)
	if strings.TrimSpace(rec.Body.String()) != "" || toastOf(t, rec) != "Integration “Support chat” deleted" {
		t.Fatalf("htmx delete: %q %q", rec.Body.String(), toastOf(t, rec))
	}
	if _, err := a.db.Integration(context.Background(), chat); err != db.ErrNotFound {
		t.Fatalf("still there: %v", err)
	}
	// Without the dialog (no JavaScript): a page asks again, nothing is deleted.
	rec = b.post("/integrations/"+ids["Hook"]+"/delete", url.Values{"next": {"/hubs/" + hub.ID}}, false)
	mustStatus(t, rec, http.StatusOK)
	confirm := doc(t, rec).Find(`form[data-testid="confirm-form"][action="/integrations/` + ids["Hook"] + `/delete"]`)
	if confirm.Find(`input[name="confirmed"][value="1"]`).Length() != 1 || confirm.Find(`input[name="next"][value="/hubs/`+hub.ID+`"]`).Length() != 1 ||
		!strings.Contains(confirm.Text(), "“Hook”") {
		t.Fatalf("no confirmation page: %s", rec.Body.String())
	}
	if _, err := a.db.Integration(context.Background(), ids["Hook"]); err != nil {
		t.Fatalf("deleted before the confirmation: %v", err)
	}
	rec = b.post("/integrations/"+ids["Hook"]+"/delete", url.Values{"confirmed": {"1"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs/"+hub.ID {
		t.Fatalf("plain delete: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if !strings.Contains(b.get("/hubs/"+hub.ID).Body.String(), "Integration “Hook” deleted") {
		t.Error("plain delete: no flash")
	}
	entries, _, err := a.db.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	for _, want := range []string{"integration.pause", "integration.resume", "integration.delete"} {
		if !strings.Contains(strings.Join(actions, " "), want) {
			t.Errorf("audit lacks %s: %v", want, actions)
		}
	}
	mustStatus(t, b.post("/integrations/"+chat+"/pause", nil, false), http.StatusNotFound) // gone: htmx gets TestRowActionOnDeletedIntegration's answer
}

func TestViewerCannotChangeHubs(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	id := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"})["Chat"]
	b := a.signIn("viewer")

	d := doc(t, b.get("/hubs/"+hub.ID))
	if n := d.Find(`form[method="post"]:not([action="/logout"]):not([action="/account/sign-out-everywhere"]), a[href$="/edit"], a[href$="/delete"], a[href$="/integrations/new"], td.actions`).Length(); n != 0 {
		t.Errorf("viewer sees %d mutating controls on the hub page", n)
	}
	for _, p := range []string{"/hubs", "/hubs/" + hub.ID, "/hubs/" + hub.ID + "/pause", "/hubs/" + hub.ID + "/resume",
		"/hubs/" + hub.ID + "/delete", "/integrations/" + id + "/pause", "/integrations/" + id + "/resume", "/integrations/" + id + "/delete"} {
		form := url.Values{"name": {"Hacked"}, "confirm": {"Support"}}
		mustStatus(t, b.post(p, form, false), http.StatusForbidden)
	}
	// The forms are not even offered: a viewer would fill one in for nothing.
	for _, p := range []string{"/hubs/new", "/hubs/" + hub.ID + "/edit", "/hubs/" + hub.ID + "/delete"} {
		mustStatus(t, b.get(p), http.StatusForbidden)
	}
	if got, _ := a.db.Hub(context.Background(), hub.ID); got.Name != "Support" || got.StatusID != db.HubActive {
		t.Fatalf("viewer changed the hub: %+v", got)
	}
	if a.hubCount() != 1 {
		t.Fatal("viewer created a hub")
	}
}

func TestOtherTenantsHubIsNotFound(t *testing.T) {
	a := newTestApp(t)
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	hub := a.hub("Theirs", other.ID)
	id := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"})["Chat"]
	b := a.signIn("admin")
	for _, p := range []string{"/hubs/" + hub.ID, "/hubs/" + hub.ID + "/edit", "/hubs/" + hub.ID + "/delete", "/hubs/not-a-uuid"} {
		mustStatus(t, b.get(p), http.StatusNotFound)
	}
	for _, p := range []string{"/hubs/" + hub.ID, "/hubs/" + hub.ID + "/pause", "/hubs/" + hub.ID + "/resume", "/hubs/" + hub.ID + "/delete",
		"/integrations/" + id + "/pause", "/integrations/" + id + "/resume", "/integrations/" + id + "/delete"} {
		mustStatus(t, b.post(p, url.Values{"name": {"Mine"}, "confirm": {"Theirs"}}, false), http.StatusNotFound)
		if strings.HasPrefix(p, "/integrations/") { // htmx too: not "deleted elsewhere"
			mustStatus(t, b.post(p, url.Values{"confirmed": {"1"}}, true), http.StatusNotFound)
		}
	}
	if strings.Contains(b.get("/hubs").Body.String(), "Theirs") {
		t.Error("another tenant's hub is listed")
	}
	if got, _ := a.db.Hub(context.Background(), hub.ID); got.Name != "Theirs" || got.StatusID != db.HubActive {
		t.Fatalf("changed: %+v", got)
	}
	if in, err := a.db.Integration(context.Background(), id); err != nil || in.StatusID != db.IntegrationActive {
		t.Fatalf("integration changed: %v %+v", err, in)
	}
}

// TestPagesAreGzipped: dashboard pages (error pages too) are gzipped for
// clients that accept it and plain for the others; API answers are never
// compressed.
func TestPagesAreGzipped(t *testing.T) {
	a := newTestApp(t)
	br := a.signIn("admin")
	hub := a.hub("Gzip Hub")
	get := func(path, enc string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		if enc != "" {
			req.Header.Set("Accept-Encoding", enc)
		}
		return br.send(req)
	}
	gunzip := func(rec *httptest.ResponseRecorder) string {
		t.Helper()
		if rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Fatalf("not gzipped: %v", rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	rec := get("/hubs/"+hub.ID, "gzip, deflate, br")
	mustStatus(t, rec, http.StatusOK)
	if body := gunzip(rec); !strings.Contains(body, "Gzip Hub") || !strings.HasPrefix(body, "<!doctype html>") {
		t.Errorf("gzipped page: %.200s", body)
	}
	rec = get("/hubs/"+hub.ID, "")
	if rec.Header().Get("Content-Encoding") != "" || !strings.Contains(rec.Body.String(), "Gzip Hub") {
		t.Errorf("plain page: %v %.200s", rec.Header(), rec.Body.String())
	}
	rec = get("/hubs/"+hub.ID, "gzip;q=0")
	if rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got %v", rec.Header())
	}
	rec = get("/hubs/7c9e6679-7425-40de-944b-e07fc1f90ae7", "gzip")
	mustStatus(t, rec, http.StatusNotFound)
	if body := gunzip(rec); !strings.Contains(body, "<main") {
		t.Errorf("gzipped error page: %.300s", body)
	}

	req := httptest.NewRequest("GET", "/api/v1/hubs", nil)
	req.Header.Set("Authorization", "Bearer "+a.token("read"))
	req.Header.Set("Accept-Encoding", "gzip")
	api := httptest.NewRecorder()
	a.srv.ServeHTTP(api, req)
	if api.Code != http.StatusOK || api.Header().Get("Content-Encoding") != "" {
		t.Errorf("API answer: %d %v", api.Code, api.Header())
	}
}

// TestRowActionOnDeletedIntegration: pausing or deleting a row whose
// integration was deleted elsewhere removes the row and says why.
func TestRowActionOnDeletedIntegration(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	tok := a.token("write")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"W6","configuration":{"allowedOrigins":["a.com"]}}`)
	id := decode[integrationOut](t, rec).IntegrationID
	b := a.signIn("editor")
	b.get("/hubs/" + hub.ID)
	mustStatus(t, a.api("DELETE", "/api/v1/integrations/"+id, tok, ""), http.StatusOK)
	for _, action := range []string{"pause", "resume", "delete"} {
		rec := b.post("/integrations/"+id+"/"+action, url.Values{"confirmed": {"1"}}, true)
		if rec.Code != http.StatusOK || strings.TrimSpace(rec.Body.String()) != "" || !strings.Contains(rec.Header().Get("HX-Trigger"), "no longer exists") {
			t.Errorf("%s: %d %q, HX-Trigger %q", action, rec.Code, rec.Body.String(), rec.Header().Get("HX-Trigger"))
		}
	}
	mustStatus(t, b.post("/integrations/"+id+"/pause", nil, false), http.StatusNotFound) // a plain form gets the page
}

// TestEditFormOverAnotherChange: an edit form saved after someone else
// changed the hub or integration is shown again with what was typed and a
// notice, and nothing is saved; saving that form again keeps it.
func TestEditFormOverAnotherChange(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"WebChat","name":"W5","configuration":{"allowedOrigins":["a.com"]}}`)
	id := decode[integrationOut](t, rec).IntegrationID
	b := a.signIn("editor")

	for _, c := range []struct{ edit, save, api, field, typed string }{
		{"/integrations/" + id + "/edit", "/integrations/" + id, "/api/v1/integrations/" + id, "name", "W5-renamed-in-A"},
		{"/hubs/" + hub.ID + "/edit", "/hubs/" + hub.ID, "/api/v1/hubs/" + hub.ID, "name", "Desk A"},
	} {
		page := doc(t, b.get(c.edit))
		form := url.Values{}
		page.Find("form[data-testid] input, form[data-testid] textarea").Each(func(_ int, s *goquery.Selection) {
			if n, ok := s.Attr("name"); ok && n != "" && n != "_csrf" {
				if v, ok := s.Attr("value"); ok {
					form.Add(n, v)
				} else {
					form.Add(n, s.Text())
				}
			}
		})
		if form.Get("version") == "" {
			t.Fatalf("%s: no version in the form", c.edit)
		}
		form.Set(c.field, c.typed)
		form.Set("status", "active")
		mustStatus(t, a.api("PUT", c.api, tok, `{"name":"Changed in B"}`), http.StatusOK)

		rec := b.post(c.save, form, false)
		mustStatus(t, rec, http.StatusConflict)
		again := doc(t, rec)
		if !strings.Contains(rec.Body.String(), "changed by someone else") || again.Find(`input[name="name"]`).AttrOr("value", "") != c.typed {
			t.Fatalf("%s: %s", c.save, rec.Body.String())
		}
		form.Set("version", again.Find(`input[name="version"]`).AttrOr("value", ""))
		if rec := b.post(c.save, form, false); rec.Code != http.StatusSeeOther {
			t.Fatalf("%s saved again: %d %s", c.save, rec.Code, rec.Body.String())
		}
		if body := a.api("GET", c.api, tok, "").Body.String(); !strings.Contains(body, `"name":"`+c.typed+`"`) {
			t.Errorf("%s: the second save did not keep what was typed: %s", c.api, body)
		}
	}
}

// TestHubActionOnDeletedHub: pausing or deleting a hub deleted elsewhere
// goes back to the hub list with a toast that says why.
func TestHubActionOnDeletedHub(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Gone")
	b := a.signIn("editor")
	b.get("/hubs")
	mustStatus(t, a.api("DELETE", "/api/v1/hubs/"+hub.ID, a.token("write"), ""), http.StatusOK)
	for _, action := range []string{"pause", "resume", "delete"} {
		rec := b.post("/hubs/"+hub.ID+"/"+action, url.Values{"confirmed": {"1"}, "name": {"Gone"}}, false)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs" {
			t.Errorf("%s: %d to %q", action, rec.Code, rec.Header().Get("Location"))
		}
		if page := b.get("/hubs"); !strings.Contains(page.Body.String(), "no longer exists") {
			t.Errorf("%s: the hub list does not say why", action)
		}
	}
}

// On page 2 of the hubs list, Pause and Resume come back to page 2: htmx
// gets the row back (its button now the other one), a plain form is sent
// back to the page; Delete goes through its confirmation page to the same
// page, or to the last one when that page is left empty.
func TestHubListActionsStayOnTheirPage(t *testing.T) {
	a := newTestApp(t)
	var last db.Hub
	for i := range uiPageSize + 2 {
		last = a.hub(fmt.Sprintf("Hub %03d", i))
	}
	a.seedIntegrations(last, [2]string{"Chat", "WebChat"}, [2]string{"paused Hook", "System"})
	b := a.signIn("editor")
	const here = "/hubs?page=2"

	d := doc(t, b.get(here))
	row := d.Find(`[data-testid="hub-row"][data-hub-id="` + last.ID + `"]`)
	if v, _ := row.Find(`form[action="/hubs/` + last.ID + `/pause"] input[name="next"]`).Attr("value"); v != here {
		t.Errorf("pause form's next %q, want %q", v, here)
	}
	if hx, _ := row.Find(`button[aria-label="Pause Hub 051"]`).Attr("hx-post"); hx != "/hubs/"+last.ID+"/pause" {
		t.Errorf("pause button's hx-post %q", hx)
	}
	if href, _ := row.Find(`a[aria-label="Delete Hub 051"]`).Attr("href"); href != "/hubs/"+last.ID+"/delete?next="+url.QueryEscape(here) {
		t.Errorf("delete link %q", href)
	}
	if d.Find(`#hub-list[data-row-focus="#new-hub"] tbody[hx-target="closest tr"]`).Length() != 1 || d.Find("#new-hub").Length() != 1 {
		t.Error("the list is not a row-focus region")
	}
	if href, _ := doc(t, b.get("/hubs")).Find(`a[aria-label="Delete Hub 000"]`).Attr("href"); href != "/hubs/"+a.mustHubID("Hub 000")+"/delete" {
		t.Errorf("delete link on page 1: %q", href)
	}

	rec := b.post("/hubs/"+last.ID+"/pause", url.Values{"next": {here}}, true)
	mustStatus(t, rec, http.StatusOK)
	// A row alone parses only inside a table.
	part, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + rec.Body.String() + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(rec.Body.String(), "<tr") || part.Find(`tr[data-testid="hub-row"]`).Length() != 1 {
		t.Fatalf("htmx pause: want the row alone: %s", rec.Body.String())
	}
	if hx, _ := part.Find(`button[aria-label="Resume Hub 051"]`).Attr("hx-post"); hx != "/hubs/"+last.ID+"/resume" {
		t.Errorf("the new row's Resume posts to %q", hx)
	}
	if v, _ := part.Find(`input[name="next"]`).Attr("value"); v != here {
		t.Errorf("the new row's next %q", v)
	}
	// A paused hub's integrations keep their own statuses, said to be
	// held meanwhile (a line of its own): "1 active" alone read as
	// delivering.
	if got := strings.Join(strings.Fields(part.Find("td.counts").Text()), " "); got != "1 active · 1 pausedheld while the hub is paused" || part.Find("td.counts .pill").Length() != 0 {
		t.Errorf("the new row's counts %q (pills: %d)", got, part.Find("td.counts .pill").Length())
	}
	if part.Find(`[data-testid="status"]`).Text() != "Paused" || toastOf(t, rec) != "Hub “Hub 051” paused" {
		t.Errorf("status %q, toast %q", part.Find(`[data-testid="status"]`).Text(), toastOf(t, rec))
	}
	rec = b.post("/hubs/"+last.ID+"/resume", url.Values{"next": {here}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != here {
		t.Errorf("plain resume: %d to %q", rec.Code, rec.Header().Get("Location"))
	}

	// Delete: the confirmation page keeps where to go back to.
	d = doc(t, b.get("/hubs/"+last.ID+"/delete?next="+url.QueryEscape(here)))
	if v, _ := d.Find(`form[data-testid="hub-delete-form"] input[name="next"]`).Attr("value"); v != here {
		t.Errorf("confirm page's next %q", v)
	}
	if href, _ := d.Find(`form[data-testid="hub-delete-form"] a:contains("Cancel")`).Attr("href"); href != here {
		t.Errorf("Cancel goes to %q", href)
	}
	if _, ok := d.Find("#f-confirm").Attr("autofocus"); !ok {
		t.Error("the name field is not focused")
	}
	if doc(t, b.get("/hubs/"+last.ID+"/delete?next=https://evil.example/")).Find(`input[name="next"]`).Length() != 0 {
		t.Error("a foreign next is kept")
	}
	if v, _ := doc(t, b.post("/hubs/"+last.ID+"/delete", url.Values{"confirm": {"nope"}, "next": {here}}, false)).Find(`input[name="next"]`).Attr("value"); v != here {
		t.Errorf("a refused delete keeps next %q", v)
	}
	rec = b.post("/hubs/"+last.ID+"/delete", url.Values{"confirm": {"Hub 051"}, "next": {here}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != here {
		t.Fatalf("delete: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	// The last hub of page 2: back to page 2, which sends on to page 1.
	rec = b.post("/hubs/"+a.mustHubID("Hub 050")+"/delete", url.Values{"confirm": {"Hub 050"}, "next": {here}}, false)
	if rec.Header().Get("Location") != here {
		t.Fatalf("delete: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.get(here); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs" {
		t.Errorf("the emptied page 2: %d to %q", rec.Code, rec.Header().Get("Location"))
	}

	// A row's hub deleted elsewhere: its row goes away, with the reason.
	gone := a.mustHubID("Hub 049")
	mustStatus(t, a.api("DELETE", "/api/v1/hubs/"+gone, a.token("write"), ""), http.StatusOK)
	rec = b.post("/hubs/"+gone+"/pause", url.Values{"next": {"/hubs"}}, true)
	mustStatus(t, rec, http.StatusOK)
	if strings.TrimSpace(rec.Body.String()) != "" || !strings.Contains(toastOf(t, rec), "no longer exists") {
		t.Errorf("gone hub's row: %q, toast %q", rec.Body.String(), rec.Header().Get("HX-Trigger"))
	}
}

// mustHubID is the id of the default tenant's hub of that name.
func (a *testApp) mustHubID(name string) string {
	a.t.Helper()
	hubs, _, err := a.db.Hubs(context.Background(), db.HubFilter{TenantID: db.DefaultTenantID, Query: name, Size: 10})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, h := range hubs {
		if h.Name == name {
			return h.ID
		}
	}
	a.t.Fatalf("no hub %q", name)
	return ""
}

// The hubs list is searched by name as the API's list is (any case, NFKC,
// contains), as a full page and as the htmx partial the search box swaps in;
// no match has an empty state of its own, not "No hubs yet".
func TestHubsListSearch(t *testing.T) {
	a := newTestApp(t)
	for _, name := range []string{"Support EU", "Sales", "support US", "Ｓｕｐｐｏｒｔ Asia", "Marketing"} {
		a.hub(name)
	}
	other, err := a.db.CreateTenant(context.Background(), "Other")
	if err != nil {
		t.Fatal(err)
	}
	a.hub("Support other tenant", other.ID)
	b := a.signIn("editor")

	tests := []struct {
		q    string
		want []string
	}{
		{"support", []string{"Support EU", "support US", "Ｓｕｐｐｏｒｔ Asia"}},
		{"SUPPORT e", []string{"Support EU"}},
		{"ｓｕｐｐｏｒｔ", []string{"Support EU", "support US", "Ｓｕｐｐｏｒｔ Asia"}},
		{" sal ", []string{"Sales"}},
		{"%", nil},
		{"_", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			path := "/hubs?q=" + url.QueryEscape(tt.q)
			full := doc(t, b.get(path))
			if got := rowNames(full, `[data-testid="hub-row"]`); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("full page rows %v, want %v", got, tt.want)
			}
			if v, _ := full.Find(`form[data-testid="filters"] input[name="q"]`).Attr("value"); v != tt.q {
				t.Errorf("the search box shows %q", v)
			}
			if full.Find(`#new-hub`).Length() != 1 {
				t.Error("a search hides New hub")
			}
			// The API's list answers the same hubs.
			var api struct{ Results []struct{ Name string } }
			if err := json.Unmarshal(a.api("GET", "/api/v1/hubs?pageSize=50&"+path[len("/hubs?"):], a.token("read"), "").Body.Bytes(), &api); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range api.Results {
				names = append(names, r.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.want, "|") {
				t.Errorf("the API finds %v, the dashboard %v", names, tt.want)
			}

			rec := b.htmxGet(path)
			mustStatus(t, rec, http.StatusOK)
			part := doc(t, rec)
			if got := rowNames(part, `[data-testid="hub-row"]`); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("partial rows %v, want %v", got, tt.want)
			}
			if strings.Contains(rec.Body.String(), "<html") || part.Find(`[data-testid="filters"], header, nav.sidebar`).Length() != 0 ||
				part.Find(`#hub-list`).Length() != 1 {
				t.Errorf("partial is not the list alone: %s", rec.Body.String())
			}
		})
	}

	// The count says how many match, also on a single page.
	d := doc(t, b.get("/hubs?q=support"))
	if got := d.Find(`#hub-list .pager`).Text(); !strings.Contains(got, "3 hubs") {
		t.Errorf("pager %q, want the 3 matches counted", got)
	}
	if d.Find(`.pager`).Length() != 1 {
		t.Error("want one pager")
	}
	if doc(t, b.get("/hubs")).Find(`.pager`).Length() != 0 {
		t.Error("an unsearched single page has a pager")
	}

	// No match: its own empty state, the search box still there to change.
	for _, rec := range []*httptest.ResponseRecorder{b.get("/hubs?q=nothing-like-this"), b.htmxGet("/hubs?q=nothing-like-this")} {
		d := doc(t, rec)
		empty := d.Find(`#hub-list [data-testid="empty-state"]`)
		if !strings.Contains(empty.Text(), "No hub matches") || strings.Contains(empty.Text(), "No hubs yet") ||
			d.Find(`a[data-testid="clear-filters"][href="/hubs"]`).Length() != 1 || d.Find(`[data-testid="hubs"]`).Length() != 0 {
			t.Errorf("no match: want “No hub matches” with a Clear search link: %s", empty.Text())
		}
	}
	if d := doc(t, b.get("/hubs?q=nothing-like-this")); d.Find(`form[data-testid="filters"]`).Length() != 1 || d.Find(`#new-hub`).Length() != 1 {
		t.Error("no match: the search box or New hub is gone")
	}

	mustStatus(t, b.get("/hubs?q="+strings.Repeat("q", 201)), http.StatusBadRequest)
	mustStatus(t, b.get("/hubs?q="+strings.Repeat("q", 200)), http.StatusOK)

	// A history restore (Back, Forward) gets the whole page.
	req := httptest.NewRequest(http.MethodGet, "/hubs?q=sales", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-History-Restore-Request", "true")
	if rec := b.send(req); !strings.Contains(rec.Body.String(), "<html") || doc(t, rec).Find(`input[name="q"][value="sales"]`).Length() != 1 {
		t.Error("history restore did not get the whole page with its search")
	}
}

// A tenant without hubs gets "No hubs yet" and no search box; after its
// last hub is deleted elsewhere, a search swaps that in too.
func TestHubsListSearchWithoutHubs(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	for _, path := range []string{"/hubs", "/hubs?q=x"} {
		d := doc(t, b.get(path))
		if !strings.Contains(d.Find(`[data-testid="empty-state"]`).Text(), "No hubs yet") || d.Find(`[data-testid="filters"]`).Length() != 0 {
			t.Errorf("%s: want “No hubs yet” and no search box", path)
		}
	}
	d := doc(t, b.htmxGet("/hubs?q=x"))
	if !strings.Contains(d.Find(`#hub-list [data-testid="empty-state"]`).Text(), "No hubs yet") {
		t.Errorf("partial without hubs: %q", d.Text())
	}
}

// The search box sends q= even when emptied: the address bar gets the
// search in force only (a plain GET is sent on, htmx is told the URL to
// push), and so do the pager's links and the rows' way back.
func TestHubsListSearchLeavesEmptyOut(t *testing.T) {
	a := newTestApp(t)
	for i := range uiPageSize + 2 {
		a.hub(fmt.Sprintf("Hub %03d", i))
	}
	b := a.signIn("editor")
	for _, tt := range []struct{ query, want string }{
		{"q=", "/hubs"},
		{"q=+", "/hubs"},
		{"q=&page=2", "/hubs?page=2"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			rec := b.get("/hubs?" + tt.query)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != tt.want {
				t.Errorf("full page: %d to %q, want %q", rec.Code, rec.Header().Get("Location"), tt.want)
			}
			rec = b.htmxGet("/hubs?" + tt.query)
			mustStatus(t, rec, http.StatusOK)
			if got := rec.Header().Get("HX-Push-Url"); got != tt.want {
				t.Errorf("partial pushes %q, want %q", got, tt.want)
			}
			d := doc(t, rec)
			if d.Find(`[data-testid="hub-row"]`).Length() == 0 {
				t.Fatalf("partial has no rows: %s", rec.Body.String())
			}
			// Nothing in the list carries the empty q= on.
			for _, sel := range []string{`a[rel]`, `a[aria-label^="Delete"]`} {
				d.Find(sel).Each(func(_ int, s *goquery.Selection) {
					if href, _ := s.Attr("href"); strings.Contains(href, "q%3D") || strings.Contains(href, "q=") {
						t.Errorf("%s links to %q", sel, href)
					}
				})
			}
			if v, _ := d.Find(`input[name="next"]`).First().Attr("value"); v != tt.want {
				t.Errorf("a row's next is %q, want %q", v, tt.want)
			}
		})
	}
	mustStatus(t, b.get("/hubs?q=hub"), http.StatusOK)
	if got := b.htmxGet("/hubs?q=hub").Header().Get("HX-Push-Url"); got != "" {
		t.Errorf("a canonical query pushes %q", got)
	}
}

// Paging a search keeps it, and so do the rows' actions: Pause and Resume
// (htmx or not) and Delete come back to the searched page they were on.
func TestHubsListSearchPagesAndRowActions(t *testing.T) {
	a := newTestApp(t)
	var last db.Hub
	for i := range uiPageSize + 2 {
		last = a.hub(fmt.Sprintf("Team %03d", i))
		a.hub(fmt.Sprintf("Other %03d", i))
	}
	b := a.signIn("editor")
	d := doc(t, b.get("/hubs?q=team"))
	if n := d.Find(`[data-testid="hub-row"]`).Length(); n != uiPageSize {
		t.Fatalf("page 1 rows: %d", n)
	}
	const here = "/hubs?page=2&q=team"
	if href, _ := d.Find(`a[rel="next"]`).Attr("href"); href != here {
		t.Fatalf("next link does not keep the search: %q", href)
	}
	if got := d.Find(".pager").Text(); !strings.Contains(got, "1–50 of 52 hubs") {
		t.Errorf("pager %q", got)
	}
	// htmx's search answer has the same links (the pager is in the part it swaps).
	if href, _ := doc(t, b.htmxGet("/hubs?q=team")).Find(`#hub-list a[rel="next"]`).Attr("href"); href != here {
		t.Errorf("partial's next link %q", href)
	}

	d = doc(t, b.get(here))
	if got := rowNames(d, `[data-testid="hub-row"]`); strings.Join(got, "|") != "Team 050|Team 051" {
		t.Fatalf("page 2: %v", got)
	}
	if href, _ := d.Find(`a[rel="prev"]`).Attr("href"); href != "/hubs?q=team" {
		t.Errorf("prev link %q", href)
	}
	row := d.Find(`[data-testid="hub-row"][data-hub-id="` + last.ID + `"]`)
	if v, _ := row.Find(`form[action="/hubs/` + last.ID + `/pause"] input[name="next"]`).Attr("value"); v != here {
		t.Errorf("pause form's next %q, want %q", v, here)
	}
	if href, _ := row.Find(`a[aria-label="Delete Team 051"]`).Attr("href"); href != "/hubs/"+last.ID+"/delete?next="+url.QueryEscape(here) {
		t.Errorf("delete link %q", href)
	}

	rec := b.post("/hubs/"+last.ID+"/pause", url.Values{"next": {here}}, true)
	mustStatus(t, rec, http.StatusOK)
	part, err := goquery.NewDocumentFromReader(strings.NewReader("<table><tbody>" + rec.Body.String() + "</tbody></table>"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := part.Find(`form[action="/hubs/` + last.ID + `/resume"] input[name="next"]`).Attr("value"); v != here {
		t.Errorf("the new row's next %q", v)
	}
	rec = b.post("/hubs/"+last.ID+"/resume", url.Values{"next": {here}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != here {
		t.Errorf("plain resume: %d to %q", rec.Code, rec.Header().Get("Location"))
	}

	d = doc(t, b.get("/hubs/"+last.ID+"/delete?next="+url.QueryEscape(here)))
	if href, _ := d.Find(`form[data-testid="hub-delete-form"] a:contains("Cancel")`).Attr("href"); href != here {
		t.Errorf("Cancel goes to %q", href)
	}
	rec = b.post("/hubs/"+last.ID+"/delete", url.Values{"confirm": {"Team 051"}, "next": {here}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != here {
		t.Fatalf("delete: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if got := rowNames(doc(t, b.get(here)), `[data-testid="hub-row"]`); strings.Join(got, "|") != "Team 050" {
		t.Errorf("page 2 after the delete: %v", got)
	}
	// Its last row deleted, the searched page 2 sends on to page 1, search kept.
	rec = b.post("/hubs/"+a.mustHubID("Team 050")+"/delete", url.Values{"confirm": {"Team 050"}, "next": {here}}, false)
	if rec.Header().Get("Location") != here {
		t.Fatalf("delete: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.get(here); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs?q=team" {
		t.Errorf("the emptied page 2: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	// As a partial, the last page's list comes back in place.
	if n := doc(t, b.htmxGet(here)).Find(`[data-testid="hub-row"]`).Length(); n != uiPageSize {
		t.Errorf("partial past the end: %d rows", n)
	}
	// A gone hub's plain action goes back to the searched list.
	gone := a.mustHubID("Team 049")
	mustStatus(t, a.api("DELETE", "/api/v1/hubs/"+gone, a.token("write"), ""), http.StatusOK)
	rec = b.post("/hubs/"+gone+"/pause", url.Values{"next": {"/hubs?q=team"}}, false)
	if rec.Header().Get("Location") != "/hubs?q=team" {
		t.Errorf("gone hub: to %q", rec.Header().Get("Location"))
	}
}

// TestHubDeleteKeepsTheKeyboardsPlace: back on the list after a hub's
// delete, the keyboard is on the row now in its place (its Edit), else on
// the page's last row, else on Create hub; once, not on a reload.
func TestHubDeleteKeepsTheKeyboardsPlace(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("editor")
	first, second, third := a.hub("First"), a.hub("Second"), a.hub("Third")
	focused := func() string {
		t.Helper()
		d := doc(t, b.get("/hubs"))
		var on []string
		d.Find("[autofocus]").Each(func(_ int, s *goquery.Selection) {
			label, ok := s.Attr("aria-label")
			if !ok {
				label = strings.TrimSpace(s.Text())
			}
			on = append(on, label)
		})
		return strings.Join(on, " | ")
	}
	del := func(hub db.Hub) {
		t.Helper()
		rec := b.post("/hubs/"+hub.ID+"/delete", url.Values{"confirm": {hub.Name}, "next": {"/hubs"}}, false)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("delete %s: %d", hub.Name, rec.Code)
		}
	}
	if got := focused(); got != "" {
		t.Fatalf("before any delete, autofocus on %q", got)
	}
	del(second)
	if got := focused(); got != "Edit Third" {
		t.Errorf("after deleting the middle row: autofocus on %q, want Edit Third", got)
	}
	if got := focused(); got != "" {
		t.Errorf("on a reload: autofocus on %q", got)
	}
	del(third)
	if got := focused(); got != "Edit First" {
		t.Errorf("after deleting the last row: autofocus on %q, want Edit First", got)
	}
	del(first)
	if got := focused(); !strings.Contains(got, "Create hub") {
		t.Errorf("after deleting every hub: autofocus on %q, want Create hub", got)
	}
}

// The hubs list filters by status, in the dashboard (a select next to the
// search, its own empty state) and in the API (?statusId=), totals included.
func TestHubsListByStatus(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for _, name := range []string{"Support EU", "Sales", "support US", "Marketing"} {
		hb := a.hub(name)
		if name == "Sales" || name == "support US" {
			mustStatus(t, a.api("PUT", "/api/v1/hubs/"+hb.ID, tok, `{"statusId":2002}`), http.StatusOK)
		}
	}
	b := a.signIn("viewer")
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"statusId=paused", []string{"Sales", "support US"}},
		{"statusId=active", []string{"Support EU", "Marketing"}},
		{"statusId=paused&q=support", []string{"support US"}},
		{"statusId=active&q=sales", nil},
	} {
		t.Run(tt.query, func(t *testing.T) {
			for _, rec := range []*httptest.ResponseRecorder{b.get("/hubs?" + tt.query), b.htmxGet("/hubs?" + tt.query)} {
				mustStatus(t, rec, http.StatusOK)
				d := doc(t, rec)
				if got := rowNames(d, `[data-testid="hub-row"]`); strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Errorf("rows %v, want %v", got, tt.want)
				}
				if tt.want == nil {
					empty := d.Find(`#hub-list [data-testid="empty-state"]`).Text()
					if !strings.Contains(empty, "No active hub's name contains “sales”") || d.Find(`a[data-testid="clear-filters"][href="/hubs"]`).Length() != 1 {
						t.Errorf("empty state: %q", empty)
					}
				}
			}
			full := doc(t, b.get("/hubs?"+tt.query))
			status, _ := url.ParseQuery(tt.query)
			if v, _ := full.Find(`form[data-testid="filters"] select[name="statusId"] option[selected]`).Attr("value"); v != status.Get("statusId") {
				t.Errorf("the status select shows %q", v)
			}
			var api struct {
				Total   int
				Results []struct{ Name string }
			}
			if err := json.Unmarshal(a.api("GET", "/api/v1/hubs?"+tt.query, tok, "").Body.Bytes(), &api); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range api.Results {
				names = append(names, r.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.want, "|") || api.Total != len(tt.want) {
				t.Errorf("the API finds %v of %d, the dashboard %v", names, api.Total, tt.want)
			}
		})
	}
	// Hubster's numbers work as the words do; anything else is a 400 naming the field.
	var api struct{ Total int }
	if err := json.Unmarshal(a.api("GET", "/api/v1/hubs?statusId=2002", tok, "").Body.Bytes(), &api); err != nil || api.Total != 2 {
		t.Errorf("statusId=2002: %d hubs, %v", api.Total, err)
	}
	rec := a.api("GET", "/api/v1/hubs?statusId=stopped", tok, "")
	mustStatus(t, rec, http.StatusBadRequest)
	if p := decode[Problem](t, rec); p.Errors[0].Field != "statusId" || !strings.Contains(p.Errors[0].Description, "2002 or paused") {
		t.Errorf("statusId=stopped: %+v", p)
	}
	mustStatus(t, b.get("/hubs?statusId=stopped"), http.StatusBadRequest)
	if empty := doc(t, b.get("/hubs?statusId=paused&q=nothing")).Find(`[data-testid="empty-state"]`).Text(); !strings.Contains(empty, "No paused hub's name contains “nothing”") {
		t.Errorf("empty state: %q", empty)
	}
}

// On a phone a row is a card whose cells lose their column headers: the
// type says what it is ("Type Agent"), next to the channel's name.
func TestHubPageCardsLabelTheType(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	a.seedIntegrations(hub, [2]string{"Hook", "System"}, [2]string{"Bot", "Direct"})
	d := doc(t, a.signIn("viewer").get("/hubs/"+hub.ID))
	if n := d.Find(`[data-testid="integration-row"] td[data-label="Type"]`).Length(); n != 2 {
		t.Errorf("%d type cells labelled, want 2", n)
	}
}
