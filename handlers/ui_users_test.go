package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
