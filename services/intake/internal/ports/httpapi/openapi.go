package httpapi

import (
	"bytes"
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 document of the JSON API: the one
// description of it, written by hand so that it reads as the contract it
// is. Tests keep it true: every operation is sent valid and invalid
// requests through the real handlers and their answers are validated
// against it, its paths must be exactly the routes served, and its enums
// and limits are compared with the domain's.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3.1 document of the API.
func OpenAPI() []byte { return bytes.Clone(openAPIDoc) }

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(openAPIDoc)
}
