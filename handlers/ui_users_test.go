package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"hubadmin/db"
)

func userID(t *testing.T, a *testApp, email string) string {
	t.Helper()
	u, err := a.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestUsersCreate(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	mustStatus(t, admin.get("/users"), http.StatusOK)

	rec := admin.post("/users", url.Values{"email": {"new@example.com"}, "role": {"viewer"}, "password": {"long enough pw"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/users" {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	body := admin.get("/users").Body.String()
	if !strings.Contains(body, "new@example.com") || !strings.Contains(body, "created as viewer") {
		t.Fatalf("list after create: %s", body)
	}
	// The new user can sign in with the initial password.
	nb := a.newBrowser()
	nb.get("/login")
	if rec := nb.post("/login", url.Values{"email": {"new@example.com"}, "password": {"long enough pw"}}, false); rec.Code != http.StatusSeeOther {
		t.Fatalf("new user sign-in: %d", rec.Code)
	}

	for _, tt := range []struct {
		name  string
		form  url.Values
		error string
	}{
		{"duplicate email, any case", url.Values{"email": {"NEW@example.com"}, "role": {"editor"}, "password": {"another long pw"}}, "already exists"},
		{"short password", url.Values{"email": {"x@example.com"}, "role": {"editor"}, "password": {"short"}}, "at least 8 characters"},
		{"bad email", url.Values{"email": {"not an email"}, "role": {"editor"}, "password": {"long enough pw"}}, "valid email"},
		{"bad role", url.Values{"email": {"y@example.com"}, "role": {"owner"}, "password": {"long enough pw"}}, "admin, editor or viewer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := admin.post("/users", tt.form, false)
			mustStatus(t, rec, http.StatusUnprocessableEntity)
			body := rec.Body.String()
			if !strings.Contains(body, tt.error) || !strings.Contains(body, `value="`+tt.form.Get("email")+`"`) || strings.Contains(body, tt.form.Get("password")) {
				t.Fatalf("want error %q, the email kept and the password gone: %s", tt.error, body)
			}
		})
	}
	// Every problem at once: a taken email is named with a short password,
	// not only once the password is fixed.
	rec = admin.post("/users", url.Values{"email": {"new@example.com"}, "role": {"editor"}, "password": {"short"}}, false)
	mustStatus(t, rec, http.StatusUnprocessableEntity)
	d := doc(t, rec)
	for field, says := range map[string]string{"email": "already exists", "password": "at least 8 characters"} {
		if msg := d.Find(`#f-` + field + `-error`).Text(); !strings.Contains(msg, says) {
			t.Errorf("error next to %s %q, want %q", field, msg, says)
		}
	}
	users, _ := a.db.Users(context.Background(), db.DefaultTenantID)
	if len(users) != 2 {
		t.Fatalf("%d users, want 2", len(users))
	}
}

func TestUsersDisableEndsSessionsAtOnce(t *testing.T) {
	a := newTestApp(t)
	editor := a.signIn("editor")
	mustStatus(t, editor.get("/activity"), http.StatusOK)
	admin := a.signIn("admin")
	id := userID(t, a, "editor@example.com")

	rec := admin.post("/users/"+id, url.Values{"disabled": {"true"}}, false)
	mustStatus(t, rec, http.StatusSeeOther)
	rec = editor.get("/activity")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") {
		t.Fatalf("disabled user's next request: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if !strings.Contains(admin.get("/users").Body.String(), "disabled") {
		t.Fatal("the list does not show the user disabled")
	}
	// Enabled again, with another role; the role is kept when only disabled changes.
	mustStatus(t, admin.post("/users/"+id, url.Values{"disabled": {"false"}, "role": {"viewer"}}, false), http.StatusSeeOther)
	u, _ := a.db.User(context.Background(), id)
	if u.Disabled || u.Role != "viewer" {
		t.Fatalf("after enable: %+v", u)
	}
	entries, _, _ := a.db.AuditEntries(context.Background(), db.AuditFilter{TenantID: db.DefaultTenantID, Action: "user.update", Size: 10})
	if len(entries) != 2 || !strings.Contains(entries[1].Detail, "disabled") || !strings.Contains(entries[0].Detail, "editor → viewer") {
		t.Fatalf("audit: %+v", entries)
	}
	if rec := admin.post("/users/"+id, url.Values{"role": {"root"}}, false); rec.Header().Get("Location") != "/users" {
		t.Errorf("an unknown role: %d to %q, want back to /users", rec.Code, rec.Header().Get("Location"))
	}
	if page := admin.get("/users"); !strings.Contains(page.Body.String(), "Choose admin, editor or viewer") {
		t.Errorf("the reason for the refused role is not shown")
	}
	if u, _ := a.db.User(context.Background(), id); u.Role != "viewer" {
		t.Errorf("an unknown role changed the user: %+v", u)
	}
	mustStatus(t, admin.post("/users/00000000-0000-4000-8000-000000000000", url.Values{"role": {"viewer"}}, false), http.StatusNotFound)
}

func TestUsersLastAdminIsProtected(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	me := userID(t, a, "admin@example.com")
	for _, form := range []url.Values{{"role": {"editor"}}, {"disabled": {"true"}}} {
		// Refused, and answered back on /users (the POST's own address
		// could not be reloaded or opened), with the reason shown there.
		rec := admin.post("/users/"+me, form, false)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/users" {
			t.Fatalf("%v: %d to %q", form, rec.Code, rec.Header().Get("Location"))
		}
		if page := admin.get("/users"); !strings.Contains(page.Body.String(), "last active admin") {
			t.Fatalf("%v: the reason is not shown: %s", form, page.Body.String())
		}
	}
	if u, _ := a.db.User(context.Background(), me); u.Role != "admin" || u.Disabled {
		t.Fatalf("the last admin was changed: %+v", u)
	}
	// With a second admin, demoting oneself works and leaves the admin pages.
	a.signIn("editor")
	mustStatus(t, admin.post("/users/"+userID(t, a, "editor@example.com"), url.Values{"role": {"admin"}}, false), http.StatusSeeOther)
	rec := admin.post("/users/"+me, url.Values{"role": {"editor"}}, false)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/hubs" {
		t.Fatalf("demote self: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	mustStatus(t, admin.get("/users"), http.StatusForbidden)
}

func TestUsersAreForAdminsOnly(t *testing.T) {
	a := newTestApp(t)
	a.signIn("admin")
	id := userID(t, a, "admin@example.com")
	for _, role := range []string{"editor", "viewer"} {
		b := a.signIn(role)
		mustStatus(t, b.get("/users"), http.StatusForbidden)
		mustStatus(t, b.post("/users", url.Values{"email": {"z@example.com"}, "role": {"admin"}, "password": {"long enough pw"}}, false), http.StatusForbidden)
		mustStatus(t, b.post("/users/"+id, url.Values{"disabled": {"true"}}, false), http.StatusForbidden)
	}
}

// The only active admin's row shows why its role and status cannot change
// (its controls are disabled, the server refuses anyway), speaking to the
// signed-in admin as "you"; once there are two admins, both rows work.
func TestUsersLastAdminRowSaysWhy(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	a.signIn("editor")
	me, editor := userID(t, a, "admin@example.com"), userID(t, a, "editor@example.com")
	row := func(d *goquery.Document, email string) *goquery.Selection {
		return d.Find(`[data-testid="user-row"][data-email="` + email + `"]`)
	}

	d := doc(t, admin.get("/users"))
	mine := row(d, "admin@example.com")
	for _, sel := range []string{`select[name="role"]`, `.role-form button`, `button[aria-label="Disable admin@example.com"]`} {
		c := mine.Find(sel)
		if _, off := c.Attr("disabled"); c.Length() != 1 || !off {
			t.Errorf("last admin's %s is not disabled", sel)
		}
		if by, _ := c.Attr("aria-describedby"); by != "last-admin-"+me {
			t.Errorf("last admin's %s is described by %q", sel, by)
		}
	}
	if got := mine.Find("#last-admin-" + me).Text(); !strings.Contains(got, "You are the only active admin") {
		t.Errorf("the reason says %q", got)
	}
	if got, _ := mine.Find("form[data-confirm]").Attr("data-confirm"); !strings.Contains(got, "Disable your own account") || !strings.Contains(got, "You are signed out") {
		t.Errorf("own row's confirmation: %q", got)
	}
	other := row(d, "editor@example.com")
	if other.Find("[disabled]").Length() != 0 || other.Find(`[data-testid="last-admin"]`).Length() != 0 {
		t.Error("an editor's row has disabled controls")
	}
	if got, _ := other.Find("form[data-confirm]").Attr("data-confirm"); !strings.HasPrefix(got, "Disable editor@example.com? They are") {
		t.Errorf("other row's confirmation: %q", got)
	}

	mustStatus(t, admin.post("/users/"+editor, url.Values{"role": {"admin"}}, false), http.StatusSeeOther)
	d = doc(t, admin.get("/users"))
	if n := d.Find(`[data-testid="user-row"] [disabled], [data-testid="last-admin"]`).Length(); n != 0 {
		t.Errorf("with two admins, %d controls are still disabled or explained", n)
	}
}

// After Save or Disable/Enable the page comes back with that row's button
// focused (autofocus, once); a Save that changes nothing says so.
func TestUsersChangeKeepsFocusAndSaysNothingChanged(t *testing.T) {
	a := newTestApp(t)
	admin := a.signIn("admin")
	a.signIn("editor")
	id := userID(t, a, "editor@example.com")
	focused := func(d *goquery.Document) string {
		var out []string
		d.Find("[autofocus]").Each(func(_ int, s *goquery.Selection) {
			label, _ := s.Attr("aria-label")
			out = append(out, label)
		})
		return strings.Join(out, ", ")
	}

	for _, tt := range []struct {
		form         url.Values
		focus, toast string
	}{
		{url.Values{"role": {"viewer"}}, "Save role: editor@example.com", "role editor → viewer"},
		{url.Values{"role": {"viewer"}}, "Save role: editor@example.com", "Nothing changed: editor@example.com is already an active viewer."},
		{url.Values{"disabled": {"true"}}, "Enable editor@example.com", "disabled"},
		{url.Values{"disabled": {"false"}}, "Disable editor@example.com", "enabled"},
		{url.Values{"role": {"root"}}, "Save role: editor@example.com", "Choose admin, editor or viewer"},
	} {
		rec := admin.post("/users/"+id, tt.form, false)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/users" {
			t.Fatalf("%v: %d to %q", tt.form, rec.Code, rec.Header().Get("Location"))
		}
		d := doc(t, admin.get("/users"))
		if got := focused(d); got != tt.focus {
			t.Errorf("%v: autofocus on %q, want %q", tt.form, got, tt.focus)
		}
		if got := d.Find("#toasts").Text(); !strings.Contains(got, tt.toast) {
			t.Errorf("%v: toasts %q, want %q", tt.form, got, tt.toast)
		}
		if got := focused(doc(t, admin.get("/users"))); got != "" {
			t.Errorf("%v: a reload still focuses %q", tt.form, got)
		}
	}
}
