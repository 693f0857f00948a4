package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ccicma/platform/pkg/auth"
)

// TestNewGuard: without keys the guarded routes answer 503 and never reach
// the handler; with keys given in process they authenticate.
func TestNewGuard(t *testing.T) {
	t.Parallel()
	reached := false
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true })

	g, err := auth.NewGuard(context.Background(), auth.Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	g.Require(next).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != http.StatusServiceUnavailable || reached {
		t.Fatalf("no keys: %d, handler reached %v; want 503 and not reached", rec.Code, reached)
	}

	iss, err := auth.NewIssuer(auth.IssuerOptions{Issuer: "test", Audience: "ccicma"})
	if err != nil {
		t.Fatal(err)
	}
	g, err = auth.NewGuard(context.Background(), auth.Config{Issuer: "test", JWKS: iss.JWKS()}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := g.(*auth.Verifier); !ok {
		t.Fatalf("with in-process keys the guard is a %T, want *auth.Verifier", g)
	}
	tok, err := iss.Issue(auth.Principal{Subject: "cma-91-001", Chamber: "CMA", Roles: []auth.Role{auth.RoleAdvisor}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec = httptest.NewRecorder()
	g.Require(next).ServeHTTP(rec, req)
	if !reached {
		t.Fatalf("a valid token did not reach the handler: %d %s", rec.Code, rec.Body)
	}
}
