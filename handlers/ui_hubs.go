package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// uiPageSize is the rows per page of the dashboard's lists.
const uiPageSize = 50

// uiHubs is the hubs list with each hub's integration counts, searched by
// name (?q=, as the API's list: any case, NFKC) and paged. It works as the
// hub page's integrations do: htmx search requests get the list alone, and
// the address bar gets the query in force only.
func (h *handler) uiHubs(c echo.Context) error {
	if to, ok := withoutEmptyParams(c.Request().URL); ok {
		if !isPartial(c) {
			return c.Redirect(http.StatusSeeOther, to)
		}
		c.Response().Header().Set("HX-Push-Url", to)
	}
	pg, err := uiPageNumber(c)
	if err != nil {
		return err
	}
	f := db.HubFilter{TenantID: currentUser(c).TenantID, Page: pg - 1, Size: uiPageSize}
	if err := hubFilter(c, &f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, total, err := h.db.Hubs(ctx, f)
	if err != nil {
		return err
	}
	if to, past := pastTheEnd(c.Request().URL, pg, len(list), total); past {
		if !isPartial(c) {
			return c.Redirect(http.StatusSeeOther, to)
		}
		c.Response().Header().Set("HX-Replace-Url", to)
		pg = lastPage(total) // as on the hub page: a redirect would lose the headers
		f.Page = pg - 1
		if list, total, err = h.db.Hubs(ctx, f); err != nil {
			return err
		}
	}
	m := views.HubList{Total: total, HubTotal: total, Query: f.Query, Hubs: make([]views.HubRow, 0, len(list)), Here: pageLink(c.Request().URL, pg)}
	switch f.StatusID {
	case db.HubActive:
		m.Status = "active"
	case db.HubPaused:
		m.Status = "paused"
	}
	if m.Filtered() {
		all := f
		all.Query, all.StatusID, all.Page, all.Size = "", 0, 0, 1
		if _, m.HubTotal, err = h.db.Hubs(ctx, all); err != nil {
			return err
		}
	}
	for _, hb := range list {
		m.Hubs = append(m.Hubs, hubListRow(hb))
	}
	if !isPartial(c) {
		h.focusAfterDelete(c, &m)
	}
	m.PrevURL, m.NextURL, m.Summary = pagerLinks(c.Request().URL, pg, len(list), total, "hub", "hubs")
	if isPartial(c) {
		return render(c, http.StatusOK, views.HubListTable(h.partialPage(c), m))
	}
	return render(c, http.StatusOK, views.Hubs(h.page(c, "Hubs", "hubs"), m))
}

func hubListRow(hb db.Hub) views.HubRow {
	return views.HubRow{ID: hb.ID, Name: hb.Name, Description: hb.Description, Active: hb.StatusID == db.HubActive,
		ActiveCount: hb.Active, PausedCount: hb.Paused, Created: hb.Created}
}

// uiHubNew is the empty hub form.
func (h *handler) uiHubNew(c echo.Context) error {
	if err := refuseViewer(c); err != nil {
		return err
	}
	f := views.Form{Autofocus: "name"}
	f.Values, _ = h.takeUnsaved(c)
	return render(c, http.StatusOK, views.HubEdit(h.page(c, "New hub", "hubs"), views.HubForm{Form: f}))
}

// uiHubCreate is POST /hubs from the form.
func (h *handler) uiHubCreate(c echo.Context) error {
	return h.submitHub(c, db.Hub{})
}

// uiHubEdit is the form of an existing hub.
func (h *handler) uiHubEdit(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	if err := refuseViewer(c); err != nil {
		return err
	}
	values := hubFormValues(hub)
	values.Set("version", formVersion(hub.Modified))
	values.Set("original", formOriginal(values, hubStaleFields))
	if kept, ok := h.takeUnsaved(c); ok {
		values = kept // with the version it was typed over: a change since is caught on save
	}
	return render(c, http.StatusOK, views.HubEdit(h.page(c, "Edit hub", "hubs"), views.HubForm{ID: hub.ID, Name: hub.Name, Form: views.Form{Values: values}}))
}

// hubFormValues is a stored hub as its edit form shows it.
func hubFormValues(hub db.Hub) url.Values {
	values := url.Values{"name": {hub.Name}, "description": {hub.Description}}
	if hub.CloseDormantConversation != nil {
		values.Set("closeDormantConversation", strconv.Itoa(*hub.CloseDormantConversation))
	}
	return values
}

// hubStaleFields are the hub form's fields, as a stale save merges them.
var hubStaleFields = []staleField{
	{Name: "name", Label: "Name", Kind: channels.Text},
	{Name: "description", Label: "Description", Kind: channels.Text},
	{Name: "closeDormantConversation", Label: "Close dormant conversations after", Kind: channels.Text},
}

// formVersion is a row's modified time as an edit form carries it.
func formVersion(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseFormVersion reads an edit form's version; nil when the form has none
// (then the change is applied to the row as it is). One that does not read
// is no version of any row, so the save is refused as stale.
func parseFormVersion(form url.Values) *time.Time {
	s := form.Get("version")
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t = time.Time{}
	}
	return &t
}

// staleForm is what an edit form says when the item changed after the form
// was opened (another tab, another user): what was typed is shown again,
// now carrying the new version, and nothing was saved.
const staleForm = "This %s was changed by someone else after you opened this form, so nothing was saved. What you typed is below: check it against the %s's page, then save again to keep it."

// uiHubSave is POST /hubs/:id from the edit form.
func (h *handler) uiHubSave(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	return h.submitHub(c, hub)
}

// submitHub saves the hub form through saveHub, the API's path: a bad form
// is shown again (422) with its errors and everything typed.
func (h *handler) submitHub(c echo.Context, hub db.Hub) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	in, errs := hubFormInput(form, hub)
	if hub.ID != "" {
		in.Version = parseFormVersion(form)
	}
	var out db.Hub
	if len(errs) == 0 {
		out, err = h.saveHub(c.Request().Context(), actorOf(c), hub, in)
		if errors.Is(err, db.ErrStale) {
			if hub, err = h.db.Hub(c.Request().Context(), hub.ID); err != nil {
				return err
			}
			form.Del("_csrf")
			form.Set("version", formVersion(hub.Modified))
			notes, changed, known := mergeStale(form, hubFormValues(hub), hubStaleFields)
			f := formOf(form, nil)
			f.Notes = notes
			f.Error = staleMessage("hub", changed, known)
			return render(c, http.StatusConflict, views.HubEdit(h.page(c, "Edit hub", "hubs"), views.HubForm{ID: hub.ID, Name: hub.Name, Form: f}))
		}
		if !errors.As(err, &errs) && err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		title := "New hub"
		if hub.ID != "" {
			title = "Edit hub"
		}
		form.Del("_csrf")
		m := views.HubForm{ID: hub.ID, Name: hub.Name, Form: formOf(form, hubFormMessages(errs))}
		m.NameTaken = takenNameLink(errs, codeHubNameExists, hub.ID, "/hubs/", func() (string, string, error) {
			return h.db.HubNamed(c.Request().Context(), currentUser(c).TenantID, form.Get("name"))
		})
		return render(c, http.StatusUnprocessableEntity, views.HubEdit(h.page(c, title, "hubs"), m))
	}
	switch {
	case hub.ID == "":
		h.flash(c, "success", fmt.Sprintf("Hub “%s” created", out.Name))
	case out.Modified.Equal(hub.Modified):
		h.flash(c, "info", fmt.Sprintf("No changes to save: “%s” is as it was", out.Name))
	default:
		h.flash(c, "success", fmt.Sprintf("Hub “%s” saved", out.Name))
	}
	return redirect(c, "/hubs/"+out.ID)
}

// hubFormInput reads the hub form. An empty day count means conversations
// stay open; one that is not a number is reported with applyHub's errors,
// and nothing is saved. The field is a text box (inputmode numeric), not a
// number box: a browser sends a number box holding "3-0" or "12e" as
// empty, which read as "keep conversations open" and cleared the setting
// without a word.
func hubFormInput(form url.Values, hub db.Hub) (hubInput, channels.FieldErrors) {
	name, desc := form.Get("name"), form.Get("description")
	in := hubInput{Name: &name, Description: &desc, CloseDormantSet: true}
	s := strings.TrimSpace(form.Get("closeDormantConversation"))
	if s == "" {
		return in, nil
	}
	n, err := strconv.Atoi(s)
	if err == nil {
		in.CloseDormant = &n
		return in, nil
	}
	in.CloseDormantSet = false
	errs := applyHub(&hub, in)
	return in, append(errs, channels.FieldError{Code: codeWrongType, Field: "closeDormantConversation",
		Message: "Enter a whole number of days, or leave it empty to keep conversations open."})
}

// hubFormMessages rewords applyHub's API messages ("Property 'name' ...")
// for the form's fields; the checks stay the API's.
func hubFormMessages(errs channels.FieldErrors) channels.FieldErrors {
	out := make(channels.FieldErrors, len(errs))
	for i, fe := range errs {
		switch {
		case fe.Field == "name" && fe.Code == codeRequired:
			fe.Message = "Enter a name."
		case fe.Field == "name" && fe.Code == codeOutOfRange:
			fe.Message = "Use at most 100 characters."
		case fe.Field == "description" && fe.Code == codeOutOfRange:
			fe.Message = "Use at most 1000 characters."
		case fe.Code == codeBadFormat && (fe.Field == "name" || fe.Field == "description"):
			fe.Message = strings.Replace(fe.Message, "Property '"+fe.Field+"'", "This text", 1)
		case fe.Field == "closeDormantConversation" && fe.Code == codeOutOfRange:
			fe.Message = "Enter a number of days from 1 to 3650, or leave it empty to keep conversations open."
		}
		out[i] = fe
	}
	return out
}

// uiHubPause and uiHubResume set a hub's status through saveHub.
func (h *handler) uiHubPause(c echo.Context) error { return h.setHubStatus(c, db.HubPaused, "paused") }
func (h *handler) uiHubResume(c echo.Context) error {
	return h.setHubStatus(c, db.HubActive, "resumed")
}

func (h *handler) setHubStatus(c echo.Context, status int, verb string) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return h.goneHub(c, err)
	}
	out, err := h.saveHub(c.Request().Context(), actorOf(c), hub, hubInput{StatusID: &status})
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Hub “%s” %s", out.Name, verb))
	if isPartial(c) {
		// A row of the hubs list: the row comes back, with its counts.
		ctx := c.Request().Context()
		for _, n := range []struct {
			status int
			count  *int
		}{{db.IntegrationActive, &out.Active}, {db.IntegrationPaused, &out.Paused}} {
			if _, *n.count, err = h.db.Integrations(ctx, db.IntegrationFilter{TenantID: out.TenantID, HubID: out.ID, StatusID: n.status, Size: 1, Summary: true}); err != nil {
				return err
			}
		}
		return render(c, http.StatusOK, views.HubListRow(h.partialPage(c), hubListRow(out), backTo(c, "/hubs")))
	}
	return redirect(c, backTo(c, "/hubs/"+hub.ID))
}

// uiHubDeleteConfirm asks for the hub's name before deleting it with all
// its integrations.
func (h *handler) uiHubDeleteConfirm(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	if err := refuseViewer(c); err != nil {
		return err
	}
	n, err := h.hubIntegrationCount(c, hub)
	if err != nil {
		return err
	}
	next, _ := localPath(c.QueryParam("next"))
	return render(c, http.StatusOK, views.HubDeleteConfirm(h.page(c, "Delete hub “"+hub.Name+"”", "hubs"), views.HubDelete{ID: hub.ID, Name: hub.Name, Integrations: n, Next: next}))
}

// uiHubDelete deletes a hub once its exact name was typed (same case;
// spaces around it, as a copied name brings, do not count: names are
// saved trimmed).
func (h *handler) uiHubDelete(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return h.goneHub(c, err)
	}
	n, err := h.hubIntegrationCount(c, hub)
	if err != nil {
		return err
	}
	typed := c.FormValue("confirm")
	if strings.TrimSpace(typed) != hub.Name {
		f := views.Form{Values: url.Values{"confirm": {typed}}, Errors: map[string]string{"confirm": "Type the hub's name exactly as shown (same case) to delete it."}}
		return render(c, http.StatusUnprocessableEntity, views.HubDeleteConfirm(h.page(c, "Delete hub “"+hub.Name+"”", "hubs"),
			views.HubDelete{ID: hub.ID, Name: hub.Name, Integrations: n, Form: f, Next: backTo(c, "")}))
	}
	if err := h.db.DeleteHub(c.Request().Context(), hub, actorOf(c).audit("hub.delete", "")); err != nil {
		return err
	}
	msg := fmt.Sprintf("Hub “%s” deleted", hub.Name)
	if n > 0 {
		msg = fmt.Sprintf("Hub “%s” and its %d integrations deleted", hub.Name, n)
		if n == 1 {
			msg = fmt.Sprintf("Hub “%s” and its integration deleted", hub.Name)
		}
	}
	h.flash(c, "success", msg)
	h.keepHubFocus(c, hub)
	// Back to the list's page it came from; one left empty sends on to
	// the last page (pastTheEnd).
	return redirect(c, backTo(c, "/hubs"))
}

// hubFocusKey is the session value that places a deleted hub in the list's
// order ("<created> <id>"): on the list page the redirect after its delete
// comes back to, the keyboard goes to the row now in its place (the next
// hub), else the page's last row, else New hub, as after a row's Pause it
// stays on that row. It is read once.
const hubFocusKey = "hubsFocus"

func (h *handler) keepHubFocus(c echo.Context, hub db.Hub) {
	if s := currentSession(c); s != nil && !s.IsNew {
		s.Values[hubFocusKey] = hub.Created.UTC().Format(time.RFC3339Nano) + " " + hub.ID
		_ = h.sessions.Save(c.Request(), c.Response(), s)
	}
}

// focusAfterDelete marks where the keyboard goes on the list page after a
// hub's delete (keepHubFocus), if this page is that.
func (h *handler) focusAfterDelete(c echo.Context, m *views.HubList) {
	s := currentSession(c)
	if s == nil || s.IsNew {
		return
	}
	v, _ := s.Values[hubFocusKey].(string)
	if v == "" {
		return
	}
	delete(s.Values, hubFocusKey)
	_ = h.sessions.Save(c.Request(), c.Response(), s)
	at, id, _ := strings.Cut(v, " ")
	created, err := time.Parse(time.RFC3339Nano, at)
	if err != nil || currentUser(c).Role == "viewer" {
		return
	}
	for i, hb := range m.Hubs { // in the list's order: created, then id
		if hb.Created.After(created) || (hb.Created.Equal(created) && hb.ID > id) {
			m.Hubs[i].Focus = true
			return
		}
	}
	if n := len(m.Hubs); n > 0 {
		m.Hubs[n-1].Focus = true
		return
	}
	m.FocusNew = true
}

func (h *handler) hubIntegrationCount(c echo.Context, hub db.Hub) (int, error) {
	_, n, err := h.db.Integrations(c.Request().Context(), db.IntegrationFilter{TenantID: hub.TenantID, HubID: hub.ID, Size: 1, Summary: true})
	return n, err
}

// uiHub is the hub page: its integrations, filtered by channel, status and
// name, paged. htmx filter requests get the table alone.
func (h *handler) uiHub(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	// The filter form sends every field, "All channels" as channelId=:
	// the address bar and bookmarks get the filters in force only.
	if to, ok := withoutEmptyParams(c.Request().URL); ok {
		if !isPartial(c) {
			return c.Redirect(http.StatusSeeOther, to)
		}
		c.Response().Header().Set("HX-Push-Url", to)
	}
	pg, err := uiPageNumber(c)
	if err != nil {
		return err
	}
	f := db.IntegrationFilter{TenantID: hub.TenantID, HubID: hub.ID, Page: pg - 1, Size: uiPageSize, Summary: true}
	if err := integrationFilter(c, &f); err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, total, err := h.db.Integrations(ctx, f)
	if err != nil {
		return err
	}
	if to, past := pastTheEnd(c.Request().URL, pg, len(list), total); past {
		if !isPartial(c) {
			return c.Redirect(http.StatusSeeOther, to)
		}
		// A partial (the table after deleting the last row of the last
		// page) is answered with the last page, under the headers the
		// caller set: a redirect would lose them. The address bar follows.
		c.Response().Header().Set("HX-Replace-Url", to)
		pg = lastPage(total)
		f.Page = pg - 1
		if list, total, err = h.db.Integrations(ctx, f); err != nil {
			return err
		}
	}
	l := views.HubIntegrations{HubID: hub.ID, Total: total, HubTotal: total, Channel: f.ChannelID, Query: f.Query,
		Rows: make([]views.HubIntegration, 0, len(list)), Here: pageLink(c.Request().URL, pg)}
	switch f.StatusID {
	case db.IntegrationActive:
		l.Status = "active"
	case db.IntegrationPaused:
		l.Status = "paused"
	}
	if l.Filtered() || pg > 1 {
		if l.HubTotal, err = h.hubIntegrationCount(c, hub); err != nil {
			return err
		}
	}
	for _, in := range list {
		l.Rows = append(l.Rows, hubIntegrationRow(in))
	}
	for _, ch := range channels.All() {
		l.Channels = append(l.Channels, views.HubChannelOption{ID: ch.ID, Title: ch.Title})
	}
	l.PrevURL, l.NextURL, l.Summary = pagerLinks(c.Request().URL, pg, len(list), total, "integration", "integrations")
	if isPartial(c) {
		return render(c, http.StatusOK, views.HubIntegrationsTable(h.partialPage(c), l))
	}
	m := views.HubPage{ID: hub.ID, Name: hub.Name, Description: hub.Description, Active: hub.StatusID == db.HubActive, Integrations: l}
	if hub.CloseDormantConversation != nil {
		m.CloseDormant = *hub.CloseDormantConversation
	}
	return render(c, http.StatusOK, views.HubShow(h.page(c, hub.Name, "hubs"), m))
}

func hubIntegrationRow(in db.Integration) views.HubIntegration {
	r := views.HubIntegration{ID: in.ID, Name: in.Name, ChannelTitle: in.ChannelID, ChannelIcon: "server",
		Type: in.IntegrationType, Active: in.StatusID == db.IntegrationActive, Created: in.Created}
	if ch, ok := channels.ByID(in.ChannelID); ok {
		r.ChannelTitle, r.ChannelIcon = ch.Title, ch.Icon
	}
	return r
}

// uiIntegrationPause and uiIntegrationResume change the status only,
// through updateIntegration. htmx gets the row back; a plain form goes
// back to the hub page (or to a local "next").
func (h *handler) uiIntegrationPause(c echo.Context) error {
	return h.setIntegrationStatus(c, db.IntegrationPaused, "paused")
}

func (h *handler) uiIntegrationResume(c echo.Context) error {
	return h.setIntegrationStatus(c, db.IntegrationActive, "resumed")
}

func (h *handler) setIntegrationStatus(c echo.Context, status int, verb string) error {
	in, _, err := h.uiOwnIntegration(c)
	if err != nil {
		return h.goneRow(c, err)
	}
	out, _, err := h.updateIntegration(c.Request().Context(), actorOf(c), in, integrationInput{StatusID: &status})
	if err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Integration “%s” %s", out.Name, verb))
	if isPartial(c) {
		return render(c, http.StatusOK, views.HubIntegrationRow(h.partialPage(c), hubIntegrationRow(out)))
	}
	return redirect(c, backTo(c, "/hubs/"+in.HubID))
}

// uiIntegrationDelete deletes an integration: htmx gets an empty row (the
// row goes away), a plain form goes back to the hub page.
func (h *handler) uiIntegrationDelete(c echo.Context) error {
	in, _, err := h.uiOwnIntegration(c)
	if err != nil && !unreadable(err) { // the way out for one whose secrets do not open
		return h.goneRow(c, err)
	}
	if !confirmed(c) {
		return h.askConfirm(c, "hubs", views.ConfirmAction{Title: "Delete integration",
			Message: "Delete the integration “" + in.Name + "”? Its channel stops working at once, and its configuration, signing keys and delivery log are gone. This cannot be undone.",
			Button:  "Delete integration", Icon: "trash-2", Back: "/integrations/" + in.ID, BackTo: in.Name})
	}
	if err := h.db.DeleteIntegration(c.Request().Context(), in, actorOf(c).audit("integration.delete", in.ChannelID)); err != nil {
		return err
	}
	h.flash(c, "success", fmt.Sprintf("Integration “%s” deleted", in.Name))
	if isPartial(c) {
		// From the hub page: swap the whole table, so its summary, paging
		// and empty state follow; anywhere else the row just goes away.
		cur, err := url.Parse(c.Request().Header.Get("HX-Current-URL"))
		if err != nil || cur.Path != "/hubs/"+in.HubID {
			return c.HTML(http.StatusOK, "")
		}
		r := c.Request().Clone(c.Request().Context())
		r.Method, r.URL = http.MethodGet, &url.URL{Path: cur.Path, RawQuery: cur.RawQuery}
		c.SetRequest(r)
		c.SetParamNames("id")
		c.SetParamValues(in.HubID)
		c.Response().Header().Set("HX-Retarget", "#integrations")
		c.Response().Header().Set("HX-Reswap", "outerHTML")
		return h.uiHub(c)
	}
	return redirect(c, backTo(c, "/hubs/"+in.HubID))
}

// goneRow answers a row's action (pause, resume, delete) on an integration
// that no longer exists, deleted in another tab or by someone else: the
// row goes away with a toast that says why, instead of a generic error
// beside a row whose buttons still seem to work.
func (h *handler) goneRow(c echo.Context, err error) error {
	var ae *apiError
	if !isPartial(c) || !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		return err
	}
	if _, err := h.db.Integration(c.Request().Context(), c.Param("id")); !errors.Is(err, db.ErrNotFound) {
		return ae // it exists, in another tenant: no such integration here
	}
	h.flash(c, "error", "This integration no longer exists: it was deleted elsewhere. Its row is gone now.")
	return c.HTML(http.StatusOK, "")
}

// goneHub answers a hub's action (pause, resume, delete) on a hub deleted
// elsewhere: back to the hub list, which no longer shows it, with a toast
// that says why, instead of an error page.
func (h *handler) goneHub(c echo.Context, err error) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.Status != http.StatusNotFound {
		return err
	}
	if _, err := h.db.Hub(c.Request().Context(), c.Param("id")); !errors.Is(err, db.ErrNotFound) {
		return ae // it exists, in another tenant: no such hub here
	}
	h.flash(c, "error", "This hub no longer exists: it was deleted elsewhere.")
	if isPartial(c) {
		return c.HTML(http.StatusOK, "") // its row in the list goes away
	}
	// Back to the list's page it came from, never to the hub's own page.
	to := "/hubs"
	if next := backTo(c, ""); next == "/hubs" || strings.HasPrefix(next, "/hubs?") {
		to = next
	}
	return redirect(c, to)
}

// isPartial reports an htmx request that swaps part of a page (not a
// boosted link, not a history restore, which need the whole page).
func isPartial(c echo.Context) bool {
	r := c.Request().Header
	return r.Get("HX-Request") == "true" && r.Get("HX-Boosted") != "true" && r.Get("HX-History-Restore-Request") != "true"
}

// partialPage is what a partial needs of the page (CSRF token, role),
// without taking the session's pending flash, which a partial cannot show.
func (h *handler) partialPage(c echo.Context) views.Page {
	p := views.Page{}
	p.CSRF, _ = c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
	if u := currentUser(c); u != nil {
		p.User = &views.User{Email: u.Email, Role: u.Role, IsAdmin: u.Role == "admin", CanWrite: u.Role != "viewer"}
	}
	return p
}

// backTo is the form's "next" when it is a path on this site, else def.
func backTo(c echo.Context, def string) string {
	if next, ok := localPath(c.FormValue("next")); ok {
		return next
	}
	return def
}

// localPath reports whether s is a path of this server to send a browser
// back to (a next= after sign-in or after an action), never an open
// redirect: one leading slash, no scheme or host, and no backslash or
// control character, which browsers drop or read as a slash ("/\t/evil"
// is //evil to them).
func localPath(s string) (string, bool) {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return "", false
	}
	for _, r := range s {
		if r == '\\' || r < 0x20 || r == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(u.Path, "//") {
		return "", false
	}
	return s, true
}

// uiPageNumber reads ?page=N (from 1).
func uiPageNumber(c echo.Context) (int, error) {
	s := c.QueryParam("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1<<20 {
		return 0, badRequest(codeOutOfRange, "page", fmt.Sprintf("Parameter 'page' is '%s'; it must be a page number from 1.", s))
	}
	return n, nil
}

// withoutEmptyParams is u without its empty query parameters, and whether
// it had any.
func withoutEmptyParams(u *url.URL) (string, bool) {
	q := u.Query()
	if !dropEmpty(q) {
		return "", false
	}
	if len(q) == 0 {
		return u.Path, true
	}
	return u.Path + "?" + q.Encode(), true
}

// dropEmpty deletes the parameters without a value (a filter form's
// fields left empty, "q=+") and reports whether there were any.
func dropEmpty(q url.Values) bool {
	empty := false
	for k, vs := range q {
		if strings.TrimSpace(strings.Join(vs, "")) == "" {
			q.Del(k)
			empty = true
		}
	}
	return empty
}

// pageLink is the list at u on page n, its other query parameters (the
// filters in force) kept: the empty ones a filter form sends are left out,
// so a pager link or a row action's way back is the URL the address bar
// shows.
func pageLink(u *url.URL, n int) string {
	q := u.Query()
	dropEmpty(q)
	q.Del("page")
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// pastTheEnd is the link to a list's last page when page pg came back
// empty although the list has rows (a stale link, rows deleted meanwhile,
// a hand-edited URL): the reader lands on rows, not on an empty table.
func pastTheEnd(u *url.URL, pg, shown, total int) (string, bool) {
	if pg <= 1 || shown > 0 || total == 0 {
		return "", false
	}
	return pageLink(u, lastPage(total)), true
}

// lastPage is the number of a list's last page (from 1).
func lastPage(total int) int { return max(1, (total+uiPageSize-1)/uiPageSize) }

// pagerLinks builds the previous/next links of a list, keeping its other
// query parameters (the filters), and a summary like "51–100 of 120 hubs".
func pagerLinks(u *url.URL, pg, shown, total int, one, many string) (prev, next, summary string) {
	if pg > 1 {
		prev = pageLink(u, pg-1)
	}
	first := (pg-1)*uiPageSize + 1
	if first+shown-1 < total {
		next = pageLink(u, pg+1)
	}
	noun := many
	if total == 1 {
		noun = one
	}
	switch {
	case shown == 0:
		summary = fmt.Sprintf("%d %s", total, noun)
	case shown == total:
		summary = fmt.Sprintf("%d %s", total, noun)
	default:
		summary = fmt.Sprintf("%d–%d of %d %s", first, first+shown-1, total, noun)
	}
	return prev, next, summary
}
