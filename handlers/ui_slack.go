package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
	"hubadmin/views"
)

// slackSettings is what an operator sets to enable Connect to Slack.
const slackSettings = "Ask the operator to set HUBADMIN_SLACK_CLIENT_ID and HUBADMIN_SLACK_CLIENT_SECRET " +
	"(the Slack app's client id and secret) and restart hubadmin; Slack must also list this server's " +
	"redirect URL, %s, under the app's OAuth redirect URLs."

// slackReady reports whether the authorize URL can be built.
func (h *handler) slackReady(c echo.Context) bool {
	if !h.cfg.SlackConfigured {
		return false
	}
	_, err := h.providers.Slack.AuthorizeURL("probe", h.slackRedirectURI(c))
	return err == nil
}

func (h *handler) renderSlackConnect(c echo.Context, status int, hub db.Hub, ch *channels.Channel, f views.Form) error {
	return h.renderSlackPage(c, status, hub, ch, views.SlackConnect{
		Action:     "/hubs/" + hub.ID + "/slack/connect",
		Cancel:     "/hubs/" + hub.ID,
		Form:       f,
		Configured: h.slackReady(c),
		Missing:    fmt.Sprintf(slackSettings, h.slackRedirectURI(c)),
	})
}

// renderSlackPage is the Slack form of a hub: Connect, or Finish.
func (h *handler) renderSlackPage(c echo.Context, status int, hub db.Hub, ch *channels.Channel, s views.SlackConnect) error {
	m := views.IntegrationForm{HubID: hub.ID, HubName: hub.Name, ChannelTitle: ch.Title, ChannelIcon: ch.Icon}
	return render(c, status, views.SlackConnectPage(h.page(c, "New Slack integration", "hubs"), m, s, ch.Summary))
}

// uiSlackConnect checks the name, issues a state nonce for this hub and
// user, and sends the browser to Slack's consent page.
func (h *handler) uiSlackConnect(c echo.Context) error {
	hub, err := h.uiOwnHub(c)
	if err != nil {
		return err
	}
	ch, _ := channels.ByID("Slack")
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	name, fe := checkName(form.Get("name"))
	if fe != nil {
		return h.renderSlackConnect(c, http.StatusUnprocessableEntity, hub, ch, formOf(form, readableErrors(ch, channels.FieldErrors{*fe})))
	}
	if err := h.nameFree(ctx, hub.ID, "", name); err != nil {
		errs, err := formErrors(err)
		if err != nil {
			return err
		}
		return h.renderSlackConnect(c, http.StatusUnprocessableEntity, hub, ch, formOf(form, errs))
	}
	if !h.slackReady(c) {
		f := formOf(form, nil)
		f.Error = "Slack is not configured on this server, so nothing was started."
		return h.renderSlackConnect(c, http.StatusUnprocessableEntity, hub, ch, f)
	}
	_, _, authURL, err := h.issueSlackState(c, db.OAuthState{TenantID: hub.TenantID, HubID: hub.ID, UserID: currentUser(c).ID, Name: name})
	if pe, ok := channels.AsProviderError(err); ok {
		f := formOf(form, nil)
		f.Error = pe.Message
		return h.renderSlackConnect(c, http.StatusUnprocessableEntity, hub, ch, f)
	}
	if err != nil {
		return err
	}
	return redirect(c, authURL)
}

// uiSlackCallback is where Slack sends the browser back: the state is
// spent here, once, and the integration created through the API's path.
func (h *handler) uiSlackCallback(c echo.Context) error {
	ctx := c.Request().Context()
	user := currentUser(c)
	if err := refuseViewer(c); err != nil {
		return err
	}
	state, code := c.QueryParam("state"), c.QueryParam("code")
	// A state is this user's: issued in their tenant, to them (or to no one
	// in particular); anyone else's is refused and left unspent.
	theirs := func(st db.OAuthState) bool {
		return st.TenantID == user.TenantID && (st.UserID == "" || st.UserID == user.ID)
	}
	if reason := c.QueryParam("error"); reason != "" {
		back := "/hubs"
		if state != "" {
			// Spend the state so the abandoned attempt cannot be resumed.
			if st, err := h.db.ConsumeOAuthState(ctx, state, theirs); err == nil {
				back = "/hubs/" + st.HubID + "/integrations/new/slack?name=" + url.QueryEscape(st.Name)
			}
		}
		// Slack's reasons are short codes (access_denied, invalid_scope…);
		// anything else in a link is not repeated on this page.
		detail := "Slack did not connect the workspace. Nothing was created."
		if slackErrorCode.MatchString(reason) {
			detail = "Slack did not connect the workspace (" + reason + "). Nothing was created."
		}
		if reason == "access_denied" {
			detail = "The app was not approved in Slack, so nothing was created. You can try again."
		}
		return h.slackProblem(c, "Slack connection cancelled", detail, back, "Try again")
	}
	if c.Request().Method == http.MethodPost {
		form, err := c.FormParams()
		if err != nil {
			return err
		}
		state, code = form.Get("state"), form.Get("code")
	}
	if state == "" || code == "" {
		return h.slackProblem(c, "Slack sign-in link incomplete",
			"This address needs the code and state Slack adds when it sends you back. Start again from the hub's New integration page.", "/hubs", "Back to hubs")
	}
	expired := func() error {
		return h.slackProblem(c, "Slack sign-in link expired or already used",
			"Each Connect to Slack link works once, for 10 minutes, for the person who started it. Nothing was created. Start again from the hub's New integration page.",
			"/hubs", "Back to hubs")
	}
	// Looked at first, spent only once the integration can be named.
	st, err := h.db.OAuthStateOf(ctx, state, theirs)
	if errors.Is(err, db.ErrStateInvalid) {
		return expired()
	}
	if err != nil {
		return err
	}
	if st.RedirectURI != "" {
		// A program asked for this state with its own redirect address:
		// Slack sends the code there, and the program finishes it.
		return h.slackProblem(c, "Slack sign-in started by a program",
			"This Slack sign-in was started through the API for another address, "+st.RedirectURI+", which creates the integration. Nothing was created here.",
			"/hubs/"+st.HubID, "Back to the hub")
	}
	hub, err := h.db.Hub(ctx, st.HubID)
	if errors.Is(err, db.ErrNotFound) {
		return h.slackProblem(c, "Hub not found", "The hub this Slack connection was started for no longer exists. Nothing was created.", "/hubs", "Back to hubs")
	}
	if err != nil {
		return err
	}
	ch, _ := channels.ByID("Slack")
	name := st.Name
	if name == "" {
		// A state from the API without a name: the operator names the
		// integration here, and Slack's code comes along in the form.
		finish := views.SlackConnect{Action: slackCallbackPath, Cancel: "/hubs/" + hub.ID, Configured: true, Finish: true, Code: code, State: state}
		if c.Request().Method != http.MethodPost {
			return h.renderSlackFinish(c, http.StatusOK, hub, ch, finish, url.Values{})
		}
		form, _ := c.FormParams()
		n, fe := checkName(form.Get("name"))
		if fe != nil {
			return h.renderSlackFinish(c, http.StatusUnprocessableEntity, hub, ch, finish, form, *fe)
		}
		if err := h.nameFree(ctx, hub.ID, "", n); err != nil {
			errs, err := formErrors(err)
			if err != nil {
				return err
			}
			return h.renderSlackFinish(c, http.StatusUnprocessableEntity, hub, ch, finish, form, errs...)
		}
		name = n
	}
	if st, err = h.db.ConsumeOAuthState(ctx, state, theirs); errors.Is(err, db.ErrStateInvalid) {
		return expired() // spent meanwhile (a second tab, a double click)
	} else if err != nil {
		return err
	}
	cfg, err := json.Marshal(map[string]string{"code": code, "nonce": state})
	if err != nil {
		return err
	}
	out, err := h.createIntegration(ctx, actorOf(c), hub, integrationInput{Channel: ch, Name: &name, Config: cfg, SlackState: &st}, h.slackRedirectURI(c))
	if err != nil {
		errs, err := formErrors(err)
		if err != nil {
			return err
		}
		back := "/hubs/" + hub.ID + "/integrations/new/slack?name=" + url.QueryEscape(name)
		return h.slackProblem(c, "Slack integration not created", sentence(readableErrors(ch, errs).Error())+" Nothing was created.", back, "Try again")
	}
	h.flash(c, "success", "Integration “"+out.Name+"” created")
	return redirect(c, "/integrations/"+out.ID+"?created=1")
}

// renderSlackFinish is the form that names a Slack integration whose
// state a program asked for without a name, after Slack approved it.
func (h *handler) renderSlackFinish(c echo.Context, status int, hub db.Hub, ch *channels.Channel, s views.SlackConnect, values url.Values, errs ...channels.FieldError) error {
	s.Form = formOf(values, readableErrors(ch, channels.FieldErrors(errs)))
	return h.renderSlackPage(c, status, hub, ch, s)
}

// slackErrorCode is the shape of Slack's OAuth error codes.
var slackErrorCode = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// sentence ends s with a full stop unless it ends with punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if last, _ := utf8.DecodeLastRuneInString(s); s == "" || strings.ContainsRune(".!?…", last) {
		return s
	}
	return s + "."
}

// slackProblem is a 400 page that says what went wrong and links back.
func (h *handler) slackProblem(c echo.Context, title, detail, back, backLabel string) error {
	return render(c, http.StatusBadRequest, views.SlackProblemPage(h.page(c, title, "hubs"), title, detail, back, backLabel))
}
