package handlers

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestEmptyFormsAreAnsweredByTheServer: every form that asks for typed
// values is novalidate, so an empty field gets the server's error beside
// it (named, described, focused, as on the hub and integration forms),
// not the browser's bubble, which some screen readers never read and
// which said other things than the page (the tokens, users, password,
// sign-in and setup forms had it). Each sent empty is refused and
// changes nothing.
func TestEmptyFormsAreAnsweredByTheServer(t *testing.T) {
	a := newTestApp(t)
	anon := a.newBrowser()
	setupPage := "/setup?token=" + a.srv.SetupToken()
	hubID := a.hub("Desk").ID
	tests := []struct {
		name, page, form, post string
		b                      func() *browser
		wantStatus             int
		wantError              string // the element that says what is wrong
	}{
		{"setup", setupPage, `form[action="/setup"]`, "/setup", func() *browser { return anon }, http.StatusUnprocessableEntity, `#f-email[aria-invalid="true"]`},
		{"token", "/tokens", `form[data-testid="token-form"]`, "/tokens", func() *browser { return a.signIn("admin") }, http.StatusUnprocessableEntity, `[aria-invalid="true"]`},
		{"client", "/tokens", `form[data-testid="client-form"]`, "/tokens", func() *browser { return a.signIn("admin") }, http.StatusUnprocessableEntity, `#c-name[aria-invalid="true"]`},
		{"user", "/users", `form[data-testid="user-form"]`, "/users", func() *browser { return a.signIn("admin") }, http.StatusUnprocessableEntity, `[aria-invalid="true"]`},
		{"password", "/account/password", `form[action="/account/password"]`, "/account/password", func() *browser { return a.signIn("editor") }, http.StatusUnprocessableEntity, `#f-current[aria-invalid="true"]`},
		{"hub delete", "/hubs/" + hubID + "/delete", `form[data-testid="hub-delete-form"]`, "/hubs/" + hubID + "/delete", func() *browser { return a.signIn("editor") }, http.StatusUnprocessableEntity, `[aria-invalid="true"]`},
		{"sign-in", "/login", `form[action="/login"]`, "/login", func() *browser { return a.newBrowser() }, http.StatusUnprocessableEntity, `#login-error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b()
			rec := b.get(tt.page)
			mustStatus(t, rec, http.StatusOK)
			form := doc(t, rec).Find(tt.form)
			if form.Length() != 1 {
				t.Fatalf("no form %s on %s", tt.form, tt.page)
			}
			if _, ok := form.Attr("novalidate"); !ok {
				t.Errorf("form %s is not novalidate: the browser answers an empty field with its bubble", tt.form)
			}
			values := formValues(doc(t, rec), tt.form)
			form.Find(`input[type="text"], input[type="email"], input[type="password"], input:not([type])`).Each(func(_ int, s *goquery.Selection) {
				values.Set(s.AttrOr("name", ""), "")
			})
			rec = b.post(tt.post, values, false)
			if rec.Code != tt.wantStatus || doc(t, rec).Find(tt.wantError).Length() == 0 {
				t.Errorf("sent empty: %d, want %d with %s: %.3000s", rec.Code, tt.wantStatus, tt.wantError, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "created") {
				t.Errorf("sent empty, something was created")
			}
		})
	}
	if n := a.hubCount(); n != 1 {
		t.Errorf("%d hubs after an empty delete form, want the one", n)
	}
}
