package dsfr_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ccicma/platform/pkg/dsfr"
)

// serve answers a request in memory. The response comes from an
// httptest.ResponseRecorder, whose body is a buffer with nothing to close:
// the directive tells bodyclose so.
//
//bodyclose:handled
func serve(t *testing.T, s *dsfr.Static, path string, header ...string) *http.Response {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /static/{path...}", s)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, req)
	return w.Result()
}

func TestStatic(t *testing.T) {
	t.Parallel()
	own := fstest.MapFS{"app.css": {Data: []byte(strings.Repeat(".x { color: red; }\n", 50))}, "app.js": {Data: []byte("1")}}
	s := dsfr.NewStatic(own)
	css := s.URL("dsfr/dsfr.min.css")
	if !regexp.MustCompile(`^/static/v[0-9a-f]{12}/dsfr/dsfr\.min\.css$`).MatchString(css) {
		t.Fatalf("URL %q", css)
	}
	// The DSFR stylesheet is the pinned release, cached for good.
	r := serve(t, s, css)
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		!strings.Contains(string(body[:300]), "DSFR v"+dsfr.Version+" ") {
		t.Fatalf("GET %s: %d %v %q", css, r.StatusCode, r.Header, body[:100])
	}
	// The service's own files beside it, gzipped when asked and worth it.
	r = serve(t, s, s.URL("app.css"), "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("app.css: %v", r.Header)
	}
	zr, err := gzip.NewReader(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if plain, _ := io.ReadAll(zr); string(plain) != string(own["app.css"].Data) {
		t.Error("gzipped app.css differs")
	}
	// Revalidation, an older version's URL, and a missing file.
	r = serve(t, s, s.URL("app.js"))
	if again := serve(t, s, s.URL("app.js"), "If-None-Match", r.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", again.StatusCode)
	}
	if old := serve(t, s, "/static/v000000000000/app.js"); old.StatusCode != 200 || old.Header.Get("Cache-Control") != "public, max-age=3600" {
		t.Errorf("older version: %d %q", old.StatusCode, old.Header.Get("Cache-Control"))
	}
	if missing := serve(t, s, s.URL("nope.css")); missing.StatusCode != http.StatusNotFound {
		t.Errorf("missing file: %d", missing.StatusCode)
	}
	// Another service's files make another version.
	if other := dsfr.NewStatic(fstest.MapFS{"app.js": {Data: []byte("2")}}); other.URL("app.js") == s.URL("app.js") {
		t.Error("different files, same version")
	}
}
