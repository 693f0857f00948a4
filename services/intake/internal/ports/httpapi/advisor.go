package httpapi

import (
	"context"
	"net/http"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/intake/internal/app"
)

// Advisor routes: a request with its applicant's contact details, and
// the log of those reads.
const (
	RequestPath  = "/api/v1/requests"
	AuditLogPath = "/api/v1/audit-log"
)

// RequestReader lets an advisor read a request (app.ReadRequest).
type RequestReader interface {
	Get(ctx context.Context, reader auth.Principal, requestID string) (app.AdvisorView, error)
}

// AuditReader lets a manager query the reads (app.ReadAuditLog).
type AuditReader interface {
	Query(ctx context.Context, reader auth.Principal, f audit.Filter) ([]audit.Entry, error)
}

// advisorRoutes are served when the port has a verifier and the use cases.
func (rt Routes) advisorRoutes() []route {
	if rt.Auth == nil || rt.Requests == nil || rt.AuditLog == nil {
		return nil
	}
	return []route{
		{"GET " + RequestPath + "/{id}", rt.Auth.Require(http.HandlerFunc(rt.readRequest)).ServeHTTP},
		{"GET " + AuditLogPath, rt.Auth.Require(http.HandlerFunc(rt.readAuditLog)).ServeHTTP},
	}
}

func (rt Routes) readRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	v, err := rt.Requests.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		rt.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, http.StatusOK, v)
}

func (rt Routes) readAuditLog(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	f, errs := audit.QueryParams(r.URL.Query())
	if len(errs) > 0 {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs})
		return
	}
	es, err := rt.AuditLog.Query(r.Context(), p, f)
	if err != nil {
		rt.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, http.StatusOK, audit.NewPage(es, f.Limit))
}
