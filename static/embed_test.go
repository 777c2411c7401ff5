package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name string
		want *regexp.Regexp
	}{
		{"css/app.css", regexp.MustCompile(`^/static/css/app\.[0-9a-f]{10}\.css$`)},
		{"js/app.js", regexp.MustCompile(`^/static/js/app\.[0-9a-f]{10}\.js$`)},
		{"vendor/htmx.min.js", regexp.MustCompile(`^/static/vendor/htmx\.min\.[0-9a-f]{10}\.js$`)},
		{"vendor/pico.min.css", regexp.MustCompile(`^/static/vendor/pico\.min\.[0-9a-f]{10}\.css$`)},
		{"icons/trash-2.svg", regexp.MustCompile(`^/static/icons/trash-2\.[0-9a-f]{10}\.svg$`)},
		{"/css/app.css", regexp.MustCompile(`^/static/css/app\.[0-9a-f]{10}\.css$`)},
		{"nope/missing.css", regexp.MustCompile(`^/static/nope/missing\.css$`)},
		{"vendor/README.md", regexp.MustCompile(`^/static/vendor/README\.md$`)}, // embedded, not served
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Path(tc.name); !tc.want.MatchString(got) {
				t.Errorf("Path(%q) = %q, want match %s", tc.name, got, tc.want)
			}
		})
	}

	// The hash is the start of the content's SHA-256 (js/app.js is served
	// as written; CSS is hashed after its url()s are rewritten).
	body, err := files.ReadFile("js/app.js")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if want := "/static/js/app." + hex.EncodeToString(sum[:])[:10] + ".js"; Path("js/app.js") != want {
		t.Errorf("Path(js/app.js) = %q, want %q", Path("js/app.js"), want)
	}
}

func TestHandler(t *testing.T) {
	htmx, _ := files.ReadFile("vendor/htmx.min.js")
	pico := byName["vendor/pico.min.css"].body // served body: url()s rewritten, see TestRewriteCSS
	icon, _ := files.ReadFile("icons/copy.svg")
	hashOf := func(name string) string { return byName[name].hash }

	tests := []struct {
		name         string
		method       string
		url          string
		acceptEnc    string
		ifNoneMatch  string
		wantStatus   int
		wantType     string
		wantEncoding string
		wantETag     string
		wantBody     []byte
	}{
		{name: "js identity", url: Path("vendor/htmx.min.js"),
			wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantETag: `"` + hashOf("vendor/htmx.min.js") + `"`, wantBody: htmx},
		{name: "js gzip", url: Path("vendor/htmx.min.js"), acceptEnc: "gzip, deflate, br",
			wantStatus: 200, wantType: "text/javascript; charset=utf-8", wantEncoding: "gzip", wantETag: `"` + hashOf("vendor/htmx.min.js") + `-gzip"`, wantBody: htmx},
		{name: "css gzip", url: Path("vendor/pico.min.css"), acceptEnc: "gzip",
			wantStatus: 200, wantType: "text/css; charset=utf-8", wantEncoding: "gzip", wantBody: pico},
		{name: "gzip refused with q=0", url: Path("vendor/pico.min.css"), acceptEnc: "gzip;q=0, br",
			wantStatus: 200, wantType: "text/css; charset=utf-8", wantBody: pico},
		{name: "svg", url: Path("icons/copy.svg"),
			wantStatus: 200, wantType: "image/svg+xml", wantBody: icon},
		{name: "HEAD", method: http.MethodHead, url: Path("vendor/htmx.min.js"),
			wantStatus: 200, wantType: "text/javascript; charset=utf-8"},
		{name: "not modified", url: Path("vendor/htmx.min.js"), ifNoneMatch: `"` + hashOf("vendor/htmx.min.js") + `"`,
			wantStatus: 304},
		{name: "wrong hash", url: "/static/vendor/htmx.min.0123456789.js", wantStatus: 404},
		{name: "unhashed", url: "/static/vendor/htmx.min.js", wantStatus: 404},
		{name: "readme not served", url: "/static/vendor/README.md", wantStatus: 404},
		{name: "prefix missing", url: strings.TrimPrefix(Path("js/app.js"), "/static"), wantStatus: 404},
		{name: "POST", method: http.MethodPost, url: Path("js/app.js"), wantStatus: 405},
	}
	h := Handler()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tc.url, nil)
			if tc.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", tc.acceptEnc)
			}
			if tc.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tc.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			res := rec.Result()

			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d", res.StatusCode, tc.wantStatus)
			}
			if tc.wantStatus != 200 && tc.wantStatus != 304 {
				return
			}
			if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", got)
			}
			if tc.wantStatus == 304 {
				return
			}
			if got := res.Header.Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tc.wantType)
			}
			if got := res.Header.Get("Content-Encoding"); got != tc.wantEncoding {
				t.Errorf("Content-Encoding = %q, want %q", got, tc.wantEncoding)
			}
			if tc.wantETag != "" && res.Header.Get("ETag") != tc.wantETag {
				t.Errorf("ETag = %q, want %q", res.Header.Get("ETag"), tc.wantETag)
			}
			if res.Header.Get("ETag") == "" {
				t.Error("no ETag")
			}
			body, _ := io.ReadAll(res.Body)
			if method == http.MethodHead {
				if len(body) != 0 {
					t.Errorf("HEAD returned %d body bytes", len(body))
				}
				return
			}
			if tc.wantEncoding == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, tc.wantBody) {
				t.Errorf("body differs from the embedded file (%d vs %d bytes)", len(body), len(tc.wantBody))
			}
		})
	}
}

func TestRewriteCSS(t *testing.T) {
	tests := []struct {
		name, css, in, want string
	}{
		{"relative icon", "css/app.css", `a{background:url(../icons/copy.svg)}`, `a{background:url("` + Path("icons/copy.svg") + `")}`},
		{"quoted relative", "css/app.css", `a{b:url( '../icons/x.svg' )}`, `a{b:url("` + Path("icons/x.svg") + `")}`},
		{"unknown file kept", "css/app.css", `a{b:url(../icons/nope.svg)}`, `a{b:url(../icons/nope.svg)}`},
		{"absolute kept", "css/app.css", `a{b:url("/x.svg")}`, `a{b:url("/x.svg")}`},
		{"external kept", "css/app.css", `a{b:url(https://example.org/x.svg)}`, `a{b:url(https://example.org/x.svg)}`},
		{"fragment kept", "css/app.css", `a{b:url(#f)}`, `a{b:url(#f)}`},
		{"unserved data type kept", "css/app.css", `a{b:url("data:text/plain,hi")}`, `a{b:url("data:text/plain,hi")}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(rewriteCSS(tc.css, []byte(tc.in))); got != tc.want {
				t.Errorf("rewriteCSS(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}

	// Pico's data: icons are moved out (the CSP forbids data: images) and
	// every URL the served stylesheets reference is answered: Pico's icons
	// and the app's own CSS-drawn ones (the i-* classes).
	pico := string(byName["vendor/pico.min.css"].body)
	if strings.Contains(pico, "data:") {
		t.Error("served pico.min.css still contains a data: URI")
	}
	servedURL := regexp.MustCompile(`url\("(/static/[^"]+)"\)`)
	refs := servedURL.FindAllStringSubmatch(pico, -1)
	if len(refs) < 10 {
		t.Fatalf("expected Pico's ~15 icon references, found %d", len(refs))
	}
	app := string(byName["css/app.css"].body)
	if n := strings.Count(app, "url("); n != len(servedURL.FindAllString(app, -1)) {
		t.Errorf("served app.css has %d url()s not rewritten to an asset", n-len(servedURL.FindAllString(app, -1)))
	}
	refs = append(refs, servedURL.FindAllStringSubmatch(app, -1)...)
	for _, r := range refs {
		rec := httptest.NewRecorder()
		Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, r[1], nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(rec.Body.String(), "<svg") {
			t.Errorf("%s: %d %q %.40q", r[1], rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
}

func TestSVG(t *testing.T) {
	tests := []struct {
		name      string
		wantEmpty bool
	}{
		{name: "trash-2"},
		{name: "eye-off"},
		{name: "triangle-alert"},
		{name: "brand-twilio"},
		{name: "brand-messenger"},
		{name: "brand-slack"},
		{name: "no-such-icon", wantEmpty: true},
		{name: "../vendor/htmx.min", wantEmpty: true},
	}
	root := regexp.MustCompile(`^<svg [^>]*>`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := SVG(tc.name)
			if tc.wantEmpty {
				if got != "" {
					t.Fatalf("SVG(%q) = %q, want empty", tc.name, got)
				}
				return
			}
			tag := root.FindString(got)
			if tag == "" {
				t.Fatalf("SVG(%q) does not start with <svg ...>: %.80q", tc.name, got)
			}
			for _, want := range []string{`class="icon"`, `aria-hidden="true"`, `width="16"`, `height="16"`} {
				if strings.Count(tag, want) != 1 {
					t.Errorf("root tag %q: want exactly one %s", tag, want)
				}
			}
			for _, attr := range []string{" width=", " height=", " class="} {
				if strings.Count(tag, attr) != 1 {
					t.Errorf("root tag %q: %s appears %d times", tag, attr, strings.Count(tag, attr))
				}
			}
			if !strings.HasSuffix(got, "</svg>") || strings.Contains(got, "<!--") {
				t.Errorf("SVG(%q) not clean: %.120q", tc.name, got)
			}
			// The markup references the sprite; the symbol draws with currentColor.
			ref := regexp.MustCompile(`<use href="(/static/icons/sprite\.[0-9a-f]+\.svg)#([a-z0-9-]+)"></use>`).FindStringSubmatch(got)
			if ref == nil || ref[2] != tc.name {
				t.Fatalf("SVG(%q) = %q, want a <use> of the sprite", tc.name, got)
			}
			sprite := string(byURL[ref[1]].body)
			i := strings.Index(sprite, `<symbol id="`+tc.name+`"`)
			if i < 0 {
				t.Fatalf("sprite lacks symbol %q", tc.name)
			}
			if sym := sprite[i : i+strings.Index(sprite[i:], "</symbol>")]; !strings.Contains(sym, "currentColor") {
				t.Errorf("symbol %q does not draw with currentColor", tc.name)
			}
		})
	}
}

// TestTotalSize keeps the embedded assets small: what a first visit could
// download, gzipped, must stay within 120 KB.
func TestTotalSize(t *testing.T) {
	const limit = 120 * 1024
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	sort.Strings(names)
	var raw, gz int
	for _, name := range names {
		a := byName[name]
		raw += len(a.body)
		n := len(a.gz)
		if a.gz == nil {
			n = len(a.body)
		}
		gz += n
		if testing.Verbose() {
			t.Logf("%-28s %7d B raw %7d B served gzipped", name, len(a.body), n)
		}
	}
	t.Logf("%d assets: %d B raw, %d B (%.1f KB) gzipped", len(byName), raw, gz, float64(gz)/1024)
	if gz > limit {
		t.Errorf("gzipped total %d B exceeds %d B", gz, limit)
	}
}
