package handlers

import (
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
	for _, u := range users {
		row := views.UserRow{ID: u.ID, Email: u.Email, Role: u.Role, Disabled: u.Disabled, Created: stampUTC(u.Created), Self: u.ID == me.ID}
		if u.LastLogin != nil {
			row.LastLogin = stampUTC(*u.LastLogin)
		}
		m.Users = append(m.Users, row)
	}
	return render(c, status, views.Users(h.page(c, "Users", "users"), m))
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
		return fail(errs)
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	u, err := h.db.CreateUser(c.Request().Context(), db.User{TenantID: me.TenantID, Email: email, PasswordHash: hash, Role: role})
	if errors.Is(err, db.ErrConflict) {
		return fail(channels.FieldErrors{{Field: "email", Message: "A user with this email already exists."}})
	}
	if err != nil {
		return err
	}
	h.recordAudit(c, me.TenantID, actorOf(c).audit("user.create", "role "+role), "user", u.ID, u.Email)
	h.flash(c, "success", fmt.Sprintf("User %s created as %s. Give them their password over a safe channel.", u.Email, role))
	return redirect(c, "/users")
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
