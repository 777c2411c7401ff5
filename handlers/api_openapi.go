package handlers

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/yuin/goldmark"

	"hubadmin/views"
)

// openapiYAML is the OpenAPI 3.1 document of the REST API. The handler
// tests validate every API request and response against it (see
// openapi_test.go), so it cannot drift from the code.
//
//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPIDocument returns the embedded OpenAPI 3.1 document (YAML).
func OpenAPIDocument() []byte { return openapiYAML }

// loadOpenAPI parses the embedded document.
func loadOpenAPI(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return doc, nil
}

// openapiDoc is GET /api/openapi.yaml: public, like the API reference of
// any public API.
func (h *handler) openapiDoc(c echo.Context) error {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "application/yaml; charset=utf-8")
	hd.Set("Cache-Control", "no-cache")
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(openapiYAML)
	return err
}

// apiReference is the dashboard's API reference, built once from the
// embedded document: it never changes while the process runs.
var apiReference = sync.OnceValues(func() (views.APIDocs, error) {
	doc, err := loadOpenAPI(context.Background())
	if err != nil {
		return views.APIDocs{}, err
	}
	return apiDocsModel(doc), nil
})

// uiAPIDocs is GET /api-docs: the API reference rendered from openapi.yaml,
// no script and no external request.
func (h *handler) uiAPIDocs(c echo.Context) error {
	m, err := apiReference()
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.APIDocsPage(h.page(c, "API reference", "api-docs"), m))
}

var docMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions}

// markdownHTML renders a description of the document, CommonMark as
// OpenAPI says, to HTML. goldmark leaves raw HTML out (it is not enabled),
// so only Markdown's own elements reach the page.
func markdownHTML(s string) string {
	var b strings.Builder
	if err := goldmark.Convert([]byte(strings.TrimSpace(s)), &b); err != nil {
		// The document is embedded and checked by tests; should it ever
		// fail to convert, its text is still worth showing.
		return html.EscapeString(s)
	}
	return b.String()
}

// apiDocsModel turns the document into the page's view model, grouped by
// tag in the document's tag order.
func apiDocsModel(doc *openapi3.T) views.APIDocs {
	m := views.APIDocs{Title: doc.Info.Title, Version: doc.Info.Version, Description: markdownHTML(doc.Info.Description)}
	byTag := map[string]*views.APITag{}
	for _, t := range doc.Tags {
		m.Tags = append(m.Tags, views.APITag{Name: t.Name, Description: markdownHTML(t.Description)})
	}
	for i := range m.Tags {
		byTag[m.Tags[i].Name] = &m.Tags[i]
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for _, method := range docMethods {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			o := views.APIOperation{
				ID: op.OperationID, Method: method, Path: path, Summary: op.Summary,
				Description: markdownHTML(op.Description), Auth: authOf(doc, op),
			}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value == nil {
					continue
				}
				o.Params = append(o.Params, views.APIParam{
					Name: p.Value.Name, In: p.Value.In, Required: p.Value.Required,
					Type: schemaType(p.Value.Schema), Description: markdownHTML(p.Value.Description),
				})
			}
			if rb := op.RequestBody; rb != nil && rb.Value != nil {
				for _, ct := range sortedKeys(rb.Value.Content) {
					mt := rb.Value.Content[ct]
					o.RequestType = ct
					o.RequestExample = exampleJSON(mt)
					break
				}
			}
			for _, code := range sortedKeys(op.Responses.Map()) {
				r := op.Responses.Value(code)
				if r == nil || r.Value == nil {
					continue
				}
				resp := views.APIResponse{Status: code}
				if r.Value.Description != nil {
					resp.Description = markdownHTML(*r.Value.Description)
				}
				for _, ct := range sortedKeys(r.Value.Content) {
					resp.ContentType = ct
					if strings.HasPrefix(code, "2") {
						o.ResponseExample = exampleJSON(r.Value.Content[ct])
					}
					break
				}
				o.Responses = append(o.Responses, resp)
			}
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			t := byTag[tag]
			if t == nil {
				m.Tags = append(m.Tags, views.APITag{Name: tag})
				for i := range m.Tags {
					byTag[m.Tags[i].Name] = &m.Tags[i]
				}
				t = byTag[tag]
			}
			t.Operations = append(t.Operations, o)
		}
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func authOf(doc *openapi3.T, op *openapi3.Operation) string {
	reqs := doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var names []string
	for _, r := range reqs {
		for name := range r {
			names = append(names, name)
		}
	}
	switch {
	case len(names) == 0:
		return "none"
	case len(names) == 1 && names[0] == "bearerAuth":
		return "Bearer API token"
	case len(names) == 1 && names[0] == "metricsToken":
		return "Bearer metrics token"
	}
	return strings.Join(names, ", ")
}

// schemaType is a short type name for a parameter.
func schemaType(s *openapi3.SchemaRef) string {
	if s == nil || s.Value == nil {
		return ""
	}
	v := s.Value
	t := ""
	if v.Type != nil {
		t = strings.Join(v.Type.Slice(), " | ")
	}
	if v.Format != "" {
		t += " (" + v.Format + ")"
	}
	return t
}

// exampleJSON is a media type's example, or one made from its schema.
func exampleJSON(mt *openapi3.MediaType) string {
	if mt == nil {
		return ""
	}
	var v any
	switch {
	case mt.Example != nil:
		v = mt.Example
	case mt.Schema != nil:
		v = exampleOf(mt.Schema, 0)
	default:
		return ""
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}

// exampleOf makes an example value from a schema: its examples, const,
// enum or default, else a value of its type; objects list every property.
func exampleOf(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 8 {
		return nil
	}
	s := ref.Value
	switch {
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Example != nil:
		return s.Example
	case s.Const != nil:
		return s.Const
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Default != nil:
		return s.Default
	case len(s.OneOf) > 0:
		return exampleOf(s.OneOf[0], depth+1)
	case len(s.AnyOf) > 0:
		return exampleOf(s.AnyOf[0], depth+1)
	}
	if len(s.AllOf) > 0 || len(s.Properties) > 0 {
		obj := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := exampleOf(sub, depth+1).(map[string]any); ok {
				for k, v := range m {
					obj[k] = v
				}
			}
		}
		for name, p := range s.Properties {
			obj[name] = exampleOf(p, depth+1)
		}
		return obj
	}
	if s.Type == nil {
		return nil
	}
	switch {
	case s.Type.Includes("object"):
		return map[string]any{}
	case s.Type.Includes("array"):
		if item := exampleOf(s.Items, depth+1); item != nil {
			return []any{item}
		}
		return []any{}
	case s.Type.Includes("integer"), s.Type.Includes("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 0
	case s.Type.Includes("boolean"):
		return true
	case s.Type.Includes("string"):
		switch s.Format {
		case "date-time":
			return "2024-05-01T12:00:00Z"
		case "uuid":
			return "3f2c8a4e-5b1d-4c7e-9a0f-1e2d3c4b5a69"
		case "uri":
			return "https://example.com/"
		}
		return "string"
	}
	return nil
}
