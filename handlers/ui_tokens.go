package handlers

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// clientIDPrefix starts every API client id; POST /tokens/:id/revoke with
// such an id revokes a client rather than a token.
const clientIDPrefix = "hubster.portal.api."

// uiTokens is the API access page (admin).
func (h *handler) uiTokens(c echo.Context) error {
	return h.renderTokens(c, http.StatusOK, views.TokensPage{})
}

func (h *handler) renderTokens(c echo.Context, status int, m views.TokensPage) error {
	ctx := c.Request().Context()
	m.Once = rand.Text()
	tid := currentUser(c).TenantID
	tokens, err := h.db.Tokens(ctx, tid)
	if err != nil {
		return err
	}
	clients, err := h.db.Clients(ctx, tid)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		row := views.TokenRow{ID: t.ID, Name: t.Name, Scope: t.Scope, Hint: t.Hint, Created: stampMinute(t.Created)}
		if t.LastUsed != nil {
			row.LastUsed = stampMinute(*t.LastUsed)
		}
		if t.Revoked != nil {
			row.Revoked = stampMinute(*t.Revoked)
		}
		m.Tokens = append(m.Tokens, row)
	}
	for _, cl := range clients {
		row := views.ClientRow{ID: cl.ID, Name: cl.Name, Scope: cl.Scope, Created: stampMinute(cl.Created)}
		if cl.Revoked != nil {
			row.Revoked = stampMinute(*cl.Revoked)
		}
		m.Clients = append(m.Clients, row)
	}
	return render(c, status, views.Tokens(h.page(c, "API access", "api"), m))
}

// uiTokenCreate makes a token (kind=token, the default) or an API client
// (kind=client) and shows its secret once, on this response only: it is
// stored hashed, so it is rendered rather than redirected to.
func (h *handler) uiTokenCreate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return badRequest(codeBadFormat, "", "The form could not be read.")
	}
	u := currentUser(c)
	a := actorOf(c)
	ctx := c.Request().Context()
	name := strings.TrimSpace(form.Get("name"))
	scope := form.Get("scope")
	var errs channels.FieldErrors
	if name == "" {
		errs = append(errs, channels.FieldError{Field: "name", Message: "Enter a name that says what uses it."})
	} else if utf8.RuneCountInString(name) > 100 {
		errs = append(errs, channels.FieldError{Field: "name", Message: "The name must be at most 100 characters."})
	} else if fe := checkText("name", name, false); fe != nil {
		errs = append(errs, channels.FieldError{Field: "name", Message: strings.Replace(fe.Message, "Property 'name'", "The name", 1)})
	}
	if scope != "read" && scope != "write" {
		errs = append(errs, channels.FieldError{Field: "scope", Message: "Choose the read or write scope."})
	}
	isClient := form.Get("kind") == "client"
	once := form.Get("once")
	if len(errs) == 0 && h.formUsed(c, once) {
		// The same form again: the browser's "resend" on reloading the
		// answer that showed the secret, or a second click. Not an error:
		// the first sending did what was asked.
		form.Del("name") // a new one needs a name of its own
		f := formOf(form, nil)
		f.Notice = "This form was already sent, and what it created is in the list above. " +
			"Its secret was shown once and cannot be shown again: create another if you need it."
		m := views.TokensPage{}
		if isClient {
			m.ClientForm = f
		} else {
			m.TokenForm = f
		}
		return h.renderTokens(c, http.StatusOK, m)
	}
	if len(errs) > 0 {
		m := views.TokensPage{}
		if isClient {
			m.ClientForm = formOf(form, errs)
		} else {
			m.TokenForm = formOf(form, errs)
		}
		return h.renderTokens(c, http.StatusUnprocessableEntity, m)
	}
	if isClient {
		cl, secret, err := h.db.CreateClient(ctx, db.Client{TenantID: u.TenantID, Name: name, Scope: scope})
		if err != nil {
			return err
		}
		h.recordAudit(c, u.TenantID, a.audit("client.create", "scope "+scope), "client", cl.ID, cl.Name)
		h.useForm(c, once)
		return h.renderTokens(c, http.StatusOK, views.TokensPage{NewClient: &views.NewClient{Name: cl.Name, Scope: cl.Scope, ClientID: cl.ID, Secret: secret}})
	}
	t, plain, err := h.db.CreateToken(ctx, db.Token{TenantID: u.TenantID, Name: name, Scope: scope})
	if err != nil {
		return err
	}
	h.recordAudit(c, u.TenantID, a.audit("token.create", "scope "+scope+", …"+t.Hint), "token", t.ID, t.Name)
	h.useForm(c, once)
	return h.renderTokens(c, http.StatusOK, views.TokensPage{NewToken: &views.NewToken{Name: t.Name, Scope: t.Scope, Value: plain}})
}

// usedForms is how many one-time form ids a session remembers.
const usedForms = 20

// formUsed reports whether the one-time form id was already used in this
// session ("" never is: a form without one is not guarded).
func (h *handler) formUsed(c echo.Context, once string) bool {
	s := currentSession(c)
	if once == "" || s == nil {
		return false
	}
	used, _ := s.Values["used_forms"].(string)
	return slices.Contains(strings.Fields(used), once)
}

// useForm remembers a one-time form id in the session, with the last few.
func (h *handler) useForm(c echo.Context, once string) {
	s := currentSession(c)
	if once == "" || s == nil || s.IsNew || strings.ContainsAny(once, " \t\n") {
		return
	}
	used, _ := s.Values["used_forms"].(string)
	ids := append(strings.Fields(used), once)
	s.Values["used_forms"] = strings.Join(ids[max(0, len(ids)-usedForms):], " ")
	_ = h.sessions.Save(c.Request(), c.Response(), s)
}

// liveCredential is the name of the tenant's unrevoked token, or API
// client when id is a client id; ok is false when there is none.
func (h *handler) liveCredential(ctx context.Context, tenantID, id string) (name string, ok bool, err error) {
	if strings.HasPrefix(id, clientIDPrefix) {
		list, err := h.db.Clients(ctx, tenantID)
		for _, cl := range list {
			if cl.ID == id && cl.Revoked == nil {
				return cl.Name, true, nil
			}
		}
		return "", false, err
	}
	list, err := h.db.Tokens(ctx, tenantID)
	for _, t := range list {
		if t.ID == id && t.Revoked == nil {
			return t.Name, true, nil
		}
	}
	return "", false, err
}

// askRevoke asks again before revoking a live token or API client of the
// tenant (404 for any other id, as the revoke itself answers).
func (h *handler) askRevoke(c echo.Context, tenantID, id string) error {
	name, ok, err := h.liveCredential(c.Request().Context(), tenantID, id)
	if err != nil {
		return err
	}
	if !ok {
		return &apiError{Status: http.StatusNotFound, Detail: "No such token or API client."}
	}
	m := views.ConfirmAction{Title: "Revoke API token", Button: "Revoke", Icon: "x", Back: "/tokens", BackTo: "API access",
		Message: "Revoke the token “" + name + "”? Programs using it get 401 from their next request. This cannot be undone."}
	if strings.HasPrefix(id, clientIDPrefix) {
		m.Title = "Revoke API client"
		m.Message = "Revoke the API client “" + name + "”? Its access tokens stop working at once, and it can get no new ones. This cannot be undone."
	}
	return h.askConfirm(c, "api", m)
}

// uiTokenRevoke revokes a token, or an API client when the id is a client id.
func (h *handler) uiTokenRevoke(c echo.Context) error {
	u := currentUser(c)
	a := actorOf(c)
	ctx := c.Request().Context()
	id := c.Param("id")
	if !confirmed(c) {
		return h.askRevoke(c, u.TenantID, id)
	}
	if strings.HasPrefix(id, clientIDPrefix) {
		name, _, err := h.liveCredential(ctx, u.TenantID, id)
		if err != nil {
			return err
		}
		err = h.db.RevokeClient(ctx, u.TenantID, id)
		if errors.Is(err, db.ErrNotFound) {
			return &apiError{Status: http.StatusNotFound, Detail: "No such API client."}
		}
		if err != nil {
			return err
		}
		h.recordAudit(c, u.TenantID, a.audit("client.revoke", ""), "client", id, name)
		h.flash(c, "success", "API client “"+name+"” revoked; its access tokens no longer work.")
		return redirect(c, "/tokens")
	}
	t, err := h.db.RevokeToken(ctx, u.TenantID, id)
	if errors.Is(err, db.ErrNotFound) {
		return &apiError{Status: http.StatusNotFound, Detail: "No such token."}
	}
	if err != nil {
		return err
	}
	h.recordAudit(c, u.TenantID, a.audit("token.revoke", "…"+t.Hint), "token", t.ID, t.Name)
	h.flash(c, "success", "Token “"+t.Name+"” revoked.")
	return redirect(c, "/tokens")
}

// recordAudit records a change that has no row write of its own to carry it; a
// failure is logged, not shown: the change itself happened.
func (h *handler) recordAudit(c echo.Context, tenantID string, a db.Audit, objType, objID, objName string) {
	if err := h.db.RecordAudit(c.Request().Context(), tenantID, a, objType, objID, objName); err != nil {
		h.log.Warn("unable to write audit entry", "action", a.Action, "err", err)
	}
}
