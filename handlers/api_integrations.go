package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

// Keys a client may send back from a response; they are ignored.
var integrationEchoKeys = []string{"integrationId", "hubId", "integrationTypeId", "inboundId", "created", "modified", "tenantId"}

// ownHub fetches a hub the actor's tenant owns: 404 if none, 403 if another's.
func (h *handler) ownHub(c echo.Context, id string) (db.Hub, error) {
	hub, err := h.db.Hub(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return db.Hub{}, notFound(codeHubNotFound, "hub", id)
	}
	if err != nil {
		return db.Hub{}, err
	}
	if hub.TenantID != actorOf(c).TenantID {
		return db.Hub{}, forbidden("This hub belongs to another tenant.")
	}
	return hub, nil
}

// pathHub is the hub named by the path's :id, owned by the actor's tenant;
// for a write, the request's preconditions must hold on it (preconditions).
func (h *handler) pathHub(c echo.Context) (db.Hub, error) {
	id, err := parseID(c, "id", "hubId", "hub")
	if err != nil {
		return db.Hub{}, err
	}
	hub, err := h.ownHub(c, id)
	if err != nil {
		return hub, err
	}
	return hub, preconditions(c, hub.Modified)
}

// pathIntegration is the integration named by the path's :id, owned by the
// actor's tenant; for a write, the request's preconditions must hold on it.
func (h *handler) pathIntegration(c echo.Context) (db.Integration, error) {
	id, err := parseID(c, "id", "integrationId", "integration")
	if err != nil {
		return db.Integration{}, err
	}
	in, err := h.ownIntegration(c, id)
	if err != nil && !unreadable(err) {
		return in, err
	}
	if perr := preconditions(c, in.Modified); perr != nil {
		return db.Integration{}, perr
	}
	return in, err
}

// ownIntegration fetches an integration the actor's tenant owns. One whose
// secrets do not open comes back whole but for them, with its
// *db.UnreadableSecretsError (see unreadable): only a delete goes on.
func (h *handler) ownIntegration(c echo.Context, id string) (db.Integration, error) {
	in, err := h.db.Integration(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		return db.Integration{}, notFound(codeIntNotFound, "integration", id)
	}
	if err != nil && !unreadable(err) {
		return db.Integration{}, err
	}
	if in.TenantID != actorOf(c).TenantID {
		return db.Integration{}, forbidden("This integration belongs to another tenant.")
	}
	return in, err
}

// unreadable reports an integration whose stored secrets do not open.
func unreadable(err error) bool {
	var ue *db.UnreadableSecretsError
	return errors.As(err, &ue)
}

// integrationCreateOrUpdate is POST /integrations/hubs/{id}: the seed gives
// create and update one path, so the id tells which.
func (h *handler) integrationCreateOrUpdate(c echo.Context) error {
	id, err := parseID(c, "id", "id", "hub or integration")
	if err != nil {
		return err
	}
	// A hub's id creates, an integration's updates: one lookup each way.
	hub, err := h.db.Hub(c.Request().Context(), id)
	if errors.Is(err, db.ErrNotFound) {
		if !h.db.HasIntegration(c.Request().Context(), id) {
			return problem(http.StatusNotFound, codeHubNotFound, "", fmt.Sprintf("No hub or integration with id '%s' exists.", id))
		}
		return h.integrationUpdate(c)
	}
	if err != nil {
		return err
	}
	if hub.TenantID != actorOf(c).TenantID {
		return forbidden("This hub belongs to another tenant.")
	}
	return h.integrationCreate(c, hub)
}

func (h *handler) integrationCreate(c echo.Context, hub db.Hub) error {
	if c.QueryParam("regenerate-key") != "" {
		return badRequest(codeNotSupported, "regenerate-key", "Parameter 'regenerate-key' applies to updates only; a new integration gets its signing keys when created.")
	}
	b, err := readBody(c, false)
	if err != nil {
		return err
	}
	unknown := b.only([]string{"channelId", "name", "statusId", "configuration"}, integrationEchoKeys)
	in := integrationInput{}
	// Every problem of the body is in one answer: createIntegration
	// reports these with its own.
	chName, ok, fe := b.enum("channelId")
	switch {
	case fe != nil:
		in.Errs = append(in.Errs, *fe)
	case !ok:
		in.Errs = append(in.Errs, channels.FieldError{Code: codeRequired, Field: "channelId", Message: "Property 'channelId' is required."})
	default:
		if ch, found := channels.ByID(chName); found {
			in.Channel = ch
		} else {
			in.Errs = append(in.Errs, channels.FieldError{Code: codeOutOfRange, Field: "channelId",
				Message: fmt.Sprintf("Property 'channelId' is '%s'; supported channels: %s.", chName, channels.Names())})
		}
	}
	readCommon(b, &in)
	in.Errs = append(in.Errs, unknown...)
	out, err := h.createIntegration(c.Request().Context(), actorOf(c), hub, in, h.slackRedirectURI(c))
	if err != nil {
		return err
	}
	return okIntegration(c, out)
}

// readCommon reads name, statusId and configuration; what is wrong with
// them goes to in.Errs.
func readCommon(b body, in *integrationInput) {
	if name, ok, fe := b.str("name"); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		in.Name = &name
	}
	if st, ok, fe := b.statusID(db.IntegrationActive, db.IntegrationPaused); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		in.StatusID = &st
	}
	if b.has("configuration") {
		cfg := configurationObject(b.raw("configuration"))
		// A configuration sent as a string is JSON of its own, which the
		// body's check did not read inside.
		if esc, bad := channels.LoneSurrogate(cfg); bad {
			in.Errs = append(in.Errs, channels.FieldError{Code: codeBadFormat, Field: "configuration", Message: fmt.Sprintf(
				"Property 'configuration' holds %s, half of a UTF-16 surrogate pair, which is no character; escape characters outside the BMP as a pair, or send them as UTF-8.", esc)})
		} else {
			in.Config = cfg
		}
	}
}

// configurationObject unwraps a configuration sent as a JSON string that
// holds an object. Hubster.Abstractions' IntegrationModel declares
// Configuration as a string, so Newtonsoft sends
// "Configuration":"{\"AllowedOrigins\":[...]}". Anything else is returned
// as given (and a string that is not an object stays a 302).
func configurationObject(raw json.RawMessage) json.RawMessage {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '"' {
		return raw
	}
	var s string
	if json.Unmarshal(t, &s) != nil {
		return raw
	}
	if inner := bytes.TrimSpace([]byte(s)); len(inner) > 0 && inner[0] == '{' && json.Valid(inner) {
		return inner
	}
	return raw
}

// integrationUpdate is POST /integrations/hubs/{integrationId} and PUT
// /integrations/{integrationId} (?regenerate-key=true as in older docs).
func (h *handler) integrationUpdate(c echo.Context) error {
	cur, err := h.pathIntegration(c)
	if err != nil {
		return err
	}
	// ?regenerate-key=true (Hubster's older docs) may come without a body.
	regen := false
	if q := c.QueryParam("regenerate-key"); q != "" {
		if regen, err = strconv.ParseBool(q); err != nil {
			return badRequest(codeBadFormat, "regenerate-key", fmt.Sprintf("Parameter 'regenerate-key' is '%s'; it must be true or false.", q))
		}
		if ch, _ := channels.ByID(cur.ChannelID); regen && ch != nil {
			if _, has := ch.Field("regenerateKeys"); !has {
				return badRequest(codeOutOfRange, "regenerate-key", fmt.Sprintf("Parameter 'regenerate-key' does not apply: %s integrations have no signing keys.", ch.ID))
			}
		}
	}
	b, err := readBody(c, regen)
	if err != nil {
		return err
	}
	in := integrationInput{}
	unknown := b.only([]string{"name", "statusId", "configuration"}, append(integrationEchoKeys, "channelId"))
	if s, ok, fe := b.enum("channelId"); fe != nil {
		in.Errs = append(in.Errs, *fe)
	} else if ok {
		if ch, found := channels.ByID(s); !found || ch.ID != cur.ChannelID {
			in.Errs = append(in.Errs, channels.FieldError{Code: codeOutOfRange, Field: "channelId",
				Message: fmt.Sprintf("Property 'channelId' cannot change: this is a %s integration; delete and recreate it to change its channel.", cur.ChannelID)})
		}
	}
	readCommon(b, &in)
	in.Errs = append(in.Errs, unknown...)
	// The query and the body must not disagree, either way: keys are
	// rotated only when nothing said not to.
	switch v, _ := regenerateKeysIn(in.Config); {
	case regen && v == "false":
		in.Errs = append(in.Errs, channels.FieldError{Code: codeOutOfRange, Field: "regenerate-key",
			Message: "Parameter 'regenerate-key' is true but the body's configuration.regenerateKeys is false; leave one out."})
	case !regen && c.QueryParam("regenerate-key") != "" && v == "true":
		in.Errs = append(in.Errs, channels.FieldError{Code: codeOutOfRange, Field: "regenerate-key",
			Message: "Parameter 'regenerate-key' is false but the body's configuration.regenerateKeys is true; leave one out."})
	}
	in.Regenerate = regen
	out, ignored, err := h.updateIntegration(c.Request().Context(), actorOf(c), cur, in)
	if err != nil {
		return err
	}
	if ignored {
		ch, _ := channels.ByID(cur.ChannelID)
		c.Response().Header().Set("Warning", updateWarning(ch))
	}
	return okIntegration(c, out)
}

// regenerateKeysIn reads a configuration's regenerateKeys (any case) as
// the JSON it was given as.
func regenerateKeysIn(cfg json.RawMessage) (value string, given bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(cfg, &m) != nil {
		return "", false
	}
	for k, raw := range m {
		if t := string(bytes.TrimSpace(raw)); strings.EqualFold(k, "regenerateKeys") && t != "null" {
			// Given, as anything but null (not given, as everywhere); the
			// channel's decoding says whether it is a boolean.
			return t, true
		}
	}
	return "", false
}

// withRegenerate adds regenerateKeys to a configuration, or to the current
// one when none was given (the older docs' ?regenerate-key=true).
func withRegenerate(cur db.Integration, cfg []byte) []byte {
	ch, ok := channels.ByID(cur.ChannelID)
	if !ok {
		return cfg
	}
	if _, has := ch.Field("regenerateKeys"); !has {
		return cfg
	}
	if cfg == nil {
		cfg = ch.Render(ch.Join(cur.Config, cur.Secrets), false)
	}
	// A regenerateKeys of null (not given) makes way for the true.
	var m map[string]json.RawMessage
	if json.Unmarshal(cfg, &m) == nil {
		for k, v := range m {
			if strings.EqualFold(k, "regenerateKeys") && string(bytes.TrimSpace(v)) == "null" {
				delete(m, k)
				cfg, _ = json.Marshal(m)
				break
			}
		}
	}
	s := strings.TrimSpace(string(cfg))
	if s == "{}" {
		return []byte(`{"regenerateKeys":true}`)
	}
	if strings.HasPrefix(s, "{") {
		return []byte(`{"regenerateKeys":true,` + s[1:])
	}
	return cfg
}

// integrationGet is GET /integrations/{integrationId}.
func (h *handler) integrationGet(c echo.Context) error {
	in, err := h.pathIntegration(c)
	if err != nil {
		return err
	}
	return okIntegration(c, in)
}

// integrationDelete is DELETE /integrations/{integrationId}: 200 with the
// deleted object.
func (h *handler) integrationDelete(c echo.Context) error {
	in, err := h.pathIntegration(c)
	if err != nil && !unreadable(err) { // the way out for one whose secrets do not open
		return err
	}
	if err := h.db.DeleteIntegration(c.Request().Context(), in, actorOf(c).audit("integration.delete", in.ChannelID)); err != nil {
		return gone(err, codeIntNotFound, "integration", in.ID)
	}
	if err != nil {
		// Deleted; its secrets could not be read, so the answer is the
		// integration without its secret properties (Hubster's clients take
		// only a 200 with a body for success), and a header says why.
		c.Response().Header().Set("X-Hubadmin-Secrets-Unreadable", "true")
	}
	return okIntegration(c, in)
}

// integrationsByChannel is GET /integrations/hubs/{hubId}/{channelType}.
func (h *handler) integrationsByChannel(c echo.Context) error {
	id, err := parseID(c, "id", "hubId", "hub")
	if err != nil {
		return err
	}
	ch, ok := channels.ByID(c.Param("channel"))
	if !ok {
		return badRequest(codeOutOfRange, "channelType", fmt.Sprintf("Channel type '%s' is unknown; supported: %s.", c.Param("channel"), channels.Names()))
	}
	hub, err := h.ownHub(c, id)
	if err != nil {
		return err
	}
	list, _, err := h.db.Integrations(c.Request().Context(), db.IntegrationFilter{TenantID: hub.TenantID, HubID: hub.ID, ChannelID: ch.ID, SecretsJSON: true})
	if err != nil {
		return err
	}
	return okIntegrations(c, list, nil)
}

// integrationFilter reads the list filters shared by the API and the dashboard.
func integrationFilter(c echo.Context, f *db.IntegrationFilter) error {
	if s := c.QueryParam("channelId"); s != "" {
		ch, ok := channels.ByID(s)
		if !ok {
			return badRequest(codeOutOfRange, "channelId", fmt.Sprintf("Parameter 'channelId' is '%s'; supported channels: %s.", s, channels.Names()))
		}
		f.ChannelID = ch.ID
	}
	var err error
	if f.StatusID, err = statusParam(c, db.IntegrationActive, db.IntegrationPaused); err != nil {
		return err
	}
	f.Query = c.QueryParam("q")
	if utf8.RuneCountInString(f.Query) > 200 {
		return badRequest(codeOutOfRange, "q", "Parameter 'q' is longer than 200 characters.")
	}
	if fe := searchParam("q", f.Query); fe != nil {
		return channels.FieldErrors{*fe}
	}
	return nil
}

// integrationList is GET /integrations?hubId=&pageNumber=&pageSize=.
func (h *handler) integrationList(c echo.Context) error {
	pg, size, err := paging(c)
	if err != nil {
		return err
	}
	// The rows are only written out: their secrets need no map each.
	f := db.IntegrationFilter{TenantID: actorOf(c).TenantID, Page: pg, Size: size, SecretsJSON: true}
	if s := c.QueryParam("hubId"); s != "" {
		c.SetParamNames("hubId")
		c.SetParamValues(s)
		id, err := parseID(c, "hubId", "hubId", "hub")
		if err != nil {
			return err
		}
		f.HubID = id
	}
	if err := integrationFilter(c, &f); err != nil {
		return err
	}
	list, total, err := h.db.Integrations(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if f.HubID != "" && total == 0 {
		// Nothing of the actor's tenant matched: the hub may be unknown
		// (404) or another tenant's (403). Rows found prove it is neither,
		// so the common case costs no extra query.
		if _, err := h.ownHub(c, f.HubID); err != nil {
			return err
		}
	}
	return okIntegrations(c, list, &pageInfo{number: pg, size: size, total: total})
}
