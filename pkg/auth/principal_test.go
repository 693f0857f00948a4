package auth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

// TestPrincipalOf: on a guarded request it returns the principal and
// writes nothing; without a guard it answers 500 and logs the route.
func TestPrincipalOf(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	want := auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}}

	mux := http.NewServeMux()
	var got auth.Principal
	var ok bool
	mux.HandleFunc("GET /cases/{id}", func(w http.ResponseWriter, r *http.Request) { got, ok = auth.PrincipalOf(w, r, log) })

	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/cases/1", nil)
	mux.ServeHTTP(rec, r.WithContext(auth.WithPrincipal(r.Context(), want)))
	if !ok || got.Subject != want.Subject || rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("guarded: %+v, %v, %d %q; want the principal and nothing written", got, ok, rec.Code, rec.Body)
	}

	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cases/1", nil))
	if ok || rec.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "GET /cases/{id}") {
		t.Errorf("unguarded: ok %v, %d, logs %q; want 500 and the route logged", ok, rec.Code, logs.String())
	}

	rec = httptest.NewRecorder()
	if _, ok := auth.PrincipalOf(rec, httptest.NewRequest(http.MethodGet, "/x", nil), nil); ok || rec.Code != http.StatusInternalServerError {
		t.Errorf("unguarded without a logger: ok %v, %d; want 500", ok, rec.Code)
	}
}
