// Package openapicheck holds a service's OpenAPI 3.1 document to its real
// handlers, in tests. A Checker sends requests to the running handlers,
// validates each request and answer against the document
// (pb33f/libopenapi-validator, as intake's own test does), and records
// which operations and which of their documented statuses were seen, so
// that a test can require every operation, and every answer it can give,
// to have been exercised. RoutesInSource reads the ServeMux patterns a
// package registers, so that the document's paths can be compared with
// the routes served; Decodes compares a Go type that decodes an answer
// (a client's copy of another service's answer) with the document's
// schema of that answer.
package openapicheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	valerrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Checker validates exchanges against one document and records coverage.
type Checker struct {
	raw   map[string]any
	model *v3.Document
	v     validator.Validator
	opts  *config.ValidationOptions

	mu   sync.Mutex
	seen map[string]map[int]bool // operation -> statuses answered
}

// New parses doc, which must be a valid OpenAPI 3.1.0 document, and
// returns a checker of it with format assertions (uuid, date-time...) on.
func New(t testing.TB, doc []byte) *Checker {
	t.Helper()
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		t.Fatalf("parse the OpenAPI document: %v", err)
	}
	if v := d.GetSpecInfo().Version; v != "3.1.0" {
		t.Fatalf("the document is OpenAPI %q, want 3.1.0", v)
	}
	model, err := d.BuildV3Model()
	if err != nil {
		t.Fatalf("build the 3.1 model (references, schemas): %v", err)
	}
	v, errs := validator.NewValidator(d, config.WithFormatAssertions())
	if len(errs) > 0 {
		t.Fatalf("build the validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		t.Fatalf("the document breaks the OpenAPI 3.1 schema:\n%s", Describe(verrs))
	}
	c := &Checker{model: &model.Model, v: v, opts: config.NewValidationOptions(), seen: map[string]map[int]bool{}}
	if err := json.Unmarshal(doc, &c.raw); err != nil {
		t.Fatalf("decode the document: %v", err)
	}
	if info, _ := c.raw["info"].(map[string]any); info == nil || info["title"] == "" {
		t.Error("the document has no title")
	}
	return c
}

// Operations lists the document's operations as ServeMux patterns
// ("GET /api/v1/cases/{id}"), sorted.
func (c *Checker) Operations() []string {
	var ops []string
	for path, item := range obj(c.raw["paths"]) {
		for method := range obj(item) {
			if isMethod(method) {
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// Statuses lists the statuses the document gives op, sorted.
func (c *Checker) Statuses(op string) []int {
	var out []int
	for code := range obj(c.operation(op)["responses"]) {
		if n, err := strconv.Atoi(code); err == nil {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func (c *Checker) operation(op string) map[string]any {
	method, path, _ := strings.Cut(op, " ")
	return obj(obj(obj(c.raw["paths"])[path])[strings.ToLower(method)])
}

func isMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "patch", "head", "options", "trace":
		return true
	}
	return false
}

// Doc says what the document must make of a request.
type Doc int

const (
	// Accepts says the document accepts the request (the default).
	Accepts Doc = iota
	// Rejects says the document rejects the request too (a bad parameter or
	// body that its schemas describe).
	Rejects
	// Unchecked says the document cannot tell (what only the server knows,
	// such as an unknown id or a refused token, or what JSON Schema does
	// not say, such as a malformed body).
	Unchecked
)

// Call is one request to send through the real handlers.
type Call struct {
	Method string
	// Path is the path with its query.
	Path string
	// Token is sent as a bearer token when set.
	Token string
	// ContentType defaults to application/json when there is a body.
	ContentType string
	Body        string
	Header      http.Header
	// Status is what the handler must answer.
	Status int
	// Doc is what the document must make of the request.
	Doc Doc
	// Stream, for an answer that does not end by itself (server-sent
	// events), reads it for that long and validates what was read.
	Stream time.Duration
}

// Answer is what the handler answered.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Send sends call to the server at baseURL, checks the status, validates
// the request (as call.Doc says) and the answer against the document, and
// records the operation and status as exercised. It returns the answer
// for the caller's own checks.
func (c *Checker) Send(t testing.TB, baseURL string, call Call) Answer {
	t.Helper()
	ctx := context.Background()
	if call.Stream > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, call.Stream)
		defer cancel()
	}
	res, err := http.DefaultClient.Do(call.request(ctx, t, baseURL))
	if err != nil {
		t.Fatalf("%s %s: %v", call.Method, call.Path, err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil && (call.Stream == 0 || !errors.Is(err, context.DeadlineExceeded)) {
		t.Fatalf("%s %s: read the answer: %v", call.Method, call.Path, err)
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	if res.StatusCode != call.Status {
		t.Errorf("%s %s answered %d %s, want %d", call.Method, call.Path, res.StatusCode, body, call.Status)
	}
	c.Validate(t, call.request(context.Background(), t, baseURL), res, call.Doc)
	return Answer{Status: res.StatusCode, Header: res.Header, Body: body}
}

func (call Call) request(ctx context.Context, t testing.TB, baseURL string) *http.Request {
	t.Helper()
	var body io.Reader
	if call.Body != "" {
		body = strings.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, baseURL+call.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	maps.Copy(req.Header, call.Header)
	if call.Body != "" {
		ct := call.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if call.Token != "" {
		req.Header.Set("Authorization", "Bearer "+call.Token)
	}
	return req
}

// Validate checks an exchange made otherwise than by Send: the request
// as doc says, the answer always (req's body must still be readable, and
// res's). It records the operation and status as exercised.
func (c *Checker) Validate(t testing.TB, req *http.Request, res *http.Response, doc Doc) {
	t.Helper()
	_, _, template := paths.FindPath(req, c.model, c.opts)
	if template == "" {
		t.Errorf("%s %s: no operation of the document matches", req.Method, req.URL.Path)
		return
	}
	c.mu.Lock()
	op := req.Method + " " + template
	if c.seen[op] == nil {
		c.seen[op] = map[int]bool{}
	}
	c.seen[op][res.StatusCode] = true
	c.mu.Unlock()
	switch ok, errs := c.v.ValidateHttpRequest(req); {
	case doc == Accepts && !ok:
		t.Errorf("%s %s: the document rejects this request:\n%s", req.Method, req.URL, Describe(errs))
	case doc == Rejects && ok:
		t.Errorf("%s %s: the document accepts this request, which the handler refuses", req.Method, req.URL)
	}
	if ok, errs := c.v.ValidateHttpResponse(req, res); !ok {
		t.Errorf("%s %s: the answer %d breaks the document:\n%s", req.Method, req.URL, res.StatusCode, Describe(errs))
	}
}

// ValidateRequest checks a request that a client of the API sends (its
// body readable): an operation of the document must match it and the
// document accept it. It returns the operation ("GET /api/v1/x/{id}"),
// empty when none matches.
func (c *Checker) ValidateRequest(t testing.TB, req *http.Request) string {
	t.Helper()
	_, _, template := paths.FindPath(req, c.model, c.opts)
	if template == "" || c.operation(req.Method+" "+template) == nil {
		t.Errorf("%s %s: no operation of the document matches", req.Method, req.URL.Path)
		return ""
	}
	if ok, errs := c.v.ValidateHttpRequest(req); !ok {
		t.Errorf("%s %s: the document rejects this request:\n%s", req.Method, req.URL, Describe(errs))
	}
	return req.Method + " " + template
}

// AssertCovered fails unless every documented operation was exercised,
// each with every status the document gives it, except those unreachable
// in the test: "503" (that status, on any operation) or
// "GET /api/v1/x 503" (on one).
func (c *Checker) AssertCovered(t testing.TB, unreachable ...string) {
	t.Helper()
	skip := map[string]bool{}
	for _, u := range unreachable {
		skip[u] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range c.Operations() {
		if len(c.seen[op]) == 0 {
			t.Errorf("%s was never exercised", op)
			continue
		}
		var missing []int
		for _, s := range c.Statuses(op) {
			code := strconv.Itoa(s)
			if !c.seen[op][s] && !skip[code] && !skip[op+" "+code] {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s never answered %v, which the document gives it", op, missing)
		}
	}
}

// Describe lists validation errors with the schema failures under them.
func Describe(errs []*valerrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %s: %s\n", e.Message, e.Reason)
		for _, f := range e.SchemaValidationErrors {
			fmt.Fprintf(&b, "      %s at %s (%s)\n", f.Reason, f.FieldPath, f.KeywordLocation)
		}
	}
	return b.String()
}

// AssertServed checks that GET /openapi.json on h answers the document
// itself as application/json, without a token.
func AssertServed(t testing.TB, h http.Handler, doc []byte) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/openapi.json", nil))
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" || !bytes.Equal(w.Body.Bytes(), doc) {
		t.Errorf("GET /openapi.json = %d %s, want the document as application/json", w.Code, w.Header().Get("Content-Type"))
	}
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// AssertDocumentsRoutes checks that a port's routes (read from the Go source
// in dir, less the paths listed in notAPI, such as web pages) are exactly
// the document's operations, so that an endpoint cannot be added, removed
// or renamed without the document following, and that h serves the
// document (AssertServed).
func AssertDocumentsRoutes(t testing.TB, doc []byte, dir string, h http.Handler, notAPI ...string) {
	t.Helper()
	served := slices.DeleteFunc(RoutesInSource(t, dir), func(p string) bool { return slices.Contains(notAPI, p) })
	if got := New(t, doc).Operations(); !slices.Equal(got, served) {
		t.Errorf("documented operations and routes differ:\n documented %q\n served     %q", got, served)
	}
	AssertServed(t, h, doc)
}
