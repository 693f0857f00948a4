// Package httpapi is difficulty-alert's HTTP port: the prevention cases an
// advisor may read, and the audit log of those reads for managers, as JSON
// for bearers of a valid token (401 otherwise, from pkg/auth):
//
//	GET /api/v1/difficulty-cases?before=&limit=   the cases the caller may read, newest first
//	GET /api/v1/difficulty-cases/{id}             one case, with its lifecycle and actions
//	POST /api/v1/difficulty-cases/{id}/take-in-charge, …/actions, …/close, …/hand-back
//	                                              take it in charge, record an action, close it, hand it back
//	GET /api/v1/audit-log?resource_id=&advisor_id=&since=&until=&after=&limit=
//	                                              who read which case when (managers, their chamber)
//	POST /api/v1/bodacc-imports                   import a BODACC export (JSON or CSV), for the prevention cell
//	GET /api/v1/businesses/{siren}/signals        a business's signals and court state, for the prevention cell
//	GET /api/v1/businesses?level=&after=&limit=   the cell's list of businesses by level, with their trend
//	GET /api/v1/businesses/{siren}/score          a business's score, its contributions and explanation
//	GET /api/v1/business-views/{business_id}
//	                                              the same with its active signals, by the business's opaque number (no SIREN)
//	POST /oauth/token                             partner systems: client credentials grant (partner.go)
//	POST /api/v1/partner-signals                  partner systems: push signals with their own token
//
// Answers when the access rules say no: 403. A case id that names no case
// also gets 403, with the same body as a case the caller may not read, so
// that nobody learns whether a case they may not see exists; 404 is kept
// for ids that cannot name a case at all (not a UUID), which reveals
// nothing. Every case sent (listed or read) is in the audit log before the
// response is written; if the log cannot be written, the answer is 503 and
// no case is sent.
package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/ccicma/platform/pkg/audit"
	"github.com/ccicma/platform/pkg/auth"
	"github.com/ccicma/platform/pkg/httpserver"

	"github.com/ccicma/platform/services/difficulty-alert/internal/app"
	"github.com/ccicma/platform/services/difficulty-alert/internal/domain/prevention"
)

// Cases reads cases under the access rules, auditing each read
// (app.ReadCases).
type Cases interface {
	Get(ctx context.Context, p auth.Principal, id string) (prevention.Case, error)
	// GetView is Get with the case's business (score and active signals).
	GetView(ctx context.Context, p auth.Principal, id string) (app.CaseView, error)
	List(ctx context.Context, p auth.Principal, before string, limit int) ([]prevention.Case, error)
}

// AuditLog answers managers' queries of the audit log (app.QueryAudit).
type AuditLog interface {
	Query(ctx context.Context, p auth.Principal, f audit.Filter) ([]audit.Entry, error)
}

// Routes serves the API.
type Routes struct {
	Cases   Cases
	Audit   AuditLog
	Imports BodaccImports
	Signals BusinessSignals
	Scores  BusinessScores
	// Act changes cases: taking in charge, actions, closing.
	Act Lifecycle
	// Partners is the partners' API (partner.go).
	Partners Partners
	// ImportLimit bounds an import's body (MaxImportBytes when zero).
	ImportLimit int64
	Auth        auth.Guard
	Log         *slog.Logger
}

// Page sizes.
const (
	defaultCaseLimit = 50
	maxCaseLimit     = 100
)

// Handler returns the mux.
func (rt Routes) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", httpserver.Document(openAPIDoc))
	mux.Handle("GET /api/v1/difficulty-cases", rt.Auth.Require(http.HandlerFunc(rt.list)))
	mux.Handle("GET /api/v1/difficulty-cases/{id}", rt.Auth.Require(http.HandlerFunc(rt.get)))
	mux.Handle("POST /api/v1/difficulty-cases/{id}/take-in-charge", rt.Auth.Require(http.HandlerFunc(rt.takeInCharge)))
	mux.Handle("POST /api/v1/difficulty-cases/{id}/actions", rt.Auth.Require(http.HandlerFunc(rt.recordAction)))
	mux.Handle("POST /api/v1/difficulty-cases/{id}/close", rt.Auth.Require(http.HandlerFunc(rt.closeCase)))
	mux.Handle("POST /api/v1/difficulty-cases/{id}/hand-back", rt.Auth.Require(http.HandlerFunc(rt.handBack)))
	mux.Handle("GET /api/v1/audit-log", rt.Auth.Require(http.HandlerFunc(rt.auditLog)))
	mux.Handle("POST /api/v1/bodacc-imports", rt.Auth.Require(http.HandlerFunc(rt.importBodacc)))
	mux.Handle("GET /api/v1/businesses/{siren}/signals", rt.Auth.Require(http.HandlerFunc(rt.businessSignals)))
	mux.Handle("GET /api/v1/businesses", rt.Auth.Require(http.HandlerFunc(rt.listBusinesses)))
	mux.Handle("GET /api/v1/businesses/{siren}/score", rt.Auth.Require(http.HandlerFunc(rt.businessScore)))
	mux.Handle("GET /api/v1/business-views/{business_id}", rt.Auth.Require(http.HandlerFunc(rt.businessByNumber)))
	// The partners' routes have their own credentials, never advisors'.
	mux.HandleFunc("POST /oauth/token", rt.token)
	mux.HandleFunc("POST /api/v1/partner-signals", rt.partnerSignals)
	return mux
}

const forbiddenAudit = "Le journal des consultations n'est ouvert qu'aux responsables, pour leur chambre."

const forbiddenCase = "Ce dossier n'existe pas ou vous n'y avez pas accès : un dossier de difficulté n'est lu que par " +
	"les conseillers qui en sont chargés et par la cellule de prévention des chambres concernées."

// fail answers an error of a use case.
// forbidden says why, in French, for a 403.
func (rt Routes) fail(w http.ResponseWriter, r *http.Request, p auth.Principal, err error, forbidden string) {
	switch {
	case errors.Is(err, app.ErrForbidden):
		// Who was refused what is worth a line for ops; ids only.
		rt.Log.InfoContext(r.Context(), "access refused", "route", r.Pattern, "advisor_id", p.Subject)
		auth.Forbid(w, r, forbidden)
	case errors.Is(err, app.ErrNotAudited):
		rt.Log.ErrorContext(r.Context(), "read refused: audit log unavailable", "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible",
			Detail: "La consultation n'a pas pu être enregistrée au journal ; réessayez plus tard."})
	default:
		rt.Log.ErrorContext(r.Context(), "difficulty-alert request", "route", r.Pattern, "err", err)
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusServiceUnavailable, Title: "Service momentanément indisponible"})
	}
}

func (rt Routes) get(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	id := r.PathValue("id")
	if _, err := uuid.Parse(id); err != nil {
		httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusNotFound, Title: "Dossier inconnu",
			Detail: "L'identifiant d'un dossier est un UUID."})
		return
	}
	v, err := rt.Cases.GetView(r.Context(), p, id)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenCase)
		return
	}
	out := caseViewJSON{caseJSON: caseJSONOf(v.Case)}
	if v.Business != nil {
		b := businessViewJSONOf(*v.Business)
		out.Business = &b
	}
	writeConfidential(w, out)
}

func (rt Routes) list(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	q := r.URL.Query()
	var errs []httpserver.FieldError
	before := q.Get("before")
	if before != "" {
		if _, err := uuid.Parse(before); err != nil {
			errs = append(errs, httpserver.FieldError{Field: "before", Code: "invalid", Message: "Identifiant de dossier (UUID) attendu."})
		}
	}
	limit, fe := intParam(q.Get("limit"), "limit", defaultCaseLimit, 1, maxCaseLimit)
	errs = append(errs, fe...)
	if len(errs) > 0 {
		badRequest(w, r, errs)
		return
	}
	cs, err := rt.Cases.List(r.Context(), p, before, limit)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenCase)
		return
	}
	out := caseList{Cases: make([]caseJSON, len(cs))}
	for i, c := range cs {
		out.Cases[i] = caseJSONOf(c)
	}
	if len(cs) == limit {
		out.NextBefore = cs[len(cs)-1].ID
	}
	writeConfidential(w, out)
}

func (rt Routes) auditLog(w http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalOf(w, r, rt.Log)
	if !ok {
		return
	}
	f, errs := audit.QueryParams(r.URL.Query())
	if len(errs) > 0 {
		badRequest(w, r, errs)
		return
	}
	es, err := rt.Audit.Query(r.Context(), p, f)
	if err != nil {
		rt.fail(w, r, p, err, forbiddenAudit)
		return
	}
	writeConfidential(w, audit.NewPage(es, f.Limit))
}

// intParam reads an optional integer parameter within [lo, hi].
func intParam(v, field string, def, lo, hi int) (int, []httpserver.FieldError) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return def, []httpserver.FieldError{{Field: field, Code: "invalid", Message: "Entier entre " + strconv.Itoa(lo) + " et " + strconv.Itoa(hi) + " attendu."}}
	}
	return n, nil
}

func badRequest(w http.ResponseWriter, r *http.Request, errs []httpserver.FieldError) {
	httpserver.WriteProblem(w, r, httpserver.Problem{Status: http.StatusBadRequest, Title: "Paramètres invalides", Errors: errs})
}

// writeConfidential sends a confidential document: no cache may keep it.
func writeConfidential(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpserver.WriteJSON(w, http.StatusOK, v)
}
