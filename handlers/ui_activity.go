package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// activityPageSize is how many log entries the activity page shows at once.
const activityPageSize = uiPageSize

// uiActivity is the tenant's audit log, filterable by actor, action prefix
// and object id (every role may read it).
func (h *handler) uiActivity(c echo.Context) error {
	f, err := auditFilter(c, currentUser(c).TenantID)
	if err != nil {
		return err
	}
	f.ObjectType = "" // not offered on the page
	f.Actor, f.ObjectID = strings.TrimSpace(f.Actor), strings.TrimSpace(f.ObjectID)
	// An action the list does not offer (a mistyped or stale link) is an
	// error beside the list, not silently every action.
	var actionErr string
	if f.Action != "" && !views.ActivityActionOffered(f.Action) {
		actionErr = fmt.Sprintf("There is no action “%s”; pick one from the list.", f.Action)
		f.Action = ""
	}
	dates := activityDates(c.QueryParam("from"), c.QueryParam("to"))
	if actionErr != "" || dates.FromErr != "" || dates.ToErr != "" {
		// Nothing is looked up: the errors stand beside their fields, with
		// the other filters as given.
		m := views.ActivityPage{Actor: f.Actor, Action: f.Action, ObjectID: f.ObjectID, ActionErr: actionErr, Dates: dates}
		return render(c, http.StatusBadRequest, views.Activity(h.page(c, "Activity", "activity"), m))
	}
	f.Since, f.Before = dates.Since, dates.Before
	// ?page=N from 1, as the hubs' lists; a bookmarked page past the end
	// goes to the last page.
	pg, err := uiPageNumber(c)
	if err != nil {
		return err
	}
	f.Page, f.Size = pg-1, activityPageSize
	list, total, err := h.db.AuditEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if to, past := pastTheEnd(c.Request().URL, pg, len(list), total); past {
		return c.Redirect(http.StatusSeeOther, to)
	}
	m := views.ActivityPage{Actor: f.Actor, Action: f.Action, ObjectID: f.ObjectID, Dates: dates, Total: total}
	// Only what is still there is linked: a deleted hub or integration
	// keeps its earlier lines, and their links would be 404s.
	var ids []string
	for _, e := range list {
		if e.ObjectType == "hub" || e.ObjectType == "integration" {
			ids = append(ids, e.ObjectID)
		}
	}
	there, err := h.db.Existing(c.Request().Context(), f.TenantID, ids)
	if err != nil {
		return err
	}
	for _, e := range list {
		m.Entries = append(m.Entries, activityEntry(e, there[e.ObjectID]))
	}
	// The links keep the filters as given (trimmed and checked above).
	u := &url.URL{Path: "/activity"}
	q := url.Values{}
	for k, v := range map[string]string{"actor": f.Actor, "action": f.Action, "objectId": f.ObjectID, "from": dates.From, "to": dates.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	m.PrevURL, m.NextURL, m.Summary = pagerLinks(u, pg, len(list), total, "entry", "entries")
	return render(c, http.StatusOK, views.Activity(h.page(c, "Activity", "activity"), m))
}

// activityEntry is a log line as the page shows it; there says whether
// its object (a hub or an integration) is still there to link to.
func activityEntry(e db.AuditEntry, there bool) views.ActivityEntry {
	v := views.ActivityEntry{Actor: e.Actor, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID,
		ObjectName: e.ObjectName, Detail: e.Detail, Created: stampUTC(e.Created), CreatedISO: apiTime(e.Created)}
	// An integration's create and delete record its channel's id (the
	// API's audit keeps it so); the page names the channel as elsewhere.
	if e.ObjectType == "integration" && (e.Action == "integration.create" || e.Action == "integration.delete") {
		if ch, ok := channels.ByID(e.Detail); ok {
			v.Detail = ch.Title
		}
	}
	if e.ObjectID != "" {
		v.FilterURL = "/activity?objectId=" + url.QueryEscape(e.ObjectID)
	}
	switch {
	case e.ObjectType != "hub" && e.ObjectType != "integration":
	case !there:
		v.Deleted = true
	case e.ObjectType == "hub":
		v.ObjectURL = "/hubs/" + url.PathEscape(e.ObjectID)
	default:
		v.ObjectURL = "/integrations/" + url.PathEscape(e.ObjectID)
	}
	return v
}

// activityDates reads the page's From and To: days (YYYY-MM-DD, as a date
// field sends them) in UTC, as the log shows its times, both included.
// Either may be left empty.
func activityDates(from, to string) views.ActivityDates {
	d := views.ActivityDates{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
	day := func(s string) (time.Time, string) {
		if s == "" {
			return time.Time{}, ""
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			// Only an address or a browser without a date picker sends
			// one; the picker cannot show it, so the message quotes it.
			return time.Time{}, fmt.Sprintf("“%s” is not a date: pick one, or type it as YYYY-MM-DD (e.g. 2026-11-29).", s)
		}
		return t, ""
	}
	var last time.Time
	d.Since, d.FromErr = day(d.From)
	last, d.ToErr = day(d.To)
	if !last.IsZero() {
		d.Before = last.AddDate(0, 0, 1)
	}
	if d.FromErr == "" && d.ToErr == "" && !d.Since.IsZero() && !last.IsZero() && last.Before(d.Since) {
		d.ToErr = "To must be on or after From."
	}
	return d
}
