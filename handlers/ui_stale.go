package handlers

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"hubadmin/channels"
)

// An edit form carries, besides its version, the values it was opened
// with ("original", JSON; secrets never). When its save is refused as
// stale (someone else saved first), the form given back holds, field by
// field: the value as now stored where the form's own value is the one it
// was opened with (so saving again does not undo the other change), and
// what was typed where it differs, with a note naming the other value when
// that changed too. Its originals and version become the stored ones.

// staleField is one field of an edit form, as a stale save merges it.
type staleField struct {
	Name  string // the form's input name
	Label string // as the banner names it
	Kind  channels.Kind
	// Secret: never put in the page, so never in the originals; what
	// was typed is kept and the other value not named.
	Secret bool
	// Hidden: not an input of the form (the signing keys): only told.
	Hidden bool
}

// formOriginal is the JSON the form carries of its values as opened.
func formOriginal(values url.Values, fields []staleField) string {
	orig := map[string][]string{}
	for _, f := range fields {
		if !f.Secret {
			orig[f.Name] = append([]string{}, values[f.Name]...)
		}
	}
	b, _ := json.Marshal(orig)
	return string(b)
}

// formOriginals reads what a form was opened with; false when it carries
// none that reads (a form from before they were carried).
func formOriginals(form url.Values) (map[string][]string, bool) {
	var orig map[string][]string
	if s := form.Get("original"); s == "" || json.Unmarshal([]byte(s), &orig) != nil {
		return nil, false
	}
	return orig, true
}

// staleNorm is a field's value as compared: trimmed, empty rows left out
// (as a save reads it), a checkbox ticked or not.
func staleNorm(f staleField, vals []string) string {
	switch f.Kind {
	case channels.Bool:
		for _, v := range vals {
			if v == "true" || v == "on" || v == "1" {
				return "true"
			}
		}
		return ""
	case channels.Hosts, channels.Messages, channels.MultiChoice:
		var out []string
		for _, v := range vals {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return strings.Join(out, "\x00")
	}
	if len(vals) == 0 {
		return ""
	}
	return strings.TrimSpace(vals[0])
}

// staleShow is a value as a note quotes it.
func staleShow(f staleField, vals []string) string {
	n := staleNorm(f, vals)
	switch {
	case f.Kind == channels.Bool && n == "":
		return "not ticked"
	case f.Kind == channels.Bool:
		return "ticked"
	case f.Name == "status":
		return "“" + strings.ToUpper(n[:min(1, len(n))]) + n[min(1, len(n)):] + "”"
	case n == "":
		return "empty"
	}
	parts := strings.Split(n, "\x00")
	for i, p := range parts {
		parts[i] = "“" + p + "”"
	}
	return strings.Join(parts, ", ")
}

// mergeStale rewrites a stale form (as sent) against the values now
// stored: see above. It returns the notes by field and the labels of
// the fields someone else changed; known is false when the form carried
// no originals, and then it is left as typed.
func mergeStale(form, now url.Values, fields []staleField) (notes map[string]string, changed []string, known bool) {
	orig, known := formOriginals(form)
	form.Set("original", formOriginal(now, fields))
	if !known {
		return nil, nil, false
	}
	notes = map[string]string{}
	for _, f := range fields {
		if f.Secret {
			continue // typed again, never compared in the page
		}
		was, cur := staleNorm(f, orig[f.Name]), staleNorm(f, now[f.Name])
		if was == cur {
			continue // nobody else changed it: what was typed stands
		}
		changed = append(changed, f.Label)
		if f.Hidden {
			continue
		}
		typed := staleNorm(f, form[f.Name])
		switch typed {
		case was: // left as opened: take theirs
			form[f.Name] = append([]string(nil), now[f.Name]...)
			if len(now[f.Name]) == 0 {
				delete(form, f.Name)
			}
			notes[f.Name] = "Someone else changed this meanwhile; it now shows their value."
		case cur: // the same change on both sides
		default:
			notes[f.Name] = fmt.Sprintf("Someone else changed this meanwhile to %s; your value is kept.", staleShow(f, now[f.Name]))
		}
	}
	return notes, changed, true
}

// staleMessage is the banner of a form given back as stale, what is the
// "integration" or "hub".
func staleMessage(what string, changed []string, known bool) string {
	if !known {
		return fmt.Sprintf(staleForm, what, what)
	}
	msg := "This " + what + " was changed by someone else after you opened this form, so nothing was saved. "
	if len(changed) == 0 {
		return msg + "None of the values on this form changed; save again to keep what you typed."
	}
	return msg + "Changed meanwhile: " + strings.Join(changed, ", ") + ". The fields you had not changed now show the new values; " +
		"where you had changed one too, your value is kept and theirs is noted under it. Check the form, then save again."
}
