package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"hubadmin/db"
	"hubadmin/views"
)

func TestActivityShowsAndFiltersTheAuditLog(t *testing.T) {
	a := newTestApp(t)
	viewer := a.signIn("viewer")
	rec := viewer.get("/activity")
	mustStatus(t, rec, http.StatusOK)
	if !strings.Contains(rec.Body.String(), "No activity yet") {
		t.Fatalf("empty state: %s", rec.Body.String())
	}

	tok := a.token("write")
	rec = a.api(http.MethodPost, "/api/v1/hubs", tok, `{"name":"Support desk"}`)
	mustStatus(t, rec, http.StatusOK)
	hubID := decode[hubJSON](t, rec).HubID
	mustStatus(t, a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hubID, tok,
		`{"channelId":"WebChat","name":"Site chat","configuration":{"allowedOrigins":["example.com"]}}`), http.StatusOK)

	for _, tt := range []struct {
		query        string
		want, absent []string
	}{
		// The channel by its name ("Web chat"), not its id; a token by its
		// name and last four characters, a space between.
		{"", []string{"hub.create", "Support desk", "integration.create", "Site chat", "token:test-write (…", "Web chat"}, []string{"WebChat"}},
		{"?action=integration", []string{"integration.create"}, []string{"hub.create"}},
		{"?action=hub", []string{"hub.create"}, []string{"integration.create"}},
		{"?action=integration.create", []string{"integration.create"}, []string{"hub.create"}},
		{"?action=hub.update", []string{"Nothing matches these filters"}, []string{"hub.create"}},
		{"?objectId=" + hubID, []string{"hub.create"}, []string{"integration.create"}},
		{"?actor=nobody", []string{"Nothing matches these filters"}, []string{"hub.create"}},
		{"?actor=test-write&action=hub", []string{"hub.create"}, []string{"integration.create"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			rec := viewer.get("/activity" + tt.query)
			mustStatus(t, rec, http.StatusOK)
			// The page without its filters, whose Action offers every action.
			page := doc(t, rec)
			page.Find(`[data-testid="activity-filters"]`).Remove()
			body := page.Text()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, n := range tt.absent {
				if strings.Contains(body, n) {
					t.Errorf("has %q", n)
				}
			}
		})
	}
}

func TestActivityPages(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for i := range 55 {
		mustStatus(t, a.api(http.MethodPost, "/api/v1/hubs", tok, `{"name":"Hub `+string(rune('A'+i/26))+string(rune('a'+i%26))+`"}`), http.StatusOK)
	}
	b := a.signIn("editor")
	body := b.get("/activity").Body.String()
	if !strings.Contains(body, "1–50 of 55") || !strings.Contains(body, `href="/activity?page=2"`) || strings.Contains(body, `rel="prev"`) {
		t.Fatalf("first page: %s", body)
	}
	body = b.get("/activity?page=2").Body.String()
	if !strings.Contains(body, "51–55 of 55") || !strings.Contains(body, `rel="prev"`) || strings.Contains(body, `rel="next"`) {
		t.Fatalf("second page: %s", body)
	}
	// Filters stay in the links; past the end goes to the last page; a
	// page that is no number is a 400, as on the hubs' lists.
	if body := b.get("/activity?action=hub").Body.String(); !strings.Contains(body, `href="/activity?action=hub&amp;page=2"`) {
		t.Fatalf("filtered next link: %s", body)
	}
	rec := b.get("/activity?page=99&action=hub")
	mustStatus(t, rec, http.StatusSeeOther)
	if loc := rec.Header().Get("Location"); loc != "/activity?action=hub&page=2" {
		t.Fatalf("past the end goes to %q", loc)
	}
	mustStatus(t, b.get("/activity?page=abc"), http.StatusBadRequest)
}

// TestActivityBetweenDates: From and To (days in UTC, both included)
// narrow the log and stay in the pager's links; a date that is not one,
// or a To before the From, is said beside its field, and nothing is listed.
func TestActivityBetweenDates(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	for i := range 51 {
		mustStatus(t, a.api(http.MethodPost, "/api/v1/hubs", tok, fmt.Sprintf(`{"name":"Hub %d"}`, i)), http.StatusOK)
	}
	b := a.signIn("viewer")
	now := time.Now().UTC()
	yesterday, tomorrow := now.AddDate(0, 0, -1).Format(time.DateOnly), now.AddDate(0, 0, 1).Format(time.DateOnly)
	for _, tc := range []struct{ query, summary string }{
		{"?from=" + yesterday + "&to=" + tomorrow, "1–50 of 51"},
		{"?from=" + yesterday, "1–50 of 51"},
		{"?to=" + yesterday, ""},
		{"?from=" + tomorrow, ""},
		{"?from=" + yesterday + "&to=" + yesterday, ""},
	} {
		rec := b.get("/activity" + tc.query)
		mustStatus(t, rec, http.StatusOK)
		page := doc(t, rec)
		rows := page.Find(`[data-testid="activity-row"]`).Length()
		if tc.summary == "" {
			if rows != 0 || !strings.Contains(rec.Body.String(), "Nothing matches these filters") {
				t.Errorf("%s: %d rows, want none", tc.query, rows)
			}
			continue
		}
		if rows != 50 || !strings.Contains(rec.Body.String(), tc.summary) {
			t.Errorf("%s: %d rows, want %s", tc.query, rows, tc.summary)
		}
		q, _ := url.ParseQuery(strings.TrimPrefix(tc.query, "?"))
		if v, _ := page.Find("#f-from").Attr("value"); v != q.Get("from") {
			t.Errorf("%s: From shows %q", tc.query, v)
		}
		next, _ := page.Find(`a[rel="next"]`).Attr("href")
		if u, err := url.Parse(next); err != nil || u.Query().Get("from") != q.Get("from") || u.Query().Get("to") != q.Get("to") || u.Query().Get("page") != "2" {
			t.Errorf("%s: next page link %q", tc.query, next)
		}
	}

	for _, tc := range []struct{ query, field, msg string }{
		{"?from=29.11.2026", "f-from", "“29.11.2026” is not a date"},
		{"?to=2026-02-30&actor=ann", "f-to", "“2026-02-30” is not a date: pick one, or type it as YYYY-MM-DD"},
		{"?from=2026-11-29&to=2026-11-28", "f-to", "To must be on or after From."},
		{"?action=nonsense&actor=ann", "f-action", "There is no action “nonsense”"},
		{"?action=hub.fly", "f-action", "There is no action “hub.fly”"},
	} {
		rec := b.get("/activity" + tc.query)
		mustStatus(t, rec, http.StatusBadRequest)
		page := doc(t, rec)
		field := page.Find("#" + tc.field)
		if inv, _ := field.Attr("aria-invalid"); inv != "true" || !strings.Contains(page.Find("#"+tc.field+"-error").Text(), tc.msg) {
			t.Errorf("%s: %s not marked with %q: %s", tc.query, tc.field, tc.msg, page.Find(".filters").Text())
		}
		if n := page.Find(`[data-testid="activity-row"]`).Length(); n != 0 {
			t.Errorf("%s: %d rows listed beside a refused filter", tc.query, n)
		}
		// The log is not empty: the page says what to fix, not "No activity yet".
		if empty := page.Find(`[data-testid="empty-state"]`).Text(); !strings.Contains(empty, "to see the activity") || page.Find(`[data-testid="empty-state"] a[href="/activity"]`).Length() == 0 {
			t.Errorf("%s: empty state %q", tc.query, empty)
		}
		// What was typed stays, to be fixed.
		q, _ := url.ParseQuery(strings.TrimPrefix(tc.query, "?"))
		if v, _ := page.Find("#f-actor").Attr("value"); v != q.Get("actor") {
			t.Errorf("%s: actor %q", tc.query, v)
		}
	}
}

func TestAPIAudit(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	rec := a.api(http.MethodPost, "/api/v1/hubs", tok, `{"name":"Support"}`)
	mustStatus(t, rec, http.StatusOK)
	hubID := decode[hubJSON](t, rec).HubID

	rec = a.api(http.MethodGet, "/api/v1/audit?action=hub&pageSize=10", tok, "")
	mustStatus(t, rec, http.StatusOK)
	list := decode[page[auditJSON]](t, rec)
	if list.Total != 1 || list.PageSize != 10 || len(list.Results) != 1 {
		t.Fatalf("audit page: %+v", list)
	}
	e := list.Results[0]
	if e.Action != "hub.create" || e.ObjectType != "hub" || e.ObjectID != hubID || e.ObjectName != "Support" || !strings.HasPrefix(e.Actor, "token:") || e.Created == "" || e.ID == 0 {
		t.Fatalf("entry: %+v", e)
	}
	if list := decode[page[auditJSON]](t, a.api(http.MethodGet, "/api/v1/audit?action=user", tok, "")); list.Total != 0 || list.Results == nil {
		t.Fatalf("filtered: %+v", list)
	}
	// Object filters take any case, and any part of an id (the page shows its end).
	for _, q := range []string{"objectType=Hub", "objectType=HUB&objectId=" + strings.ToUpper(hubID),
		"objectId=" + url.QueryEscape("…"+hubID[len(hubID)-12:]), "objectId=" + hubID[:8]} {
		if list := decode[page[auditJSON]](t, a.api(http.MethodGet, "/api/v1/audit?"+q, tok, "")); list.Total != 1 {
			t.Errorf("%s: %d entries, want 1", q, list.Total)
		}
	}
	if list := decode[page[auditJSON]](t, a.api(http.MethodGet, "/api/v1/audit?objectId=%25", tok, "")); list.Total != 0 {
		t.Errorf("objectId=%%: %d entries; a %% is not a wildcard", list.Total)
	}
	mustStatus(t, a.api(http.MethodGet, "/api/v1/audit", a.token("read"), ""), http.StatusForbidden)
	mustStatus(t, a.api(http.MethodGet, "/api/v1/audit?pageNumber=-1", tok, ""), http.StatusBadRequest)
	mustStatus(t, a.api(http.MethodGet, "/api/v1/audit", "", ""), http.StatusUnauthorized)
}

// TestAuditSaysWhatChanged: an update's audit entry names what changed (a
// webhook URL by its new host, never a secret's value), and a hub's
// deletion names the integrations deleted with it.
func TestAuditSaysWhatChanged(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Support")
	rec := a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hub.ID, tok,
		`{"channelId":"System","name":"Events","configuration":{"webhookUrl":"https://old.example.com/hook","events":["message"]}}`)
	mustStatus(t, rec, http.StatusOK)
	id := decode[integrationOut](t, rec).IntegrationID
	mustStatus(t, a.api(http.MethodPost, "/api/v1/integrations/hubs/"+hub.ID, tok, `{"channelId":"TwilioSMS","name":"SMS","configuration":`+twilioConfig+`}`), http.StatusOK)
	mustStatus(t, a.api(http.MethodPut, "/api/v1/integrations/"+id, tok,
		`{"name":"Bot events","configuration":{"webhookUrl":"https://new.example.net/hook?token=s3cr3t","events":["message"]}}`), http.StatusOK)
	mustStatus(t, a.api(http.MethodPut, "/api/v1/integrations/"+id+"?regenerate-key=true", tok, ""), http.StatusOK)
	mustStatus(t, a.api(http.MethodPut, "/api/v1/hubs/"+hub.ID, tok, `{"description":"Front desk","closeDormantConversation":30}`), http.StatusOK)
	mustStatus(t, a.api(http.MethodPut, "/api/v1/hubs/"+hub.ID, tok, `{"statusId":2002}`), http.StatusOK)
	mustStatus(t, a.api(http.MethodDelete, "/api/v1/hubs/"+hub.ID, tok, ""), http.StatusOK)

	details := map[string][]string{}
	for _, e := range decode[page[auditJSON]](t, a.api(http.MethodGet, "/api/v1/audit?pageSize=100", tok, "")).Results {
		details[e.Action] = append(details[e.Action], e.Detail)
	}
	want := map[string]string{
		"integration.update": `signing keys regenerated|name "Events" → "Bot events"; configuration: webhookUrl → new.example.net`, // newest first
		"hub.update":         "description changed; close dormant conversations never → 30 days",
		"hub.pause":          "status active → paused",
		"hub.delete":         "with its 2 integrations: Bot events (System), SMS (TwilioSMS)",
	}
	for action, w := range want {
		if got := strings.Join(details[action], "|"); got != w {
			t.Errorf("%s: %q, want %q", action, got, w)
		}
	}
	if all := fmt.Sprint(details); strings.Contains(all, "s3cr3t") {
		t.Errorf("a URL's query reached the audit log: %s", all)
	}
}

// An API client's id (hubster.portal.api.<32 hex>) cannot wrap: the object
// column shows its end, as it does a UUID's, and the whole id is in the
// link's title and filter URL (it made the table wider than its box).
func TestActivityShortensLongObjectIDs(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	cl, _, err := a.db.CreateClient(ctx, db.Client{TenantID: db.DefaultTenantID, Name: "dotnet", Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cl.ID, "hubster.portal.api.") {
		t.Fatalf("client id %q", cl.ID)
	}
	if err := a.db.RecordAudit(ctx, db.DefaultTenantID, db.Audit{Actor: "user:admin@example.com", Action: "client.create", Detail: "scope write"}, "client", cl.ID, "dotnet"); err != nil {
		t.Fatal(err)
	}
	d := doc(t, a.signIn("viewer").get("/activity"))
	link := d.Find(`[data-testid="activity-row"] td.activity-object a.mono`)
	if link.Length() != 1 {
		t.Fatalf("object id links: %d", link.Length())
	}
	want := "client …" + cl.ID[len(cl.ID)-12:]
	if got := strings.Join(strings.Fields(link.Text()), " "); got != want {
		t.Errorf("object id shown as %q, want %q", got, want)
	}
	if title, _ := link.Attr("title"); !strings.Contains(title, cl.ID) {
		t.Errorf("title %q lacks the whole id", title)
	}
	if href, _ := link.Attr("href"); href != "/activity?objectId="+url.QueryEscape(cl.ID) {
		t.Errorf("filter link %q", href)
	}
	if strings.Contains(d.Find("table").Text(), cl.ID) {
		t.Error("the table's text still holds the whole id")
	}
}

// TestActivityShortensClientActors: an API client as the actor is shown by
// its id's last twelve characters (it took four lines), the whole in the
// cell's title.
func TestActivityShortensClientActors(t *testing.T) {
	a := newTestApp(t)
	ctx := context.Background()
	actor := "client:hubster.portal.api.3f996ab325a5d43364871806fe33bffe"
	if err := a.db.RecordAudit(ctx, db.DefaultTenantID, db.Audit{Actor: actor, Action: "hub.create"}, "hub", "h1", "Main"); err != nil {
		t.Fatal(err)
	}
	cell := doc(t, a.signIn("viewer").get("/activity")).Find(`[data-testid="activity-row"] td.activity-actor`).First()
	if got, want := strings.Join(strings.Fields(cell.Text()), ""), "client:…"+actor[len(actor)-12:]; got != want {
		t.Errorf("actor shown as %q, want %q", got, want)
	}
	if title, _ := cell.Attr("title"); title != actor {
		t.Errorf("title %q", title)
	}
}

// TestActivityLinksOnlyWhatIsThere: the lines of a deleted integration,
// and of a deleted hub and the integrations that went with it, are marked
// deleted and link nowhere (every line but the delete itself linked to a
// "Not found" page); what is still there keeps its link.
func TestActivityLinksOnlyWhatIsThere(t *testing.T) {
	a := newTestApp(t)
	tok := a.token("write")
	hub := a.hub("Desk")
	gone := a.hub("Gone desk")
	ids := a.seedIntegrations(hub, [2]string{"Kept chat", "WebChat"}, [2]string{"Dropped chat", "WebChat"})
	withHub := a.seedIntegrations(gone, [2]string{"Chat of the gone desk", "WebChat"})
	mustStatus(t, a.api("PUT", "/api/v1/integrations/"+ids["Dropped chat"], tok, `{"name":"Dropped chat, renamed"}`), http.StatusOK)
	mustStatus(t, a.api("DELETE", "/api/v1/integrations/"+ids["Dropped chat"], tok, ""), http.StatusOK)
	mustStatus(t, a.api("DELETE", "/api/v1/hubs/"+gone.ID, tok, ""), http.StatusOK)

	d := doc(t, a.signIn("viewer").get("/activity"))
	rows := d.Find(`[data-testid="activity-row"]`)
	if rows.Length() < 6 {
		t.Fatalf("%d rows", rows.Length())
	}
	rows.Each(func(_ int, row *goquery.Selection) {
		obj := row.Find(".activity-object")
		filter := obj.Find("a.mono").AttrOr("href", "")
		link := obj.Find("a:not(.mono)")
		deleted := obj.Find(`[data-testid="object-deleted"]`).Length() == 1
		switch {
		case strings.Contains(filter, ids["Kept chat"]):
			if deleted || link.AttrOr("href", "") != "/integrations/"+ids["Kept chat"] {
				t.Errorf("kept integration: link %q, deleted %v", link.AttrOr("href", ""), deleted)
			}
		case strings.Contains(filter, hub.ID):
			if deleted || link.AttrOr("href", "") != "/hubs/"+hub.ID {
				t.Errorf("kept hub: link %q, deleted %v", link.AttrOr("href", ""), deleted)
			}
		case strings.Contains(filter, ids["Dropped chat"]), strings.Contains(filter, gone.ID), strings.Contains(filter, withHub["Chat of the gone desk"]):
			if !deleted || link.Length() != 0 {
				t.Errorf("%s: %d links, deleted %v", strings.Join(strings.Fields(obj.Text()), " "), link.Length(), deleted)
			}
		}
	})
}

// TestActivityOffersEveryRecordedAction: each action the code records
// (a "family.verb" literal in the server's sources) is in the Action
// filter, so a new one cannot be left out of it.
func TestActivityOffersEveryRecordedAction(t *testing.T) {
	action := regexp.MustCompile(`"((?:hub|integration|token|client|user|secrets)\.[a-z_]+)"`)
	var files []string
	for _, glob := range []string{"*.go", "../db/*.go", "../*.go"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range action.FindAllStringSubmatch(string(src), -1) {
			found++
			if !views.ActivityActionOffered(m[1]) {
				t.Errorf("%s records %q, which the Activity page's Action filter does not offer", f, m[1])
			}
		}
	}
	if found < 15 {
		t.Fatalf("found %d recorded actions; the pattern no longer matches how the code names them", found)
	}
}

// TestActivityNamesTheChannelOfACreateAndADelete: both lines of an
// integration's life name its channel as the dashboard does; the API's
// audit keeps the id.
func TestActivityNamesTheChannelOfACreateAndADelete(t *testing.T) {
	a := newTestApp(t)
	hub := a.hub("Support")
	ids := a.seedIntegrations(hub, [2]string{"Chat", "WebChat"}, [2]string{"Hook", "System"})
	tok := a.token("write")
	mustStatus(t, a.api(http.MethodDelete, "/api/v1/integrations/"+ids["Chat"], tok, ""), http.StatusOK)
	d := doc(t, a.signIn("viewer").get("/activity?action=integration"))
	var details []string
	d.Find(`[data-testid="activity-row"]`).Each(func(_ int, r *goquery.Selection) {
		details = append(details, strings.Join(strings.Fields(r.Text()), " "))
	})
	got := strings.Join(details, " | ")
	for _, want := range []string{"integration.delete", "integration.create"} {
		if !strings.Contains(got, want) {
			t.Fatalf("no %s line: %s", want, got)
		}
	}
	if strings.Contains(got, "WebChat") || strings.Count(got, "Web chat") != 2 || !strings.Contains(got, "System") {
		t.Errorf("channels as the page names them: %s", got)
	}
	if list := decode[page[auditJSON]](t, a.api(http.MethodGet, "/api/v1/audit?action=integration.delete", tok, "")); len(list.Results) != 1 || list.Results[0].Detail != "WebChat" {
		t.Errorf("the API's audit: %+v", list.Results)
	}
}
