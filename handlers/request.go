package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"hubadmin/channels"
)

// body is a JSON object whose keys are matched case-insensitively
// (Hubster's clients send PascalCase, its docs camelCase): by the key in
// lower case, each value with the key as the client spelled it, for errors.
type body map[string]bodyValue

type bodyValue struct {
	name string
	raw  json.RawMessage
}

// readBody reads the request's JSON object. An empty body is allowed only
// when optional is true.
func readBody(c echo.Context, optional bool) (body, error) {
	h := c.Request().Header
	// Read as it came, a compressed body would be refused as "not JSON",
	// and one in another charset stored as mojibake.
	if enc := h.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, badRequest(codeBadFormat, "Content-Encoding", fmt.Sprintf(
			"The request body is sent with Content-Encoding '%s', which this server does not decode; send it uncompressed.", enc))
	}
	ctype, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return nil, badRequest(codeBadFormat, "Content-Type", fmt.Sprintf(
			"The request body is declared as charset '%s'; JSON is UTF-8 (RFC 8259 §8.1): send it so.", cs))
	}
	raw, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if e := bodyReadError(err); e != nil {
			return nil, e
		}
		return nil, badRequest(codeBadFormat, "body", "The request body could not be read.")
	}
	// A byte order mark is not JSON, but RFC 8259 §8.1 lets a reader
	// ignore one, and some Windows tools write it.
	raw = bytes.TrimSpace(bytes.TrimPrefix(raw, []byte("\ufeff")))
	if len(raw) == 0 {
		if optional {
			return body{}, nil
		}
		return nil, badRequest(codeBodyMissing, "body", "The request body is missing; send a JSON object.")
	}
	if utf16Text(raw) {
		return nil, badRequest(codeBadFormat, "body", "The request body is UTF-16 text; JSON is sent as UTF-8 (RFC 8259 §8.1).")
	}
	var obj map[string]json.RawMessage
	if raw[0] != '{' {
		// JSON other than an object is that, whatever the Content-Type
		// says: curl -d sends form data's type with any body, and "[]"
		// was called form data.
		if json.Valid(raw) {
			return nil, badRequest(codeWrongType, "body", "The request body is "+jsonKind(raw[0])+"; it must be a JSON object.")
		}
		if ctype == "application/x-www-form-urlencoded" || ctype == "multipart/form-data" {
			return nil, badRequest(codeWrongType, "body", "The request body is form data ("+ctype+"); send a JSON object, with Content-Type: application/json.")
		}
		return nil, badRequest(codeWrongType, "body", "The request body must be a JSON object.")
	}
	// encoding/json would turn invalid text into U+FFFD in silence, so
	// what is stored would differ from what was sent.
	if !utf8.Valid(raw) {
		return nil, badRequest(codeBadFormat, "body", "The request body is not valid UTF-8.")
	}
	if esc, bad := channels.LoneSurrogate(raw); bad {
		return nil, badRequest(codeBadFormat, "body", fmt.Sprintf(
			"The request body holds %s, half of a UTF-16 surrogate pair, which is no character; escape characters outside the BMP as a pair, or send them as UTF-8.", esc))
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, badRequest(codeBadFormat, "body", "The request body is not valid JSON: "+jsonReason(err))
	}
	if k, twice := channels.RepeatedKey(raw); twice {
		return nil, badRequest(codeBadFormat, k, fmt.Sprintf("Property '%s' is given twice (keys are case-insensitive).", k))
	}
	b := body{}
	for k, v := range obj {
		b[strings.ToLower(k)] = bodyValue{name: k, raw: v}
	}
	return b, nil
}

// errBodyTimeout: the server's time for reading a request (http.Server's
// ReadTimeout) ran out before the whole body came, a client that stopped
// sending or trickles. Not the client's malformed request (400): the same
// request sent again in time is read.
var errBodyTimeout = problem(http.StatusRequestTimeout, codeTimedOut, "body",
	"The request body did not arrive in time: the server stopped waiting for the rest of it. Send the request again, whole.")

// bodyReadError is the answer to a body that could not be read: the body
// limit's 413, a 408 when the read deadline passed; nil for any other
// failure, which the caller answers in its own shape.
func bodyReadError(err error) error {
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		return he // 413 from the body limit
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errBodyTimeout
	}
	return nil
}

// jsonKind names the JSON value that starts with b, for "the body is …".
func jsonKind(b byte) string {
	switch b {
	case '[':
		return "a JSON array"
	case '"':
		return "a JSON string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a JSON boolean"
	}
	return "a JSON number"
}

func jsonReason(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d.", se.Error(), se.Offset)
	}
	return err.Error() + "."
}

// only refuses keys not in allowed; ignored keys (what the server sends
// back, e.g. integrationId) are accepted and dropped. The errors go with
// the body's others (fieldErrors lists the first few): a body is up to
// 1 MiB of keys.
func (b body) only(allowed, ignored []string) channels.FieldErrors {
	ok := map[string]bool{}
	for _, k := range append(allowed, ignored...) {
		ok[strings.ToLower(k)] = true
	}
	var bad []string
	for k, v := range b {
		if !ok[k] {
			bad = append(bad, v.name)
		}
	}
	sort.Strings(bad)
	supported := strings.Join(allowed, ", ")
	errs := make(channels.FieldErrors, 0, len(bad))
	for _, k := range bad {
		errs = append(errs, channels.FieldError{Code: codeNotSupported, Field: k,
			Message: "Property '" + k + "' is not supported; supported: " + supported + "."})
	}
	return errs
}

func (b body) has(k string) bool {
	v, ok := b[strings.ToLower(k)]
	return ok && !bytes.Equal(bytes.TrimSpace(v.raw), []byte("null"))
}

func (b body) raw(k string) json.RawMessage { return b[strings.ToLower(k)].raw }

// str reads a string property; absent or null gives ok=false.
func (b body) str(k string) (string, bool, *channels.FieldError) {
	if !b.has(k) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(b.raw(k), &s); err != nil {
		return "", false, &channels.FieldError{Code: codeWrongType, Field: k, Message: fmt.Sprintf("Property '%s' must be a string.", k)}
	}
	return s, true, nil
}

// enum reads a property given as a string or a number, as text.
func (b body) enum(k string) (string, bool, *channels.FieldError) {
	if !b.has(k) {
		return "", false, nil
	}
	raw := bytes.TrimSpace(b.raw(k))
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), true, nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&n) == nil {
		return channels.NumberText(n), true, nil
	}
	return "", false, &channels.FieldError{Code: codeWrongType, Field: k, Message: fmt.Sprintf("Property '%s' must be a string or a number.", k)}
}

// statusID reads an integration or hub status: its number, or its name.
func (b body) statusID(active, paused int) (int, bool, *channels.FieldError) {
	s, ok, fe := b.enum("statusId")
	if !ok || fe != nil {
		return 0, ok, fe
	}
	switch strings.ToLower(s) {
	case strconv.Itoa(active), "active":
		return active, true, nil
	case strconv.Itoa(paused), "paused":
		return paused, true, nil
	}
	return 0, false, &channels.FieldError{Code: codeOutOfRange, Field: "statusId",
		Message: fmt.Sprintf("Property 'statusId' is '%s'; valid values are %d (Active) and %d (Paused).", s, active, paused)}
}

// pathParams holds every route to one rule for its path parameters: each
// is one whole, non-empty segment, percent-decoded. echo lets a route's
// last parameter take the rest of the path ("/hubs/:id" matches
// "/hubs/x/y/" with id "x/y/"), so a trailing slash or extra segments
// were a 400 about a bad id on some routes and a 404 on others; they are
// no such route (404) on all. echo matches the encoded path when a client
// escaped more than it had to, and hands over "%2D" for "-": RFC 3986
// §6.2.2.2 makes an escaped unreserved character the same as the
// character, so the value is decoded before any handler validates it (an
// escaped "/", %2F, is then part of the value, not a separator).
func pathParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strayParam(c) {
			return echo.ErrNotFound
		}
		if c.Request().URL.RawPath != "" { // echo matched the path as sent, escapes and all
			vals := slices.Clone(c.ParamValues())
			for i, name := range c.ParamNames() {
				if name == "*" {
					continue
				}
				if v, err := url.PathUnescape(vals[i]); err == nil {
					vals[i] = v
				}
			}
			c.SetParamValues(vals...)
		}
		return next(c)
	}
}

// strayParam reports whether a path parameter of the route c matched is
// not one segment of the path: empty, or holding the path's own '/'. A
// catch-all's "*" takes any rest by design.
func strayParam(c echo.Context) bool {
	vals := c.ParamValues()
	for i, name := range c.ParamNames() {
		if name != "*" && (vals[i] == "" || strings.Contains(vals[i], "/")) {
			return true
		}
	}
	return false
}

// parseID checks that an id in the path (the route's param) is a UUID.
// Its error names field, the parameter as the API reference names it
// (hubId, integrationId): the routes share echo's ":id".
func parseID(c echo.Context, param, field, what string) (string, error) {
	id := c.Param(param)
	u, err := uuid.Parse(id)
	if err != nil {
		return "", badRequest(codeBadGUID, field, fmt.Sprintf("'%s' is not a valid %s id (a GUID is expected).", id, what))
	}
	return u.String(), nil
}

// paging reads pageNumber (>= 0, default 0) and pageSize (1–100, default 50).
func paging(c echo.Context) (page, size int, err error) {
	read := func(name string, def, lo, hi int) (int, error) {
		s := c.QueryParam(name)
		if s == "" {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) { // a whole number, too long for an int
			return 0, badRequest(codeOutOfRange, name, fmt.Sprintf("Parameter '%s' is %s; it must be between %d and %d.", name, s, lo, hi))
		}
		if err != nil {
			return 0, badRequest(codeBadFormat, name, fmt.Sprintf("Parameter '%s' is '%s'; it must be a whole number.", name, s))
		}
		if n < lo || n > hi {
			return 0, badRequest(codeOutOfRange, name, fmt.Sprintf("Parameter '%s' is %d; it must be between %d and %d.", name, n, lo, hi))
		}
		return n, nil
	}
	if page, err = read("pageNumber", 0, 0, 1<<30); err != nil {
		return
	}
	size, err = read("pageSize", 50, 1, 100)
	return
}

// statusParam reads a list's ?statusId=: a status's number or its name
// (active, paused), in any case; 0 when absent.
func statusParam(c echo.Context, active, paused int) (int, error) {
	s := c.QueryParam("statusId")
	switch strings.ToLower(s) {
	case "":
		return 0, nil
	case strconv.Itoa(active), "active":
		return active, nil
	case strconv.Itoa(paused), "paused":
		return paused, nil
	}
	return 0, badRequest(codeOutOfRange, "statusId", fmt.Sprintf("Parameter 'statusId' is '%s'; valid values are %d or active, and %d or paused.", s, active, paused))
}

// searchParam refuses a filter's text holding a NUL, which no name or id
// holds: SQLite reads a LIKE pattern up to its first NUL, so "?q=%00zzz"
// matched everything (the store now matches nothing, but the client is
// told its search is not what it meant).
func searchParam(name, v string) *channels.FieldError {
	if !utf8.ValidString(v) {
		return &channels.FieldError{Code: codeBadFormat, Field: name,
			Message: fmt.Sprintf("Parameter '%s' is not valid UTF-8 once percent-decoded; encode the text's UTF-8 bytes (é is %%C3%%A9).", name)}
	}
	if strings.ContainsRune(v, 0) {
		return &channels.FieldError{Code: codeBadFormat, Field: name,
			Message: fmt.Sprintf("Parameter '%s' contains U+0000 (NUL), which no name or id holds; leave it out.", name)}
	}
	return nil
}

// page is the paged envelope of list endpoints.
type page[T any] struct {
	PageNumber int `json:"pageNumber"`
	PageSize   int `json:"pageSize"`
	Total      int `json:"total"`
	Results    []T `json:"results"`
}

// apiParams are the query parameters each API route takes. Any other is a
// 400 naming it, as an unknown body property is: a misspelled filter
// (?HubID=, ?status=) would otherwise be ignored in silence, and a client
// about to pause or delete what a list returned would act on everything.
// Names match in any case, as body keys do, and each may be given once.
var apiParams = map[string][]string{
	"GET /api/v1/integrations":                {"hubId", "channelId", "statusId", "q", "pageNumber", "pageSize"},
	"PUT /api/v1/integrations/:id":            {"regenerate-key"},
	"POST /api/v1/integrations/hubs/:id":      {"regenerate-key"}, // an update, when the id is an integration's
	"GET /api/v1/hubs":                        {"q", "statusId", "pageNumber", "pageSize"},
	"GET /api/v1/audit":                       {"actor", "action", "objectType", "objectId", "pageNumber", "pageSize"},
	"GET /api/v1/integrations/:id/deliveries": {"pageNumber", "pageSize"},
}

// checkParams refuses query parameters the route does not take, and
// rewrites the ones it takes to their documented spelling.
func checkParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.URL.RawQuery == "" || strings.HasSuffix(c.Path(), "/*") { // no query, or no such route
			return next(c)
		}
		allowed := apiParams[r.Method+" "+c.Path()]
		q, errs := parseQuery(r.URL.RawQuery)
		fixed := make(url.Values, len(q))
		for k, vs := range q {
			name := ""
			for _, a := range allowed {
				if strings.EqualFold(k, a) {
					name = a
				}
			}
			switch {
			case name == "":
				msg := fmt.Sprintf("Parameter '%s' is not supported here", k)
				if len(allowed) > 0 {
					msg += "; supported: " + strings.Join(allowed, ", ")
				}
				errs = append(errs, channels.FieldError{Code: codeNotSupported, Field: k, Message: msg + "."})
			case len(vs) > 1 || fixed.Has(name):
				errs = append(errs, channels.FieldError{Code: codeBadFormat, Field: name, Message: fmt.Sprintf("Parameter '%s' is given more than once.", name)})
			default:
				fixed[name] = vs
			}
		}
		if len(errs) > 0 {
			slices.SortFunc(errs, func(a, b channels.FieldError) int { return strings.Compare(a.Field, b.Field) })
			return errs
		}
		r.URL.RawQuery = fixed.Encode()
		c.SetRequest(r)
		return next(c)
	}
}

// parseQuery reads a query string as url.ParseQuery does, pair by pair,
// and names each pair it cannot read: r.URL.Query() drops those in
// silence, and "?hubId=%zz…" or "?hubId=…;x" would list every hub's
// integrations.
func parseQuery(raw string) (url.Values, channels.FieldErrors) {
	q := url.Values{}
	var errs channels.FieldErrors
	for pair := range strings.SplitSeq(raw, "&") {
		v, err := url.ParseQuery(pair)
		if err == nil {
			for k, vs := range v {
				q[k] = append(q[k], vs...)
			}
			continue
		}
		k, _, _ := strings.Cut(pair, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		msg := fmt.Sprintf("Parameter '%s' holds a ';', which does not separate parameters; use '&' between them, and %%3B for a ';' in a value.", k)
		var esc url.EscapeError
		if errors.As(err, &esc) {
			msg = fmt.Sprintf("Parameter '%s' holds '%s', which is no percent-escape; send a '%%' as %%25.", k, string(esc))
		}
		errs = append(errs, channels.FieldError{Code: codeBadFormat, Field: k, Message: msg})
	}
	return q, errs
}

// utf16Text: a body that starts as UTF-16 does, with its byte order mark
// or with a zero byte beside the first ASCII character ("{\x00" or
// "\x00{"), which UTF-8 JSON never has.
func utf16Text(raw []byte) bool {
	if len(raw) < 2 {
		return false
	}
	if (raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF) {
		return true
	}
	return raw[0] == 0 || raw[1] == 0
}
