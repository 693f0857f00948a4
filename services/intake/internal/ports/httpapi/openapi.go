package httpapi

import (
	"bytes"
	_ "embed"
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
