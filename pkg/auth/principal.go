package auth

import (
	"log/slog"
	"net/http"

	"github.com/ccicma/platform/pkg/httpserver"
)

// PrincipalOf returns the principal of a request on a guarded route (the
// one Require put in its context). Every advisor route is guarded, so a
// request without one is a wiring bug, not the caller's fault: PrincipalOf
// then logs the route (when log is not nil), answers 500, and ok is false;
// the handler just returns.
func PrincipalOf(w http.ResponseWriter, r *http.Request, log *slog.Logger) (p Principal, ok bool) {
	p, ok = FromContext(r.Context())
	if !ok {
		if log != nil {
			log.ErrorContext(r.Context(), "unguarded route", "route", r.Pattern)
		}
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusInternalServerError, Title: "Erreur interne"})
	}
	return p, ok
}
