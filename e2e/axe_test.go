package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// axeCoreVersion is the axe-core that e2e/axe.sh fetches (npm axe-core@4.14.1).
const axeCoreVersion = "4.14.1"

// axeSourcePath is $AXE_CORE_PATH, else where e2e/axe.sh unpacks axe-core.
func axeSourcePath() string {
	if p := os.Getenv("AXE_CORE_PATH"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join("axe-core-"+axeCoreVersion, "axe.min.js")
	}
	return filepath.Join(home, ".cache", "hubadmin-e2e", "axe-core-"+axeCoreVersion, "axe.min.js")
}

// axeSource is read once: every sub-test injects it into every page.
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axeSourcePath())
	return string(b), err
})

// axeRun runs axe on the whole page with the WCAG 2.2 A and AA rules (2.2
// adds the 24 px target size) and axe's best practices, and returns the
// violations as JSON, trimmed to what a failure message shows.
const axeRun = `async () => {
	const r = await axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"],
	});
	return JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : s).join(" "),
			html: n.html, summary: n.failureSummary,
		})),
	})));
}`

// axeViolations injects axe-core into the page and returns what it finds.
func axeViolations(t *testing.T, page playwright.Page) []axeViolation {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("axe-core %s not found (%v): run `bash e2e/axe.sh` (or `go tool task setup-e2e`), or set AXE_CORE_PATH to its axe.min.js", axeCoreVersion, err)
	}
	// Evaluate goes through the DevTools protocol, which the page's CSP
	// (no inline script) does not apply to.
	_, err = page.Evaluate(src)
	must(t, err)
	v, err := page.Evaluate(`() => axe.version`)
	must(t, err)
	if v != axeCoreVersion {
		t.Fatalf("%s is axe-core %v, want %s: run `bash e2e/axe.sh`", axeSourcePath(), v, axeCoreVersion)
	}
	out, err := page.Evaluate(axeRun)
	must(t, err)
	var violations []axeViolation
	must(t, json.Unmarshal([]byte(out.(string)), &violations))
	return violations
}

type axeViolation struct {
	ID, Impact, Help, HelpURL string
	Nodes                     []struct{ Target, HTML, Summary string }
}

// accessible injects axe-core into the page and fails the test with each
// violation it finds: rule, impact, help, and the first elements with
// their HTML and what is wrong with them.
func accessible(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	violations := axeViolations(t, page)
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "page %s (%s) breaks %d axe-core rule(s):", name, page.URL(), len(violations))
	for _, v := range violations {
		fmt.Fprintf(&b, "\n  %s (%s): %s <%s>", v.ID, v.Impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == 3 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&b, "\n    %s\n      %s", n.Target, n.HTML)
			for _, l := range strings.Split(n.Summary, "\n") {
				fmt.Fprintf(&b, "\n      %s", l)
			}
		}
	}
	t.Error(b.String())
}

// TestAxeFindsViolations: the check TestScreens relies on reports what it
// should on a page built to break three rules (an image without text, an
// unlabelled input, grey on grey), so a clean run of TestScreens means the
// pages passed, not that axe never ran.
func TestAxeFindsViolations(t *testing.T) {
	t.Parallel()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
<h1>Bad page</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">
<p style="color:#999;background:#aaa">hard to read</p></main></body></html>`)
	}))
	t.Cleanup(bad.Close)
	s := newServer(t)
	page := s.newPage(t)
	_, err := page.Goto(bad.URL)
	must(t, err)
	found := map[string]bool{}
	for _, v := range axeViolations(t, page) {
		found[v.ID] = true
	}
	for _, rule := range []string{"image-alt", "label", "color-contrast"} {
		if !found[rule] {
			t.Errorf("axe did not report %s on a page that breaks it; found %v", rule, found)
		}
	}
}
