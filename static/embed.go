// Package static embeds the dashboard's assets (vendored htmx and Pico CSS,
// SVG icons, the app's own CSS and JS) and serves them under content-hashed
// URLs with a one-year immutable cache lifetime.
//
// Templates link assets through Path ("css/app.css" ->
// "/static/css/app.0123456789.css") and inline icons through SVG. Everything
// is computed once at package init; afterwards the package state is read-only,
// so it is safe for concurrent use without locks.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Whole directories are embedded so that a file added to css/ or js/ is
// picked up without touching this line. Files whose extension is not in
// contentTypes (e.g. the README.md files) are embedded but never served.
//
//go:embed css js icons vendor
var files embed.FS

// prefix is where Handler expects to be mounted; Path returns URLs under it.
const prefix = "/static/"

// hashLen is the number of hex digits of the SHA-256 used in URLs and ETags.
const hashLen = 10

// contentTypes lists the extensions that are served, with their types.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".webp":  "image/webp",
	".woff2": "font/woff2",
}

// asset is one servable file, fully prepared at init.
type asset struct {
	name        string // path inside the embed FS, e.g. "css/app.css"
	url         string // hashed URL, e.g. "/static/css/app.0123456789.css"
	hash        string // first hashLen hex digits of the content's SHA-256
	contentType string
	body        []byte
	gz          []byte // gzip of body, nil when gzip would not make it smaller
}

var (
	byName = map[string]*asset{} // "css/app.css" -> asset
	byURL  = map[string]*asset{} // "/static/css/app.0123456789.css" -> asset
	icons  = map[string]string{} // "trash-2" -> inline-ready <svg> markup
)

func init() {
	// CSS files are prepared last: their url() references are rewritten to
	// the hashed URLs of the other assets, which must be known by then.
	var cssNames []string
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := path.Ext(name)
		if _, ok := contentTypes[ext]; !ok {
			return nil
		}
		if ext == ".css" {
			cssNames = append(cssNames, name)
			return nil
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		register(name, body, "")
		if dir, file := path.Split(name); dir == "icons/" && ext == ".svg" {
			icons[strings.TrimSuffix(file, ext)] = inlineSVG(string(body))
		}
		return nil
	})
	if err == nil {
		buildSprite()
	}
	for _, name := range cssNames {
		if err != nil {
			break
		}
		var body []byte
		if body, err = files.ReadFile(name); err == nil {
			register(name, rewriteCSS(name, body), "")
		}
	}
	if err != nil {
		// Only reachable if the embedded FS is broken, i.e. a build problem.
		panic("static: reading embedded assets: " + err.Error())
	}
}

// register adds one servable asset. The hash covers the bytes actually
// served; urlPath "" means the usual "/static/<dir>/<base>.<hash><ext>".
func register(name string, body []byte, urlPath string) *asset {
	ext := path.Ext(name)
	sum := sha256.Sum256(body)
	a := &asset{
		name:        name,
		hash:        hex.EncodeToString(sum[:])[:hashLen],
		contentType: contentTypes[ext],
		body:        body,
		gz:          gzipped(body),
	}
	a.url = urlPath
	if a.url == "" {
		a.url = prefix + strings.TrimSuffix(name, ext) + "." + a.hash + ext
	}
	byName[name] = a
	byURL[a.url] = a
	return a
}

// cssURL matches url(...) in CSS, with double, single or no quotes.
var cssURL = regexp.MustCompile(`url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s]*))\s*\)`)

// rewriteCSS points the url() references of a stylesheet at hashed URLs:
//
//   - data: URIs of a served type (Pico's icons are data:image/svg+xml) are
//     moved into assets of their own, "/static/data/<hash>.svg", because the
//     dashboard's Content-Security-Policy (default-src 'self', no img-src
//     data:) blocks data: images: without this, Pico's select chevrons,
//     checkbox ticks and aria-busy spinner would not show;
//   - relative references to embedded files (url(../icons/x.svg)) become
//     their hashed URLs, so app.css can use them despite the strict Handler.
//
// Anything else (absolute or external URLs, unknown files) is left alone.
func rewriteCSS(cssName string, body []byte) []byte {
	return cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		ref := string(sub[1]) + string(sub[2]) + string(sub[3]) // only one group matched
		if strings.HasPrefix(ref, "data:") {
			if ext, data, ok := decodeDataURI(ref); ok {
				sum := sha256.Sum256(data)
				h := hex.EncodeToString(sum[:])[:hashLen]
				a := byName["data/"+h+ext]
				if a == nil {
					a = register("data/"+h+ext, data, prefix+"data/"+h+ext)
				}
				return []byte(`url("` + a.url + `")`)
			}
			return m
		}
		if ref == "" || strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") {
			return m
		}
		target := path.Join(path.Dir(cssName), strings.SplitN(ref, "?", 2)[0])
		if a := byName[target]; a != nil {
			return []byte(`url("` + a.url + `")`)
		}
		return m
	})
}

// decodeDataURI decodes a data: URI whose media type is one that is served,
// returning the file extension for it.
func decodeDataURI(uri string) (ext string, data []byte, ok bool) {
	meta, payload, found := strings.Cut(strings.TrimPrefix(uri, "data:"), ",")
	if !found {
		return "", nil, false
	}
	params := strings.Split(meta, ";")
	for e, ct := range contentTypes {
		if mt, _, _ := strings.Cut(ct, ";"); strings.EqualFold(params[0], mt) {
			ext = e
		}
	}
	if ext == "" {
		return "", nil, false
	}
	var err error
	if params[len(params)-1] == "base64" {
		data, err = base64.StdEncoding.DecodeString(payload)
	} else {
		var s string
		s, err = url.PathUnescape(payload)
		data = []byte(s)
	}
	return ext, data, err == nil
}

// gzipped returns body compressed at the best level, or nil if compression
// does not save anything (typical for tiny SVGs).
// One compressor is reused for every file: each new one allocates about a
// megabyte, and a fresh one per file left ~20 MB of garbage on the heap at
// start-up, which showed in the server's peak RSS. init runs on one
// goroutine, so zw needs no lock.
var zw, _ = gzip.NewWriterLevel(nil, gzip.BestCompression) // level is valid: no error

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw.Reset(&buf)
	_, _ = zw.Write(body) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	if buf.Len() >= len(body) {
		return nil
	}
	return buf.Bytes()
}

// Path returns the content-hashed URL of the asset name (a path relative to
// this directory, e.g. "css/app.css" or "vendor/htmx.min.js"). Unknown names
// yield prefix+name, which Handler answers with 404, so a typo shows up as a
// broken link rather than a panic.
func Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if a, ok := byName[name]; ok {
		return a.url
	}
	return prefix + name
}

// Handler serves the assets at the URLs returned by Path. It expects full
// request paths ("/static/css/app.0123456789.css"), so mount it without
// stripping the prefix. Only exact hashed URLs are served: an unhashed or
// stale-hash URL gets 404, because serving it with an immutable cache header
// would pin the wrong content in caches for a year.
func Handler() http.Handler {
	return http.HandlerFunc(serve)
}

func serve(w http.ResponseWriter, r *http.Request) {
	a, ok := byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	body, etag := a.body, `"`+a.hash+`"`
	useGzip := a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding"))
	if useGzip {
		// A different representation needs a different strong ETag.
		body, etag = a.gz, `"`+a.hash+`-gzip"`
	}

	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if a.gz != nil {
		h.Set("Vary", "Accept-Encoding")
	}
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", a.contentType)
	if useGzip {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reports whether an Accept-Encoding header value allows gzip
// (explicitly or via "*"), honouring q=0 as a refusal.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// etagMatches implements the weak comparison If-None-Match asks for.
func etagMatches(ifNoneMatch, etag string) bool {
	for _, t := range strings.Split(ifNoneMatch, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// rootAttrs matches the root <svg> attributes that SVG replaces.
var rootAttrs = regexp.MustCompile(`\s(?:width|height|class|role|aria-hidden|focusable)="[^"]*"`)

// inlineSVG rewrites the root <svg> start tag for inlining: decorative
// (aria-hidden), styled through the "icon" class, 16x16 by default.
func inlineSVG(src string) string {
	start := strings.Index(src, "<svg")
	if start < 0 {
		return ""
	}
	end := strings.IndexByte(src[start:], '>')
	if end < 0 {
		return ""
	}
	end += start
	tag := rootAttrs.ReplaceAllString(src[start:end], "")
	tag = `<svg class="icon" aria-hidden="true" width="16" height="16"` + strings.TrimPrefix(tag, "<svg")
	return strings.TrimSpace(tag + src[end:])
}

// SVG returns the markup of icons/<name>.svg ready to be inlined in HTML
// (e.g. templ.Raw(static.SVG("trash-2"))): the root element carries
// class="icon", aria-hidden="true", width="16" and height="16". Lucide icons
// draw with stroke="currentColor" and brand marks fill with currentColor, so
// icons take the surrounding text colour. Unknown names yield "".
func SVG(name string) string {
	return icons[name]
}

// spriteName is the asset holding every icon as a <symbol>.
const spriteName = "icons/sprite.svg"

// buildSprite makes one SVG of <symbol>s from the icons and switches the
// inline markup to <use> references into it: a table of 50 rows with three
// icons each then costs a few bytes per icon instead of a whole drawing,
// and the sprite is cached once, immutable, like every asset.
func buildSprite() {
	names := make([]string, 0, len(icons))
	for name := range icons {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg">`)
	for _, name := range names {
		src := icons[name]
		end := strings.IndexByte(src, '>')
		closeAt := strings.LastIndex(src, "</svg>")
		if end < 0 || closeAt < end {
			continue
		}
		attrs := rootAttrs.ReplaceAllString(src[len("<svg"):end], "")
		attrs = xmlnsAttr.ReplaceAllString(attrs, "")
		b.WriteString(`<symbol id="` + name + `"` + attrs + `>` + src[end+1:closeAt] + `</symbol>`)
	}
	b.WriteString(`</svg>`)
	sprite := register(spriteName, []byte(b.String()), "")
	for _, name := range names {
		icons[name] = `<svg class="icon" aria-hidden="true" width="16" height="16"><use href="` + sprite.url + `#` + name + `"></use></svg>`
	}
}

var xmlnsAttr = regexp.MustCompile(`\sxmlns(:\w+)?="[^"]*"`)

// The compressor is needed only while init prepares the assets (init
// functions run in the order they appear, so this one runs last).
func init() { zw = nil }
