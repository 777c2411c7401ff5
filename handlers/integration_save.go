package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/webhooks"
)

// integrationInput is a create or update request, from the API or a form.
// Nil fields were not given.
type integrationInput struct {
	Channel  *channels.Channel // create only
	Name     *string
	StatusID *int
	Config   json.RawMessage // nil = not given
	// SlackState is set when the dashboard's OAuth callback already
	// consumed the nonce.
	SlackState *db.OAuthState
	// Regenerate asks for new signing keys: regenerateKeys is added to the
	// configuration given, or to the current one when none is.
	Regenerate bool
	// Version, when set, is the modified time the change was made against
	// (an edit form's): if the integration changed since, the store refuses
	// it with db.ErrStale instead of the change being applied again.
	Version *time.Time
	// Errs: what reading the API's body found wrong (a property of the
	// wrong type, an unknown channel or key), reported with the rest.
	Errs channels.FieldErrors
}

// nameRequired: a create without a name. One given but empty or blank is
// checkName's "must not be empty" (the same code: a name is missing).
var nameRequired = channels.FieldError{Code: codeRequired, Field: "name", Message: "Property 'name' is required."}

// checkName validates an integration or hub name given: 1–100 characters
// after trimming, plain text (checkText).
func checkName(name string) (string, *channels.FieldError) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", &channels.FieldError{Code: codeRequired, Field: "name", Message: "Property 'name' must not be empty."}
	}
	if fe := checkText("name", n, false); fe != nil {
		return "", fe
	}
	// Something must show: a letter, digit, symbol or punctuation, not only
	// marks, joiners or variation selectors.
	if !strings.ContainsFunc(n, func(r rune) bool { return unicode.In(r, unicode.L, unicode.N, unicode.S, unicode.P) }) {
		return "", &channels.FieldError{Code: codeBadFormat, Field: "name",
			Message: "Property 'name' shows nothing: it needs at least one letter, digit or symbol."}
	}
	// Kept composed (NFC): é typed as e and a combining accent (as macOS
	// keyboards send it) is one character to whoever reads it, not two,
	// and looks the same either way.
	n = norm.NFC.String(n)
	if c := utf8.RuneCountInString(n); c > 100 {
		return "", &channels.FieldError{Code: codeOutOfRange, Field: "name",
			Message: fmt.Sprintf("Property 'name' is %d characters long; at most 100 are allowed.", c)}
	}
	return n, nil
}

// CheckName holds a name given outside HTTP (the tenant, token and API
// client names of the commands) to the rule of every name the API and the
// dashboard take: the trimmed name, or why it is refused, said of flag.
func CheckName(flag, name string) (string, error) {
	n, fe := checkName(name)
	if fe != nil {
		return "", errors.New(strings.Replace(fe.Message, "Property 'name'", flag, 1))
	}
	return n, nil
}

// checkText refuses what a name or description must not hold: invalid
// UTF-8, control characters (a NUL, a bell; tabs and line breaks unless
// multiline, U+2028 and U+2029 included) and text-direction controls,
// which reorder what an operator reads around them (U+202E shows "evil"
// as "live"). A one-line text also refuses the invisible characters that
// only make two names look alike or one look empty (invisible); the
// joiners that emoji and some scripts need stay allowed.
func checkText(field, s string, multiline bool) *channels.FieldError {
	if !utf8.ValidString(s) {
		return &channels.FieldError{Code: codeBadFormat, Field: field, Message: fmt.Sprintf("Property '%s' is not valid UTF-8.", field)}
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029') {
			continue
		}
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			return &channels.FieldError{Code: codeBadFormat, Field: field,
				Message: fmt.Sprintf("Property '%s' contains %U, a control or text-direction character; use plain text.", field, r)}
		case r == '\u2028' || r == '\u2029':
			return &channels.FieldError{Code: codeBadFormat, Field: field,
				Message: fmt.Sprintf("Property '%s' contains %U, a line break; it must be one line.", field, r)}
		case !multiline && invisible(r):
			return &channels.FieldError{Code: codeBadFormat, Field: field,
				Message: fmt.Sprintf("Property '%s' contains %U, an invisible character; use plain text.", field, r)}
		}
	}
	return nil
}

// invisible reports the characters a one-line text refuses: the format
// characters (zero-width space, soft hyphen, word joiner, byte order mark,
// invisible operators…) and the other default-ignorable ones (Hangul
// fillers, the combining grapheme joiner), with the Braille blank, which
// all show as nothing. The joiners emoji and scripts need (U+200C, U+200D)
// and the tags of flag emoji (U+E0020–U+E007F) stay allowed.
func invisible(r rune) bool {
	switch {
	case r == '\u200c' || r == '\u200d' || (r >= 0xe0020 && r <= 0xe007f):
		return false
	case r == '\u2800':
		return true
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}

// createIntegration validates, provisions and stores a new integration:
// the one path of the API and the dashboard.
func (h *handler) createIntegration(ctx context.Context, a actor, hub db.Hub, in integrationInput, redirectURI string) (db.Integration, error) {
	errs := slices.Clone(in.Errs)
	name := ""
	switch {
	case errs.For("name") != "": // of the wrong type
	case in.Name == nil:
		errs = append(errs, nameRequired)
	default:
		if n, fe := checkName(*in.Name); fe != nil {
			errs = append(errs, *fe)
		} else {
			name = n
		}
	}
	status := db.IntegrationActive
	if in.StatusID != nil {
		status = *in.StatusID
	}
	ch := in.Channel
	var cfg channels.Config
	switch {
	case errs.For("configuration") != "": // not readable
	case in.Config == nil:
		errs = append(errs, channels.FieldError{Code: codeRequired, Field: "configuration", Message: "Property 'configuration' is required."})
	case ch == nil: // unknown or missing, in errs: nothing to check the configuration against
	default:
		var ferrs channels.FieldErrors
		cfg, ferrs = ch.Decode(in.Config, channels.Create)
		errs = append(errs, ferrs...)
		if fe := h.webhookTargetError(cfg, ""); fe != nil {
			errs = append(errs, *fe)
		}
	}
	if len(errs) > 0 {
		return db.Integration{}, h.withIntegrationNameTaken(ctx, errs, hub.ID, "", name)
	}
	// Refuse a taken name before a provider is asked (and before a Slack
	// code and nonce are spent on an integration that cannot be stored).
	// Other channels leave it to the write, which checks it again anyway.
	if ch.Provider != "" || ch.OAuth {
		if err := h.nameFree(ctx, hub.ID, "", name); err != nil {
			return db.Integration{}, err
		}
	}
	env := channels.Env{Providers: h.providers, SlackRedirectURI: redirectURI}
	env.ConsumeNonce = func(ctx context.Context, nonce string) (string, error) {
		// Another hub's or tenant's nonce is refused without spending it.
		st, err := h.db.ConsumeOAuthState(ctx, nonce, func(st db.OAuthState) bool {
			return st.HubID == hub.ID && st.TenantID == hub.TenantID
		})
		if errors.Is(err, db.ErrStateInvalid) {
			return "", channels.ErrNonce
		}
		return st.RedirectURI, err
	}
	if in.SlackState != nil { // spent by the dashboard's callback
		env.ConsumeNonce = func(context.Context, string) (string, error) { return in.SlackState.RedirectURI, nil }
	}
	cfg, err := ch.Provision(ctx, cfg, env)
	if err != nil {
		return db.Integration{}, err
	}
	row := h.integrationRow(ch, cfg)
	row.HubID, row.TenantID, row.Name, row.StatusID = hub.ID, hub.TenantID, name, status
	out, err := h.db.CreateIntegration(ctx, row, a.audit("integration.create", ch.ID))
	if errors.Is(err, db.ErrNotFound) {
		return db.Integration{}, notFound(codeHubNotFound, "hub", hub.ID) // deleted meanwhile
	}
	return out, conflictError(err)
}

// integrationRow fills the stored columns derived from a configuration.
func (h *handler) integrationRow(ch *channels.Channel, cfg channels.Config) db.Integration {
	var row db.Integration
	row.ChannelID = ch.ID
	row.IntegrationType = ch.Type(cfg)
	if ch.Inbound != "" {
		row.InboundID = cfg.String(ch.Inbound)
	}
	if ch.Attach != nil {
		row.AttachKey = ch.Attach(cfg)
	}
	row.Config, row.Secrets = ch.Split(cfg)
	return row
}

// withNameTaken adds a taken name (exists) to the errors found otherwise,
// so that one answer (one form) shows every problem; the write checks the
// name again anyway.
func withNameTaken(errs channels.FieldErrors, taken func() (bool, error), exists channels.FieldError) error {
	is, err := taken()
	if err != nil {
		return err
	}
	if is {
		return append(channels.FieldErrors{exists}, errs...) // the name comes first, as in the form
	}
	return errs
}

// withIntegrationNameTaken is withNameTaken for an integration's name in
// its hub; name is "" when it was invalid itself.
func (h *handler) withIntegrationNameTaken(ctx context.Context, errs channels.FieldErrors, hubID, selfID, name string) error {
	if name == "" {
		return errs
	}
	return withNameTaken(errs, func() (bool, error) { return h.db.IntegrationNameTaken(ctx, hubID, selfID, name) }, integrationNameExists)
}

var integrationNameExists = channels.FieldError{Code: codeNameExists, Field: "name",
	Message: "An integration with this name already exists in the hub (names are case-insensitive)."}

func (h *handler) nameFree(ctx context.Context, hubID, selfID, name string) error {
	taken, err := h.db.IntegrationNameTaken(ctx, hubID, selfID, name)
	if err != nil {
		return err
	}
	if taken {
		return conflictError(&db.ConflictError{What: "name"})
	}
	return nil
}

// webhookTargetError refuses a webhook URL whose host is an address this
// server will not deliver to (webhooks.CheckAddressLiteral), unless
// private targets are allowed. An unchanged URL (prev) is left alone: a
// key regeneration must not fail on what was saved under other settings.
func (h *handler) webhookTargetError(cfg channels.Config, prev string) *channels.FieldError {
	u := cfg.String("webhookUrl")
	if u == "" || u == prev {
		return nil
	}
	var refused *webhooks.AddressNotAllowedError
	if err := webhooks.CheckAddressLiteral(u, h.cfg.AllowPrivateWebhooks); errors.As(err, &refused) {
		why := "this server delivers to public addresses only (start it with --allow-private-webhooks to allow others)"
		if refused.Always {
			why = "cloud metadata services answer there, so it is refused even with --allow-private-webhooks"
		}
		target := refused.Addr.String()
		if refused.Host != "" {
			target = refused.Host
		}
		return &channels.FieldError{Code: codeTargetRefused, Field: "configuration.webhookUrl",
			Message: fmt.Sprintf("Property 'configuration.webhookUrl' points to %s, %s: %s.", target, refused.Kind, why)}
	}
	return nil
}

// conflictError turns a store conflict into the field error a user reads.
// A channel attached to an integration of the same tenant names it and its
// hub, and carries it (attachedError) for the dashboard's link; another
// tenant's holder is not told.
func conflictError(err error) error {
	var ce *db.ConflictError
	if !errors.As(err, &ce) {
		return err
	}
	switch ce.What {
	case "channel":
		holder := "another integration"
		if ce.Holder != "" {
			holder = fmt.Sprintf("the integration '%s'", ce.Holder)
			if ce.HolderHub != "" {
				holder += fmt.Sprintf(" in the hub '%s'", ce.HolderHub)
			}
		}
		errs := channels.FieldErrors{{Code: codeAttached, Field: "configuration",
			Message: fmt.Sprintf("This channel is already attached to %s; a phone number or page can belong to one integration only.", holder)}}
		if ce.Holder == "" || ce.HolderID == "" {
			return errs
		}
		return &attachedError{FieldErrors: errs, ID: ce.HolderID, Name: ce.Holder, Hub: ce.HolderHub}
	default:
		return channels.FieldErrors{integrationNameExists}
	}
}

// attachedError is the refusal of a channel held by an integration of the
// same tenant: the field errors everyone reads (it unwraps to them), with
// the holder, which the dashboard links to.
type attachedError struct {
	channels.FieldErrors
	ID, Name string // the holding integration
	Hub      string // its hub's name
}

func (e *attachedError) Unwrap() error { return e.FieldErrors }

// updateWarning is the Warning header for configurations that cannot change.
func updateWarning(ch *channels.Channel) string {
	return fmt.Sprintf(`299 - "configuration of %s integrations cannot be updated; delete and recreate"`, ch.ID)
}

// staleRetries bounds how many times an update is applied to a freshly
// read row when other updates of the same row keep committing first. Each
// round one of the racing updates commits, so n updates sent at once all
// land within n rounds; the bound, and the request's deadline, only stop
// an item that is changed without pause (errBusyRow).
const staleRetries = 100

// updateIntegration applies what is given: name, status, and (where the
// channel allows) the whole configuration. ignored is true when a
// configuration was given for a channel that cannot be updated. When
// another update of the integration commits between the read of cur and
// this write, the change is applied again to the row as it now is, so
// neither update is lost (a rotated key stays rotated, a pause paused).
func (h *handler) updateIntegration(ctx context.Context, a actor, cur db.Integration, in integrationInput) (out db.Integration, ignored bool, err error) {
	if in.Version != nil {
		cur.Modified = *in.Version
		out, ignored, err = h.updateIntegrationOnce(ctx, a, cur, in)
		return out, ignored, gone(err, codeIntNotFound, "integration", cur.ID)
	}
	for try := 1; ; try++ {
		out, ignored, err = h.updateIntegrationOnce(ctx, a, cur, in)
		if !errors.Is(err, db.ErrStale) {
			return out, ignored, gone(err, codeIntNotFound, "integration", cur.ID)
		}
		if try == staleRetries || ctx.Err() != nil {
			return db.Integration{}, false, errBusyRow
		}
		id := cur.ID
		if cur, err = h.db.Integration(ctx, id); errors.Is(err, db.ErrNotFound) {
			return db.Integration{}, false, notFound(codeIntNotFound, "integration", id) // deleted meanwhile
		} else if err != nil {
			return db.Integration{}, false, err
		}
	}
}

func (h *handler) updateIntegrationOnce(ctx context.Context, a actor, cur db.Integration, in integrationInput) (out db.Integration, ignored bool, err error) {
	ch, ok := channels.ByID(cur.ChannelID)
	if !ok {
		return db.Integration{}, false, fmt.Errorf("integration %s has unknown channel %q", cur.ID, cur.ChannelID)
	}
	if _, given := regenerateKeysIn(in.Config); in.Regenerate && !given {
		in.Config = withRegenerate(cur, in.Config)
	}
	errs := slices.Clone(in.Errs)
	next := cur
	if in.Name != nil {
		if n, fe := checkName(*in.Name); fe != nil {
			errs = append(errs, *fe)
		} else {
			next.Name = n
		}
	}
	if in.StatusID != nil {
		next.StatusID = *in.StatusID
	}
	var cfg channels.Config
	if in.Config != nil && ch.Updatable {
		var ferrs channels.FieldErrors
		cfg, ferrs = ch.Decode(in.Config, channels.Update)
		errs = append(errs, ferrs...)
		if fe := h.webhookTargetError(cfg, ch.Join(cur.Config, cur.Secrets).String("webhookUrl")); fe != nil {
			errs = append(errs, *fe)
		}
	}
	ignored = in.Config != nil && !ch.Updatable
	if len(errs) > 0 {
		if in.Name == nil || next.Name == cur.Name {
			return db.Integration{}, false, errs
		}
		return db.Integration{}, false, h.withIntegrationNameTaken(ctx, errs, cur.HubID, cur.ID, next.Name)
	}
	if cfg != nil {
		prev := ch.Join(cur.Config, cur.Secrets)
		cfg, err = ch.Provision(ctx, cfg, channels.Env{Providers: h.providers, Previous: prev})
		if err != nil {
			return db.Integration{}, false, err
		}
		row := h.integrationRow(ch, cfg)
		next.IntegrationType, next.InboundID, next.AttachKey = row.IntegrationType, row.InboundID, row.AttachKey
		next.Config, next.Secrets = row.Config, row.Secrets
	}
	action := "integration.update"
	switch {
	case in.Name == nil && in.Config == nil && in.StatusID != nil && next.StatusID == db.IntegrationPaused:
		action = "integration.pause"
	case in.Name == nil && in.Config == nil && in.StatusID != nil:
		action = "integration.resume"
	}
	detail := integrationChanges(cur, next)
	if sameIntegration(next, cur) {
		// Nothing changes: no write, no new modified time, no audit entry.
		return cur, ignored, nil
	}
	out, err = h.db.UpdateIntegration(ctx, next, a.audit(action, detail))
	return out, ignored, conflictError(err)
}

// integrationChanges says what an update changed, for the audit log: the
// name, the status, which configuration values (a webhook URL by its new
// host; secrets by name only: the log never holds one).
func integrationChanges(cur, next db.Integration) string {
	var parts []string
	if cur.Name != next.Name {
		parts = append(parts, fmt.Sprintf("name %q → %q", cur.Name, next.Name))
	}
	if cur.StatusID != next.StatusID {
		parts = append(parts, "status "+statusWord(cur.StatusID)+" → "+statusWord(next.StatusID))
	}
	var was, now map[string]json.RawMessage
	_ = json.Unmarshal(cur.Config, &was)
	_ = json.Unmarshal(next.Config, &now)
	var changed []string
	for k := range mergeKeys(was, now) {
		if k == "publicSigningKey" || bytes.Equal(was[k], now[k]) {
			continue
		}
		var u string
		if k == "webhookUrl" && json.Unmarshal(now[k], &u) == nil && u != "" {
			k += " → " + auditHost(u)
		}
		changed = append(changed, k)
	}
	for k := range mergeKeys(cur.Secrets, next.Secrets) {
		if k != "privateSigningKey" && cur.Secrets[k] != next.Secrets[k] {
			changed = append(changed, k)
		}
	}
	if len(changed) > 0 {
		slices.Sort(changed)
		parts = append(parts, "configuration: "+strings.Join(changed, ", "))
	}
	if cur.Secrets["privateSigningKey"] != next.Secrets["privateSigningKey"] {
		parts = append(parts, "signing keys regenerated")
	}
	return strings.Join(parts, "; ")
}

func mergeKeys[V any](a, b map[string]V) map[string]bool {
	keys := make(map[string]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

// statusWord names a hub's or an integration's status.
func statusWord(s int) string {
	if s == db.IntegrationPaused || s == db.HubPaused {
		return "paused"
	}
	return "active"
}

// sameIntegration reports whether an update leaves what is stored as it is.
func sameIntegration(a, b db.Integration) bool {
	return a.Name == b.Name && a.StatusID == b.StatusID && a.IntegrationType == b.IntegrationType &&
		a.InboundID == b.InboundID && a.AttachKey == b.AttachKey && bytes.Equal(a.Config, b.Config) &&
		maps.Equal(a.Secrets, b.Secrets)
}
