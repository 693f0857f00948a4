// Package dynamic builds a pattern at run time, which RoutesInSource
// cannot read.
package dynamic

import "net/http"

func register(mux *http.ServeMux, prefix string, h http.HandlerFunc) {
	mux.Handle("GET "+prefix+"/items", h)
}
