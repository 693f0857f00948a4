package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed static
var staticFS embed.FS

// Cache lifetimes of static files: a versioned URL never changes content,
// so browsers keep it for a year; an unversioned one is revalidated hourly.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=3600"
)

// staticFiles serves the embedded static directory under
// /static/{version}/..., where version is a hash of all the files: a new
// release gets new URLs, so files can be cached for good. Text files are
// gzipped once, at start.
type staticFiles struct {
	version string
	files   map[string]staticFile // by path under static/
}

type staticFile struct {
	body, gz    []byte // gz nil when compression does not pay
	contentType string
	etag        string
}

// contentTypes are the types of the files static/ holds; a file of another
// type is served as application/octet-stream.
var contentTypes = map[string]string{
	".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
	".woff2": "font/woff2", ".png": "image/png", ".ico": "image/x-icon", ".md": "text/markdown; charset=utf-8",
}

func newStaticFiles() *staticFiles {
	s := &staticFiles{files: map[string]staticFile{}}
	all := sha256.New()
	// The embedded FS cannot fail to walk; an error here is a build bug
	// that every test would show.
	_ = fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		all.Write([]byte(rel))
		all.Write(sum[:])
		f := staticFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, contentType: contentTypes[path.Ext(p)]}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if ext := path.Ext(p); ext == ".css" || ext == ".js" || ext == ".svg" || ext == ".md" {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			_, _ = zw.Write(body)
			_ = zw.Close()
			if b.Len() < len(body)*9/10 {
				f.gz = b.Bytes()
			}
		}
		s.files[rel] = f
		return nil
	})
	s.version = "v" + hex.EncodeToString(all.Sum(nil)[:6])
	return s
}

// URL is the versioned URL of a file under static/.
func (s *staticFiles) URL(rel string) string { return "/static/" + s.version + "/" + rel }

func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel := r.PathValue("path")
	cache := cacheShort
	// A version segment: the current one earns the long cache; an older
	// one (a page rendered before a deployment) still gets today's file.
	if first, rest, ok := strings.Cut(rel, "/"); ok && strings.HasPrefix(first, "v") && len(first) == len(s.version) {
		rel = rest
		if first == s.version {
			cache = cacheImmutable
		}
	}
	f, ok := s.files[rel]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cache)
	h.Set("Vary", "Accept-Encoding")
	body, etag := f.body, f.etag
	if f.gz != nil && acceptsGzip(r) {
		body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
