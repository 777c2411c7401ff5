package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
	"hubadmin/webhooks"
)

// uiChannelPicker is the first step of a new integration: one card per channel.
func (h *handler) uiChannelPicker(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	if err := refuseViewer(c); err != nil {
		return err
	}
	var choices []views.ChannelChoice
	for _, ch := range channels.All() {
		choices = append(choices, views.ChannelChoice{Title: ch.Title, Summary: ch.Summary, Icon: ch.Icon,
			Href: "/hubs/" + hub.ID + "/integrations/new/" + strings.ToLower(ch.ID)})
	}
	return render(c, http.StatusOK, views.ChannelPicker(h.page(c, "New integration", "hubs"), hub.ID, hub.Name, choices))
}

// uiIntegrationNew is the channel's form, generated from its definition.
func (h *handler) uiIntegrationNew(c echo.Context) error {
	hub, ch, err := h.uiNewTarget(c)
	if err != nil {
		return err
	}
	if ch.OAuth {
		f := views.Form{Values: url.Values{"name": {c.QueryParam("name")}}, Autofocus: "name"}
		return h.renderSlackConnect(c, http.StatusOK, hub, ch, f)
	}
	f := views.Form{Values: integrationDefaults(ch), Autofocus: "name"}
	if kept, ok := h.takeUnsaved(c); ok {
		f.Values = kept
	}
	return h.renderIntegrationNew(c, http.StatusOK, hub, ch, f, nil)
}

// uiIntegrationCreate creates through the API's own path; a refused form is
// shown again with its errors and everything typed.
func (h *handler) uiIntegrationCreate(c echo.Context) error {
	hub, ch, err := h.uiNewTarget(c)
	if err != nil {
		return err
	}
	if ch.OAuth {
		// Slack is created by its OAuth callback, never from typed codes.
		return c.Redirect(http.StatusSeeOther, "/hubs/"+hub.ID+"/integrations/new/slack")
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	if more, ok := withListRow(ch, form); ok {
		return h.renderIntegrationNew(c, http.StatusOK, hub, ch, views.Form{Values: more, Errors: map[string]string{}, Focus: form.Get("_add")}, nil)
	}
	name := form.Get("name")
	in := integrationInput{Channel: ch, Name: &name, Config: ch.FromForm(form, channels.Create)}
	out, err := h.createIntegration(c.Request().Context(), actorOf(c), hub, in, h.slackRedirectURI(c))
	if err != nil {
		errs, ferr := formErrors(err)
		if ferr != nil {
			return ferr
		}
		return h.renderIntegrationNew(c, http.StatusUnprocessableEntity, hub, ch, withAttachedHolder(formOf(form, readableErrors(ch, errs)), err), err)
	}
	h.flash(c, "success", "Integration “"+out.Name+"” created")
	return redirect(c, "/integrations/"+out.ID+"?created=1")
}

// withListRow answers a list field's Add button sent as a plain form (no
// JavaScript, which adds the row in place): the form as typed, with one
// more empty row in that list, to show again without saving anything.
func withListRow(ch *channels.Channel, form url.Values) (url.Values, bool) {
	add := form.Get("_add")
	if add == "" {
		return nil, false
	}
	more := url.Values{}
	for k, v := range form {
		if k != "_add" {
			more[k] = append([]string(nil), v...)
		}
	}
	key, _ := strings.CutPrefix(add, "cfg.")
	if f, ok := ch.Field(key); ok && (f.Kind == channels.Hosts || f.Kind == channels.Messages) && channels.FormField(key) == add {
		rows := more[add]
		if len(rows) == 0 && f.Kind == channels.Hosts {
			rows = []string{""} // the form shows one row of an empty list
		}
		if f.Max == 0 || len(rows) < f.Max {
			rows = append(rows, "")
		}
		more[add] = rows
	}
	return more, true
}

// uiNewTarget reads the hub and channel of a new-integration URL.
func (h *handler) uiNewTarget(c echo.Context) (db.Hub, *channels.Channel, error) {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return db.Hub{}, nil, err
	}
	if err := refuseViewer(c); err != nil {
		return db.Hub{}, nil, err
	}
	ch, ok := channels.ByID(c.Param("channel"))
	if !ok {
		return db.Hub{}, nil, &apiError{Status: http.StatusNotFound, Detail: "No such channel."}
	}
	return hub, ch, nil
}

// nameTakenBy is the hub's other integration whose name a refused save
// asked for (code 700), to link under the name field; nil otherwise.
func (h *handler) nameTakenBy(c echo.Context, hubID, selfID string, f views.Form, refused error) *views.AttachedHolder {
	errs, _ := formErrors(refused)
	return takenNameLink(errs, codeNameExists, selfID, "/integrations/", func() (string, string, error) {
		return h.db.IntegrationNamed(c.Request().Context(), hubID, f.Get("name"))
	})
}

// takenNameLink links a form's name error of code to the item holding the
// name, found by find (its id and stored name), at base+id; nil when the
// errors have no such error, or the holder is the item itself or is not
// found (the link is a help: a failed lookup leaves the error without it).
func takenNameLink(errs channels.FieldErrors, code int, selfID, base string, find func() (id, name string, err error)) *views.AttachedHolder {
	for _, e := range errs {
		if e.Field != "name" || e.Code != code {
			continue
		}
		id, name, err := find()
		if err != nil || id == "" || id == selfID {
			return nil
		}
		return &views.AttachedHolder{Name: name, Href: base + id}
	}
	return nil
}

// attachedHolder is the integration of the same tenant that holds the
// channel a save was refused for, for the banner's link; nil otherwise
// (another tenant's holder is not told, so there is nothing to link).
func attachedHolder(err error) *views.AttachedHolder {
	var ae *attachedError
	if !errors.As(err, &ae) {
		return nil
	}
	return &views.AttachedHolder{Name: ae.Name, Href: "/integrations/" + ae.ID}
}

// withAttachedHolder puts the banner of a channel attached elsewhere in
// the tenant in the dashboard's words: names in “…” as its toasts quote
// them (the API's message quotes them '…', as its other messages do).
func withAttachedHolder(f views.Form, err error) views.Form {
	var ae *attachedError
	if !errors.As(err, &ae) {
		return f
	}
	where := ""
	if ae.Hub != "" {
		where = " in the hub “" + ae.Hub + "”"
	}
	f.Error = "This channel is already attached to “" + ae.Name + "”" + where + "; a phone number or page can belong to one integration only."
	return f
}

// renderIntegrationNew shows the form; refused is the error of a refused
// save (nil for none), whose other integration, if it names one, is linked.
func (h *handler) renderIntegrationNew(c echo.Context, status int, hub db.Hub, ch *channels.Channel, f views.Form, refused error) error {
	m := views.IntegrationForm{
		Action:       "/hubs/" + hub.ID + "/integrations/new/" + strings.ToLower(ch.ID),
		Cancel:       "/hubs/" + hub.ID,
		HubID:        hub.ID,
		HubName:      hub.Name,
		ChannelID:    ch.ID,
		ChannelTitle: ch.Title,
		ChannelIcon:  ch.Icon,
		Fields:       integrationFields(ch, channels.Create),
		Form:         f,
		Holder:       attachedHolder(refused),
		NameTaken:    h.nameTakenBy(c, hub.ID, "", f, refused),
		ProviderNote: integrationProviderNote(ch),
		Submit:       "Create integration",
	}
	return render(c, status, views.IntegrationNewPage(h.page(c, "New "+ch.Title+" integration", "hubs"), m, ch.Summary))
}

// hubPageLeft is the hub's page the user came from, with its filters and
// page number (from Referer, this server's own hub page only), or the
// hub's first page.
func hubPageLeft(c echo.Context, hubID string) string {
	page := "/hubs/" + hubID
	if back, ok := ownPage(c.Request(), c.Request().Referer()); ok && strings.HasPrefix(back, page+"?") {
		return back
	}
	return page
}

// uiIntegration is the integration page.
func (h *handler) uiIntegration(c echo.Context) error {
	in, hub, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	ch, ok := channels.ByID(in.ChannelID)
	if !ok {
		return fmt.Errorf("integration %s has unknown channel %q", in.ID, in.ChannelID)
	}
	canWrite := actorOf(c).Write
	cfg := ch.Join(in.Config, in.Secrets)
	m := views.IntegrationPage{
		ID: in.ID, Name: in.Name, HubID: hub.ID, HubName: hub.Name,
		ChannelID: ch.ID, ChannelTitle: ch.Title, ChannelIcon: ch.Icon,
		Type: in.IntegrationType, Active: in.StatusID == db.IntegrationActive, InboundID: in.InboundID,
		Created: in.Created.UTC().Format(time.RFC3339), Modified: in.Modified.UTC().Format(time.RFC3339),
		CanWrite: canWrite, HubPaused: hub.StatusID == db.HubPaused, HubBack: hubPageLeft(c, hub.ID),
	}
	_, m.Regenerate = ch.Field("regenerateKeys")
	for _, k := range ch.Keys() {
		if f, ok := ch.Field(k); ok && f.Spent {
			continue // an input of the create only, never stored
		}
		v := integrationValue(ch, k, cfg[k], canWrite)
		if strings.HasSuffix(k, "SigningKey") {
			if v.Text != "" || v.Masked != "" {
				m.Keys = append(m.Keys, v)
			}
			continue
		}
		m.Config = append(m.Config, v)
	}
	if !ch.Updatable {
		m.ReadOnly = integrationReadOnly(ch)
	}
	if ch.Embed != nil {
		m.Embed = ch.Embed(in.ID, h.baseURL(c))
	}
	_, hasWebhook := ch.Field("webhookUrl")
	m.Webhooks = hasWebhook && cfg.String("webhookUrl") != ""
	if key := cfg.String("privateSigningKey"); m.Webhooks && key != "" {
		// What a Standard Webhooks library takes as its secret: the same
		// key, as "whsec_" + base64 of its bytes.
		secret := webhooks.StandardSecret(key)
		v := views.IntegrationValue{Key: "standardWebhooksSecret", Label: "Standard Webhooks secret", Mono: true,
			Secret: true, Masked: channels.Mask(secret)}
		if canWrite {
			v.Reveal = secret
		}
		m.Keys = append(m.Keys, v)
		m.SignedTwice = true
	}
	if m.Webhooks {
		// Rendered with the page (no request after load, and the log is
		// there without JavaScript); ?deliveries=N is a page of the log.
		pg, _ := strconv.Atoi(c.QueryParam("deliveries"))
		panel, err := h.webhookPanel(c, in, max(pg, 0), nil)
		if err != nil {
			return err
		}
		m.Panel = &panel
	}
	if c.QueryParam("created") != "" && canWrite && ch.NextSteps != nil {
		m.NextSteps = ch.NextSteps(cfg)
	}
	return render(c, http.StatusOK, views.IntegrationPageView(h.page(c, in.Name, "hubs"), m))
}

// uiIntegrationEdit is the edit form, prefilled from the stored integration.
func (h *handler) uiIntegrationEdit(c echo.Context) error {
	in, hub, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	if err := refuseViewer(c); err != nil {
		return err
	}
	ch, ok := channels.ByID(in.ChannelID)
	if !ok {
		return fmt.Errorf("integration %s has unknown channel %q", in.ID, in.ChannelID)
	}
	values := integrationFormValues(ch, in)
	values.Set("version", formVersion(in.Modified))
	values.Set("original", formOriginal(values, integrationStaleFields(ch)))
	if kept, ok := h.takeUnsaved(c); ok {
		values = kept // with the version it was typed over: a change since is caught on save
	}
	return h.renderIntegrationEdit(c, http.StatusOK, in, hub, ch, views.Form{Values: values}, nil)
}

// integrationFormValues is a stored integration as its edit form shows
// it, with its public signing key (no input: a stale save tells of it).
func integrationFormValues(ch *channels.Channel, in db.Integration) url.Values {
	cfg := ch.Join(in.Config, in.Secrets)
	values := integrationValues(ch, cfg)
	values.Set("name", in.Name)
	if in.StatusID == db.IntegrationPaused {
		values.Set("status", "paused")
	} else {
		values.Set("status", "active")
	}
	if k := cfg.String("publicSigningKey"); k != "" {
		values.Set("publicSigningKey", k)
	}
	return values
}

// integrationStaleFields are the fields of a channel's edit form, as a
// stale save merges them.
func integrationStaleFields(ch *channels.Channel) []staleField {
	fields := []staleField{{Name: "name", Label: "Name", Kind: channels.Text}, {Name: "status", Label: "Status", Kind: channels.Choice}}
	if ch.Updatable {
		for _, f := range ch.Fields {
			if f.UpdateOnly || f.Spent {
				continue
			}
			fields = append(fields, staleField{Name: channels.FormField(f.Name), Label: f.Label, Kind: f.Kind, Secret: f.Kind == channels.Secret})
		}
	}
	if _, ok := ch.Field("regenerateKeys"); ok {
		fields = append(fields, staleField{Name: "publicSigningKey", Label: "Signing keys (regenerated)", Hidden: true})
	}
	return fields
}

// uiIntegrationSave updates through the API's own path.
func (h *handler) uiIntegrationSave(c echo.Context) error {
	cur, hub, err := h.uiOwnIntegration(c)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
			if gone := h.savedAfterDelete(c); gone != nil {
				return gone
			}
		}
		return err
	}
	ch, ok := channels.ByID(cur.ChannelID)
	if !ok {
		return fmt.Errorf("integration %s has unknown channel %q", cur.ID, cur.ChannelID)
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	if more, ok := withListRow(ch, form); ok {
		return h.renderIntegrationEdit(c, http.StatusOK, cur, hub, ch, views.Form{Values: more, Errors: map[string]string{}, Focus: form.Get("_add")}, nil)
	}
	if !confirmed(c) {
		if f, ask := askTicked(ch, form); ask {
			return h.renderIntegrationEdit(c, http.StatusOK, cur, hub, ch, f, nil)
		}
	}
	name := form.Get("name")
	in := integrationInput{Name: &name, Version: parseFormVersion(form)}
	switch form.Get("status") {
	case "active":
		st := db.IntegrationActive
		in.StatusID = &st
	case "paused":
		st := db.IntegrationPaused
		in.StatusID = &st
	}
	if ch.Updatable {
		in.Config = ch.FromForm(form, channels.Update)
	}
	out, _, err := h.updateIntegration(c.Request().Context(), actorOf(c), cur, in)
	if errors.Is(err, db.ErrStale) {
		if cur, err = h.db.Integration(c.Request().Context(), cur.ID); err != nil {
			return err
		}
		form.Set("version", formVersion(cur.Modified))
		form.Del("_csrf")
		notes, changed, known := mergeStale(form, integrationFormValues(ch, cur), integrationStaleFields(ch))
		f := formOf(form, nil)
		f.Notes = notes
		f.Error = staleMessage("integration", changed, known)
		return h.renderIntegrationEdit(c, http.StatusConflict, cur, hub, ch, f, nil)
	}
	if err != nil {
		errs, ferr := formErrors(err)
		if ferr != nil {
			return ferr
		}
		return h.renderIntegrationEdit(c, http.StatusUnprocessableEntity, cur, hub, ch, withAttachedHolder(formOf(form, readableErrors(ch, errs)), err), err)
	}
	if out.Modified.Equal(cur.Modified) {
		// Nothing was written (the values were those stored): "saved"
		// would say something happened.
		h.flash(c, "info", "No changes to save: “"+out.Name+"” is as it was")
	} else if cur.Secrets["privateSigningKey"] != out.Secrets["privateSigningKey"] {
		// Ticked in the form: said as the Regenerate button says it.
		h.flash(c, "success", "Integration “"+out.Name+"” saved; its signing keys were regenerated and the old keys no longer work")
	} else {
		h.flash(c, "success", "Integration “"+out.Name+"” saved")
	}
	return redirect(c, "/integrations/"+out.ID)
}

// askTicked is the edit form given back when it has a box ticked that
// cannot be undone (Regenerate signing keys): the question under the box,
// the box still ticked, and confirmed=1, so saving again goes ahead. With
// JavaScript the question was a dialog (data-confirm-checked) and the form
// came confirmed.
func askTicked(ch *channels.Channel, form url.Values) (views.Form, bool) {
	notes := map[string]string{}
	for _, fd := range ch.Fields {
		if name := channels.FormField(fd.Name); fd.Confirm != "" && form.Get(name) == "true" {
			notes[name] = fd.Confirm + " Save again to go ahead, or untick the box."
		}
	}
	if len(notes) == 0 {
		return views.Form{}, false
	}
	form.Set("confirmed", "1")
	f := formOf(form, nil)
	f.Notes = notes
	return f, true
}

// savedAfterDelete answers the save of an edit form whose integration was
// deleted while it was open: the new-integration form of its hub and
// channel, filled with what was typed (secrets are never in an edit form
// unless typed anew), saying that nothing was saved. Without the hidden
// hub and channel of the form, or with a hub gone too or of another
// tenant, it is nil and the save is the plain 404. A channel only created
// by connecting (Slack) has no form to create it with: its answer is a
// page saying what happened, with the way back to the hub.
func (h *handler) savedAfterDelete(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return nil
	}
	ch, ok := channels.ByID(form.Get("channel"))
	if !ok || form.Get("hub") == "" || refuseViewer(c) != nil {
		return nil
	}
	hub, err := h.db.Hub(c.Request().Context(), form.Get("hub"))
	if err != nil || hub.TenantID != currentUser(c).TenantID {
		return nil
	}
	if ch.OAuth {
		return render(c, http.StatusGone, views.ErrorPageBack(h.page(c, "Integration deleted", ""),
			"Integration deleted",
			"This integration was deleted while you were editing it, so nothing was saved. To have it again, connect "+ch.Title+" to the hub anew, from the hub's page.",
			templ.SafeURL("/hubs/"+hub.ID), "Back to hub “"+hub.Name+"”"))
	}
	typed := integrationDefaults(ch) // for what an edit form does not show
	for k, v := range form {
		switch k {
		case "_csrf", "version", "original", "hub", "channel", "status", "confirmed":
		default:
			typed[k] = v
		}
	}
	f := formOf(typed, nil)
	f.Error = "This integration was deleted while you were editing it, so nothing was saved. " +
		"What you typed is below: create it again, or cancel."
	return h.renderIntegrationNew(c, http.StatusGone, hub, ch, f, nil)
}

func (h *handler) renderIntegrationEdit(c echo.Context, status int, in db.Integration, hub db.Hub, ch *channels.Channel, f views.Form, refused error) error {
	m := views.IntegrationForm{
		Action:       "/integrations/" + in.ID,
		Cancel:       "/integrations/" + in.ID,
		HubID:        hub.ID,
		HubName:      hub.Name,
		ChannelID:    ch.ID,
		ChannelTitle: ch.Title,
		ChannelIcon:  ch.Icon,
		Form:         f,
		Holder:       attachedHolder(refused),
		NameTaken:    h.nameTakenBy(c, hub.ID, in.ID, f, refused),
		Edit:         true,
		Updatable:    ch.Updatable,
		Submit:       "Save changes",
	}
	if ch.Updatable {
		m.Fields = integrationFields(ch, channels.Update)
	} else {
		m.ReadOnly = integrationReadOnly(ch)
	}
	return render(c, status, views.IntegrationEditPage(h.page(c, "Edit "+in.Name, "hubs"), m, in.ID, in.Name))
}

// uiIntegrationRegenerate makes a new signing key pair: the current
// configuration with regenerateKeys, through the API's update path.
func (h *handler) uiIntegrationRegenerate(c echo.Context) error {
	cur, _, err := h.uiOwnIntegration(c)
	if err != nil {
		return err
	}
	ch, ok := channels.ByID(cur.ChannelID)
	if !ok {
		return fmt.Errorf("integration %s has unknown channel %q", cur.ID, cur.ChannelID)
	}
	if _, has := ch.Field("regenerateKeys"); !has {
		return &apiError{Status: http.StatusNotFound, Detail: ch.Title + " integrations have no signing keys."}
	}
	if !confirmed(c) {
		return h.askConfirm(c, "hubs", views.ConfirmAction{Title: "Regenerate signing keys",
			Message: "Regenerate the signing keys of “" + cur.Name + "”? " + channels.KeysWarning,
			Button:  "Regenerate keys", Icon: "refresh-cw", Back: "/integrations/" + cur.ID, BackTo: cur.Name})
	}
	_, _, err = h.updateIntegration(c.Request().Context(), actorOf(c), cur, integrationInput{Regenerate: true})
	if err != nil {
		return err
	}
	h.flash(c, "success", "Signing keys of “"+cur.Name+"” regenerated; the old keys no longer work")
	return redirect(c, "/integrations/"+cur.ID)
}

// refuseViewer refuses form pages to viewers (their POSTs get 403 anyway).
func refuseViewer(c echo.Context) error {
	if !actorOf(c).Write {
		return &apiError{Status: http.StatusForbidden, Detail: "Your role (viewer) can look but not change anything. Ask an admin for the editor role."}
	}
	return nil
}

// formFields turns a channel's definition into form inputs.
func integrationFields(ch *channels.Channel, op channels.Op) []views.IntegrationField {
	var out []views.IntegrationField
	for _, f := range ch.Fields {
		if f.UpdateOnly && op == channels.Create {
			continue
		}
		out = append(out, views.IntegrationField{
			Name: channels.FormField(f.Name), Label: f.Label, Kind: string(f.Kind), Required: f.Required,
			Help: f.Help, Placeholder: f.Placeholder, Choices: f.Choices, ChoiceNotes: f.ChoiceNotes, Max: f.Max, ItemLabel: f.ItemLabel(),
			Confirm: f.Confirm,
		})
	}
	return out
}

// defaultValues prefills a new form with the fields' defaults.
func integrationDefaults(ch *channels.Channel) url.Values {
	v := url.Values{}
	for _, f := range ch.Fields {
		if b, ok := f.Default.(bool); ok && b && !f.UpdateOnly {
			v.Set(channels.FormField(f.Name), "true")
		}
	}
	return v
}

// storedValues is a stored configuration as form values.
func integrationValues(ch *channels.Channel, cfg channels.Config) url.Values {
	v := url.Values{}
	for _, f := range ch.Fields {
		key := channels.FormField(f.Name)
		switch f.Kind {
		case channels.Bool:
			if cfg.Bool(f.Name) && !f.UpdateOnly {
				v.Set(key, "true")
			}
		case channels.Hosts, channels.MultiChoice:
			v[key] = append([]string(nil), cfg.Strings(f.Name)...)
		case channels.Messages:
			for _, m := range cfg.Messages(f.Name) {
				v.Add(key, m.Text)
			}
		default:
			if s := cfg.String(f.Name); s != "" {
				v.Set(key, s)
			}
		}
	}
	return v
}

// inSentence is a field's label inside a sentence: its first word in
// lower case unless it is an acronym ("Auth token" → "auth token",
// "SID" and "Account SID" → "SID", "account SID").
func inSentence(label string) string {
	first, rest, _ := strings.Cut(label, " ")
	if strings.ToUpper(first) == first {
		return label
	}
	if rest == "" {
		return strings.ToLower(first)
	}
	return strings.ToLower(first) + " " + rest
}

// integrationProviderNote is shown on forms whose credentials a provider
// checks on save.
func integrationProviderNote(ch *channels.Channel) string {
	if ch.Provider == "" || ch.OAuth {
		return ""
	}
	return "Credentials are checked with " + ch.Provider + " when you save; this can take a few seconds."
}

// integrationReadOnly says why a channel's configuration cannot be edited
// (a Slack one was authorised in Slack, the others checked with their
// provider) and what to do instead.
func integrationReadOnly(ch *channels.Channel) string {
	how := "was checked with " + ch.Provider + " when it was created"
	if ch.OAuth {
		how = "was authorised in " + ch.Provider + " when it was connected"
	}
	return "The configuration of " + ch.Title + " integrations " + how + ", so it cannot be edited here. " +
		"To change it, delete this integration and create a new one. The name and status can still be changed."
}

// configValue is one configuration key as the page shows it; secrets
// reach the HTML unmasked only for users who may write.
func integrationValue(ch *channels.Channel, key string, raw any, canWrite bool) views.IntegrationValue {
	v := views.IntegrationValue{Key: key, Label: ch.Label(key)}
	// A value with one possible value (web chat's echo) has no control
	// on the form; the page says why.
	if d, ok := ch.DerivedValue(key); ok && d.Only != "" {
		v.Note = "Always, as " + d.Why + "."
	}
	f, isField := ch.Field(key)
	mono := strings.HasSuffix(key, "Sid") || strings.HasSuffix(key, "Id") || strings.HasSuffix(key, "Key") ||
		strings.HasSuffix(key, "Token") || (isField && f.Kind == channels.URL) || (isField && f.Kind == channels.Hosts)
	switch x := raw.(type) {
	case string:
		if ch.IsSecret(key) {
			v.Secret, v.Masked = true, channels.Mask(x)
			if canWrite {
				v.Reveal = x
			}
			break
		}
		v.Text, v.Mono, v.Copy = x, mono, mono && x != ""
	case bool:
		v.Text = "No"
		if x {
			v.Text = "Yes"
		}
	case []string:
		v.List, v.Mono = x, mono
	case []channels.Message:
		for _, m := range x {
			v.List = append(v.List, m.Text)
		}
	case map[string]bool:
		for _, k := range []string{"sms", "mms", "voice"} {
			if x[k] {
				v.Pills = append(v.Pills, strings.ToUpper(k))
			}
		}
		if len(v.Pills) == 0 {
			v.Text = "None"
		}
	}
	return v
}

// propertyRef matches the API's "Property 'configuration.x[2]'" wording.
var propertyRef = regexp.MustCompile(`Property '([^']+)'`)

// readableErrors words the API's messages for the form: the field's label
// instead of its JSON path.
func readableErrors(ch *channels.Channel, errs channels.FieldErrors) channels.FieldErrors {
	out := make(channels.FieldErrors, len(errs))
	for i, fe := range errs {
		fe.Message = propertyRef.ReplaceAllStringFunc(fe.Message, func(m string) string {
			path := propertyRef.FindStringSubmatch(m)[1]
			if path == "name" {
				return "Name"
			}
			key, ok := strings.CutPrefix(path, "configuration.")
			if !ok {
				return m
			}
			if key, _, item := listItem(key); item {
				// Shown under its own row (formOf): the item, not the list.
				if f, ok := ch.Field(key); ok {
					return f.ItemLabel()
				}
				return ch.Label(key)
			}
			return ch.Label(key)
		})
		// A missing name: what the hub form says too.
		if fe.Field == "name" && fe.Code == codeRequired {
			fe.Message = "Enter a name."
		}
		// A list left empty: say what to do rather than "Events is required."
		if key, ok := strings.CutPrefix(fe.Field, "configuration."); ok && (fe.Code == codeRequired || fe.Code == channels.CodeEmpty) {
			if f, ok := ch.Field(key); ok {
				one := inSentence(f.ItemLabel())
				switch f.Kind {
				case channels.Hosts, channels.Messages:
					fe.Message = "Add at least one " + one + "."
				case channels.MultiChoice:
					fe.Message = "Choose at least one " + one + "."
				case channels.Choice:
					fe.Message = "Choose the " + inSentence(f.Label) + "."
				case channels.Text, channels.Secret, channels.URL:
					// As "Enter a name." says it.
					fe.Message = "Enter the " + inSentence(f.Label) + "."
				}
			}
		}
		out[i] = fe
	}
	return out
}
