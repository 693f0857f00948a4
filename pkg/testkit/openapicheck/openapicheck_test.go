package openapicheck_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccicma/platform/pkg/testkit/openapicheck"
)

// doc is a small API: a list of items and one item, which is a full item
// or a teaser.
const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "Items", "version": "1"},
  "paths": {
    "/items": {"get": {"operationId": "list", "parameters": [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10}}],
      "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
        "400": {"description": "bad", "content": {"application/problem+json": {"schema": {"type": "object"}}}}}}},
    "/items/{id}": {"get": {"operationId": "get", "parameters": [
        {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
      "responses": {
        "200": {"description": "ok", "content": {"application/json": {"schema": {"oneOf": [
          {"$ref": "#/components/schemas/Item"}, {"$ref": "#/components/schemas/Teaser"}]}}}},
        "404": {"description": "none", "content": {"application/problem+json": {"schema": {"type": "object"}}}}}}}
  },
  "components": {"schemas": {
    "Page": {"type": "object", "additionalProperties": false, "required": ["items"], "properties": {
      "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
      "next": {"type": "string"}}},
    "Item": {"type": "object", "additionalProperties": false, "required": ["id", "view", "price", "at", "tags"], "properties": {
      "id": {"type": "string", "format": "uuid"},
      "view": {"const": "full"},
      "price": {"type": "integer"},
      "at": {"type": "string", "format": "date-time"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "owner": {"allOf": [{"$ref": "#/components/schemas/Owner"}, {"properties": {"since": {"type": "string", "format": "date-time"}}}]}}},
    "Teaser": {"type": "object", "required": ["id", "view"], "properties": {
      "id": {"type": "string", "format": "uuid"},
      "view": {"const": "teaser"},
      "hint": {"type": ["string", "null"]}}},
    "Owner": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
  }}
}`

const itemID = "01900000-0000-7000-8000-000000000001"

// spy records what a helper reports instead of failing the test.
type spy struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (s *spy) Helper() {}
func (s *spy) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
}

func (s *spy) reported(t *testing.T, want ...string) {
	t.Helper()
	all := strings.Join(s.errs, "\n")
	if len(want) == 0 && len(s.errs) > 0 {
		t.Errorf("reported:\n%s", all)
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("did not report %q; reported:\n%s", w, all)
		}
	}
}

// server answers the list with body, and an item.
func server(t *testing.T, body string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") == "0" {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id": "` + itemID + `", "view": "teaser"}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSendValidatesAndCovers(t *testing.T) {
	good := `{"items": [{"id": "` + itemID + `", "view": "full", "price": 3, "at": "2026-01-02T03:04:05Z", "tags": []}]}`
	t.Run("a conforming exchange", func(t *testing.T) {
		s := &spy{TB: t}
		c := openapicheck.New(s, []byte(doc))
		srv := server(t, good)
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items?limit=2", Status: 200})
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items?limit=0", Status: 400, Doc: openapicheck.Rejects})
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items/" + itemID, Status: 200})
		s.reported(t)
		c.AssertCovered(s, "404")
		s.reported(t)
		c.AssertCovered(s)
		s.reported(t, "GET /items/{id} never answered [404]")
	})
	t.Run("what breaks the document", func(t *testing.T) {
		s := &spy{TB: t}
		c := openapicheck.New(s, []byte(doc))
		srv := server(t, strings.Replace(good, `"price"`, `"cost"`, 1))
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items", Status: 201})
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items?limit=0", Status: 400})
		c.Send(s, srv.URL, openapicheck.Call{Method: "GET", Path: "/items?limit=5", Status: 200, Doc: openapicheck.Rejects})
		s.reported(t, "answered 200", "want 201", "the answer 200 breaks the document", "the document rejects this request",
			"the document accepts this request")
		c.AssertCovered(s)
		s.reported(t, "GET /items/{id} was never exercised")
	})
}

func TestValidateRequest(t *testing.T) {
	c := openapicheck.New(t, []byte(doc))
	s := &spy{TB: t}
	req := func(method, target string) *http.Request {
		return httptest.NewRequest(method, "http://peer"+target, nil)
	}
	if op := c.ValidateRequest(s, req("GET", "/items/"+itemID)); op != "GET /items/{id}" {
		t.Errorf("operation %q", op)
	}
	s.reported(t)
	c.ValidateRequest(s, req("GET", "/items?limit=50"))
	s.reported(t, "the document rejects this request")
	if op := c.ValidateRequest(s, req("DELETE", "/items/"+itemID)); op != "" {
		t.Errorf("operation %q for a method the document lacks", op)
	}
	c.ValidateRequest(s, req("GET", "/elsewhere"))
	s.reported(t, "DELETE /items/"+itemID+": no operation", "GET /elsewhere: no operation")
}

func TestOperations(t *testing.T) {
	c := openapicheck.New(t, []byte(doc))
	if got := c.Operations(); !slices.Equal(got, []string{"GET /items", "GET /items/{id}"}) {
		t.Errorf("operations %q", got)
	}
	if got := c.Statuses("GET /items/{id}"); !slices.Equal(got, []int{200, 404}) {
		t.Errorf("statuses %v", got)
	}
}

// item decodes both alternatives of an item (promoted fields count).
type item struct {
	fullItem
	Hint string `json:"hint"`
}

// fullItem decodes a full item.
type fullItem struct {
	ID    string    `json:"id"`
	View  string    `json:"view"`
	Price int64     `json:"price"`
	At    time.Time `json:"at"`
	Tags  []string  `json:"tags"`
	Owner *struct {
		Name  string    `json:"name"`
		Since time.Time `json:"since"`
	} `json:"owner"`
	unexported int
	Skipped    string `json:"-"`
}

type page struct {
	Items []fullItem `json:"items"`
}

func TestDecodes(t *testing.T) {
	c := openapicheck.New(t, []byte(doc))
	t.Run("agreeing types", func(t *testing.T) {
		s := &spy{TB: t}
		c.Decodes(s, "GET /items/{id}", 200, reflect.TypeFor[item]())
		c.Decodes(s, "GET /items", 200, reflect.TypeFor[page]())
		// Leaving out required members is allowed when said.
		c.Decodes(s, "GET /items", 200, reflect.TypeFor[struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}](), "items.view", "items.price", "items.at", "items.tags")
		s.reported(t)
		_ = fullItem{}.unexported
	})
	tests := []struct {
		name    string
		typ     reflect.Type
		ignored []string
		want    []string
	}{
		{"a renamed member", reflect.TypeFor[struct {
			Items []struct {
				fullItem
				Cost int64 `json:"cost"`
			} `json:"items"`
		}](), nil, []string{"items.cost: decoded", "no such property"}},
		{"a missing required member", reflect.TypeFor[struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}](), []string{"items.view", "items.price", "items.at"}, []string{"items.tags: required by the schema"}},
		{"wrong types", reflect.TypeFor[struct {
			Items []struct {
				fullItem
				Price string `json:"price"`
				Tags  string `json:"tags"`
				At    string `json:"at"`
			} `json:"items"`
			Next time.Time `json:"next"`
		}](), nil, []string{"items.price: decoded as string", "items.tags: decoded as string", "next: decoded as a time"}},
		{"a nested renamed member", reflect.TypeFor[struct {
			Items []struct {
				fullItem
				Owner struct {
					Nom string `json:"nom"`
				} `json:"owner"`
			} `json:"items"`
		}](), nil, []string{"items.owner.nom: decoded", "items.owner.name: required"}},
		{"a stale ignored member", reflect.TypeFor[page](), []string{"items.colour"}, []string{"items.colour is ignored, but the schema has no such property"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &spy{TB: t}
			c.Decodes(s, "GET /items", 200, tt.typ, tt.ignored...)
			s.reported(t, tt.want...)
			if len(s.errs) == 0 {
				t.Error("reported nothing")
			}
		})
	}
	t.Run("a member in no alternative", func(t *testing.T) {
		s := &spy{TB: t}
		c.Decodes(s, "GET /items/{id}", 200, reflect.TypeFor[struct {
			item
			Colour string `json:"colour"`
		}]())
		s.reported(t, "colour: decoded")
		if len(s.errs) != 1 {
			t.Errorf("reported %d errors, want 1", len(s.errs))
		}
	})
	t.Run("an answer without a JSON schema", func(t *testing.T) {
		s := &spy{TB: t}
		c.Decodes(s, "GET /items", 201, reflect.TypeFor[page]())
		s.reported(t, "answers 201 with no JSON schema")
	})
}

func TestRoutesInSource(t *testing.T) {
	got := openapicheck.RoutesInSource(t, "testdata/routes")
	if want := []string{"DELETE /api/v1/items/{id}", "GET /api/v1/items", "GET /openapi.json"}; !slices.Equal(got, want) {
		t.Errorf("patterns %q, want %q", got, want)
	}
	s := &spy{TB: t}
	openapicheck.RoutesInSource(s, "testdata/dynamic")
	s.reported(t, "cannot read this route's pattern")
}

func TestAssertServed(t *testing.T) {
	s := &spy{TB: t}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(doc))
	})
	openapicheck.AssertServed(s, h, []byte(doc))
	s.reported(t)
	openapicheck.AssertServed(s, h, []byte(doc+" "))
	s.reported(t, "want the document")
}
