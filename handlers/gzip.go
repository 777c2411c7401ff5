package handlers

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// gzipLevel compresses dashboard pages. Stateless compression keeps no
// compressor between requests: a 50-row hub page (written in one piece by
// render) still shrinks about eightfold, while the pooled compressors of a
// stateful level held ~1 MB each, ~40 MB of live heap under 32 concurrent
// page loads, which the GC then multiplied into the process's peak RSS.
const gzipLevel = gzip.StatelessCompression

// gzipPages gzips dashboard responses of 1 KB or more for clients that
// accept it, through klauspost/compress's gzhttp (Accept-Encoding with
// q-values, Vary, no double compression). Errors are turned into pages
// inside the wrapper, so error pages are compressed like any other.
func gzipPages() echo.MiddlewareFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(gzipLevel), gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // the options are constants
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			outer := res.Writer
			wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				res.Writer = w
				c.SetRequest(r)
				if err := next(c); err != nil {
					c.Error(err)
				}
			})).ServeHTTP(outer, c.Request())
			res.Writer = outer
			return nil
		}
	}
}
