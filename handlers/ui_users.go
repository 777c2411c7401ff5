package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// uiUsers is the users page (admin).
func (h *handler) uiUsers(c echo.Context) error {
	return h.renderUsers(c, http.StatusOK, views.UsersPage{})
}

func (h *handler) renderUsers(c echo.Context, status int, m views.UsersPage) error {
	me := currentUser(c)
	users, err := h.db.Users(c.Request().Context(), me.TenantID)
	if err != nil {
		return err
	}
	admins := 0
	for _, u := range users {
		if u.Role == "admin" && !u.Disabled {
			admins++
		}
	}
	focusID, focus := h.takeUserFocus(c)
	for _, u := range users {
		row := views.UserRow{ID: u.ID, Email: u.Email, Role: u.Role, Disabled: u.Disabled, Created: stampUTC(u.Created), Self: u.ID == me.ID,
			LastAdmin: admins == 1 && u.Role == "admin" && !u.Disabled}
		if u.LastLogin != nil {
			row.LastLogin = stampUTC(*u.LastLogin)
		}
		if u.ID == focusID {
			row.Focus = focus
		}
		m.Users = append(m.Users, row)
	}
	return render(c, status, views.Users(h.page(c, "Users", "users"), m))
}

// userFocusKey is the session value naming the control of a user's row
// ("<id> role" or "<id> status") that was used: after the redirect back to
// /users, that row's control has autofocus, so the keyboard keeps its place.
const userFocusKey = "usersFocus"

func (h *handler) keepUserFocus(c echo.Context, id, control string) {
	if s := currentSession(c); s != nil && !s.IsNew {
		s.Values[userFocusKey] = id + " " + control
		_ = h.sessions.Save(c.Request(), c.Response(), s)
	}
}

func (h *handler) takeUserFocus(c echo.Context) (id, control string) {
	s := currentSession(c)
	if s == nil || s.IsNew {
		return "", ""
	}
	v, _ := s.Values[userFocusKey].(string)
	if v == "" {
		return "", ""
	}
	delete(s.Values, userFocusKey)
	_ = h.sessions.Save(c.Request(), c.Response(), s)
	id, control, _ = strings.Cut(v, " ")
	return id, control
}

// uiUserCreate adds a user to the admin's tenant with an initial password.
func (h *handler) uiUserCreate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return badRequest(codeBadFormat, "", "The form could not be read.")
	}
	me := currentUser(c)
	email := strings.TrimSpace(form.Get("email"))
	role := form.Get("role")
	pw := form.Get("password")
	var errs channels.FieldErrors
	if !ValidEmail(email) {
		errs = append(errs, channels.FieldError{Field: "email", Message: "Enter a valid email address, like name@example.com."})
	}
	if !slices.Contains(views.Roles, role) {
		errs = append(errs, channels.FieldError{Field: "role", Message: "Choose admin, editor or viewer."})
	}
	if err := CheckPassword(pw); err != nil {
		errs = append(errs, channels.FieldError{Field: "password", Message: "The password " + err.Error() + "."})
	}
	fail := func(errs channels.FieldErrors) error {
		form.Del("password")
		return h.renderUsers(c, http.StatusUnprocessableEntity, views.UsersPage{Form: formOf(form, errs)})
	}
	if len(errs) > 0 {
		if ValidEmail(email) { // a taken email is named with the rest, not on the next try
			err := withNameTaken(errs, func() (bool, error) { return h.emailTaken(c.Request().Context(), email) }, emailExists)
			if !errors.As(err, &errs) {
				return err
			}
		}
		return fail(errs)
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	u, err := h.db.CreateUser(c.Request().Context(), db.User{TenantID: me.TenantID, Email: email, PasswordHash: hash, Role: role})
	if errors.Is(err, db.ErrConflict) {
		return fail(channels.FieldErrors{emailExists})
	}
	if err != nil {
		return err
	}
	h.recordAudit(c, me.TenantID, actorOf(c).audit("user.create", "role "+role), "user", u.ID, u.Email)
	h.flash(c, "success", fmt.Sprintf("User %s created as %s. Give them their password over a safe channel.", u.Email, role))
	return redirect(c, "/users")
}

var emailExists = channels.FieldError{Field: "email", Message: "A user with this email already exists."}

// emailTaken reports whether a user has this email (in any tenant: an
// email signs in one user).
func (h *handler) emailTaken(ctx context.Context, email string) (bool, error) {
	_, err := h.db.UserByEmail(ctx, email)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// uiUserSave changes a user's role and/or disabled flag: each field is
// optional, absent means unchanged. Disabling ends the user's sessions at
// once (db.UpdateUser). The tenant's last active admin cannot be demoted or
// disabled, so the dashboard never locks itself out.
func (h *handler) uiUserSave(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return badRequest(codeBadFormat, "", "The form could not be read.")
	}
	me := currentUser(c)
	ctx := c.Request().Context()
	u, err := h.db.User(ctx, c.Param("id"))
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.TenantID != me.TenantID) {
		return &apiError{Status: http.StatusNotFound, Detail: "No such user."}
	}
	if err != nil {
		return err
	}
	control := "role"
	if form.Has("disabled") {
		control = "status"
	}
	h.keepUserFocus(c, u.ID, control)
	role, disabled := u.Role, u.Disabled
	if form.Has("role") {
		role = form.Get("role")
		if !slices.Contains(views.Roles, role) {
			return h.refuseUserChange(c, "Choose admin, editor or viewer as the role.")
		}
	}
	if form.Has("disabled") {
		if disabled, err = strconv.ParseBool(form.Get("disabled")); err != nil {
			return h.refuseUserChange(c, "Disabled must be true or false.")
		}
	}
	if role == u.Role && disabled == u.Disabled {
		h.flash(c, "info", fmt.Sprintf("Nothing changed: %s is already %s.", u.Email, userState(role, disabled)))
		return redirect(c, "/users")
	}
	if u.Role == "admin" && !u.Disabled && (role != "admin" || disabled) {
		last, err := h.lastAdmin(c, u)
		if err != nil {
			return err
		}
		if last {
			who := u.Email + " is"
			if u.ID == me.ID {
				who = "You are"
			}
			return h.refuseUserChange(c, who+" the last active admin: make another user an admin first, or nobody could manage users and API access.")
		}
	}
	if err := h.db.UpdateUser(ctx, u.ID, role, disabled); errors.Is(err, db.ErrLastAdmin) {
		// Another admin was demoted meanwhile: the store refused atomically.
		return h.refuseUserChange(c, u.Email+" is the last active admin: make another user an admin first, or nobody could manage users and API access.")
	} else if err != nil {
		return err
	}
	var changes []string
	if role != u.Role {
		changes = append(changes, "role "+u.Role+" → "+role)
	}
	if disabled != u.Disabled {
		changes = append(changes, map[bool]string{true: "disabled", false: "enabled"}[disabled])
	}
	detail := strings.Join(changes, ", ")
	h.recordAudit(c, me.TenantID, actorOf(c).audit("user.update", detail), "user", u.ID, u.Email)
	h.flash(c, "success", fmt.Sprintf("User %s: %s.", u.Email, detail))
	if u.ID == me.ID && (disabled || role != "admin") {
		// The page is admin-only; the change took effect for oneself too.
		return redirect(c, "/hubs")
	}
	return redirect(c, "/users")
}

// userState is a user's role and status in words: "an active editor".
func userState(role string, disabled bool) string {
	if disabled {
		return "a disabled " + role
	}
	return "an active " + role
}

// refuseUserChange answers every refused role or status change on the
// Users page itself (/users, where reloading re-sends nothing), with the
// reason as an error toast.
func (h *handler) refuseUserChange(c echo.Context, why string) error {
	h.flash(c, "error", why)
	return redirect(c, "/users")
}

// lastAdmin reports whether u is the only active admin of its tenant.
func (h *handler) lastAdmin(c echo.Context, u db.User) (bool, error) {
	users, err := h.db.Users(c.Request().Context(), u.TenantID)
	if err != nil {
		return false, err
	}
	for _, o := range users {
		if o.ID != u.ID && o.Role == "admin" && !o.Disabled {
			return false, nil
		}
	}
	return true, nil
}

// ValidEmail is the rule for a user's email: one plain address (no display
// name, no angle brackets), at most 254 characters. The command line's
// user commands use it too.
func ValidEmail(email string) bool {
	addr, err := mail.ParseAddress(email)
	return err == nil && addr.Address == email && len(email) <= 254
}
