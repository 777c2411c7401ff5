package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

var hubEchoKeys = []string{"hubId", "tenantId", "created", "modified"}

// hubInput is a hub create or update, from the API or a form.
type hubInput struct {
	Name        *string
	Description *string
	// CloseDormant: set=false means not given; set with nil value = null.
	CloseDormantSet bool
	CloseDormant    *int
	StatusID        *int
	// Version: as integrationInput's, an edit form's modified time.
	Version *time.Time
	// Errs: what reading the API's body found wrong, reported with the rest.
	Errs channels.FieldErrors
}

// readHubBody reads a hub from the API. What is wrong with a property is
// in in.Errs, to be reported with the rest (applyHub); err is for a body
// that cannot be read at all.
func readHubBody(c echo.Context) (in hubInput, err error) {
	b, err := readBody(c, false)
	if err != nil {
		return in, err
	}
	unknown := b.only([]string{"name", "description", "closeDormantConversation", "statusId"}, hubEchoKeys)
	if s, ok, fe := b.str("name"); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		in.Name = &s
	}
	if s, ok, fe := b.str("description"); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		in.Description = &s
	}
	if _, present := b["closedormantconversation"]; present {
		var n int
		if !b.has("closeDormantConversation") {
			in.CloseDormantSet = true
		} else if raw := wholeForm(bytes.TrimSpace(b.raw("closeDormantConversation"))); json.Unmarshal(raw, &n) != nil {
			fe := channels.FieldError{Code: codeWrongType, Field: "closeDormantConversation",
				Message: "Property 'closeDormantConversation' must be a whole number of days, or null."}
			if whole(raw) { // too large for an int
				fe = closeDormantRange(string(raw))
			}
			in.Errs = append(in.Errs, fe)
		} else {
			in.CloseDormantSet, in.CloseDormant = true, &n
		}
	}
	if st, ok, fe := b.statusID(db.HubActive, db.HubPaused); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		in.StatusID = &st
	}
	in.Errs = append(in.Errs, unknown...)
	return in, nil
}

// applyHub validates a hub input onto h (create when h.ID is empty).
func applyHub(h *db.Hub, in hubInput) channels.FieldErrors {
	errs := slices.Clone(in.Errs)
	switch {
	case errs.For("name") != "": // of the wrong type, reported already
	case in.Name != nil:
		if n, fe := checkName(*in.Name); fe != nil {
			errs = append(errs, *fe)
		} else {
			h.Name = n
		}
	case h.ID == "": // a create
		errs = append(errs, nameRequired)
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if len([]rune(d)) > 1000 {
			errs = append(errs, channels.FieldError{Code: codeOutOfRange, Field: "description", Message: "Property 'description' is longer than 1000 characters."})
		} else if fe := checkText("description", d, true); fe != nil {
			errs = append(errs, *fe)
		} else {
			h.Description = d
		}
	}
	if in.CloseDormantSet {
		if in.CloseDormant != nil && (*in.CloseDormant < 1 || *in.CloseDormant > 3650) {
			errs = append(errs, closeDormantRange(strconv.Itoa(*in.CloseDormant)))
		} else {
			h.CloseDormantConversation = in.CloseDormant
		}
	}
	if in.StatusID != nil {
		h.StatusID = *in.StatusID
	}
	return errs
}

// whole reports a JSON number with no fraction, however large: 1e19 and
// 1e400 are whole numbers of days, only out of range.
func whole(raw []byte) bool {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return false
	}
	f, err := strconv.ParseFloat(n.String(), 64)
	if math.IsInf(f, 0) {
		return true // beyond float64: whole, and out of any range
	}
	return err == nil && f == math.Trunc(f)
}

// wholeForm writes a whole JSON number as an integer (30.0 is 30: JSON
// has one number type); anything else is left as it is.
func wholeForm(raw []byte) []byte {
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return raw
	}
	return []byte(channels.NumberText(n))
}

func closeDormantRange(days string) channels.FieldError {
	return channels.FieldError{Code: codeOutOfRange, Field: "closeDormantConversation",
		Message: fmt.Sprintf("Property 'closeDormantConversation' is %s; it must be a number of days from 1 to 3650, or null to keep conversations open.", days)}
}

var hubNameExists = channels.FieldError{Code: codeHubNameExists, Field: "name", Message: "A hub with this name already exists (names are case-insensitive)."}

func hubConflict(err error) error {
	if errors.Is(err, db.ErrConflict) {
		return channels.FieldErrors{hubNameExists}
	}
	return err
}

// saveHub creates a hub, or applies what is given to one. As with
// integrations, an update that another update of the hub overtook is
// applied again to the hub as it now is.
func (h *handler) saveHub(ctx context.Context, a actor, hub db.Hub, in hubInput) (out db.Hub, err error) {
	if in.Version != nil {
		hub.Modified = *in.Version
		out, err = h.saveHubOnce(ctx, a, hub, in)
		return out, gone(err, codeHubNotFound, "hub", hub.ID)
	}
	for try := 1; ; try++ {
		out, err = h.saveHubOnce(ctx, a, hub, in)
		if !errors.Is(err, db.ErrStale) {
			return out, gone(err, codeHubNotFound, "hub", hub.ID)
		}
		if try == staleRetries || ctx.Err() != nil {
			return db.Hub{}, errBusyRow
		}
		id := hub.ID
		if hub, err = h.db.Hub(ctx, id); errors.Is(err, db.ErrNotFound) {
			return db.Hub{}, notFound(codeHubNotFound, "hub", id) // deleted meanwhile
		} else if err != nil {
			return db.Hub{}, err
		}
	}
}

// hubChanges says what an update changed, for the audit log.
func hubChanges(was, now db.Hub) string {
	var parts []string
	if was.Name != now.Name {
		parts = append(parts, fmt.Sprintf("name %q → %q", was.Name, now.Name))
	}
	if was.Description != now.Description {
		parts = append(parts, "description changed")
	}
	days := func(d *int) string {
		if d == nil {
			return "never"
		}
		return fmt.Sprintf("%d days", *d)
	}
	if a, b := days(was.CloseDormantConversation), days(now.CloseDormantConversation); a != b {
		parts = append(parts, "close dormant conversations "+a+" → "+b)
	}
	if was.StatusID != now.StatusID {
		parts = append(parts, "status "+statusWord(was.StatusID)+" → "+statusWord(now.StatusID))
	}
	return strings.Join(parts, "; ")
}

// sameHub reports whether an update leaves what is stored as it is.
func sameHub(a, b db.Hub) bool {
	return a.Name == b.Name && a.Description == b.Description && a.StatusID == b.StatusID &&
		(a.CloseDormantConversation == nil) == (b.CloseDormantConversation == nil) &&
		(a.CloseDormantConversation == nil || *a.CloseDormantConversation == *b.CloseDormantConversation)
}

func (h *handler) saveHubOnce(ctx context.Context, a actor, hub db.Hub, in hubInput) (db.Hub, error) {
	creating := hub.ID == ""
	read, before := hub, hub.Name
	if errs := applyHub(&hub, in); len(errs) > 0 {
		if in.Name == nil || hub.Name == before {
			return db.Hub{}, errs
		}
		tenant := hub.TenantID
		if creating {
			tenant = a.TenantID
		}
		return db.Hub{}, withNameTaken(errs, func() (bool, error) { return h.db.HubNameTaken(ctx, tenant, hub.ID, hub.Name) }, hubNameExists)
	}
	if creating {
		hub.TenantID = a.TenantID
		out, err := h.db.CreateHub(ctx, hub, a.audit("hub.create", ""))
		return out, hubConflict(err)
	}
	if sameHub(hub, read) {
		return read, nil // nothing changes: no write, no new modified time, no audit entry
	}
	action := "hub.update"
	if in.Name == nil && in.Description == nil && !in.CloseDormantSet && in.StatusID != nil {
		action = map[int]string{db.HubActive: "hub.resume", db.HubPaused: "hub.pause"}[*in.StatusID]
	}
	out, err := h.db.UpdateHub(ctx, hub, a.audit(action, hubChanges(read, hub)))
	return out, hubConflict(err)
}

// hubCreate is POST /hubs.
func (h *handler) hubCreate(c echo.Context) error {
	in, err := readHubBody(c)
	if err != nil {
		return err
	}
	out, err := h.saveHub(c.Request().Context(), actorOf(c), db.Hub{}, in)
	if err != nil {
		return err
	}
	return okJSON(c.Response(), hubView(out))
}

// hubUpdate is PUT /hubs/{hubId}; fields are optional.
func (h *handler) hubUpdate(c echo.Context) error {
	hub, err := h.pathHub(c)
	if err != nil {
		return err
	}
	in, err := readHubBody(c)
	if err != nil {
		return err
	}
	out, err := h.saveHub(c.Request().Context(), actorOf(c), hub, in)
	if err != nil {
		return err
	}
	return okJSON(c.Response(), hubView(out))
}

// hubGet is GET /hubs/{hubId}.
func (h *handler) hubGet(c echo.Context) error {
	hub, err := h.pathHub(c)
	if err != nil {
		return err
	}
	return okJSON(c.Response(), hubView(hub))
}

// hubDelete is DELETE /hubs/{hubId}: the hub with all its integrations.
func (h *handler) hubDelete(c echo.Context) error {
	hub, err := h.pathHub(c)
	if err != nil {
		return err
	}
	if err := h.db.DeleteHub(c.Request().Context(), hub, actorOf(c).audit("hub.delete", "")); err != nil {
		return gone(err, codeHubNotFound, "hub", hub.ID)
	}
	return okJSON(c.Response(), hubView(hub))
}

// hubFilter reads the hubs lists' filters (the API's and the dashboard's):
// ?q= the name search, ?statusId= 2000 or active, 2002 or paused.
func hubFilter(c echo.Context, f *db.HubFilter) error {
	f.Query = c.QueryParam("q")
	if utf8.RuneCountInString(f.Query) > 200 {
		return badRequest(codeOutOfRange, "q", "Parameter 'q' is longer than 200 characters.")
	}
	if fe := searchParam("q", f.Query); fe != nil {
		return channels.FieldErrors{*fe}
	}
	var err error
	f.StatusID, err = statusParam(c, db.HubActive, db.HubPaused)
	return err
}

// hubList is GET /hubs, paged like integrations.
func (h *handler) hubList(c echo.Context) error {
	pg, size, err := paging(c)
	if err != nil {
		return err
	}
	f := db.HubFilter{TenantID: actorOf(c).TenantID, Page: pg, Size: size}
	if err := hubFilter(c, &f); err != nil {
		return err
	}
	list, total, err := h.db.Hubs(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := page[hubJSON]{PageNumber: pg, PageSize: size, Total: total, Results: make([]hubJSON, 0, len(list))}
	for _, hb := range list {
		out.Results = append(out.Results, hubView(hb))
	}
	return okJSON(c.Response(), out)
}
