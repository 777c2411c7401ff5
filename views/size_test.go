package views

import (
	"bytes"
	"context"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestHubPageSize guards the weight of the hub page with 50 rows (issue 7):
// at most 60 KB of HTML as rendered, and under 16 KB as a browser downloads
// it (dashboard pages are gzipped). The sizes are also in BENCHMARKS.md.
func TestHubPageSize(t *testing.T) {
	p, m := benchHubPage()
	var b bytes.Buffer
	if err := HubShow(p, m).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.StatelessCompression) // the server's level (handlers.gzipLevel)
	w.Write(b.Bytes())
	w.Close()
	t.Logf("hub page with 50 rows: %d bytes of HTML, %d gzipped", b.Len(), z.Len())
	if b.Len() > 60*1024 {
		t.Errorf("hub page with 50 rows is %d bytes of HTML, over 60 KB", b.Len())
	}
	if z.Len() > 16*1024 {
		t.Errorf("hub page with 50 rows is %d bytes gzipped, over 16 KB", z.Len())
	}
}
