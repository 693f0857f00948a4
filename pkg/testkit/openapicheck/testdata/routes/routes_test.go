package routes

import "net/http"

// Test files are not the port.
func testOnly(mux *http.ServeMux, h http.HandlerFunc) { mux.Handle("GET /test-only", h) }
