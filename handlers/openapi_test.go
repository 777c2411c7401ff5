package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/PuerkitoBio/goquery"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/labstack/echo/v4"
)

// The contract: every request the handler tests send through the server
// (testApp.api, postRaw, a browser's requests, ...) is checked against
// openapi.yaml, with kin-openapi's request and response validation, by a
// Pre middleware that newTestApp installs. So every API test is a contract
// test, and the document cannot drift from the code:
//
//   - a response must match its operation's documented status, headers and
//     body schema (IncludeResponseStatus: an undocumented status fails);
//   - a request the document calls invalid must not succeed (a 2xx answer to
//     it means the document is stricter than the server);
//   - a request to a path or method the document lacks must be a 401, 404 or
//     405 problem.
//
// The document is OpenAPI 3.1; kin-openapi v0.153.0 validates 3.1 schemas
// with a JSON Schema 2020-12 validator (santhosh-tekuri/jsonschema), so
// const, type arrays, unevaluatedProperties and oneOf are all enforced.

type contract struct {
	doc    *openapi3.T
	router routers.Router
	// keys maps lower-cased property names to the document's spelling: the
	// server matches request keys case-insensitively, so requests are
	// canonicalised before validation.
	keys    map[string]string
	problem *openapi3.Schema
}

// loadContract parses the document once per test binary. It is read-only
// afterwards.
var loadContract = sync.OnceValues(func() (*contract, error) {
	doc, err := loadOpenAPI(context.Background())
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	ct := &contract{doc: doc, router: router, keys: map[string]string{}}
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.SchemaRef)
	walk = func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		v := s.Value
		seen[v] = true
		for name, p := range v.Properties {
			ct.keys[strings.ToLower(name)] = name
			walk(p)
		}
		for _, subs := range []openapi3.SchemaRefs{v.AllOf, v.AnyOf, v.OneOf} {
			for _, sub := range subs {
				walk(sub)
			}
		}
		walk(v.Items)
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	ct.problem = doc.Components.Schemas["Problem"].Value
	return ct, nil
})

func mustContract(t testing.TB) *contract {
	t.Helper()
	ct, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// contractCheck is the Pre middleware newTestApp installs.
func contractCheck(t testing.TB) echo.MiddlewareFunc {
	ct := mustContract(t)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if !ct.covers(req.URL.Path) || req.Method == http.MethodHead {
				return next(c)
			}
			var reqBody []byte
			if req.Body != nil {
				var err error
				reqBody, err = io.ReadAll(req.Body)
				// The handler reads what came, and then the read's own
				// failure (a read deadline passed, say), as it would have.
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(reqBody), failingReader{err}))
			}
			tee := &teeWriter{ResponseWriter: c.Response().Writer}
			c.Response().Writer = tee
			err := next(c)
			if err != nil {
				c.Error(err) // as ServeHTTP would, so the response is complete
			}
			if verr := ct.check(req, reqBody, c.Response().Status, c.Response().Header(), tee.buf.Bytes()); verr != nil {
				t.Errorf("contract (handlers/openapi.yaml): %s %s → %d: %v\nresponse: %s", req.Method, req.URL.RequestURI(),
					c.Response().Status, verr, truncate(tee.buf.String(), 600))
			}
			return nil
		}
	}
}

// failingReader fails every read with err (io.EOF when err is nil).
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) {
	if r.err == nil {
		return 0, io.EOF
	}
	return 0, r.err
}

type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// covers reports whether a path belongs to the documented surface.
func (ct *contract) covers(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return isAPIPath(path)
}

// check validates one exchange; nil means it keeps the contract.
func (ct *contract) check(orig *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	ctx := context.Background()
	req := orig.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(ct.canonical(reqBody, req.Header.Get("Content-Type"))))
	route, params, err := ct.router.FindRoute(req)
	for _, v := range params {
		if v == "" && err == nil {
			// The router reads /hubs as /hubs/{hubId} with an empty id:
			// that is no route of the document.
			err = fmt.Errorf("empty path parameter")
		}
	}
	if err != nil {
		// Not in the document: only "no such route" answers are allowed,
		// and on the API they are problems.
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed && status != http.StatusUnauthorized {
			return fmt.Errorf("%s %s is not in the document (%v) but the server answered %d", req.Method, req.URL.Path, err, status)
		}
		return ct.checkProblem(header, body)
	}
	in := &openapi3filter.RequestValidationInput{
		Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent},
	}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	if reqErr != nil && status < 400 {
		return fmt.Errorf("the document says the request is invalid (%v), but the server answered %d: the document is stricter than the server", reqErr, status)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return err
	}
	return nil
}

func (ct *contract) checkProblem(header http.Header, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if ctype := header.Get("Content-Type"); !strings.HasPrefix(ctype, "application/problem+json") {
		return fmt.Errorf("error body has Content-Type %q, want application/problem+json", ctype)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return ct.problem.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

// bearerPresent stands in for authentication in request validation: the
// document's security needs a Bearer credential; whether it is a good one
// is the server's business (a 401 is a documented answer).
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme, cred, _ := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(cred) == "" {
		return errors.New("no Bearer credential")
	}
	return nil
}

// canonical rewrites a JSON body's keys to the document's spelling
// (the server reads keys case-insensitively: ChannelId is channelId).
func (ct *contract) canonical(body []byte, contentType string) []byte {
	if !strings.Contains(contentType, "json") || len(bytes.TrimSpace(body)) == 0 {
		return body
	}
	body = bytes.TrimPrefix(body, []byte("\ufeff")) // the server ignores a byte order mark
	var v any
	if json.Unmarshal(body, &v) != nil {
		return body
	}
	var fix func(v any) any
	fix = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, val := range x {
				name := k
				if canon, ok := ct.keys[strings.ToLower(k)]; ok {
					if _, clash := x[canon]; !clash || canon == k {
						name = canon
					}
				}
				out[name] = fix(val)
			}
			return out
		case []any:
			for i := range x {
				x[i] = fix(x[i])
			}
			return x
		}
		return v
	}
	b, err := json.Marshal(fix(v))
	if err != nil {
		return body
	}
	return b
}

// ---------------------------------------------------------------------------

// TestOpenAPIDocument: the document is valid OpenAPI 3.1, its examples
// match their schemas, and it is served, public, at /api/openapi.yaml.
func TestOpenAPIDocument(t *testing.T) {
	ct := mustContract(t)
	if !ct.doc.IsOpenAPI31OrLater() || ct.doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi: %q, want 3.1.0", ct.doc.OpenAPI)
	}
	if err := ct.doc.Validate(context.Background(), openapi3.EnableExamplesValidation()); err != nil {
		t.Fatal(err)
	}
	a := newTestApp(t)
	rec := a.api("GET", "/api/openapi.yaml", "", "")
	mustStatus(t, rec, 200)
	if !bytes.Equal(rec.Body.Bytes(), openapiYAML) || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("served document differs or has Content-Type %q", rec.Header().Get("Content-Type"))
	}
}

// TestOpenAPICoversEveryRoute: every API route the server registers is in
// the document, and every documented operation is a route.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	ct := mustContract(t)
	a := newTestApp(t)
	served := map[string]bool{}
	for _, r := range a.srv.Routes() {
		if !ct.covers(r.Path) || r.Path == "/api/*" || strings.HasSuffix(r.Path, "/*") || r.Method == echo.RouteNotFound {
			continue
		}
		path := echoToOpenAPI(r.Path)
		key := r.Method + " " + path
		served[key] = true
	}
	documented := map[string]bool{}
	for path, item := range ct.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+normalizeParams(path)] = true
		}
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	t.Logf("%d served, %d documented", len(served), len(documented))
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("documented operations the server does not route: %v", extra)
	}
}

// echoToOpenAPI turns /a/:id/b into /a/{}/b (names differ between the two).
func echoToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "/")
}

func normalizeParams(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, "{") {
			parts[i] = "{}"
		}
	}
	return strings.Join(parts, "/")
}

// TestContractCatchesMismatch: the contract check fails on a response that
// does not match the document, so a drift cannot pass unnoticed.
func TestContractCatchesMismatch(t *testing.T) {
	ct := mustContract(t)
	a := newTestApp(t)
	tok := a.token("write")
	h := a.hub("Contract")
	rec := a.api("POST", "/api/v1/integrations/hubs/"+h.ID, tok, `{"channelId":"WebChat","name":"Chat","configuration":{"allowedOrigins":["www.example.com"]}}`)
	mustStatus(t, rec, 200)
	good := rec.Body.Bytes()

	req := httptest.NewRequest("GET", "/api/v1/integrations/"+decode[integrationOut](t, rec).IntegrationID, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	hdr := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"r1"}}
	if err := ct.check(req, nil, 200, hdr, good); err != nil {
		t.Fatalf("a real response fails the contract: %v", err)
	}
	mutate := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	for name, c := range map[string]struct {
		status int
		header http.Header
		body   []byte
	}{
		"statusId as a string":        {200, hdr, mutate(func(m map[string]any) { m["statusId"] = "3000" })},
		"undocumented key":            {200, hdr, mutate(func(m map[string]any) { m["tenantId"] = "x" })},
		"inboundId on WebChat":        {200, hdr, mutate(func(m map[string]any) { m["inboundId"] = "x" })},
		"Twilio config under WebChat": {200, hdr, mutate(func(m map[string]any) { m["configuration"] = map[string]any{"accountSid": "AC0"} })},
		"echo false on WebChat":       {200, hdr, mutate(func(m map[string]any) { m["configuration"].(map[string]any)["echo"] = false })},
		"missing created":             {200, hdr, mutate(func(m map[string]any) { delete(m, "created") })},
		"undocumented status 201":     {201, hdr, good},
		"no X-Request-Id":             {200, http.Header{"Content-Type": {"application/json"}}, good},
		"problem with string code": {404, http.Header{"Content-Type": {"application/problem+json"}, "X-Request-Id": {"r"}},
			[]byte(`{"type":"about:blank","title":"Not Found","status":404,"detail":"x","errors":[{"code":"799","description":"x (code: PRT000799)"}],"trackingId":"r","timestamp":"2024-01-01T00:00:00Z"}`)},
	} {
		if err := ct.check(req, nil, c.status, c.header, c.body); err == nil {
			t.Errorf("%s: the contract check passed a response that does not match the document", name)
		}
	}

	// A request the document calls invalid must not succeed.
	bad := httptest.NewRequest("POST", "/api/v1/hubs", strings.NewReader(`{"name":42}`))
	bad.Header.Set("Content-Type", "application/json")
	bad.Header.Set("Authorization", "Bearer "+tok)
	hub := []byte(`{"hubId":"` + h.ID + `","tenantId":"00000000-0000-0000-0000-000000000001","name":"42","description":"","closeDormantConversation":null,"statusId":2000,"created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z"}`)
	if err := ct.check(bad, []byte(`{"name":42}`), 200, hdr, hub); err == nil {
		t.Error("an invalid request answered 200 passed the contract check")
	}
}

// TestAPIDocsPage: the dashboard's API reference is rendered from the
// document, with no script, no inline style and no external reference.
func TestAPIDocsPage(t *testing.T) {
	a := newTestApp(t)
	b := a.signIn("viewer")
	rec := b.get("/api-docs")
	mustStatus(t, rec, 200)
	page := rec.Body.String()
	ct := mustContract(t)
	for path, item := range ct.doc.Paths.Map() {
		if !strings.Contains(page, path) {
			t.Errorf("page lacks path %s", path)
		}
		for _, op := range item.Operations() {
			if !strings.Contains(page, htmlEscape(op.Summary)) {
				t.Errorf("page lacks summary %q", op.Summary)
			}
		}
	}
	for _, want := range []string{`href="/api/openapi.yaml"`, "pageNumber", "Request body", "&#34;channelId&#34;"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "style=", `src="http`, `href="http`, "swagger"} {
		if strings.Contains(page, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	// The descriptions' Markdown is rendered, not printed: the overview's
	// bullets are a list, `code` is code, and no Markdown mark is left.
	d := doc(t, rec)
	overview := d.Find(`section[aria-labelledby="api-overview"]`)
	if n := overview.ChildrenFiltered("ul").Find("li").Length(); n < 5 {
		t.Errorf("overview has %d list items, want the document's bullets", n)
	}
	if overview.Find("code").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == "200" }).Length() == 0 {
		t.Error("overview: `200` is not rendered as code")
	}
	if text := d.Find("main").Text(); strings.Contains(text, "`") || strings.Contains(text, "\n* ") {
		t.Errorf("Markdown marks left in the page's text")
	}
	// Signed out: the login page.
	if rec := a.newBrowser().get("/api-docs"); rec.Code != http.StatusSeeOther {
		t.Errorf("signed out: %d", rec.Code)
	}
}

func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestAPIDocsExamples: the examples the API reference page shows for
// successful responses match their schemas.
func TestAPIDocsExamples(t *testing.T) {
	ct := mustContract(t)
	for path, item := range ct.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, r := range op.Responses.Map() {
				mt := r.Value.Content.Get("application/json")
				if !strings.HasPrefix(code, "2") || mt == nil || mt.Schema == nil {
					continue
				}
				v := exampleOf(mt.Schema, 0)
				b, _ := json.Marshal(v)
				var back any
				_ = json.Unmarshal(b, &back)
				if err := mt.Schema.Value.VisitJSON(back, openapi3.EnableJSONSchema2020()); err != nil {
					t.Errorf("%s %s %s: example %s does not match: %v", method, path, code, b, err)
				}
			}
		}
	}
}

// TestQueryParametersMatchTheDocument: the query parameters each API route
// takes (apiParams, which refuses any other) are the ones openapi.yaml
// documents for it, so neither list can grow without the other.
func TestQueryParametersMatchTheDocument(t *testing.T) {
	ct, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	e := newTestApp(t).srv
	fill := regexp.MustCompile(`\{[^}]+\}`)
	documented := map[string][]string{}
	for path, item := range ct.doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method, op := range item.Operations() {
			var names []string
			for _, p := range append(item.Parameters, op.Parameters...) {
				if p.Value != nil && p.Value.In == "query" {
					names = append(names, p.Value.Name)
				}
			}
			if len(names) == 0 {
				continue
			}
			r := httptest.NewRequest(method, fill.ReplaceAllString(path, "8b2e1f4c-0000-4000-8000-000000000000"), nil)
			c := e.NewContext(r, nil)
			e.Router().Find(method, r.URL.Path, c)
			slices.Sort(names)
			documented[method+" "+c.Path()] = names
		}
	}
	taken := map[string][]string{}
	for route, names := range apiParams {
		names = slices.Clone(names)
		slices.Sort(names)
		taken[route] = names
	}
	if fmt.Sprint(documented) != fmt.Sprint(taken) {
		t.Errorf("query parameters:\n documented %v\n taken      %v", documented, taken)
	}
}
