package httpapi

import (
	"bytes"
	_ "embed"
)

// openAPIDoc is the OpenAPI 3.1 document of the advisors' API, written by
// hand so that it reads as the contract it is. openapi_test.go keeps it
// true: its paths are the routes registered here, and every operation is
// sent requests through the real handlers whose requests and answers are
// validated against it. advisor-desk's client of this API checks the
// types it decodes against it too.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3.1 document of the API.
func OpenAPI() []byte { return bytes.Clone(openAPIDoc) }
