// Package routes is a port whose patterns RoutesInSource must read.
package routes

import "net/http"

const (
	base     = "/api/v1"
	itemPath = base + "/items/{id}"
)

func register(mux *http.ServeMux, h http.HandlerFunc) {
	mux.HandleFunc("GET /openapi.json", h)
	mux.Handle("GET "+base+"/items", h)
	mux.Handle("DELETE "+itemPath, h)
}
