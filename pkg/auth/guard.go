package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ccicma/platform/pkg/httpserver"
)

// Guard authenticates the requests of the routes it wraps: a *Verifier,
// or the stand-in NewGuard returns when no keys are configured.
type Guard interface {
	Require(next http.Handler) http.Handler
}

// NewGuard returns the verifier the configuration asks for (NewVerifier).
// When it gives no keys, the service still runs (it consumes events, its
// public routes work) and its advisor routes answer 503 rather than serve
// anything unauthenticated; a warning at start says so.
func NewGuard(ctx context.Context, cfg Config, client *http.Client, log *slog.Logger) (Guard, error) {
	v, err := NewVerifier(ctx, cfg, client, log)
	if errors.Is(err, ErrNoKeys) {
		if log != nil {
			log.WarnContext(ctx, "advisor routes answer 503: no token signing keys configured (AUTH_JWKS_URL or OIDC_ISSUER)")
		}
		return unavailable{}, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// unavailable refuses every request with 503.
type unavailable struct{}

func (unavailable) Require(http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable,
			Title: "Service momentanément indisponible", Detail: "L'authentification des conseillers n'est pas configurée."})
	})
}
