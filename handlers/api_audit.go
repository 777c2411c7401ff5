package handlers

import (
	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

// auditJSON is one activity log entry in the API.
type auditJSON struct {
	ID         int64  `json:"id"`
	Actor      string `json:"actor"`
	Action     string `json:"action"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	ObjectName string `json:"objectName"`
	Detail     string `json:"detail"`
	Created    string `json:"created"`
}

// apiAudit is GET /audit?actor=&action=&objectType=&objectId=: the tenant's
// activity, newest first, paged. On the dashboard every role reads the log,
// but API tokens carry no role, only a scope: the log names users and
// tokens, so it needs a write token (the API's stand-in for an admin);
// read tokens get 403.
func (h *handler) apiAudit(c echo.Context) error {
	a := actorOf(c)
	if !a.Write {
		return forbidden("Reading the activity log needs a write token; this token has the read scope.")
	}
	pg, size, err := paging(c)
	if err != nil {
		return err
	}
	f, err := auditFilter(c, a.TenantID)
	if err != nil {
		return err
	}
	f.Page, f.Size = pg, size
	list, total, err := h.db.AuditEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := page[auditJSON]{PageNumber: pg, PageSize: size, Total: total, Results: make([]auditJSON, 0, len(list))}
	for _, e := range list {
		out.Results = append(out.Results, auditJSON{ID: e.ID, Actor: e.Actor, Action: e.Action, ObjectType: e.ObjectType,
			ObjectID: e.ObjectID, ObjectName: e.ObjectName, Detail: e.Detail, Created: apiTime(e.Created)})
	}
	return okJSON(c.Response(), out)
}

// auditFilter reads the activity filters shared by the API and the
// dashboard.
func auditFilter(c echo.Context, tenantID string) (db.AuditFilter, error) {
	f := db.AuditFilter{TenantID: tenantID, Actor: c.QueryParam("actor"), Action: c.QueryParam("action"),
		ObjectType: c.QueryParam("objectType"), ObjectID: c.QueryParam("objectId")}
	var errs channels.FieldErrors
	for _, p := range []struct{ name, v string }{{"actor", f.Actor}, {"action", f.Action}, {"objectType", f.ObjectType}, {"objectId", f.ObjectID}} {
		if len(p.v) > 200 {
			errs = append(errs, channels.FieldError{Code: codeOutOfRange, Field: p.name, Message: "Parameter '" + p.name + "' is longer than 200 characters."})
		} else if fe := searchParam(p.name, p.v); fe != nil {
			errs = append(errs, *fe)
		}
	}
	if len(errs) > 0 {
		return db.AuditFilter{}, errs
	}
	return f, nil
}
