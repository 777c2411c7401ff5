// Package views holds the dashboard's templ components. Views import only
// their view models (this file) and the embedded assets.
package views

// Page is what every page's layout needs.
type Page struct {
	Title   string
	Nav     string // active navigation entry: hubs, api, users, activity
	User    *User
	CSRF    string
	Flashes []Flash
	Sandbox bool
	Version string
}

// User is the signed-in user.
type User struct {
	Email   string
	Role    string
	IsAdmin bool
	// CanWrite is false for viewers: no mutating buttons.
	CanWrite bool
}

// Flash is a toast message.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

// Form is a form's typed values and errors by field name.
type Form struct {
	Values map[string][]string
	Errors map[string]string
	// Error is a message about the whole form.
	Error string
	// Notice says something about the whole form that is no error (a
	// form sent again, whose first sending did what it asked).
	Notice string
	// Focus names the list whose last row takes the focus: the one its
	// Add button just grew, without JavaScript.
	Focus string
	// RowErrors are the errors about single items of a list field, by
	// field and by the item's index in the list as sent (its non-empty
	// rows, which is how the API numbers them).
	RowErrors map[string]map[int]string
	// Notes say something under a field that is no error: that someone
	// else changed it after the form was opened (an edit form given back
	// as stale), or what a ticked box will do (asked before it is saved).
	Notes map[string]string
	// Autofocus names the field that takes the caret when the page opens:
	// a fresh create form's name. A form given back with errors leaves it
	// to its first error.
	Autofocus string
}

// Note returns what a field's note says, if it has one.
func (f Form) Note(name string) string { return f.Notes[name] }

// Get returns a typed value.
func (f Form) Get(name string) string {
	if v := f.Values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// All returns every typed value of a repeated field.
func (f Form) All(name string) []string { return f.Values[name] }

// Err returns the error of a field.
func (f Form) Err(name string) string { return f.Errors[name] }

// Has reports whether a value was typed for a field (checkboxes).
func (f Form) Has(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// DeleteIntegrationQuestion is what deleting an integration asks first,
// from its row and from its page alike. (The page asking without script
// says more; a hub page carries this once per row, so it stays short.)
func DeleteIntegrationQuestion(name string) string {
	return "Delete the integration “" + name + "”? Its channel stops working at once. This cannot be undone."
}
