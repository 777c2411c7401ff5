package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"hubadmin/channels"
	"hubadmin/db"
)

// Error codes of hubadmin's problem details: Hubster's where it has one
// (docs/api/6_error_codes.rst of hubsterio/docs), 9xx for hubadmin's own.
const (
	codeForbidden      = 101
	codeUnauthorized   = 102
	codeNotAvailable   = 104 // the operation is not available (a wrong method)
	codeNotFound       = 105
	codeNotImplemented = 103
	codeTimedOut       = 108
	codeAborted        = 109 // other updates of the row kept winning
	codeBadFormat      = 201
	codeBadGUID        = 203
	codeOutOfRange     = 207
	codeBodyMissing    = 300
	codeRequired       = 301
	codeWrongType      = 302
	codeNotSupported   = 303
	codeHubNameExists  = 600
	codeHubNotFound    = 699
	codeNameExists     = 700
	codeAttached       = 701
	codeIntNotFound    = 799
	codeProviderRefuse = 901
	codeProviderDown   = 902
	codeStateInvalid   = 903
	codeTargetRefused  = 904
	codeTooLarge       = 905
	codeRateLimited    = 906
	codeCannotTest     = 907
	codeInternal       = 500
	codeUnavailable    = 503
)

// Problem is an RFC 9457 problem detail that is also Hubster's error shape.
type Problem struct {
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Status     int            `json:"status"`
	Detail     string         `json:"detail"`
	Errors     []ProblemError `json:"errors"`
	TrackingID string         `json:"trackingId"`
	Timestamp  string         `json:"timestamp"`
}

// ProblemError is one entry of Problem.Errors.
type ProblemError struct {
	Code        int    `json:"code"`
	Field       string `json:"field,omitempty"`
	Description string `json:"description"`
}

// apiError is an error a handler returns to be rendered as a Problem.
type apiError struct {
	Status int
	Detail string
	Errors []ProblemError
	Header http.Header
}

func (e *apiError) Error() string { return e.Detail }

// problem builds an apiError with one entry.
func problem(status, code int, field, msg string) *apiError {
	return &apiError{Status: status, Detail: msg, Errors: []ProblemError{{Code: code, Field: field, Description: msg}}}
}

func badRequest(code int, field, msg string) *apiError {
	return problem(http.StatusBadRequest, code, field, msg)
}

// maxFieldErrors bounds the entries of one answer: a body of a thousand
// unknown keys gets the first few and a count, not an answer many times
// the size of the request.
const maxFieldErrors = 20

func fieldErrors(errs channels.FieldErrors) *apiError {
	e := &apiError{Status: http.StatusBadRequest}
	var msgs []string
	for _, fe := range errs[:min(len(errs), maxFieldErrors)] {
		e.Errors = append(e.Errors, ProblemError{Code: fe.Code, Field: fe.Field, Description: fe.Message})
		msgs = append(msgs, fe.Message)
	}
	if more := len(errs) - maxFieldErrors; more > 0 {
		msgs = append(msgs, fmt.Sprintf("(%d more errors not listed.)", more))
	}
	e.Detail = strings.Join(msgs, " ")
	return e
}

func notFound(code int, what, id string) *apiError {
	return problem(http.StatusNotFound, code, "", fmt.Sprintf("No %s with id '%s' exists.", what, id))
}

// gone turns the store's ErrNotFound for an item deleted by a racing
// request into the 404 a request sent after the delete gets.
func gone(err error, code int, what, id string) error {
	if errors.Is(err, db.ErrNotFound) {
		return notFound(code, what, id)
	}
	return err
}

// errBusyRow: an update was overtaken by other updates of the same row on
// every try. Nothing was written; sending it again applies it.
var errBusyRow = problem(http.StatusConflict, codeAborted, "",
	"Other requests kept changing this item while the update was being applied; nothing was changed by this one. Send it again.")

func forbidden(msg string) *apiError { return problem(http.StatusForbidden, codeForbidden, "", msg) }

// toAPIError maps domain errors to problems; ok is false for bugs.
func toAPIError(err error) (*apiError, bool) {
	var ae *apiError
	var he *echo.HTTPError
	var fe channels.FieldErrors
	switch {
	case errors.As(err, &ae):
		return ae, true
	case errors.As(err, &fe):
		return fieldErrors(fe), true
	case errors.As(err, &he):
		return fromHTTPError(he), true
	case errors.Is(err, context.DeadlineExceeded):
		return problem(http.StatusRequestTimeout, codeTimedOut, "", "The request took too long and was stopped; nothing was changed unless a response said so."), true
	}
	if pe, ok := channels.AsProviderError(err); ok {
		code := codeProviderRefuse
		if pe.Unreachable {
			code = codeProviderDown
		}
		return badRequest(code, providerField(pe), pe.Message), true
	}
	if errors.Is(err, db.ErrNotFound) {
		return problem(http.StatusNotFound, codeNotFound, "", "Not found."), true
	}
	if db.IsDiskFull(err) {
		return errDiskFull, true
	}
	var ue *db.UnreadableSecretsError
	if errors.As(err, &ue) {
		// The server's fault (its data), so a 500, but one that says what
		// is wrong and the way out: a delete, which works on it.
		return problem(http.StatusInternalServerError, codeInternal, "", fmt.Sprintf(
			"The stored secrets of integration %s cannot be opened with this server's secret key: the stored value is damaged, or another key sealed it. Delete the integration (from its hub's page, or DELETE /api/v1/integrations/%s) and create it again with its credentials.", ue.ID, ue.ID)), true
	}
	return nil, false
}

// errDiskFull: a write refused because the server's disk is full. It is
// the server's trouble, not the request's, and passes once space is freed:
// 503 with Retry-After, not a 500 that reads as a bug.
var errDiskFull = func() *apiError {
	e := problem(http.StatusServiceUnavailable, codeUnavailable, "",
		"The server's disk is full, so nothing was saved. Retry once space has been freed on the server.")
	e.Header = http.Header{"Retry-After": {"60"}}
	return e
}()

// providerField is the field a provider's refusal names in an error:
// the configuration property it is about, else the whole configuration.
func providerField(pe *channels.ProviderError) string {
	if pe.Field == "" || pe.Unreachable {
		return "configuration"
	}
	return "configuration." + pe.Field
}

func fromHTTPError(he *echo.HTTPError) *apiError {
	msg := http.StatusText(he.Code)
	if s, ok := he.Message.(string); ok && s != "" {
		msg = s
	}
	code := codeBadFormat
	switch he.Code {
	case http.StatusNotFound:
		code, msg = codeNotFound, "No such route: check the method and path against the API reference."
	case http.StatusMethodNotAllowed:
		code, msg = codeNotAvailable, "This path does not accept that method; the Allow header lists the ones it does."
	case http.StatusRequestEntityTooLarge:
		code, msg = codeTooLarge, "The request body is larger than 1 MiB."
	case http.StatusUnauthorized:
		code = codeUnauthorized
	case http.StatusForbidden:
		code = codeForbidden
	case http.StatusTooManyRequests:
		code, msg = codeRateLimited, "Too many requests with this token; wait a moment and retry."
	case http.StatusServiceUnavailable:
		code = codeUnavailable
	case http.StatusRequestTimeout:
		code = codeTimedOut
	}
	return problem(he.Code, code, "", msg)
}

func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || strings.HasPrefix(p, "/connect/")
}

// isProbePath: /healthz and /readyz, asked by load balancers and scripts,
// which read JSON, never the dashboard's HTML error page.
func isProbePath(p string) bool { return p == "/healthz" || p == "/readyz" }

// errorHandler renders every error: problem+json on the API, JSON on the
// probes (/healthz, /readyz), an HTML page elsewhere. A bug is logged with
// its request id; the client gets the id.
func (h *handler) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ae, ok := toAPIError(err)
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	switch {
	case ae == errDiskFull:
		h.log.Error("the disk is full: writes fail until space is freed", "request_id", rid, "path", c.Request().URL.Path, "err", err)
	case unreadable(err):
		h.log.Error("an integration's secrets cannot be opened: delete it and make it again", "request_id", rid, "path", c.Request().URL.Path, "err", err)
	}
	if !ok {
		h.log.Error("request failed", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		ae = problem(http.StatusInternalServerError, codeInternal, "",
			"Something went wrong on our side. The error was logged with tracking id "+rid+".")
	}
	for k, vs := range ae.Header {
		for _, v := range vs {
			c.Response().Header().Add(k, v)
		}
	}
	switch path := c.Request().URL.Path; {
	case isProbePath(path) && ae.Status == http.StatusServiceUnavailable:
		notReady(c, ae.Detail)
	case isAPIPath(path) || isProbePath(path):
		writeProblem(c, ae, rid)
	default:
		h.renderErrorPage(c, ae)
	}
}

// notReady is a probe's 503 (draining, or no database): the shape of its
// 200, {"status":"ready"}, so a script reads .status either way. The
// security headers are the page's, as on the 200 (securityHeaders).
func notReady(c echo.Context, detail string) {
	res := c.Response()
	if res.Header().Get("Retry-After") == "" {
		res.Header().Set("Retry-After", "5")
	}
	res.Header().Set(echo.HeaderContentType, "application/json; charset=utf-8")
	res.WriteHeader(http.StatusServiceUnavailable)
	writeJSON(res, map[string]string{"status": "unavailable", "detail": detail})
}

// writeProblem writes ae as problem+json; a HEAD request gets its status alone.
func writeProblem(c echo.Context, ae *apiError, rid string) {
	p := Problem{
		Type: "about:blank", Title: http.StatusText(ae.Status), Status: ae.Status, Detail: ae.Detail,
		Errors: slices.Clone(ae.Errors), TrackingID: rid, Timestamp: time.Now().UTC().Format(time.RFC3339),
	}
	// A copy: ae may be shared (errBusyRow), and its descriptions must
	// not gain a code suffix per answer.
	for i := range p.Errors {
		p.Errors[i].Description = withCode(p.Errors[i].Description, p.Errors[i].Code)
	}
	if p.Errors == nil {
		p.Errors = []ProblemError{}
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(ae.Status)
		return
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(ae.Status)
	writeJSON(c.Response(), p)
}

// withCode appends Hubster's "(code: PRT000NNN)" suffix.
func withCode(desc string, code int) string {
	return fmt.Sprintf("%s (code: PRT%06d)", desc, code)
}
